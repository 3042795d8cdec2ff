#pragma once
// Closed days from an iCalendar file: a school's calendar of study days, exported from
// its website or agenda. Each VEVENT closes the days it covers; recurring events are
// expanded (RRULE minus EXDATE) inside the window a programme needs.

#include "engine/holidays/closure_rules.hpp"

#include <string>
#include <vector>

namespace ritme {

struct IcsClosures {
    std::vector<ClosedPeriod> periods;  // reason: the event's SUMMARY
    std::vector<std::string> errors;    // empty when the file was read whole
};

IcsClosures read_ics_closures(const std::string& path, Date window_from, Date window_to);
IcsClosures parse_ics_closures(const std::string& ics_text, Date window_from, Date window_to);

}  // namespace ritme
