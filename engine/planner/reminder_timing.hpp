#pragma once
// When each reminder for one start goes: its offsets through quiet hours, without two
// messages close together, and which late ones still go.

#include "engine/programme/reminder_rules.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_zone.hpp"

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include <string>
#include <vector>

namespace ritme {

// When one offset's reminder goes for one start, on a route with or without quiet hours.
struct ReminderTiming {
    std::string offset;  // canonical text, as in the key
    UtcInstant due_at;
    UtcInstant send_at;
    std::string dropped;  // why it does not go at all; empty when it goes
    bool superseded = false;  // its moment has passed and a later reminder says the same
};

// The reminders for something starting at `start`, earliest due first. A reminder due
// in the quiet hours goes at their end when that is still at least `min_notice` before
// the start, otherwise at the last minute before them; it is dropped when the reminder
// before it goes less than `min_gap` earlier (two SMS in one evening say the same). Any
// reminder that goes no later than the one before it is dropped too. `min_notice` is
// also the grace for a moment just passed (see the superseded rule in the source).
std::vector<ReminderTiming> reminder_timings(const std::vector<ReminderOffset>& offsets, UtcInstant start,
                                             const TimeZone& zone, const QuietHours* quiet, UtcInstant now,
                                             boost::posix_time::time_duration min_notice,
                                             boost::posix_time::time_duration min_gap);

}  // namespace ritme
