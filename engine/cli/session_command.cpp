// `ritme session list|cancel|move|restore`: a lead's word on one session. A cancel or a
// move marks the session as set by the lead (lead_override), so applying the programme
// file again leaves it alone; `restore` gives the session back to the file.

#include "engine/base/did_you_mean.hpp"
#include "engine/base/text.hpp"
#include "engine/calendar/calendar.hpp"
#include "engine/calendar/programme_calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/cli/commands.hpp"
#include "engine/holidays/closure_calendar.hpp"
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


// PROGRAMME#N, as leads and the audit trail name a session.
struct SessionRef {
    std::string programme;
    int number = 0;
};

std::optional<SessionRef> parse_session_ref(std::string_view text, std::string& why) {
    const auto hash = text.find('#');
    if (hash == std::string_view::npos) {
        why = "\"" + std::string(text) + "\" names no session; write PROGRAMME#N, e.g. almere-vrouwen-2026#10";
        return std::nullopt;
    }
    const auto programme = text.substr(0, hash);
    const auto number = text.substr(hash + 1);
    if (programme.empty()) {
        why = "\"" + std::string(text) +
              "\" has no programme id before #; write PROGRAMME#N, e.g. almere-vrouwen-2026#10";
        return std::nullopt;
    }
    SessionRef ref{std::string(programme), 0};
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), ref.number);
    if (!all_digits(number) || error != std::errc() || end != number.data() + number.size() || ref.number < 1) {
        why = "\"" + std::string(number) + "\" after # is not a session number; write PROGRAMME#N, N from 1, e.g. " +
              std::string(programme) + "#10";
        return std::nullopt;
    }
    return ref;
}

std::string subject_of(const StoredSession& session) {
    return session.programme_id + "#" + std::to_string(session.number);
}

PreviousSlot slot_of(const StoredSession& session) {
    return {session.date, session.time, session.location, session.start_utc};
}

// The session's new version after a lead's change, remembering how it was.
StoredSession changed_by_lead(const StoredSession& before, SessionStatus status, UtcInstant now) {
    StoredSession after = before;
    after.status = status;
    after.version = before.version + 1;
    after.changed_at = now;
    after.previous = slot_of(before);
    after.lead_override = true;
    return after;
}

// Why a session at `time` on `date` would not suit the programme's families, short:
// a closed day, no school that day, or a time outside school hours with the travel margin.
std::vector<std::string> timing_warnings(const Programme& programme, const SchoolHolidayTable& school_holidays,
                                         Date date, const TimeRange& time) {
    std::vector<std::string> warnings;
    const ClosureCalendar closures(programme.closures, school_holidays, date, date);
    if (const Closure* closure = closures.closure_on(date))
        warnings.push_back(day_and_date(date) + " is closed for this programme: " +
                           (closure->reason.empty() ? "a closed day" : closure->reason));

    const Weekday day = weekday_of(date);
    const auto& window = programme.school_hours.window[index_of(day)];
    if (!window) {
        warnings.push_back("there is no school on " + std::string(name_of(day)) + ", so the children are at home");
        return warnings;
    }
    const int margin = programme.school_hours.travel_margin_minutes;
    const TimeOfDay earliest = TimeOfDay::from_minutes(window->start.minutes() + margin);
    const TimeOfDay latest = TimeOfDay::from_minutes(std::max(0, window->end.minutes() - margin));
    if (time.start < earliest || time.end > latest)
        warnings.push_back(time.str() + " is outside school hours on " + std::string(name_of(day)) + ": with " +
                           format_duration_minutes(margin) + " travel margin a session fits in " + earliest.str() +
                           "-" + latest.str());
    return warnings;
}

class SessionCommands {
public:
    SessionCommands(const CommonOptions& common, CliContext& context) : common_(common), context_(context) {}

