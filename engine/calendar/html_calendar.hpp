#pragma once
// The calendar as one self-contained HTML page for a lead: the weeks of the track as a
// grid (Monday to Friday, and the weekend days a slot falls on), the sessions in it,
// holidays and closed days shaded and named, today marked, and the problems listed.
// Dutch (lang="nl") like its readers; the calendar's problems are said in
// `problems_language` (the CLI's LANG), the programme file's own diagnostics in English.

#include "engine/base/translation.hpp"
#include "engine/calendar/programme_calendar.hpp"

#include <string>

namespace ritme {

// `today` is marked in the grid, or said in the header when it has no cell there.
std::string render_html_calendar(const ProgrammeCalendar& plan, Date today, Language problems_language);

}  // namespace ritme
