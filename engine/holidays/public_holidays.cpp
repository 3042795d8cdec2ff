#include "engine/holidays/public_holidays.hpp"

#include "engine/time/weekday.hpp"

#include <algorithm>

namespace ritme {
namespace g = boost::gregorian;

Date easter_sunday(int year) {
    const int a = year % 19;
    const int b = year / 100, c = year % 100;
    const int d = b / 4, e = b % 4;
    const int f = (b + 8) / 25;
    const int g = (b - f + 1) / 3;
    const int h = (19 * a + b - d - g + 15) % 30;
    const int i = c / 4, k = c % 4;
    const int l = (32 + 2 * e + 2 * i - h - k) % 7;
    const int m = (a + 11 * h + 22 * l) / 451;
    const int month = (h + l - 7 * m + 114) / 31;
    const int day = (h + l - 7 * m + 114) % 31 + 1;
    return Date(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                static_cast<unsigned short>(day));
}

namespace {

// King's Day since 2014 is 27 April, a day earlier when that is a Sunday. Before that,
// Queen's Day was 30 April, a day earlier when that was a Sunday (the rule since 1980).
PublicHoliday monarchs_day(int year) {
    const auto y = static_cast<unsigned short>(year);
    if (year >= 2014) {
        Date day(y, 4, 27);
        if (weekday_of(day) == Weekday::sunday) day -= g::days(1);
        return {PublicHolidayId::kings_day, day, "Koningsdag"};
    }
    Date day(y, 4, 30);
    if (weekday_of(day) == Weekday::sunday) day -= g::days(1);
    return {PublicHolidayId::kings_day, day, "Koninginnedag"};
}

}  // namespace

std::vector<PublicHoliday> public_holidays(int year) {
    const auto y = static_cast<unsigned short>(year);
    const Date easter = easter_sunday(year);
    std::vector<PublicHoliday> days{
        {PublicHolidayId::new_years_day, Date(y, 1, 1), "Nieuwjaarsdag"},
        {PublicHolidayId::good_friday, easter - g::days(2), "Goede Vrijdag"},
        {PublicHolidayId::easter_sunday, easter, "Eerste Paasdag"},
        {PublicHolidayId::easter_monday, easter + g::days(1), "Tweede Paasdag"},
        monarchs_day(year),
        {PublicHolidayId::liberation_day, Date(y, 5, 5), "Bevrijdingsdag"},
        {PublicHolidayId::ascension_day, easter + g::days(39), "Hemelvaartsdag"},
        {PublicHolidayId::whit_sunday, easter + g::days(49), "Eerste Pinksterdag"},
        {PublicHolidayId::whit_monday, easter + g::days(50), "Tweede Pinksterdag"},
        {PublicHolidayId::christmas_day, Date(y, 12, 25), "Eerste Kerstdag"},
        {PublicHolidayId::boxing_day, Date(y, 12, 26), "Tweede Kerstdag"},
    };
    std::stable_sort(days.begin(), days.end(),
                     [](const PublicHoliday& a, const PublicHoliday& b) { return a.date < b.date; });
    return days;
}

bool closes_programme(const PublicHoliday& holiday, const HolidayChoices& choices) {
    switch (holiday.id) {
        case PublicHolidayId::good_friday: return choices.good_friday == OpenOrClosed::closed;
        case PublicHolidayId::liberation_day:
            switch (choices.liberation_day) {
                case LiberationDayRule::closed: return true;
                case LiberationDayRule::open: return false;
                case LiberationDayRule::lustrum: return holiday.date.year() % 5 == 0;
            }
            return true;
        default: return true;
    }
}

}  // namespace ritme