    void add_to(CLI::App& app) {
        root_ = app.add_subcommand("session", "list, cancel, move or restore the sessions of a programme");
        root_->require_subcommand(1);

        list_ = root_->add_subcommand("list", "the stored sessions of a programme");
        list_->add_option("PROGRAMME-ID", programme_, "an applied programme")->required();
        list_->add_option("--format", format_, "output format")
            ->check(CLI::IsMember({"text", "json"}))
            ->capture_default_str();

        cancel_ = root_->add_subcommand("cancel", "cancel one session; applying the file again leaves it cancelled");
        cancel_->add_option("SESSION", ref_, "PROGRAMME#N, e.g. almere-vrouwen-2026#10")->required();
        cancel_->add_option("--reason", reason_, "why, for the audit trail (participants do not see it)")->required();

        move_ = root_->add_subcommand("move", "move one session; applying the file again leaves it where it is");
        move_->add_option("SESSION", ref_, "PROGRAMME#N, e.g. almere-vrouwen-2026#10")->required();
        move_->add_option("--to", to_, "new start, local time of the programme: YYYY-MM-DDTHH:MM")->required();
        move_->add_option("--location", location_, "a location key of the programme (default: where it was)");

        restore_ = root_->add_subcommand("restore", "undo a lead's cancel or move: the session follows the file again");
        restore_->add_option("SESSION", ref_, "PROGRAMME#N, e.g. almere-vrouwen-2026#10")->required();
    }

    int run() {
        verb_ = list_->parsed() ? "list" : cancel_->parsed() ? "cancel" : move_->parsed() ? "move" : "restore";
        store_ = open_database(common_, context_);
        if (!store_) return exit_failure;
        try {
            if (list_->parsed()) return list();
            if (cancel_->parsed()) return cancel();
            if (move_->parsed()) return move();
            if (restore_->parsed()) return restore();
        } catch (const StoreError& e) {
            error() << e.what() << "; nothing changed\n";
            return exit_failure;
        } catch (const TimeZoneError& e) {
            error() << e.what() << "; nothing changed\n";
            return exit_failure;
        }
        return exit_bad_input;
    }

private:
    std::ostream& error() { return context_.err << "ritme session " << verb_ << ": "; }

    AuditContext audit() const { return {context_.clock.now(), current_actor(), "session " + verb_}; }

    std::optional<Programme> find_programme(const std::string& id) {
        if (auto programme = store_->programme(id)) return programme;
        const auto known = store_->programme_ids();
        std::vector<std::string_view> candidates(known.begin(), known.end());
        const auto match = closest_match(id, candidates);
        error() << "no programme \"" << id << "\" in the database"
                << (match ? "; did you mean " + *match + "?" : "; apply its file first with `ritme apply`") << "\n";
        return std::nullopt;
    }

    // The programme and session `ref_` names, or a message saying what is wrong.
    bool find_session() {
        std::string why;
        const auto ref = parse_session_ref(ref_, why);
        if (!ref) {
            error() << why << "\n";
            return false;
        }
        auto programme = find_programme(ref->programme);
        if (!programme) return false;
        const auto sessions = store_->sessions(programme->id);
        const auto found = std::find_if(sessions.begin(), sessions.end(),
                                        [&](const StoredSession& s) { return s.number == ref->number; });
        if (found == sessions.end()) {
            error() << programme->id << " has no session #" << ref->number
                    << (sessions.empty() ? std::string()
                                         : "; its sessions are #" + std::to_string(sessions.front().number) + "-#" +
                                               std::to_string(sessions.back().number))
                    << "; see `ritme session list " << programme->id << "`\n";
            return false;
        }
        programme_definition_ = std::move(*programme);
        session_ = *found;
        return true;
    }

