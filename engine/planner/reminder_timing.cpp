#include "engine/planner/reminder_timing.hpp"

#include "engine/store/delivery_reason.hpp"
#include "engine/time/time_of_day.hpp"

#include <algorithm>
#include <set>

namespace ritme {

namespace {

// Where quiet hours put a reminder due at `due`: their end when that leaves `min_notice`
// before the start, else the last minute before them.
UtcInstant through_quiet_hours(const QuietHours& quiet, UtcInstant due, UtcInstant start, const TimeZone& zone,
                               boost::posix_time::time_duration min_notice) {
    const UtcInstant end = quiet.end_of(due, zone);
    if (end == due) return due;  // not quiet
    if (end.utc + min_notice <= start.utc) return end;
    return quiet.last_moment_before(due, zone);
}

int whole_minutes(boost::posix_time::time_duration d) { return static_cast<int>(d.total_seconds() / 60); }

}  // namespace

std::vector<ReminderTiming> reminder_timings(const std::vector<ReminderOffset>& offsets, UtcInstant start,
                                             const TimeZone& zone, const QuietHours* quiet, UtcInstant now,
                                             boost::posix_time::time_duration min_notice,
                                             boost::posix_time::time_duration min_gap) {
    std::vector<ReminderTiming> timings;
    std::set<std::string> seen;
    for (const auto& offset : offsets) {
        std::string text = offset.str();
        if (!seen.insert(text).second) continue;
        const UtcInstant due = offset.due_for(start, zone);
        if (!(due < start)) continue;
        timings.push_back({std::move(text), due, due, {}, false});
    }
    std::stable_sort(timings.begin(), timings.end(),
                     [](const ReminderTiming& a, const ReminderTiming& b) { return a.due_at < b.due_at; });

    const ReminderTiming* previous = nullptr;
    for (auto& timing : timings) {
        if (quiet) timing.send_at = through_quiet_hours(*quiet, timing.due_at, start, zone, min_notice);
        const bool moved = timing.send_at != timing.due_at;
        if (previous && !(previous->send_at < timing.send_at)) {
            const std::string& other = previous->offset;
            if (!moved) timing.dropped = stored_reason(DeliveryReason::same_moment, {other});
            else if (timing.send_at == previous->send_at)
                timing.dropped = stored_reason(DeliveryReason::quiet_hours_same_moment, {other});
            else timing.dropped = stored_reason(DeliveryReason::quiet_hours_before, {other});
            continue;
        }
        if (previous && moved && timing.send_at.utc - previous->send_at.utc < min_gap) {
            timing.dropped = stored_reason(
                DeliveryReason::quiet_hours_too_close,
                {format_duration_minutes(whole_minutes(timing.send_at.utc - previous->send_at.utc)), previous->offset,
                 format_duration_minutes(whole_minutes(min_gap))});
            continue;
        }
        previous = &timing;
    }

    // A reminder planned late (a new participant, a new appointment) whose moment has
    // passed goes at once, but only the latest of those, and none when a later reminder
    // is still to come: the earlier ones would repeat it, and a "tomorrow" reminder sent
    // on the day would be wrong.
    // A moment passed by less than `min_notice` is not missed: cron's next tick sends it.
    ReminderTiming* latest_past = nullptr;
    bool one_ahead = false;
    for (auto& timing : timings) {
        if (!timing.dropped.empty()) continue;
        if (now < timing.send_at) {
            one_ahead = true;
            continue;
        }
        if (latest_past) latest_past->superseded = true;
        latest_past = &timing;
    }
    if (latest_past && one_ahead && latest_past->send_at.utc + min_notice < now.utc) latest_past->superseded = true;
    return timings;
}

}  // namespace ritme
