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
void fuzz_answer_words(std::string_view input);     // a language's answers.toml, then texts read by it
// The bytes a client sends to the daemon's HTTP interface: parsed as the server parses
// them, then answered by the daemon's routes (receipts and inbound texts for Kannel and
// every shipped provider preset, the lead's sign-in, pages and form posts, feeds, health
// and metrics). Placeholders let an input carry what it cannot guess: @TOKEN@ (the
// channels' callback token), @SESSION@ (a signed-in lead's cookie), @CSRF@ (her forms'
// token), @LINK@ (an unused sign-in link's token), @SESSION_ID@ (the first session's id),
// @PARTICIPANT@ (an enrolled participant's id), @LENGTH@ (the number of bytes after the
// header's end, for a Content-Length); a header X-Twilio-Signature or
// MessageBird-Signature-JWT with the value @SIGN@ gets the proof for the request as parsed.
void fuzz_http_request(std::string_view input);

}  // namespace ritme::fuzz
