#include "engine/calendar/calendar.hpp"

namespace ritme {
namespace g = boost::gregorian;

std::string_view name_of(SessionStatus status) {
    switch (status) {
        case SessionStatus::planned: return "planned";
        case SessionStatus::moved: return "moved";
        case SessionStatus::cancelled: return "cancelled";
    }
    return "planned";
}

Calendar generate_calendar(const Programme& programme, const TimeZone& zone, const ClosureCalendar& closures) {
    Calendar calendar;
    calendar.first_day = programme.start;
    calendar.intended_sessions = programme.weeks * static_cast<int>(programme.slots.size());
    calendar.sessions.reserve(static_cast<size_t>(calendar.intended_sessions));

    const bool extend = programme.on_holiday == HolidayMode::extend;
    const Date window_end = calendar_window_end(programme);
    const auto slots = programme.slots_in_week_order();

    auto utc_of = [&](Date date, TimeOfDay time, bool& on_dst_change) {
        UtcConversion conversion = zone.to_utc({date, time}, session_time_policy);
        on_dst_change = on_dst_change || conversion.kind != LocalTimeKind::unique;
        return *conversion.instant;
    };

    bool done = false;
    for (Date monday = monday_of(programme.start); !done && monday <= window_end; monday += g::days(7)) {
        for (const Slot* slot : slots) {
            const Date date = monday + g::days(index_of(slot->day));
            if (date < programme.start) continue;
            if (date > window_end) {
                done = true;
                break;
            }
            if (const Closure* closure = closures.closure_on(date)) {
                calendar.skipped.push_back({date, slot->number, closure, closure->reason});
                continue;
            }
            Session session;
            session.number = static_cast<int>(calendar.sessions.size()) + 1;
            session.date = date;
            session.time = slot->time;
            session.slot = slot->number;
            session.location = slot->location;
            session.start_utc = utc_of(date, slot->time.start, session.on_dst_change);
            session.end_utc = utc_of(date, slot->time.end, session.on_dst_change);
            calendar.sessions.push_back(std::move(session));
            if (extend && static_cast<int>(calendar.sessions.size()) == calendar.intended_sessions) {
                done = true;
                break;
            }
        }
    }

    if (extend) {
        calendar.complete = static_cast<int>(calendar.sessions.size()) == calendar.intended_sessions;
        calendar.last_day = calendar.sessions.empty() ? programme.start : calendar.sessions.back().date;
        if (!calendar.complete) calendar.last_day = window_end;
    } else {
        calendar.last_day = window_end;
    }
    return calendar;
}

}  // namespace ritme
