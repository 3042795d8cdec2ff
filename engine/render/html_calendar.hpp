#pragma once
// The calendar as one self-contained HTML page for a lead: the weeks of the track as a
// grid (Monday to Friday), the sessions in it, holidays and closed days shaded and
// named, today marked, and the problems listed.

#include "engine/programme_calendar.hpp"

#include <string>

namespace ritme {

std::string render_html_calendar(const ProgrammeCalendar& plan, Date today);

}  // namespace ritme