    int list() {
        auto programme = find_programme(programme_);
        if (!programme) return exit_bad_input;
        const auto sessions = store_->sessions(programme->id);
        if (format_ == "json") {
            auto json = nlohmann::ordered_json::array();
            for (const auto& s : sessions)
                json.push_back({{"number", s.number},
                                {"date", iso_date(s.date)},
                                {"weekday", name_of(weekday_of(s.date))},
                                {"start", s.time.start.str()},
                                {"end", s.time.end.str()},
                                {"start_utc", s.start_utc.iso()},
                                {"end_utc", s.end_utc.iso()},
                                {"location", s.location},
                                {"status", name_of(s.status)},
                                {"version", s.version},
                                {"lead_override", s.lead_override}});
            context_.out << json.dump(2) << "\n";
            return exit_ok;
        }
        const size_t width = sessions.empty() ? 1 : std::to_string(sessions.back().number).size();
        for (const auto& s : sessions) {
            const std::string number = std::to_string(s.number);
            const std::string status(name_of(s.status));
            context_.out << "#" << number << std::string(width - std::min(width, number.size()), ' ') << "  "
                         << day_and_date(s.date) << " " << s.time.str() << "  " << s.location << "  " << status
                         << std::string(9 - std::min<size_t>(9, status.size()), ' ') << "  v" << s.version
                         << (s.lead_override ? "  (set by lead)" : "") << "\n";
        }
        context_.out << programme->id << ": " << counted(static_cast<int>(sessions.size()), "session", "sessions")
                     << "\n";
        return exit_ok;
    }

    int cancel() {
        if (trim(reason_).empty()) {
            error() << "--reason is empty; say why the session is cancelled, for the audit trail\n";
            return exit_bad_input;
        }
        if (!find_session()) return exit_bad_input;
        if (session_.status == SessionStatus::cancelled) {
            error() << subject_of(session_) << " is cancelled already"
                    << (session_.lead_override ? "" : " (the programme file no longer has it)")
                    << "; nothing changed\n";
            return exit_failure;
        }
        const AuditContext context = audit();
        const SessionChange change{SessionChange::Kind::cancelled, session_,
                                   changed_by_lead(session_, SessionStatus::cancelled, context.at)};
        store_->write([&] {
            store_->put_session(change.after);
            store_->record(context.entry("session.cancelled", subject_of(session_),
                                         describe(change) + "; reason: " + std::string(trim(reason_))));
        });
        context_.out << session_.programme_id << ": " << describe(change) << " (set by lead)\n";
        return exit_ok;
    }

    int move() {
        const auto local = parse_local_date_and_time(to_);
        if (!local) {
            error() << "--to: \"" << to_ << "\" is not a date and time; write it as " << local_time_format << "\n";
            return exit_bad_input;
        }
        if (!find_session()) return exit_bad_input;
        const Programme& programme = programme_definition_;
        if (session_.status == SessionStatus::cancelled) {
            error() << subject_of(session_) << " is cancelled; `ritme session restore " << subject_of(session_)
                    << "` brings it back at the file's time, then move it\n";
            return exit_failure;
        }
        const std::string location = location_.empty() ? session_.location : location_;
        if (!programme.find_location(location)) {
            std::vector<std::string_view> keys;
            for (const auto& l : programme.locations) keys.push_back(l.key);
            const auto match = closest_match(location, keys);
            error() << "--location: " << programme.id << " has no location \"" << location << "\"; "
                    << (match ? "did you mean " + *match + "?" : "its locations are " + join_alternatives(keys))
                    << "\n";
            return exit_bad_input;
        }
        const int length = session_.time.length_minutes();
        if (local->time.minutes() + length > 24 * 60) {
            error() << "--to: a session of " << format_duration_minutes(length) << " starting at " << local->time.str()
                    << " would end after midnight; choose an earlier start\n";
            return exit_bad_input;
        }
        const TimeRange time{local->time, TimeOfDay::from_minutes(local->time.minutes() + length)};
        const TimeZone zone = TimeZone::load(programme.timezone);
        const UtcConversion start = zone.to_utc({local->date, time.start}, session_time_policy);
        const UtcConversion end = zone.to_utc({local->date, time.end}, session_time_policy);
        const AuditContext context = audit();
        if (!(context.at < *start.instant)) {
            error() << "--to: " << local->iso() << " (" << programme.timezone
                    << ") is in the past; choose a time to come\n";
            return exit_bad_input;
        }

        StoredSession after = changed_by_lead(session_, SessionStatus::moved, context.at);
        after.date = local->date;
        after.time = time;
        after.location = location;
        after.start_utc = *start.instant;
        after.end_utc = *end.instant;
        if (after.same_time_and_place(session_)) {
            context_.out << subject_of(session_) << " is already at " << day_and_date(session_.date) << " "
                         << session_.time.str() << " at " << session_.location << "; nothing changed\n";
            return exit_ok;
        }

        auto school_holidays = load_school_holidays(common_, context_);
        if (!school_holidays) return exit_failure;
        auto warnings = timing_warnings(programme, *school_holidays, after.date, after.time);
        if (start.kind != LocalTimeKind::unique || end.kind != LocalTimeKind::unique)
            warnings.push_back("the clocks change during this session; it is planned from " +
                               zone.to_local(after.start_utc).time.str() + " local time");

        const SessionChange change{SessionChange::Kind::moved, session_, after};
        store_->write([&] {
            store_->put_session(after);
            store_->record(context.entry("session.moved", subject_of(after), describe(change)));
        });
        for (const auto& warning : warnings) error() << "warning: " << warning << "\n";
        context_.out << after.programme_id << ": " << describe(change) << " (set by lead)\n";
        return exit_ok;
    }

