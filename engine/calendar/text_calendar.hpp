#pragma once
// The calendar as a lead reads it in a terminal: sessions grouped by ISO week, weeks
// without a session shown with their reason, then the problems.

#include "engine/calendar/programme_calendar.hpp"

#include <string>

namespace ritme {

std::string render_text_calendar(const ProgrammeCalendar& plan);

}  // namespace ritme
