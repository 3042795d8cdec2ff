// `ritme appointment add|list|cancel|move`: individual appointments (afspraken), such as
// a company visit one participant travels to. Times are local to the daemon config's
// time zone. The address and the travel note are the participant's business: they are
// stored and shown to the lead, never written to the audit trail.

#include "engine/base/text.hpp"
#include "engine/calendar/calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/appointment_changes.hpp"
#include "engine/changes/lookups.hpp"
#include "engine/cli/commands.hpp"
#include "engine/time/local_time_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <ostream>

namespace ritme {

namespace {

constexpr const char* local_time_format = "YYYY-MM-DDTHH:MM, e.g. 2026-03-05T10:00";
constexpr const char* strict_help =
    "refuse, storing nothing, when there are warnings: her commitments, the night (quiet) hours, her sessions, "
    "and the programme's closed days, school hours and crèche";


bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}


std::string_view status_of(const Appointment& appointment) {
    if (appointment.cancelled) return "cancelled";
    return appointment.previous_start_utc ? "moved" : "planned";
}

class AppointmentCommands {
public:
    AppointmentCommands(const CommonOptions& common, CliContext& context) : common_(common), context_(context) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("appointment", "individual appointments: add, list, cancel, move");
        root_->require_subcommand(1);

        add_ = root_->add_subcommand("add", "add an appointment for one participant; prints its id");
        add_->add_option("--participant", participant_, "participant id")->required();
        add_->add_option("--at", at_, "start, local time: YYYY-MM-DDTHH:MM")->required();
        add_->add_option("--duration", duration_, "how long, e.g. 45m, 1h, 1h30m")->capture_default_str();
        add_->add_option("--where", where_, "the address, as the participant needs it")->required();
        add_->add_option("--note", note_, "a travel note, e.g. \"Take bus 4 to the stop Stadhuis\"");
        add_->add_option("--programme", programme_, "the programme it belongs to (its lead hears of failures)");
        add_->add_flag("--strict", strict_, strict_help);

        list_ = root_->add_subcommand("list", "appointments by start, cancelled ones included");
        list_->add_option("--participant", participant_, "only this participant's");
        list_->add_option("--format", format_, "output format")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();

        cancel_ = root_->add_subcommand("cancel", "cancel an appointment");
        cancel_->add_option("ID", id_, "appointment id, e.g. 7 (or a7)")->required();

        move_ = root_->add_subcommand("move", "move an appointment to another time; it keeps its duration");
        move_->add_option("ID", id_, "appointment id, e.g. 7 (or a7)")->required();
        move_->add_option("--to", at_, "new start, local time: YYYY-MM-DDTHH:MM")->required();
        move_->add_flag("--strict", strict_, strict_help);
    }

    int run() {
        verb_ = add_->parsed() ? "add" : list_->parsed() ? "list" : cancel_->parsed() ? "cancel" : "move";
        const DaemonConfig config = load_config(common_, context_);
        night_ = config.reminders.quiet_hours;
        try {
            zone_.emplace(TimeZone::load(config.timezone));
        } catch (const TimeZoneError& e) {
            error() << e.what() << "\n";
            return exit_failure;
        }
        store_ = open_database(common_, context_);
        if (!store_) return exit_failure;
        try {
            if (add_->parsed()) return add();
            if (list_->parsed()) return list();
            if (cancel_->parsed()) return cancel();
            if (move_->parsed()) return move();
        } catch (const StoreError& e) {
            error() << e.what() << "; nothing changed\n";
            return exit_failure;
        }
        return exit_bad_input;
    }

private:
    std::ostream& error() { return context_.err << "ritme appointment " << verb_ << ": "; }

    AuditContext audit() const { return {context_.clock.now(), current_actor(), "appointment " + verb_}; }

    // "Thu 2026-03-05 10:00-11:00", local to the config's zone.
    std::string when(const Appointment& appointment) const {
        const LocalDateTime start = zone_->to_local(appointment.start_utc);
        const LocalDateTime end =
            zone_->to_local({appointment.start_utc.utc + boost::posix_time::minutes(appointment.duration_minutes)});
        return day_and_date(start.date) + " " + start.time.str() + "-" + end.time.str();
    }

    // The local time `at_` gives, or a message saying how to write it.
    std::optional<LocalDateTime> local_time_option(const char* option) {
        const auto local = parse_local_date_and_time(at_);
        if (!local)
            error() << option << ": \"" << at_ << "\" is not a date and time; write it as " << local_time_format
                    << ", from " << supported_dates_text() << "\n";
        return local;
    }

    std::optional<Participant> find_participant(const std::string& id) {
        auto participant = store_->participant(id);
        if (!participant) print_error(no_such_participant(id), "");
        return participant;
    }

    // The appointment id `id_` gives: "7" or "a7".
    std::optional<int64_t> appointment_id() {
        const std::string_view text = trim(id_);
        const std::string_view digits = text.starts_with('a') ? text.substr(1) : text;
        int64_t id = 0;
        const auto [end, failure] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
        if (!all_digits(digits) || failure != std::errc() || end != digits.data() + digits.size() || id < 1) {
            error() << "\"" << id_ << "\" is not an appointment id; write its number, e.g. 7 (or a7)\n";
            return std::nullopt;
        }
        return id;
    }

