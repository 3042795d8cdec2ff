// `ritme check FILE…`: every problem in each programme file, then one summary line per
// file. Exit 0 when clean, 1 when there are errors, 2 when a file cannot be read or parsed.

#include "engine/checks.hpp"
#include "engine/cli/commands.hpp"
#include "engine/programme_calendar.hpp"
#include "engine/programme_loader.hpp"
#include "engine/text.hpp"

#include <ostream>

namespace ritme {

namespace {

}  // namespace

CommandAction add_check_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("check", "check programme files: school hours, holidays, crèche, conflicts");
    auto files = std::make_shared<std::vector<std::string>>();
    auto with_participants = std::make_shared<bool>(false);
    command->add_option("FILE", *files, "programme files (TOML)")->required();
    command->add_flag("--participants", *with_participants,
                      "also fit each calendar around the participants enrolled in the stored programme of that id");

    return [files, with_participants, &common, &context]() {
        std::unique_ptr<SqliteStore> store;
        if (*with_participants && !(store = open_database(common, context))) return exit_failure;
        auto school_holidays = load_school_holidays(common, context);
        if (!school_holidays) return exit_failure;
        bool unreadable = false, errors = false;
        std::vector<std::string> summaries;
        for (const auto& file : *files) {
            ProgrammeLoad load = load_programme_file(file);
            if (load.status == LoadStatus::invalid) {
                // No calendar, but the slots that did read can still be checked, so every problem shows in one run.
                Diagnostics all = load.diagnostics;
                if (load.partial)
                    check_slots(load.partial->programme, all, load.partial->school_hours_read);
                all.sort_by_position();
                print_diagnostics(all, context.out);
                errors = true;
                summaries.push_back(file + ": " + counted(all.error_count(), "error", "errors") + ", " +
                                    counted(all.warning_count(), "warning", "warnings") + "; no calendar");
                continue;
            }
            print_diagnostics(load.diagnostics, context.out);
            if (load.status == LoadStatus::unreadable) {
                unreadable = true;
                summaries.push_back(file + ": cannot be read");
                continue;
            }
            ProgrammeCalendar plan = build_programme_calendar(std::move(*load.programme), *school_holidays);
            print_diagnostics(plan.problems, context.out);
            if (store) {
                // The file's calendar, perhaps not applied yet, against the people already enrolled.
                print_fit(fit(plan.programme, plan.calendar.sessions, enrolled_participants(*store, plan.programme.id),
                              *school_holidays, stored_schools(*store)),
                          "text", context.out);
            }
            Diagnostics all = load.diagnostics;
            all.append(plan.problems);
            errors = errors || all.has_errors();
            summaries.push_back(file + ": " + counted(all.error_count(), "error", "errors") + ", " +
                                counted(all.warning_count(), "warning", "warnings") + "; " +
                                std::to_string(plan.calendar.sessions.size()) + " of " +
                                std::to_string(plan.calendar.intended_sessions) + " sessions, " +
                                iso_date(plan.calendar.first_day) + " to " + iso_date(plan.calendar.last_day));
        }
        for (const auto& summary : summaries) context.out << summary << "\n";
        if (unreadable) return exit_bad_input;
        return errors ? exit_failure : exit_ok;
    };
}

}  // namespace ritme
