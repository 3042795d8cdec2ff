#pragma once
// A programme's calendar: its sessions numbered 1..N with local and UTC times, and the
// dates it skipped with the reason.

#include "engine/holidays/closure_calendar.hpp"
#include "engine/programme/programme.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

enum class SessionStatus { planned, moved, cancelled };
std::string_view name_of(SessionStatus status);

// Where the programme file puts a session, before a lead moved it.
struct PlannedSlot {
    Date date;
    TimeRange time;
    std::string location;
};

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
    // A calendar of a stored programme (with the lead's changes) sets these; one made
    // from a file leaves them as they are.
    int64_t stored_id = 0;  // the store's id: with the programme's, it names the session in ICS
    int version = 1;        // raised with every change (ICS SEQUENCE is version - 1)
    std::optional<PlannedSlot> planned;  // a moved session: where the file puts it

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

Calendar generate_calendar(const Programme& programme, const TimeZone& zone, const ClosureCalendar& closures);

}  // namespace ritme
