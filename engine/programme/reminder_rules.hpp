#pragma once
// When reminders go: offsets before a session or appointment, quiet hours, and the
// minimum notice below which a message is of no use. Written by operators in the daemon
// config and by leads in a programme's [reminders] table.

#include "engine/time/instant.hpp"
#include "engine/time/time_of_day.hpp"
#include "engine/time/time_zone.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// "1d@18:00": the day before at 18:00 local time; "2h", "30m", "1h30m": that long
// before the start; "1d", "2d": the same local time that many days before.
struct ReminderOffset {
    int days = 0;                 // calendar days before the start's local date
    std::optional<TimeOfDay> at;  // with days: the local time on that day
    int minutes = 0;              // without `at`: minutes before the start (after the days)

    // Refuses what it cannot read and says why in `why` ("expected a number before d").
    static std::optional<ReminderOffset> parse(std::string_view text, std::string& why);
    std::string str() const;  // canonical: "1d@18:00", "2h", "1d", "1h30m"

    // The instant the reminder is due for something starting at `start`. Local times on
    // a DST change day follow session_time_policy.
    UtcInstant due_for(UtcInstant start, const TimeZone& zone) const;

    bool operator==(const ReminderOffset&) const = default;
};

// A daily span of local time in which no SMS goes out, e.g. 21:00-08:00 (it may wrap
// past midnight). Empty when start == end.
struct QuietHours {
    TimeOfDay start = TimeOfDay::hm(21, 0);
    TimeOfDay end = TimeOfDay::hm(8, 0);

    // Accepts "21:00-08:00"; "" or "none" for no quiet hours.
    static std::optional<QuietHours> parse(std::string_view text, std::string& why);
    std::string str() const;  // "21:00-08:00", or "none"

    bool empty() const { return start == end; }
    bool contains(TimeOfDay time) const;
    // The last moment before the quiet span that holds `instant` (one minute before it
    // starts), or `instant` itself when it is not quiet.
    UtcInstant last_moment_before(UtcInstant instant, const TimeZone& zone) const;
    // The end of the quiet span that holds `instant`, or `instant` when it is not quiet.
    UtcInstant end_of(UtcInstant instant, const TimeZone& zone) const;

    bool operator==(const QuietHours&) const = default;
};

struct ReminderRules {
    std::vector<ReminderOffset> session_offsets;      // default ["1d@18:00", "2h"]
    std::vector<ReminderOffset> appointment_offsets;  // default ["1d@18:00", "2h"]
    QuietHours quiet_hours;                           // default 21:00-08:00
    int min_notice_minutes = 30;  // a reminder stops being useful this long before the start
    // A reminder quiet hours moved is dropped when the one before it for the same start
    // goes less than this earlier.
    int min_gap_minutes = 360;
    // A change notice waits this long after the change, so a lead's quick undo sends nothing.
    int notice_delay_minutes = 10;

    static ReminderRules defaults();
    bool operator==(const ReminderRules&) const = default;
};

}  // namespace ritme
