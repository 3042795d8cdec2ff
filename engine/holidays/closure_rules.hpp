#pragma once
// What closes a calendar: the school-holiday region, the public holidays taken as
// closed, and days of its own. A programme has these, and so has a school's calendar.

#include "engine/base/diagnostic.hpp"
#include "engine/time/instant.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

enum class Region { noord, midden, zuid };
std::string_view name_of(Region region);
std::optional<Region> parse_region(std::string_view text);
inline constexpr std::array<std::string_view, 3> region_names{"noord", "midden", "zuid"};

enum class OpenOrClosed { open, closed };
enum class LiberationDayRule { closed, open, lustrum };  // lustrum: closed only in 2025, 2030, …

// Which public holidays a programme treats as closed beyond the fixed ones.
struct HolidayChoices {
    OpenOrClosed good_friday = OpenOrClosed::closed;
    LiberationDayRule liberation_day = LiberationDayRule::closed;
    OpenOrClosed ascension_friday = OpenOrClosed::open;          // schools often close the Friday after
    OpenOrClosed optional_school_holidays = OpenOrClosed::open;  // weeks schools may or may not take
};

// A day or days the programme does not meet, beyond the holidays.
struct ClosedPeriod {
    Date from;
    Date to;  // inclusive
    std::string reason;
    SourcePosition where;
    bool from_calendar_file = false;  // from a closed_ics file, not typed in
};

// What closes a calendar: the school holidays of a region, the public holidays chosen,
// and days of its own. A programme has these, and so has a school's calendar.
struct ClosureRules {
    Region region = Region::noord;
    HolidayChoices holidays;
    std::vector<ClosedPeriod> closed;  // from `closed` and from `closed_ics` files
};

}  // namespace ritme
