#pragma once
// The calendar as JSON, for other tools:
// {"programme": {...}, "sessions": [...], "skipped": [...], "problems": [...]}.

#include "engine/calendar/programme_calendar.hpp"

#include <nlohmann/json.hpp>

namespace ritme {

nlohmann::json calendar_json(const ProgrammeCalendar& plan);
nlohmann::json problems_json(const Diagnostics& problems);

}  // namespace ritme
