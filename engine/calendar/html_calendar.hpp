#pragma once
// The calendar as one self-contained HTML page for a lead: the weeks of the track as a
// grid (Monday to Friday, and the weekend days a slot falls on), the sessions in it,
// holidays and closed days shaded and named, today marked, and the problems listed.
// Dutch (lang="nl") like its readers; the problems keep the engine's English.

#include "engine/calendar/programme_calendar.hpp"

#include <string>

namespace ritme {

// `today` is marked in the grid, or said in the header when it has no cell there.
std::string render_html_calendar(const ProgrammeCalendar& plan, Date today);

}  // namespace ritme
