#include "engine/changes/session_changes.hpp"

#include "engine/base/did_you_mean.hpp"
#include "engine/base/text.hpp"
#include "engine/calendar/calendar.hpp"
#include "engine/calendar/programme_calendar.hpp"
#include "engine/calendar/session_window.hpp"
#include "engine/changes/lookups.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/time/local_time_text.hpp"
#include "engine/time/time_zone.hpp"

#include <algorithm>

namespace ritme {

namespace {

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

// Why the session, as moved, may not suit the programme's families, by the rule `ritme
// check` applies (session_window.hpp): a closed day, school hours, the crèche's days,
// hours, address and places, the programme's other sessions that day. The school hours
// in one line, as `session move` has said them from the start.
std::vector<Phrase> timing_warnings(const Store& store, const Programme& programme,
                                    const SchoolHolidayTable& school_holidays, const StoredSession& moved) {
    std::vector<Phrase> warnings;
    const ClosureCalendar closures(programme.closures, school_holidays, moved.date, moved.date);
    std::vector<SessionTime> others;
    for (const auto& s : store.sessions(programme.id))
        if (s.id != moved.id && s.status != SessionStatus::cancelled)
            others.push_back(SessionTime::on(s.number, s.date, s.time));
    const Phrase day = weekday_phrase(weekday_of(moved.date));
    bool school_hours_told = false;
    for (const WindowProblem& problem :
         lead_session_problems(programme, closures, SessionTime::on(moved.number, moved.date, moved.time, moved.location),
                               others, children_in_care(store, programme.id))) {
        if (problem.kind == WindowProblemKind::closed_day) {
            warnings.push_back(problem.message);
            continue;
        }
        if (!about_school_hours(problem.kind)) {
            warnings.push_back(Phrase::joined({problem.message, problem.hint}, "; "));
            continue;
        }
        if (school_hours_told) continue;
        school_hours_told = true;
        if (problem.kind == WindowProblemKind::no_school)
            warnings.push_back(phrase("there is no school on {1}, so the children are at home", {day}));
        else
            warnings.push_back(phrase("{1} is outside school hours on {2}: with {3} travel margin a session fits in {4}-{5}",
                                      {moved.time.str(), day,
                                       format_duration_minutes(programme.school_hours.travel_margin_minutes),
                                       problem.earliest_start.str(), problem.latest_end.str()}));
    }
    return warnings;
}

ChangeError conflict(std::string message, std::string hint = {}) {
    return {ChangeError::Kind::conflict, {}, std::move(message), std::move(hint)};
}

ChangeError bad(std::string field, std::string message, std::string hint = {}) {
    return {ChangeError::Kind::bad_input, std::move(field), std::move(message), std::move(hint)};
}

}  // namespace

std::string session_subject(const StoredSession& session) {
    return session.programme_id + "#" + std::to_string(session.number);
}

ChangeResult<FoundSession> find_session(const Store& store, const SessionRef& ref) {
    std::vector<ChangeError> errors;
    auto programme = find_programme(store, ref.programme, " in the database", errors);
    if (!programme) return errors;
    const auto sessions = store.sessions(programme->id);
    // A session an apply cancelled keeps the number it had, which a later session may
    // have now: the one the file still has is meant.
    const auto in_file = [](const StoredSession& s) { return s.status != SessionStatus::cancelled || s.lead_override; };
    auto found = std::find_if(sessions.begin(), sessions.end(),
                              [&](const StoredSession& s) { return s.number == ref.number && in_file(s); });
    if (found == sessions.end())
        found = std::find_if(sessions.begin(), sessions.end(),
                             [&](const StoredSession& s) { return s.number == ref.number; });
    if (found == sessions.end())
        return bad({}, programme->id + " has no session #" + std::to_string(ref.number),
                   (sessions.empty() ? std::string()
                                     : "its sessions are #" + std::to_string(sessions.front().number) + "-#" +
                                           std::to_string(sessions.back().number) + "; ") +
                       "see `ritme session list " + programme->id + "`");
    return FoundSession{std::move(*programme), *found};
}

ChangeResult<SessionChange> cancel_session(Store& store, const SessionRef& ref, std::string_view reason,
                                           const AuditContext& audit) {
    if (trim(reason).empty())
        return bad("reason", "{reason} is empty", "say why the session is cancelled, for the audit trail");
    auto found = find_session(store, ref);
    if (!found.ok()) return found.errors;
    const StoredSession& session = found.value.session;
    if (session.status == SessionStatus::cancelled)
        return conflict(session_subject(session) + " is cancelled already" +
                            (session.lead_override ? "" : " (the programme file no longer has it)"),
                        "nothing changed");
    SessionChange change{SessionChange::Kind::cancelled, session,
                         changed_by_lead(session, SessionStatus::cancelled, audit.at)};
    store.write([&] {
        store.put_session(change.after);
        store.record(audit.entry("session.cancelled", session_subject(session),
                                 describe(change) + "; reason: " + std::string(trim(reason))));
    });
    return change;
}

ChangeResult<SessionMoved> move_session(Store& store, const SchoolHolidayTable& school_holidays,
                                        const SessionMove& move, const AuditContext& audit) {
    auto found = find_session(store, move.session);
    if (!found.ok()) return found.errors;
    const Programme& programme = found.value.programme;
    const StoredSession& session = found.value.session;
    if (session.status == SessionStatus::cancelled)
        return conflict(session_subject(session) + " is cancelled",
                        "`ritme session restore " + session_subject(session) +
                            "` brings it back at the file's time, then move it");
    const std::string location = move.location.empty() ? session.location : move.location;
    if (!programme.find_location(location)) {
        std::vector<std::string_view> keys;
        for (const auto& l : programme.locations) keys.push_back(l.key);
        const auto match = closest_match(location, keys);
        return bad("location", programme.id + " has no location \"" + location + "\"",
                   match ? "did you mean " + *match + "?" : "its locations are " + join_alternatives(keys));
    }
    const int length = session.time.length_minutes();
    if (move.to.time.minutes() + length > 24 * 60)
        return bad("to",
                   "a session of " + format_duration_minutes(length) + " starting at " + move.to.time.str() +
                       " would end after midnight",
                   "choose an earlier start");
    const TimeRange time{move.to.time, TimeOfDay::from_minutes(move.to.time.minutes() + length)};
    const TimeZone zone = TimeZone::load(programme.timezone);
    const UtcConversion start = zone.to_utc({move.to.date, time.start}, session_time_policy);
    const UtcConversion end = zone.to_utc({move.to.date, time.end}, session_time_policy);
    if (!(audit.at < *start.instant))
        return bad("to", move.to.iso() + " (" + programme.timezone + ") is in the past", "choose a time to come");

    StoredSession after = changed_by_lead(session, SessionStatus::moved, audit.at);
    after.date = move.to.date;
    after.time = time;
    after.location = location;
    after.start_utc = *start.instant;
    after.end_utc = *end.instant;
    SessionMoved moved;
    if (after.same_time_and_place(session)) {
        moved.session = session;
        return moved;
    }

    moved.warnings = timing_warnings(store, programme, school_holidays, after);
    if (start.kind != LocalTimeKind::unique || end.kind != LocalTimeKind::unique)
        moved.warnings.push_back(phrase("the clocks change during this session; it is planned from {1} local time",
                                        {zone.to_local(after.start_utc).time.str()}));
    if (move.strict && !moved.warnings.empty()) {
        ChangeResult<SessionMoved> refused(refused_for_warnings(moved.warnings.size()));
        refused.value.session = session;
        refused.value.warnings = std::move(moved.warnings);
        return refused;
    }

    const SessionChange change{SessionChange::Kind::moved, session, after};
    store.write([&] {
        store.put_session(after);
        store.record(audit.entry("session.moved", session_subject(after), describe(change)));
    });
    moved.change = change;
    moved.session = after;
    return moved;
}

ChangeResult<SessionRestored> restore_session(Store& store, const SchoolHolidayTable& school_holidays,
                                              const SessionRef& ref, const AuditContext& audit) {
    auto found = find_session(store, ref);
    if (!found.ok()) return found.errors;
    const StoredSession& session = found.value.session;
    if (!session.lead_override)
        return conflict(session_subject(session) + " already follows the programme file", "nothing to restore");
    const ProgrammeCalendar plan = build_programme_calendar(found.value.programme, school_holidays);
    if (plan.problems.has_errors()) {
        ChangeResult<SessionRestored> refused(conflict(
            "the stored programme's calendar has errors now",
            "fix its file, apply it, then restore; nothing changed"));
        refused.value.calendar_problems = plan.problems;
        return refused;
    }
    StoredSession released = session;
    released.lead_override = false;
    ApplyResult result;
    store.write([&] {
        store.put_session(released);
        store.record(audit.entry("session.restored", session_subject(released),
                                 std::string("the lead's ") +
                                     (session.status == SessionStatus::cancelled ? "cancel" : "move") +
                                     " undone; follows the programme file again"));
        result = apply_programme(store, plan, audit);
    });
    SessionRestored restored;
    restored.session = session;
    // Other sessions still set by a lead come back as kept: only what changed is listed.
    for (auto& change : result.changes)
        if (change.kind != SessionChange::Kind::kept) restored.changes.push_back(std::move(change));
    restored.changed = std::any_of(restored.changes.begin(), restored.changes.end(),
                                   [&](const SessionChange& c) { return c.after.id == session.id; });
    return restored;
}

}  // namespace ritme