    // A refused change as the CLI says it: `start_option` is the option that gave the start.
    void print_error(const ChangeError& e, std::string_view start_option) {
        error() << describe(e, [&](std::string_view field) -> std::optional<std::string> {
            if (field == "start") return std::string(start_option);
            if (field == "duration" || field == "where" || field == "programme" || field == "strict")
                return "--" + std::string(field);
            return std::nullopt;
        }) << "\n";
    }

    int refused(const std::vector<ChangeError>& errors, std::string_view start_option = "") {
        for (const auto& e : errors) print_error(e, start_option);
        return errors.front().kind == ChangeError::Kind::conflict ? exit_failure : exit_bad_input;
    }

    void print_warnings(const std::vector<std::string>& warnings) {
        for (const auto& warning : warnings) error() << "warning: " << warning << "\n";
    }

    // The checks of a new time; empty when the school-holiday data does not load (said already).
    std::optional<AppointmentChecks> checks() {
        school_holidays_ = load_school_holidays(common_, context_);
        if (!school_holidays_) return std::nullopt;
        return AppointmentChecks{&*school_holidays_, night_, strict_};
    }

    int add() {
        const auto duration = parse_duration_minutes(trim(duration_));
        if (!duration || *duration <= 0 || *duration >= 24 * 60) {
            error() << "--duration: \"" << duration_
                    << "\" is not a duration under a day; write it like 45m, 1h or 1h30m\n";
            return exit_bad_input;
        }
        const auto start = local_time_option("--at");
        if (!start) return exit_bad_input;
        const auto settings = checks();
        if (!settings) return exit_failure;
        const auto result = add_appointment(*store_, *zone_, {participant_, *start, *duration, where_, note_, programme_},
                                            audit(), *settings);
        print_warnings(result.value.warnings);
        if (!result.ok()) return refused(result.errors, "--at");
        const Appointment& appointment = result.value.appointment;
        context_.out << "appointment " << appointment.id << " for " << appointment.participant_id << " on "
                     << when(appointment) << "\n";
        return exit_ok;
    }

    int list() {
        std::vector<Appointment> appointments;
        if (!participant_.empty()) {
            if (!find_participant(participant_)) return exit_bad_input;
            appointments = store_->appointments(participant_);
        } else {
            for (const auto& p : store_->participants())
                for (auto& a : store_->appointments(p.id)) appointments.push_back(std::move(a));
        }
        std::stable_sort(appointments.begin(), appointments.end(),
                         [](const Appointment& a, const Appointment& b) { return a.start_utc < b.start_utc; });
        if (format_ == "json") {
            auto json = nlohmann::ordered_json::array();
            for (const auto& a : appointments) {
                const LocalDateTime start = zone_->to_local(a.start_utc);
                json.push_back({{"id", a.id},
                                {"participant", a.participant_id},
                                {"programme", a.programme_id},
                                {"date", iso_date(start.date)},
                                {"start", start.time.str()},
                                {"duration", format_duration_minutes(a.duration_minutes)},
                                {"start_utc", a.start_utc.iso()},
                                {"where", a.where},
                                {"note", a.note},
                                {"status", status_of(a)},
                                {"version", a.version}});
            }
            context_.out << json.dump(2) << "\n";
            return exit_ok;
        }
        for (const auto& a : appointments) {
            const std::string status(status_of(a));
            context_.out << a.id << "  " << when(a) << "  " << a.participant_id << "  " << status
                         << std::string(9 - std::min<size_t>(9, status.size()), ' ') << "  v" << a.version << "  "
                         << a.where << (a.programme_id.empty() ? "" : "  (" + a.programme_id + ")") << "\n";
        }
        context_.out << counted(static_cast<int>(appointments.size()), "appointment", "appointments") << "\n";
        return exit_ok;
    }

    int cancel() {
        const auto id = appointment_id();
        if (!id) return exit_bad_input;
        const auto result = cancel_appointment(*store_, *id, audit());
        if (!result.ok()) return refused(result.errors);
        const Appointment& after = result.value.after;
        context_.out << "appointment " << after.id << " for " << after.participant_id << " on " << when(after)
                     << ": cancelled\n";
        return exit_ok;
    }

    int move() {
        const auto id = appointment_id();
        if (!id) return exit_bad_input;
        const auto to = local_time_option("--to");
        if (!to) return exit_bad_input;
        const auto settings = checks();
        if (!settings) return exit_failure;
        const auto result = move_appointment(*store_, *zone_, *id, *to, audit(), *settings);
        if (!result.ok()) {
            print_warnings(result.value.warnings);
            return refused(result.errors, "--to");
        }
        const AppointmentChanged& moved = result.value;
        if (!moved.changed) {
            context_.out << "appointment " << moved.before.id << " is already on " << when(moved.before)
                         << "; nothing changed\n";
            return exit_ok;
        }
        print_warnings(moved.warnings);
        context_.out << "appointment " << moved.after.id << " for " << moved.after.participant_id << ": "
                     << when(moved.before) << " -> " << when(moved.after) << "\n";
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    std::unique_ptr<Store> store_;
    std::optional<TimeZone> zone_;  // the daemon config's
    QuietHours night_;              // the daemon config's quiet hours: the night for an appointment
    std::optional<SchoolHolidayTable> school_holidays_;

    CLI::App *root_ = nullptr, *add_ = nullptr, *list_ = nullptr, *cancel_ = nullptr, *move_ = nullptr;
    std::string verb_, participant_, at_, duration_ = "1h", where_, note_, programme_, id_, format_ = "text";
    bool strict_ = false;
};

}  // namespace

CommandAction add_appointment_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<AppointmentCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