    int restore() {
        if (!find_session()) return exit_bad_input;
        if (!session_.lead_override) {
            error() << subject_of(session_) << " already follows the programme file; nothing to restore\n";
            return exit_failure;
        }
        auto school_holidays = load_school_holidays(common_, context_);
        if (!school_holidays) return exit_failure;
        const ProgrammeCalendar plan = build_programme_calendar(programme_definition_, *school_holidays);
        if (plan.problems.has_errors()) {
            print_diagnostics(plan.problems, context_.err);
            error() << "the stored programme's calendar has errors now; fix its file, apply it, then restore; "
                       "nothing changed\n";
            return exit_failure;
        }
        const AuditContext context = audit();
        StoredSession released = session_;
        released.lead_override = false;
        ApplyResult result;
        store_->write([&] {
            store_->put_session(released);
            store_->record(context.entry("session.restored", subject_of(released),
                                         std::string("the lead's ") +
                                             (session_.status == SessionStatus::cancelled ? "cancel" : "move") +
                                             " undone; follows the programme file again"));
            result = apply_programme(*store_, plan, context);
        });
        // Other sessions still set by a lead come back as kept: only what changed is listed.
        std::vector<const SessionChange*> changes;
        for (const auto& change : result.changes)
            if (change.kind != SessionChange::Kind::kept) changes.push_back(&change);
        const bool changed = std::any_of(changes.begin(), changes.end(),
                                         [&](const SessionChange* c) { return c->after.number == session_.number; });
        context_.out << subject_of(session_) << ": follows the programme file again"
                     << (changed ? "" : "; it is at the file's time already") << "\n";
        for (const auto* change : changes) context_.out << "  " << describe(*change) << "\n";
        return exit_ok;
    }

    const CommonOptions& common_;
    CliContext& context_;
    std::unique_ptr<SqliteStore> store_;

    CLI::App *root_ = nullptr, *list_ = nullptr, *cancel_ = nullptr, *move_ = nullptr, *restore_ = nullptr;
    std::string verb_, programme_, ref_, reason_, to_, location_, format_ = "text";
    Programme programme_definition_;
    StoredSession session_;
};

}  // namespace

CommandAction add_session_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto commands = std::make_shared<SessionCommands>(common, context);
    commands->add_to(app);
    return [commands] { return commands->run(); };
}

}  // namespace ritme
