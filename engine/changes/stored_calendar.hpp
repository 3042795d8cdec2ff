#pragma once
// The calendar of a stored programme as it is (`ritme calendar PROGRAMME-ID`): its
// stored sessions with the lead's moves and cancellations, in date order, each moved one
// with where the programme file puts it; the file's skipped dates and problems, and for
// every session a lead moved the warnings `ritme session move` gave (session_window.hpp).

#include "engine/calendar/programme_calendar.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/store/store.hpp"

namespace ritme {

// `school_holidays` must outlive the result.
ProgrammeCalendar stored_programme_calendar(const Store& store, const Programme& programme,
                                            const SchoolHolidayTable& school_holidays);

}  // namespace ritme
