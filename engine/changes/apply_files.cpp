#include "engine/changes/apply_files.hpp"

#include "engine/base/input_file.hpp"
#include "engine/holidays/school_loader.hpp"
#include "engine/programme/programme_loader.hpp"

#include <algorithm>
#include <ostream>
#include <sstream>
#include <utility>

namespace ritme {

namespace {

// The file's text, or nothing with the problem in `problems`.
std::optional<std::string> read_text(const std::string& path, Diagnostics& problems) {
    std::error_code ignored;
    const InputText read = std::filesystem::is_regular_file(path, ignored)
                               ? read_input_file(path, input_limits::programme)
                               : InputText{InputProblem::cannot_open, {}, {}};
    if (read.problem == InputProblem::too_large)
        problems.error({path, 0, 0}, too_large_message(input_limits::programme), too_large_hint(input_limits::programme));
    else if (!read.ok())
        problems.error({path, 0, 0}, "cannot read the file", "check the path and permissions");
    if (!read.ok()) return std::nullopt;
    return std::move(read.text);
}

}  // namespace

LoadedDefinitions load_definitions(const std::vector<std::string>& files, const SchoolHolidayTable& school_holidays,
                                   UtcInstant now) {
    LoadedDefinitions loaded;
    for (const auto& file : files) {
        auto text = read_text(file, loaded.problems);
        if (!text) {
            loaded.unreadable = true;
            continue;
        }
        const auto parent = std::filesystem::path(file).parent_path().string();
        const std::string base_dir = parent.empty() ? "." : parent;
        if (is_school_file(*text)) {
            SchoolLoad load = load_school_text(*text, file, base_dir, now.utc.date());
            loaded.problems.append(load.diagnostics);
            if (load.status != LoadStatus::ok) loaded.unreadable = true;
            else loaded.definitions.emplace_back(std::move(*load.school));
            continue;
        }
        ProgrammeLoad load = load_programme_text(*text, file, base_dir);
        loaded.problems.append(load.diagnostics);
        if (load.status != LoadStatus::ok) {
            loaded.unreadable = true;
            continue;
        }
        ProgrammeCalendar plan = build_programme_calendar(std::move(*load.programme), school_holidays);
        loaded.problems.append(plan.problems);
        loaded.definitions.emplace_back(std::move(plan));
    }
    return loaded;
}

LoadedDefinitions load_each_good_definition(const std::vector<std::string>& files,
                                            const SchoolHolidayTable& school_holidays, UtcInstant now) {
    LoadedDefinitions good;
    for (const auto& file : files) {
        LoadedDefinitions one = load_definitions({file}, school_holidays, now);
        good.problems.append(one.problems);
        if (one.has_errors()) {
            good.problems.warning({file, 0, 0}, "skipped for the errors above: what was last applied from it stays",
                                  "fix the file; the daemon reads it again at SIGHUP");
            good.skipped.push_back(file);
            continue;
        }
        for (auto& definition : one.definitions) good.definitions.push_back(std::move(definition));
    }
    return good;
}

std::vector<std::string> toml_files_in(const std::filesystem::path& directory) {
    std::vector<std::string> files;
    std::error_code ignored;
    if (directory.empty() || !std::filesystem::is_directory(directory, ignored)) return files;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ignored))
        if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<AppliedDefinition> apply_definitions(Store& store, const LoadedDefinitions& loaded,
                                                 const AuditContext& context) {
    std::vector<AppliedDefinition> applied;
    for (const auto& definition : loaded.definitions)
        if (auto school = std::get_if<School>(&definition)) applied.push_back({apply_school(store, *school, context), 0});
    for (const auto& definition : loaded.definitions)
        if (auto plan = std::get_if<ProgrammeCalendar>(&definition))
            applied.push_back({apply_programme(store, *plan, context), plan->calendar.sessions.size()});
    return applied;
}

void print_applied(const AppliedDefinition& applied, std::ostream& out) {
    const ApplyResult& result = applied.result;
    if (result.created) {
        out << result.subject << ": new";
        if (applied.session_count) out << ", " << applied.session_count << " sessions";
        out << "\n";
        return;
    }
    // Sessions the lead moved or cancelled stay as they are; they are not changes.
    std::vector<const SessionChange*> changes, kept;
    for (const auto& change : result.changes)
        (change.kind == SessionChange::Kind::kept ? kept : changes).push_back(&change);
    if (!result.changed()) {
        out << result.subject << ": no changes\n";
    } else {
        out << result.subject << ": " << (result.definition_changed ? "definition updated, " : "") << changes.size()
            << (changes.size() == 1 ? " session change" : " session changes") << "\n";
        for (const auto* change : changes) out << "  " << describe(*change) << "\n";
    }
    for (const auto* change : kept) out << "  " << describe(*change) << "\n";
    if (result.renumbered)
        out << "  renumbered: " << result.renumbered
            << (result.renumbered == 1 ? " session got a new number\n" : " sessions got a new number\n");
}

}  // namespace ritme
