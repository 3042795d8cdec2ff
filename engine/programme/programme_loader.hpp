#pragma once
// Reads a programme file (TOML) into a Programme, reporting every problem with
// file:line:col, the key and a hint. Unknown keys are errors.

#include "engine/base/diagnostic.hpp"
#include "engine/programme/programme.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// What did read correctly in a file with errors: enough to run the slot checks, so a lead
// sees every problem in one run. Not a programme to plan a calendar from.
struct PartialProgramme {
    Programme programme;            // only the complete slots; childcare only if [childcare] read without errors
    bool school_hours_read = true;  // false: [school_hours] had errors, so slots cannot be checked against it
};

struct ProgrammeLoad {
    LoadStatus status = LoadStatus::ok;
    std::optional<Programme> programme;       // set when status is ok
    std::optional<PartialProgramme> partial;  // set when status is invalid
    Diagnostics diagnostics;
};

ProgrammeLoad load_programme_file(const std::string& path);
// `source_name` is used in messages; relative `closed_ics` paths resolve against `base_dir`.
ProgrammeLoad load_programme_text(std::string_view toml_text, const std::string& source_name,
                                  const std::string& base_dir = ".");

}  // namespace ritme
