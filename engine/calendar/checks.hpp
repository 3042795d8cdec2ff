#pragma once
// What does not fit: slots outside school hours or crèche hours, overlapping slots,
// and calendar-wide warnings (too few sessions, the summer holiday, a week without a
// session, holiday data that runs out, weeks schools may take off).

#include "engine/base/diagnostic.hpp"
#include "engine/calendar/calendar.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/programme/programme.hpp"

namespace ritme {

// A skip-mode track that holds fewer than this share of its intended sessions gets a
// warning: with 20 weeks, three holiday weeks and a few feestdagen it holds about 82%.
inline constexpr double min_held_share = 0.8;

// Each slot against school hours and the crèche, and the slots against each other. Without
// `school_hours_known` (a [school_hours] table that did not read) the school-hours check is left out.
void check_slots(const Programme& programme, Diagnostics& out, bool school_hours_known = true);

void check_calendar(const Programme& programme, const Calendar& calendar, const ClosureCalendar& closures,
                    const SchoolHolidayTable& school_holidays, Diagnostics& out);

}  // namespace ritme
