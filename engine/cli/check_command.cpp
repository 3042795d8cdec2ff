// `ritme check FILE…`: every problem in each programme file, then one summary line per
// file. Exit 0 when clean, 1 when there are errors, 2 when a file cannot be read or parsed.
// Then, for each programme that loaded, what its messages cost as SMS in every language
// of the daemon config's templates (the shipped ones when there is no config), with a
// warning for each template over two segments; these never change the exit status.

#include "engine/base/text.hpp"
#include "engine/calendar/checks.hpp"
#include "engine/calendar/programme_calendar.hpp"
#include "engine/cli/commands.hpp"
#include "engine/message/template_preview.hpp"
#include "engine/programme/programme_loader.hpp"

#include <algorithm>
#include <ostream>

namespace ritme {

namespace {

// Marks a cell whose language has no template of that kind: the participant gets nl+en.
constexpr std::string_view fallback_mark = "*";

std::string cell_text(const TemplateCost& cost) {
    std::string cell = std::to_string(cost.length.segments) + " " + std::string(name_of(cost.length.encoding));
    if (cost.text_language != cost.language) cell += fallback_mark;
    return cell;
}

// "SMS per language" for one programme: a row per language, a column per template, each
// cell the segments and encoding; then a warning for every template over two segments.
void print_sms_preview(const MessageRenderer& renderer, const std::filesystem::path& templates,
                       const Programme& programme, std::ostream& out) {
    const std::vector<TemplateCost> costs = preview_templates(renderer, programme);
    const std::vector<std::string> kinds = template_names();
    const std::string language_heading = "language";

    size_t language_width = language_heading.size();
    std::vector<size_t> widths;
    for (const auto& kind : kinds) widths.push_back(kind.size());
    bool any_fallback = false;
    for (size_t i = 0; i < costs.size(); ++i) {
        language_width = std::max(language_width, costs[i].language.size());
        widths[i % kinds.size()] = std::max(widths[i % kinds.size()], cell_text(costs[i]).size());
        any_fallback = any_fallback || costs[i].text_language != costs[i].language;
    }
    auto print_row = [&](const std::string& first, auto&& cell_of) {
        std::string line = first + std::string(language_width - first.size(), ' ');
        for (size_t k = 0; k < kinds.size(); ++k) {
            const std::string cell = cell_of(k);
            line += "  " + cell + std::string(widths[k] - cell.size(), ' ');
        }
        line.erase(line.find_last_not_of(' ') + 1);
        out << line << "\n";
    };

    out << "SMS per language, " << programme.id << " (segments with a " << long_first_name.size()
        << "-letter first name and each language's longest date):\n";
    print_row(language_heading, [&](size_t k) { return kinds[k]; });
    for (size_t row = 0; row < costs.size(); row += kinds.size())
        print_row(costs[row].language, [&](size_t k) { return cell_text(costs[row + k]); });
    out << fallback_language << ": what a participant whose language has no templates gets\n";
    if (any_fallback)
        out << fallback_mark << ": no template of that kind in that language, so the " << fallback_language
            << " text\n";

    // A warning per template that is too long. The nl+en row is two templates that each
    // have their own row; `ritme simulate` warns about the nl+en messages people really get.
    for (const TemplateCost& cost : costs) {
        if (cost.text_language != cost.language || cost.language == fallback_language) continue;
        if (const auto warning = segment_warning(templates, cost.language, cost.kind, cost.length,
                                                 "with long facts for " + programme.id))
            out << warning->str() << "\n";
    }
}

// The SMS preview of every programme that loaded, with the templates the daemon would use.
void print_sms_previews(const std::vector<Programme>& programmes, const CommonOptions& common, CliContext& context) {
    if (programmes.empty()) return;
    const DaemonConfig config = load_config(common, context);
    Diagnostics problems;
    const auto renderer = MessageRenderer::load(config.templates, problems);
    print_diagnostics(problems, context.err);
    if (!renderer) {
        context.err << "ritme check: no SMS per language: the templates in " << config.templates.string()
                    << " do not load\n";
        return;
    }
    for (const Programme& programme : programmes)
        print_sms_preview(*renderer, config.templates, programme, context.out);
}

}  // namespace

CommandAction add_check_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand(
        "check", "check programme files: school hours, holidays, crèche, conflicts; what their SMS cost per language");
    auto files = std::make_shared<std::vector<std::string>>();
    auto with_participants = std::make_shared<bool>(false);
    command->add_option("FILE", *files, "programme files (TOML)")->required();
    command->add_flag("--participants", *with_participants,
                      "also fit each calendar around the participants enrolled in the stored programme of that id");

    return [files, with_participants, &common, &context]() {
        std::unique_ptr<Store> store;
        if (*with_participants && !(store = open_database(common, context))) return exit_failure;
        auto school_holidays = load_school_holidays(common, context);
        if (!school_holidays) return exit_failure;
        bool unreadable = false, errors = false;
        std::vector<std::string> summaries;
        std::vector<Programme> previewed;
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
            previewed.push_back(plan.programme);
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
        print_sms_previews(previewed, common, context);
        if (unreadable) return exit_bad_input;
        return errors ? exit_failure : exit_ok;
    };
}

}  // namespace ritme
