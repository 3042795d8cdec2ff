// `ritme fit PROGRAMME-ID`: for every stored session of the programme, who of its
// participants cannot come and why, then how many sessions each can attend.

#include "engine/cli/commands.hpp"
#include "engine/fit/fit.hpp"
#include "engine/fit/fit_report.hpp"

#include <ostream>

namespace ritme {

namespace {
struct FitOptions {
    std::string programme;
    std::string format = "text";
};
}  // namespace

std::optional<Programme> stored_programme(const Store& store, const std::string& id, std::string_view verb,
                                          CliContext& context) {
    auto programme = store.programme(id);
    if (!programme)
        context.err << "ritme " << verb << ": no programme \"" << id
                    << "\" in the database; apply its file first with `ritme apply`\n";
    return programme;
}

SchoolDirectory stored_schools(const Store& store) {
    SchoolDirectory schools;
    for (const auto& id : store.school_ids()) schools.emplace(id, *store.school(id));
    return schools;
}

std::vector<Participant> enrolled_participants(const Store& store, const std::string& programme_id) {
    std::vector<Participant> participants;
    for (const auto& id : store.participants_of(programme_id)) participants.push_back(*store.participant(id));
    return participants;
}

void print_fit(const FitReport& report, const std::string& format, std::ostream& out) {
    if (format == "json")
        out << fit_report_json(report).dump(2) << "\n";
    else
        out << render_fit_text(report);
}

CommandAction add_fit_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("fit", "who of a programme's participants cannot come to which session, and why");
    auto options = std::make_shared<FitOptions>();
    command->add_option("PROGRAMME-ID", options->programme, "an applied programme")->required();
    command->add_option("--format", options->format, "output format")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();

    return [options, &common, &context]() {
        auto school_holidays = load_school_holidays(common, context);
        if (!school_holidays) return exit_failure;
        auto store = open_database(common, context);
        if (!store) return exit_failure;
        const auto programme = stored_programme(*store, options->programme, "fit", context);
        if (!programme) return exit_bad_input;
        std::vector<Session> sessions;
        for (const auto& stored : store->sessions(programme->id)) sessions.push_back(stored.as_session());
        const auto report = fit(*programme, sessions, enrolled_participants(*store, programme->id), *school_holidays,
                                stored_schools(*store));
        print_fit(report, options->format, context.out);
        return exit_ok;
    };
}

}  // namespace ritme
