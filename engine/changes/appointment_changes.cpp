#include "engine/changes/appointment_changes.hpp"

#include "engine/base/text.hpp"
#include "engine/calendar/appointment_checks.hpp"
#include "engine/changes/lookups.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/time/time_of_day.hpp"

#include <algorithm>

namespace ritme {

namespace {

ChangeError bad(std::string field, std::string message, std::string hint = {}) {
    return {ChangeError::Kind::bad_input, std::move(field), std::move(message), std::move(hint)};
}

ChangeError no_such_appointment(int64_t id) {
    return bad({}, "no appointment " + std::to_string(id), "see `ritme appointment list`");
}

// The start in `zone`, if it is still to come; a warning when it falls in the hour the
// clocks change.
std::optional<UtcInstant> future_start(const TimeZone& zone, const LocalDateTime& local, UtcInstant now,
                                       std::vector<ChangeError>& errors, std::vector<std::string>& warnings) {
    const UtcConversion start = zone.to_utc(local, session_time_policy);
    if (!(now < *start.instant)) {
        errors.push_back(bad("start", local.iso() + " (" + zone.name() + ") is in the past", "choose a time to come"));
        return std::nullopt;
    }
    if (start.kind != LocalTimeKind::unique)
        warnings.push_back(local.iso() + " falls in the hour the clocks change; it is planned at " +
                           zone.to_local(*start.instant).time.str());
    return start.instant;
}

// Why the appointment may not suit her, by appointment_problems(): messages with their hints.
std::vector<std::string> appointment_warnings(const Store& store, const TimeZone& zone, const Participant& participant,
                                              const Appointment& appointment, const AppointmentChecks& checks) {
    const LocalDateTime start = zone.to_local(appointment.start_utc);
    AppointmentCheck check;
    check.participant = &participant;
    check.start = start;
    check.duration_minutes = appointment.duration_minutes;
    check.night = checks.night;

    std::vector<SessionTime> sessions;
    for (const auto& programme_id : store.programmes_of(participant.id))
        for (const auto& s : store.sessions(programme_id))
            if (s.status != SessionStatus::cancelled) {
                const LocalDateTime local = zone.to_local(s.start_utc);
                SessionTime time = SessionTime::on(s.number, local.date, s.time);
                time.label = Phrase::joined({programme_id, time.label}, "");
                time.time = TimeRange{local.time, TimeOfDay::from_minutes(std::min(
                                                      24 * 60, local.time.minutes() + s.time.length_minutes()))};
                sessions.push_back(std::move(time));
            }
    check.sessions = sessions;

    std::optional<Programme> programme;
    std::optional<ClosureCalendar> closures;
    if (!appointment.programme_id.empty()) programme = store.programme(appointment.programme_id);
    if (programme) {
        check.programme = &*programme;
        check.programme_start = TimeZone::load(programme->timezone).to_local(appointment.start_utc);
        if (checks.school_holidays) {
            closures.emplace(programme->closures, *checks.school_holidays, check.programme_start.date,
                             check.programme_start.date);
            check.closures = &*closures;
        }
    }

    std::vector<std::string> warnings;
    for (const WindowProblem& problem : appointment_problems(check))
        warnings.push_back(Phrase::joined({problem.message, problem.hint}, "; ").english());
    return warnings;
}

}  // namespace

std::string appointment_subject(const Appointment& appointment) { return "a" + std::to_string(appointment.id); }

ChangeResult<AppointmentAdded> add_appointment(Store& store, const TimeZone& zone, const AppointmentRequest& request,
                                               const AuditContext& audit, const AppointmentChecks& checks) {
    if (request.duration_minutes <= 0 || request.duration_minutes >= 24 * 60)
        return bad("duration", format_duration_minutes(request.duration_minutes) + " is not a duration under a day",
                   "write it like 45m, 1h or 1h30m");
    if (trim(request.where).empty())
        return bad("where", "{where} is empty", "give the address, as the participant needs it");
    std::vector<ChangeError> errors;
    AppointmentAdded added;
    const auto start = future_start(zone, request.start, audit.at, errors, added.warnings);
    if (!start) return errors;
    const auto participant = store.participant(request.participant_id);
    if (!participant) return no_such_participant(request.participant_id);
    const std::string& programme = request.programme_id;
    if (!programme.empty()) {
        const auto known = store.programme_ids();
        if (std::find(known.begin(), known.end(), programme) == known.end())
            return no_such_programme(store, programme, "programme");
        const auto enrolled = store.programmes_of(participant->id);
        if (std::find(enrolled.begin(), enrolled.end(), programme) == enrolled.end())
            return bad("programme", participant->id + " is not enrolled in " + programme,
                       "enrol them with `ritme participant edit " + participant->id + " --enrol " + programme +
                           "`, or leave {programme} out");
    }

    Appointment& appointment = added.appointment;
    appointment.participant_id = participant->id;
    appointment.programme_id = programme;
    appointment.start_utc = *start;
    appointment.duration_minutes = request.duration_minutes;
    appointment.where = std::string(trim(request.where));
    appointment.note = std::string(trim(request.note));
    for (auto& warning : appointment_warnings(store, zone, *participant, appointment, checks))
        added.warnings.push_back(std::move(warning));
    if (checks.strict && !added.warnings.empty()) {
        ChangeResult<AppointmentAdded> refused(refused_for_warnings(added.warnings.size()));
        refused.value.warnings = std::move(added.warnings);
        return refused;
    }
    store.write([&] {
        appointment.id = store.put_appointment(appointment);
        // Who and when, never where: the address and the note stay out of the audit trail.
        store.record(audit.entry("appointment.added", appointment_subject(appointment),
                                 appointment.participant_id + " " + zone.to_local(appointment.start_utc).iso() + " " +
                                     format_duration_minutes(appointment.duration_minutes) +
                                     (programme.empty() ? "" : " " + programme)));
    });
    return added;
}

ChangeResult<AppointmentChanged> move_appointment(Store& store, const TimeZone& zone, int64_t id, LocalDateTime to,
                                                  const AuditContext& audit, const AppointmentChecks& checks) {
    const auto before = store.appointment(id);
    if (!before) return no_such_appointment(id);
    std::vector<ChangeError> errors;
    AppointmentChanged moved;
    const auto start = future_start(zone, to, audit.at, errors, moved.warnings);
    if (!start) return errors;
    if (before->cancelled)
        return ChangeError{ChangeError::Kind::conflict, {},
                           "appointment " + std::to_string(before->id) + " is cancelled",
                           "add a new one with `ritme appointment add`"};
    moved.before = *before;
    moved.after = *before;
    if (*start == before->start_utc) return moved;

    Appointment& after = moved.after;
    after.start_utc = *start;
    after.version = before->version + 1;
    after.changed_at = audit.at;
    after.previous_start_utc = before->start_utc;
    if (const auto participant = store.participant(after.participant_id))
        for (auto& warning : appointment_warnings(store, zone, *participant, after, checks))
            moved.warnings.push_back(std::move(warning));
    if (checks.strict && !moved.warnings.empty()) {
        ChangeResult<AppointmentChanged> refused(refused_for_warnings(moved.warnings.size()));
        refused.value.before = *before;
        refused.value.warnings = std::move(moved.warnings);
        return refused;
    }
    store.write([&] {
        store.put_appointment(after);
        store.record(audit.entry("appointment.moved", appointment_subject(after),
                                 zone.to_local(before->start_utc).iso() + " -> " +
                                     zone.to_local(after.start_utc).iso()));
    });
    moved.changed = true;
    return moved;
}

ChangeResult<AppointmentChanged> cancel_appointment(Store& store, int64_t id, const AuditContext& audit) {
    const auto before = store.appointment(id);
    if (!before) return no_such_appointment(id);
    if (before->cancelled)
        return ChangeError{ChangeError::Kind::conflict, {},
                           "appointment " + std::to_string(before->id) + " is cancelled already", "nothing changed"};
    AppointmentChanged cancelled;
    cancelled.before = *before;
    Appointment& after = cancelled.after = *before;
    after.cancelled = true;
    after.version = before->version + 1;
    after.changed_at = audit.at;
    after.previous_start_utc = before->start_utc;
    store.write([&] {
        store.put_appointment(after);
        store.record(audit.entry("appointment.cancelled", appointment_subject(after), after.participant_id));
    });
    cancelled.changed = true;
    return cancelled;
}

}  // namespace ritme
