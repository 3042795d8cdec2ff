#pragma once
// Dutch public holidays (feestdagen), computed for any year.

#include "engine/holidays/closure_rules.hpp"
#include "engine/time/instant.hpp"

#include <string_view>
#include <vector>

namespace ritme {

enum class PublicHolidayId {
    new_years_day,
    good_friday,
    easter_sunday,
    easter_monday,
    kings_day,
    liberation_day,
    ascension_day,
    whit_sunday,
    whit_monday,
    christmas_day,
    boxing_day,
};

struct PublicHoliday {
    PublicHolidayId id;
    Date date;
    std::string_view name;  // Dutch, as on a calendar: "Tweede Paasdag"
};

// Easter Sunday, Gregorian calendar (the anonymous Gregorian algorithm).
Date easter_sunday(int year);

// Every public holiday of the year in date order, Good Friday and Liberation Day
// included whatever a programme chooses for them.
std::vector<PublicHoliday> public_holidays(int year);

// Whether a programme with these choices meets on this holiday.
bool closes_programme(const PublicHoliday& holiday, const HolidayChoices& choices);

}  // namespace ritme
