#pragma once
// One entry per kind of input ritme reads from people and their software: the input is
// handed to the real parser or loader the way the CLI hands it a file or an argument.
// A value or diagnostics are both fine results; what escapes an entry (an exception
// other than the loader's documented error, a crash, a sanitizer report) is a finding.
//
// The same entries run in two places: the doctest suite fuzz_corpus feeds them every
// file under tests/fuzz/KIND/, and with -DRITME_FUZZ=ON each is a libFuzzer target
// fuzz_KIND (scripts/fuzz).

#include <string_view>

namespace ritme::fuzz {

void fuzz_programme(std::string_view input);        // a programme file, then its calendar
void fuzz_school(std::string_view input);           // a school file
void fuzz_ics(std::string_view input);              // a school's .ics calendar of closed days
void fuzz_daemon_config(std::string_view input);    // ritme.toml
void fuzz_provider_preset(std::string_view input);  // an HTTP SMS provider preset, used by a channel
void fuzz_participant_csv(std::string_view input);  // `participant import FILE`
void fuzz_template(std::string_view input);         // a message template, loaded and rendered
void fuzz_cli_time(std::string_view input);         // --now, --at, --to, --until

}  // namespace ritme::fuzz
