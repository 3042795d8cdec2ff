#include "engine/time/date_range.hpp"

#include <boost/date_time/gregorian/gregorian.hpp>

namespace ritme {

bool is_supported_date(Date date) {
    return !date.is_special() && year_of(date) >= first_supported_year && year_of(date) <= last_supported_year;
}

std::optional<Date> supported_date(int year, int month, int day) {
    if (year < first_supported_year || year > last_supported_year || month < 1 || month > 12 || day < 1) return std::nullopt;
    if (day > boost::gregorian::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(year),
                                                                      static_cast<unsigned short>(month)))
        return std::nullopt;
    return make_date(year, month, day);
}

std::string supported_dates_text() {
    return std::to_string(first_supported_year) + "-01-01 to " + std::to_string(last_supported_year) + "-12-31";
}

}  // namespace ritme
