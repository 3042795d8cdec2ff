#include "engine/changes/stored_calendar.hpp"

#include "engine/calendar/session_window.hpp"
#include "engine/changes/lookups.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace ritme {

ProgrammeCalendar stored_programme_calendar(const Store& store, const Programme& programme,
                                            const SchoolHolidayTable& school_holidays) {
    ProgrammeCalendar plan = build_programme_calendar(programme, school_holidays);
    // Where the file puts each session: a session is an occurrence of a slot on its
    // planned date, whatever its number.
    std::map<std::pair<int, Date>, const Session*> from_file;
    for (const Session& session : plan.calendar.sessions) from_file[{session.slot, session.date}] = &session;

    const std::vector<StoredSession> stored = store.sessions(programme.id);
    std::vector<Session> sessions;
    std::vector<std::pair<int64_t, SessionTime>> held;  // by stored id, cancelled ones left out
    for (const StoredSession& s : stored) {
        Session session = s.as_session();
        const auto planned = from_file.find({s.slot, s.planned_date});
        if (planned != from_file.end()) {
            const Session& file = *planned->second;
            if (s.status == SessionStatus::moved &&
                (file.date != s.date || file.time != s.time || file.location != s.location))
                session.planned = PlannedSlot{file.date, file.time, file.location};
        }
        if (s.status != SessionStatus::cancelled) held.emplace_back(s.id, SessionTime::on(s.number, s.date, s.time));
        sessions.push_back(std::move(session));
    }

    // A lead's move is checked as `ritme session move` checked it; the file's checks cannot see it.
    const int children = children_in_care(store, programme.id);
    for (const StoredSession& s : stored) {
        if (!s.lead_override || s.status != SessionStatus::moved) continue;
        const ClosureCalendar closures(programme.closures, school_holidays, s.date, s.date);
        std::vector<SessionTime> others;
        for (const auto& [id, other] : held)
            if (id != s.id) others.push_back(other);
        for (const WindowProblem& problem :
             lead_session_problems(programme, closures, SessionTime::on(s.number, s.date, s.time, s.location), others,
                                   children))
            plan.problems.add(Severity::warning, programme.where, phrase("moved by the lead: {1}", {problem.message}),
                              problem.hint);
    }

    std::stable_sort(sessions.begin(), sessions.end(), [](const Session& a, const Session& b) {
        return a.date != b.date ? a.date < b.date : a.time.start < b.time.start;
    });
    plan.calendar.sessions = std::move(sessions);
    return plan;
}

}  // namespace ritme
