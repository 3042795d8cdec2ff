#pragma once
// Reading programme and school files for `ritme apply`, and for the daemon, which
// applies its programmes directory at start and on reload: every file is read and
// checked first, then all of them land in one transaction, or none does.

#include "engine/calendar/programme_calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/holidays/school.hpp"
#include "engine/holidays/school_holidays.hpp"

#include <filesystem>
#include <iosfwd>
#include <string>
#include <variant>
#include <vector>

namespace ritme {

using Definition = std::variant<School, ProgrammeCalendar>;

struct LoadedDefinitions {
    std::vector<Definition> definitions;
    Diagnostics problems;  // every file's, in the order given
    bool unreadable = false;  // a file could not be read or parsed (bad input, exit 2)
    std::vector<std::string> skipped;  // files left out for their errors (load_each_good_definition)
    bool has_errors() const { return unreadable || problems.has_errors(); }
};

// Reads each file as a school file or a programme file and builds a programme's
// calendar. `school_holidays` must outlive the result.
LoadedDefinitions load_definitions(const std::vector<std::string>& files, const SchoolHolidayTable& school_holidays,
                                   UtcInstant now);

// The daemon's way: each file on its own. A file with errors (its own, or in a school
// calendar it names) is left out, with its problems and a warning that it was
// skipped, so the store keeps what was last applied from it while every other file is
// applied. One programmes directory with one bad file still sends everyone else's
// reminders.
LoadedDefinitions load_each_good_definition(const std::vector<std::string>& files,
                                            const SchoolHolidayTable& school_holidays, UtcInstant now);

// Every *.toml directly in `directory`, sorted; none when it is empty or absent.
std::vector<std::string> toml_files_in(const std::filesystem::path& directory);

struct AppliedDefinition {
    ApplyResult result;
    size_t session_count = 0;  // 0 for a school
};

// Call inside Store::write. Schools first: programmes and participants may name them.
std::vector<AppliedDefinition> apply_definitions(Store& store, const LoadedDefinitions& loaded,
                                                 const AuditContext& context);

// "almere-vrouwen-2026: new, 36 sessions" and each session change on its own line.
void print_applied(const AppliedDefinition& applied, std::ostream& out);

}  // namespace ritme
