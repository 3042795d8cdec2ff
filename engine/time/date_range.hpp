#pragma once
// The dates ritme accepts at its edges (files, the command line, .ics files): years
// 1970 to 2200. Instants count seconds from 1970-01-01 (unix_seconds.hpp), so an
// earlier date has no instant; 2200 leaves room for any real programme while every
// date ritme derives from an accepted one (an extend-mode track's window, ten years
// of a school's calendar, a year of holidays either side) stays far below 9999, the
// last year Boost.DateTime holds. Dates outside reach Boost's bad_year at the edge,
// never as an uncaught exception deep inside.

#include "engine/time/instant.hpp"

#include <optional>
#include <string>

namespace ritme {

inline constexpr int first_supported_year = 1970;
inline constexpr int last_supported_year = 2200;

bool is_supported_date(Date date);

// The date, when it is a real calendar date inside the supported years; nothing for
// 2026-02-30, 2026-13-01, 0000-01-01 or 9999-12-31. Never throws.
std::optional<Date> supported_date(int year, int month, int day);

// "1970-01-01 to 2200-12-31", for messages and hints.
std::string supported_dates_text();

}  // namespace ritme
