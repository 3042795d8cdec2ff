// `ritme apply FILE…`: stores programme and school files in the database. All files
// land in one transaction: when any file has an error, nothing is written.

#include "engine/apply.hpp"
#include "engine/cli/commands.hpp"
#include "engine/programme_calendar.hpp"
#include "engine/programme_loader.hpp"
#include "engine/school_loader.hpp"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <variant>

namespace ritme {

namespace {

using Definition = std::variant<School, ProgrammeCalendar>;

std::optional<std::string> read_text(const std::string& path) {
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(path, ignored)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return in ? std::optional(text.str()) : std::nullopt;
}

void print_result(const ApplyResult& result, size_t session_count, std::ostream& out) {
    if (result.created) {
        out << result.subject << ": new";
        if (session_count) out << ", " << session_count << " sessions";
        out << "\n";
        return;
    }
    if (!result.changed()) {
        out << result.subject << ": no changes\n";
        return;
    }
    out << result.subject << ": " << (result.definition_changed ? "definition updated, " : "") << result.changes.size()
        << (result.changes.size() == 1 ? " session change" : " session changes") << "\n";
    for (const auto& change : result.changes) out << "  " << describe(change) << "\n";
}

}  // namespace

CommandAction add_apply_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("apply", "store programme and school files in the database; prints what changed");
    auto files = std::make_shared<std::vector<std::string>>();
    command->add_option("FILE", *files, "programme or school files (TOML)")->required();

    return [files, &common, &context]() {
        auto school_holidays = load_school_holidays(common, context);
        if (!school_holidays) return exit_failure;
        const UtcInstant now = context.clock.now();
        std::vector<Definition> definitions;
        int status = exit_ok;
        for (const auto& file : *files) {
            const auto text = read_text(file);
            if (!text) {
                context.err << file << ": error: cannot read the file; check the path and permissions\n";
                status = exit_bad_input;
                continue;
            }
            const auto base_dir = std::filesystem::path(file).parent_path().string();
            if (is_school_file(*text)) {
                SchoolLoad load = load_school_text(*text, file, base_dir.empty() ? "." : base_dir, now.utc.date());
                print_diagnostics(load.diagnostics, context.err);
                if (load.status != LoadStatus::ok) status = exit_bad_input;
                else definitions.emplace_back(std::move(*load.school));
                continue;
            }
            ProgrammeLoad load = load_programme_text(*text, file, base_dir.empty() ? "." : base_dir);
            print_diagnostics(load.diagnostics, context.err);
            if (load.status != LoadStatus::ok) {
                status = exit_bad_input;
                continue;
            }
            ProgrammeCalendar plan = build_programme_calendar(std::move(*load.programme), *school_holidays);
            print_diagnostics(plan.problems, context.err);
            if (plan.problems.has_errors()) status = std::max(status, exit_failure);
            definitions.emplace_back(std::move(plan));
        }
        if (status != exit_ok) {
            context.err << "ritme apply: nothing stored; fix the errors above and apply again\n";
            return status;
        }

        auto store = open_database(common, context);
        if (!store) return exit_failure;
        const AuditContext audit{now, current_actor(), "apply"};
        std::vector<std::pair<ApplyResult, size_t>> results;
        try {
            store->write([&] {
                // Schools first: participants and programmes may name them.
                for (const auto& definition : definitions)
                    if (auto school = std::get_if<School>(&definition))
                        results.emplace_back(apply_school(*store, *school, audit), 0);
                for (const auto& definition : definitions)
                    if (auto plan = std::get_if<ProgrammeCalendar>(&definition))
                        results.emplace_back(apply_programme(*store, *plan, audit), plan->calendar.sessions.size());
            });
        } catch (const StoreError& e) {
            context.err << "ritme apply: " << e.what() << "; nothing stored\n";
            return exit_failure;
        }
        for (const auto& [result, sessions] : results) print_result(result, sessions, context.out);
        return exit_ok;
    };
}

}  // namespace ritme
