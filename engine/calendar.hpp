#pragma once
// A programme's calendar: its sessions numbered 1..N with local and UTC times, and the
// dates it skipped with the reason.

#include "engine/holidays/closure_calendar.hpp"
#include "engine/instant.hpp"
#include "engine/programme.hpp"
#include "engine/time_zone.hpp"

#include <string>
#include <vector>

namespace ritme {

enum class SessionStatus { planned, moved, cancelled };
std::string_view name_of(SessionStatus status);

struct Session {
    int number = 0;  // 1..N in date order
    Date date;
    TimeRange time;   // local wall time
    int slot = 0;     // Slot::number it comes from
    std::string location;  // Location key
    UtcInstant start_utc;
    UtcInstant end_utc;
    SessionStatus status = SessionStatus::planned;
    bool on_dst_change = false;  // a time fell in a DST gap or overlap; resolved by session_time_policy

    Weekday weekday() const { return weekday_of(date); }
};

struct SkippedDate {
    Date date;
    int slot = 0;
    const Closure* closure = nullptr;  // owned by the ClosureCalendar the calendar was made with
    std::string reason;
};

struct Calendar {
    std::vector<Session> sessions;
    std::vector<SkippedDate> skipped;
    Date first_day;  // the programme's start date
    Date last_day;   // skip: the last day of its last week; extend: the last session's date
    int intended_sessions = 0;  // slots × weeks
    bool complete = true;       // extend: false when the sessions did not fit in the window
};

// A session time on a DST change day: 02:30 in the spring gap means 03:30 summer time;
// 02:30 in the autumn overlap means the first 02:30. Sessions never start there in
// practice; the checks warn when one does.
inline constexpr LocalTimePolicy session_time_policy{GapPolicy::shift_forward, OverlapPolicy::earlier};

// Extend mode gives up after this many times the programme's weeks.
inline constexpr int extend_limit_factor = 3;

// The dates the closure calendar must cover for this programme.
Date calendar_window_end(const Programme& programme);

Calendar generate_calendar(const Programme& programme, const TimeZone& zone, const ClosureCalendar& closures);

}  // namespace ritme
