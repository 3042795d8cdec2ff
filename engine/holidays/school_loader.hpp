#pragma once
// Reads a school file: a [school] table with the school's region and its own closed
// days, typed in or from its .ics calendar. Participants name the school as the
// calendar their children follow.
//
//   [school]
//   id = "de-regenboog"
//   name = "Basisschool De Regenboog"
//   region = "zuid"
//   closed_ics = "studiedagen-de-regenboog.ics"

#include "engine/base/diagnostic.hpp"
#include "engine/holidays/school.hpp"

#include <optional>
#include <string>

namespace ritme {

struct SchoolLoad {
    LoadStatus status = LoadStatus::ok;
    std::optional<School> school;
    Diagnostics diagnostics;
};

// Recurring events in the school's .ics are expanded for ten years from `today`.
SchoolLoad load_school_text(std::string_view toml_text, const std::string& source_name, const std::string& base_dir,
                            Date today);

// Whether TOML text is a school file (a [school] table) rather than a programme file.
bool is_school_file(std::string_view toml_text);

}  // namespace ritme
