#pragma once
// The calendar as iCalendar (RFC 5545), written with libical: one VEVENT per session
// with a stable UID, times in the programme's zone, and that zone's VTIMEZONE.

#include "engine/calendar/programme_calendar.hpp"

#include <string>

namespace ritme {

// `stamp` becomes each event's DTSTAMP: the moment the file was made.
std::string render_ics_calendar(const ProgrammeCalendar& plan, UtcInstant stamp);

// "3-almere-vrouwen-2026@ritme": the same session keeps its UID across exports.
std::string session_uid(const Programme& programme, const Session& session);

}  // namespace ritme
