#pragma once
// Each lead's daily overview as an outbox row, like every message (DESIGN.md rule 6):
// one per lead and day (key "overview:LEAD:YYYY-MM-DD"), so a restart or a second
// planning never sends it twice, due at `at` local time and picked up by the daemon's
// timer like any other due row. By e-mail when she has an address and the config an
// e-mail channel, else by SMS. Its text is made when it goes (the dispatcher), from the
// store as it is then; with nothing to say it does not go.

#include "engine/store/store.hpp"
#include "engine/time/time_of_day.hpp"
#include "engine/time/time_zone.hpp"

#include <optional>
#include <string>

namespace ritme {

struct OverviewRules {
    TimeOfDay at;                  // local
    std::string email_channel;     // empty: the config has none
    std::string sms_channel;
};

// When the overview of `day` goes: `at` on that day in `zone` (in a DST gap, the moment
// after it; in an overlap, the first).
UtcInstant overview_time(Date day, TimeOfDay at, const TimeZone& zone);

// Call inside Store::write. Adds the overview of each lead who leads a programme and can
// be reached, for the next day(s) whose time is after `now`: today's when it is still to
// come, and tomorrow's. Returns how many rows it added.
int plan_overviews(Store& store, const OverviewRules& rules, const TimeZone& zone, UtcInstant now);

// The overview row's lead and day, from its payload.
struct OverviewSubject {
    std::string lead_id;
    Date day;
};
std::optional<OverviewSubject> overview_subject(const Delivery& delivery);

}  // namespace ritme
