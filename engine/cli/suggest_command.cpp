// `ritme suggest PROGRAMME-ID [--step 15m] [--top 5]`: weekly slots that suit the
// enrolled participants best, ranked, and why the current slots rank where they do.

#include "engine/cli/commands.hpp"
#include "engine/fit/fit_report.hpp"
#include "engine/fit/suggest.hpp"

#include <ostream>

namespace ritme {

namespace {
struct SuggestOptions {
    std::string programme;
    std::string step = "15m";
    int top = 5;
    std::string format = "text";
};
}  // namespace

CommandAction add_suggest_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("suggest", "rank weekly slots by how many sessions the participants can attend");
    auto options = std::make_shared<SuggestOptions>();
    command->add_option("PROGRAMME-ID", options->programme, "an applied programme")->required();
    command->add_option("--step", options->step, "granularity of start times")->capture_default_str();
    command->add_option("--top", options->top, "how many suggestions")->check(CLI::Range(1, 100))->capture_default_str();
    command->add_option("--format", options->format, "output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();

    return [options, &common, &context]() {
        const auto step = parse_duration_minutes(options->step);
        if (!step || *step < 5 || *step > 240) {
            context.err << "ritme suggest: --step " << options->step << " is not a step from 5m to 4h, e.g. 15m\n";
            return exit_bad_input;
        }
        auto school_holidays = load_school_holidays(common, context);
        if (!school_holidays) return exit_failure;
        auto store = open_database(common, context);
        if (!store) return exit_failure;
        const auto programme = stored_programme(*store, options->programme, "suggest", context);
        if (!programme) return exit_bad_input;
        const auto suggestions = suggest(*programme, enrolled_participants(*store, programme->id), *school_holidays,
                                         stored_schools(*store), *step, options->top);
        if (options->format == "json")
            context.out << suggestions_json(suggestions).dump(2) << "\n";
        else
            context.out << render_suggestions_text(suggestions);
        return exit_ok;
    };
}

}  // namespace ritme
