#include "engine/calendar/programme_calendar.hpp"

#include "engine/calendar/checks.hpp"

namespace ritme {

ProgrammeCalendar build_programme_calendar(Programme programme, const SchoolHolidayTable& school_holidays) {
    TimeZone zone = TimeZone::load(programme.timezone);
    auto closures = std::make_unique<ClosureCalendar>(programme.closures, school_holidays, programme.start,
                                                      calendar_window_end(programme));
    Calendar calendar = generate_calendar(programme, zone, *closures);
    Diagnostics problems;
    check_slots(programme, problems);
    check_calendar(programme, calendar, *closures, school_holidays, problems);
    problems.sort_by_position();
    return ProgrammeCalendar{std::move(programme), std::move(zone), std::move(closures), std::move(calendar),
                             std::move(problems)};
}

}  // namespace ritme
