// `ritme appointment add|list|cancel|move`: individual appointments (afspraken), such as
// a company visit one participant travels to. Times are local to the daemon config's
// time zone. The address and the travel note are the participant's business: they are
// stored and shown to the lead, never written to the audit trail.

#include "engine/base/did_you_mean.hpp"
#include "engine/base/text.hpp"
#include "engine/calendar/calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/cli/commands.hpp"
#include "engine/time/local_time_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <ostream>

namespace ritme {

namespace {

constexpr const char* local_time_format = "YYYY-MM-DDTHH:MM, e.g. 2026-03-05T10:00";


bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}


std::string subject_of(const Appointment& appointment) { return "a" + std::to_string(appointment.id); }

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
    }

    int run() {
        verb_ = add_->parsed() ? "add" : list_->parsed() ? "list" : cancel_->parsed() ? "cancel" : "move";
        const DaemonConfig config = load_config(common_, context_);
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

    // The start `at_` gives, in the future, or a message saying why not.
    std::optional<UtcInstant> start_from_option(const char* option) {
        const auto local = parse_local_date_and_time(at_);
        if (!local) {
            error() << option << ": \"" << at_ << "\" is not a date and time; write it as " << local_time_format
                    << "\n";
            return std::nullopt;
        }
        const UtcConversion start = zone_->to_utc(*local, session_time_policy);
        if (!(context_.clock.now() < *start.instant)) {
            error() << option << ": " << local->iso() << " (" << zone_->name()
                    << ") is in the past; choose a time to come\n";
            return std::nullopt;
        }
        if (start.kind != LocalTimeKind::unique)
            warnings_.push_back(local->iso() + " falls in the hour the clocks change; it is planned at " +
                                zone_->to_local(*start.instant).time.str());
        return start.instant;
    }

    std::optional<Participant> find_participant(const std::string& id) {
        auto participant = store_->participant(id);
        if (!participant) error() << "no participant " << id << "; see `ritme participant list`\n";
        return participant;
    }

    // The appointment `id_` names: "7" or "a7".
    std::optional<Appointment> find_appointment() {
        const std::string_view text = trim(id_);
        const std::string_view digits = text.starts_with('a') ? text.substr(1) : text;
        int64_t id = 0;
        const auto [end, failure] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
        if (!all_digits(digits) || failure != std::errc() || end != digits.data() + digits.size() || id < 1) {
            error() << "\"" << id_ << "\" is not an appointment id; write its number, e.g. 7 (or a7)\n";
            return std::nullopt;
        }
        auto appointment = store_->appointment(id);
        if (!appointment) error() << "no appointment " << id << "; see `ritme appointment list`\n";
        return appointment;
    }

    void print_warnings() {
        for (const auto& warning : warnings_) error() << "warning: " << warning << "\n";
    }

    int add() {
        const auto duration = parse_duration_minutes(trim(duration_));
        if (!duration || *duration <= 0 || *duration >= 24 * 60) {
            error() << "--duration: \"" << duration_
                    << "\" is not a duration under a day; write it like 45m, 1h or 1h30m\n";
            return exit_bad_input;
        }
        if (trim(where_).empty()) {
            error() << "--where is empty; give the address, as the participant needs it\n";
            return exit_bad_input;
        }
        const auto start = start_from_option("--at");
        if (!start) return exit_bad_input;
        const auto participant = find_participant(participant_);
        if (!participant) return exit_bad_input;
        if (!programme_.empty()) {
            const auto known = store_->programme_ids();
            if (std::find(known.begin(), known.end(), programme_) == known.end()) {
                std::vector<std::string_view> candidates(known.begin(), known.end());
                const auto match = closest_match(programme_, candidates);
                error() << "--programme: no programme \"" << programme_ << "\""
                        << (match ? "; did you mean " + *match + "?" : "; apply its file first with `ritme apply`")
                        << "\n";
                return exit_bad_input;
            }
            const auto enrolled = store_->programmes_of(participant->id);
            if (std::find(enrolled.begin(), enrolled.end(), programme_) == enrolled.end()) {
                error() << "--programme: " << participant->id << " is not enrolled in " << programme_
                        << "; enrol them with `ritme participant edit " << participant->id << " --enrol " << programme_
                        << "`, or leave --programme out\n";
                return exit_bad_input;
            }
        }

        Appointment appointment;
        appointment.participant_id = participant->id;
        appointment.programme_id = programme_;
        appointment.start_utc = *start;
        appointment.duration_minutes = *duration;
        appointment.where = std::string(trim(where_));
        appointment.note = std::string(trim(note_));
        const AuditContext context = audit();
        store_->write([&] {
            appointment.id = store_->put_appointment(appointment);
            // Who and when, never where: the address and the note stay out of the audit trail.
            store_->record(context.entry("appointment.added", subject_of(appointment),
                                         appointment.participant_id + " " +
                                             zone_->to_local(appointment.start_utc).iso() + " " +
                                             format_duration_minutes(appointment.duration_minutes) +
                                             (programme_.empty() ? "" : " " + programme_)));
        });
        print_warnings();
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
        auto before = find_appointment();
        if (!before) return exit_bad_input;
        if (before->cancelled) {
            error() << "appointment " << before->id << " is cancelled already; nothing changed\n";
            return exit_failure;
        }
        const AuditContext context = audit();
        Appointment after = *before;
        after.cancelled = true;
        after.version = before->version + 1;
        after.changed_at = context.at;
        after.previous_start_utc = before->start_utc;
        store_->write([&] {
            store_->put_appointment(after);
            store_->record(context.entry("appointment.cancelled", subject_of(after), after.participant_id));
        });
        context_.out << "appointment " << after.id << " for " << after.participant_id << " on " << when(after)
                     << ": cancelled\n";
        return exit_ok;
    }

    int move() {
        auto before = find_appointment();
        if (!before) return exit_bad_input;
        const auto start = start_from_option("--to");
        if (!start) return exit_bad_input;
        if (before->cancelled) {
            error() << "appointment " << before->id << " is cancelled; add a new one with `ritme appointment add`\n";
            return exit_failure;
        }
        if (*start == before->start_utc) {
            context_.out << "appointment " << before->id << " is already on " << when(*before) << "; nothing changed\n";
            return exit_ok;
        }
        const AuditContext context = audit();
        Appointment after = *before;
        after.start_utc = *start;
        after.version = before->version + 1;
        after.changed_at = context.at;
        after.previous_start_utc = before->start_utc;
        store_->write([&] {
            store_->put_appointment(after);
            store_->record(context.entry("appointment.moved", subject_of(after),
                                         zone_->to_local(before->start_utc).iso() + " -> " +
                                             zone_->to_local(after.start_utc).iso()));
        });
        print_warnings();
        context_.out << "appointment " << after.id << " for " << after.participant_id << ": " << when(*before) << " -> "
                     << when(after) << "\n";
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    std::unique_ptr<SqliteStore> store_;
    std::optional<TimeZone> zone_;  // the daemon config's
    std::vector<std::string> warnings_;

    CLI::App *root_ = nullptr, *add_ = nullptr, *list_ = nullptr, *cancel_ = nullptr, *move_ = nullptr;
    std::string verb_, participant_, at_, duration_ = "1h", where_, note_, programme_, id_, format_ = "text";
};

}  // namespace

CommandAction add_appointment_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<AppointmentCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
