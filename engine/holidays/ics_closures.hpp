#pragma once
// Closed days from an iCalendar file: a school's calendar of study days, exported from
// its website or agenda. Each VEVENT closes the days it covers; recurring events are
// expanded (RRULE minus EXDATE) inside the window a programme needs: the track's dates
// for a programme's own file, ten years on for a school's. Expansion is by whole days:
// a rule repeating within a day closes each day it touches once. A date that is not a
// real day from 1970 to 2200 (00000101, 20260230) is an error naming its line, and the
// file gives no periods.

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
