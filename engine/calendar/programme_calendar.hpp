#pragma once
// A programme together with its generated and checked calendar: what `ritme check`,
// `ritme calendar` and `ritme apply` work from.

#include "engine/base/diagnostic.hpp"
#include "engine/calendar/calendar.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/programme/programme.hpp"
#include "engine/time/time_zone.hpp"

#include <memory>

namespace ritme {

struct ProgrammeCalendar {
    Programme programme;
    TimeZone zone;
    std::unique_ptr<ClosureCalendar> closures;  // SkippedDate::closure points into it
    Calendar calendar;
    Diagnostics problems;  // slot and calendar checks, in file order
};

// `school_holidays` must outlive the result. The programme's time zone was validated
// when it was loaded.
ProgrammeCalendar build_programme_calendar(Programme programme, const SchoolHolidayTable& school_holidays);

}  // namespace ritme
