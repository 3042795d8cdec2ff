#pragma once
// Reads a programme file (TOML) into a Programme, reporting every problem with
// file:line:col, the key and a hint. Unknown keys are errors.

#include "engine/diagnostic.hpp"
#include "engine/programme.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ritme {

enum class LoadStatus {
    ok,          // a programme, perhaps with warnings
    invalid,     // the TOML is well-formed but says something wrong: see the diagnostics
    unreadable,  // the file cannot be read, or is not TOML at all
};

struct ProgrammeLoad {
    LoadStatus status = LoadStatus::ok;
    std::optional<Programme> programme;  // set when status is ok
    Diagnostics diagnostics;
};

ProgrammeLoad load_programme_file(const std::string& path);
// `source_name` is used in messages; relative `closed_ics` paths resolve against `base_dir`.
ProgrammeLoad load_programme_text(std::string_view toml_text, const std::string& source_name,
                                  const std::string& base_dir = ".");

}  // namespace ritme
