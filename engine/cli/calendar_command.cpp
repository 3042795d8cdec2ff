// `ritme calendar FILE|PROGRAMME-ID [--format text|json|ics|html] [-o OUT]`: the checked
// calendar of one programme: from a programme file, or as it is in the store, with the
// lead's moves and cancellations (an argument that is an existing path is a file). The
// calendar is written even when it has problems; the exit status is then 1.

#include "engine/base/atomic_file.hpp"
#include "engine/calendar/html_calendar.hpp"
#include "engine/calendar/ics_calendar.hpp"
#include "engine/calendar/json_calendar.hpp"
#include "engine/calendar/programme_calendar.hpp"
#include "engine/calendar/text_calendar.hpp"
#include "engine/changes/lookups.hpp"
#include "engine/changes/stored_calendar.hpp"
#include "engine/cli/commands.hpp"
#include "engine/programme/programme_loader.hpp"
#include "engine/time/local_time_text.hpp"

#include <filesystem>
#include <ostream>

namespace ritme {

namespace {

struct CalendarOptions {
    std::string file;
    std::string format = "text";
    std::string output;
    std::string today;
};

// A path that exists, or that reads as one (a .toml name, a directory part), is a file;
// anything else names a stored programme.
bool looks_like_file(const std::string& argument) {
    std::error_code error;
    if (std::filesystem::exists(argument, error)) return true;
    return argument.ends_with(".toml") || argument.find('/') != std::string::npos;
}

}  // namespace

CommandAction add_calendar_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("calendar", "the calendar of one programme, as text, JSON, iCalendar or HTML");
    auto options = std::make_shared<CalendarOptions>();
    command->add_option("FILE|PROGRAMME-ID", options->file,
                        "programme file (TOML), or the id of a stored programme: its calendar with the lead's changes")
        ->required();
    command->add_option("--format", options->format, "output format")
        ->check(CLI::IsMember({"text", "json", "ics", "html"}))
        ->capture_default_str();
    command->add_option("-o,--output", options->output, "write to this file instead of standard output");
    command->add_option("--today", options->today, "the date to mark as today in HTML (YYYY-MM-DD; default: today)");

    return [options, &common, &context]() {
        std::optional<Date> today;
        if (!options->today.empty()) {
            today = parse_local_date(options->today);
            if (!today) {
                context.err << "ritme calendar: --today " << options->today << " is not a date like 2026-03-05, from "
                            << supported_dates_text() << "\n";
                return exit_bad_input;
            }
        }
        std::optional<ProgrammeCalendar> plan;
        std::optional<SchoolHolidayTable> school_holidays;
        if (looks_like_file(options->file)) {
            ProgrammeLoad load = load_programme_file(options->file);
            print_diagnostics(load.diagnostics, context.err);
            if (load.status != LoadStatus::ok) return exit_bad_input;
            if (!(school_holidays = load_school_holidays(common, context))) return exit_failure;
            plan = build_programme_calendar(std::move(*load.programme), *school_holidays);
        } else {
            const auto store = open_database(common, context);
            if (!store) return exit_failure;
            std::vector<ChangeError> errors;
            const auto programme = find_programme(*store, options->file, " in the database", errors);
            if (!programme) {
                for (const auto& e : errors)
                    context.err << "ritme calendar: " << options->file << " is no file, and "
                                << describe(e, [](std::string_view) -> std::optional<std::string> { return std::nullopt; }) << "\n";
                return exit_bad_input;
            }
            if (!(school_holidays = load_school_holidays(common, context))) return exit_failure;
            try {
                plan = stored_programme_calendar(*store, *programme, *school_holidays);
            } catch (const StoreError& e) {
                context.err << "ritme calendar: " << e.what() << "\n";
                return exit_failure;
            }
        }
        std::string rendered;
        const UtcInstant now = context.clock.now();
        if (options->format == "json") {
            rendered = calendar_json(*plan).dump(2) + "\n";
        } else if (options->format == "ics") {
            rendered = render_ics_calendar(*plan, now);
        } else if (options->format == "html") {
            rendered = render_html_calendar(*plan, today ? *today : plan->zone.to_local(now).date,
                                            language_from_environment());
        } else {
            rendered = render_text_calendar(*plan);
        }
        // Text and JSON on the terminal carry the problems themselves; otherwise report them here.
        if (options->format == "ics" || options->format == "html" || !options->output.empty())
            print_diagnostics(plan->problems, context.err);

        if (options->output.empty()) {
            context.out << rendered;
        } else if (const AtomicWrite written = write_file_atomically(options->output, rendered); !written.ok()) {
            context.err << "ritme calendar: " << written.problem << "\n";
            return written.outcome == AtomicWrite::Outcome::refused ? exit_bad_input : exit_failure;
        }
        return plan->problems.has_errors() ? exit_failure : exit_ok;
    };
}

}  // namespace ritme
