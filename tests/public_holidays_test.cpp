#include "engine/holidays/public_holidays.hpp"
#include "engine/time/weekday.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

using namespace ritme;
namespace g = boost::gregorian;

namespace {

// Published Easter Sundays (Gregorian), 2024-2035.
const std::map<int, Date> easter_table{
    {2024, make_date(2024, 3, 31)}, {2025, make_date(2025, 4, 20)}, {2026, make_date(2026, 4, 5)},
    {2027, make_date(2027, 3, 28)}, {2028, make_date(2028, 4, 16)}, {2029, make_date(2029, 4, 1)},
    {2030, make_date(2030, 4, 21)}, {2031, make_date(2031, 4, 13)}, {2032, make_date(2032, 3, 28)},
    {2033, make_date(2033, 4, 17)}, {2034, make_date(2034, 4, 9)},  {2035, make_date(2035, 3, 25)},
};

std::map<PublicHolidayId, PublicHoliday> by_id(int year) {
    std::map<PublicHolidayId, PublicHoliday> out;
    for (const auto& holiday : public_holidays(year)) out.emplace(holiday.id, holiday);
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("public_holidays");

TEST_CASE("Easter Sunday 2024-2035") {
    for (const auto& [year, easter] : easter_table) {
        CAPTURE(year);
        CHECK(easter_sunday(year) == easter);
    }
}

TEST_CASE("the public holidays of 2024-2035, each once and in date order") {
    for (const auto& [year, easter] : easter_table) {
        CAPTURE(year);
        const auto days = public_holidays(year);
        CHECK(days.size() == 11);
        CHECK(std::is_sorted(days.begin(), days.end(),
                             [](const PublicHoliday& a, const PublicHoliday& b) { return a.date < b.date; }));
        auto h = by_id(year);
        CHECK(h.size() == 11);
        CHECK(h.at(PublicHolidayId::new_years_day).date == make_date(year, 1, 1));
        CHECK(h.at(PublicHolidayId::good_friday).date == easter - g::days(2));
        CHECK(h.at(PublicHolidayId::easter_monday).date == easter + g::days(1));
        CHECK(h.at(PublicHolidayId::liberation_day).date == make_date(year, 5, 5));
        CHECK(h.at(PublicHolidayId::ascension_day).date == easter + g::days(39));
        CHECK(weekday_of(h.at(PublicHolidayId::ascension_day).date) == Weekday::thursday);
        CHECK(h.at(PublicHolidayId::whit_monday).date == easter + g::days(50));
        CHECK(h.at(PublicHolidayId::christmas_day).date == make_date(year, 12, 25));
        CHECK(h.at(PublicHolidayId::boxing_day).date == make_date(year, 12, 26));
        CHECK(h.at(PublicHolidayId::good_friday).name == "Goede Vrijdag");
        CHECK(h.at(PublicHolidayId::liberation_day).name == "Bevrijdingsdag");
    }
}

TEST_CASE("King's Day moves to Saturday 26 April in the years the 27th is a Sunday") {
    // 27 April fell on a Sunday in 2025 and will in 2031; in the other years it stays.
    for (int year = 2024; year <= 2035; ++year) {
        CAPTURE(year);
        const Date expected = (year == 2025 || year == 2031) ? make_date(year, 4, 26) : make_date(year, 4, 27);
        const auto kings_day = by_id(year).at(PublicHolidayId::kings_day);
        CHECK(kings_day.date == expected);
        CHECK(kings_day.name == "Koningsdag");
        CHECK(weekday_of(kings_day.date) != Weekday::sunday);
    }
}

TEST_CASE("the check values from the Dutch calendar notes") {
    auto h2026 = by_id(2026);
    CHECK(h2026.at(PublicHolidayId::easter_monday).date == make_date(2026, 4, 6));
    CHECK(h2026.at(PublicHolidayId::ascension_day).date == make_date(2026, 5, 14));
    CHECK(h2026.at(PublicHolidayId::whit_monday).date == make_date(2026, 5, 25));
    auto h2027 = by_id(2027);
    CHECK(h2027.at(PublicHolidayId::good_friday).date == make_date(2027, 3, 26));
    CHECK(h2027.at(PublicHolidayId::kings_day).date == make_date(2027, 4, 27));
    CHECK(weekday_of(h2027.at(PublicHolidayId::kings_day).date) == Weekday::tuesday);
}

TEST_CASE("the moveable feasts on their published dates, not through the Easter offsets") {
    // From the published calendars; each agrees with the Easter table above (Ascension is Easter + 39 days,
    // Whit Monday Easter + 50), worked out by hand.
    const struct {
        int year;
        PublicHolidayId id;
        Date date;
    } published[] = {
        {2025, PublicHolidayId::ascension_day, make_date(2025, 5, 29)},
        {2027, PublicHolidayId::ascension_day, make_date(2027, 5, 6)},
        {2028, PublicHolidayId::ascension_day, make_date(2028, 5, 25)},
        {2025, PublicHolidayId::whit_monday, make_date(2025, 6, 9)},
        {2027, PublicHolidayId::whit_monday, make_date(2027, 5, 17)},
        {2028, PublicHolidayId::whit_monday, make_date(2028, 6, 5)},
        {2028, PublicHolidayId::good_friday, make_date(2028, 4, 14)},
        {2028, PublicHolidayId::easter_monday, make_date(2028, 4, 17)},
    };
    for (const auto& [year, id, date] : published) {
        CAPTURE(year);
        CAPTURE(iso_date(date));
        CHECK(by_id(year).at(id).date == date);
    }
    CHECK(by_id(2025).at(PublicHolidayId::ascension_day).name == "Hemelvaartsdag");
    CHECK(by_id(2025).at(PublicHolidayId::whit_monday).name == "Tweede Pinksterdag");
    CHECK(by_id(2028).at(PublicHolidayId::easter_monday).name == "Tweede Paasdag");
}

TEST_CASE("a programme's choices decide Good Friday and Liberation Day") {
    auto h2025 = by_id(2025), h2026 = by_id(2026), h2030 = by_id(2030);
    HolidayChoices choices;
    CHECK(closes_programme(h2026.at(PublicHolidayId::good_friday), choices));
    CHECK(closes_programme(h2026.at(PublicHolidayId::liberation_day), choices));
    choices.good_friday = OpenOrClosed::open;
    choices.liberation_day = LiberationDayRule::open;
    CHECK_FALSE(closes_programme(h2026.at(PublicHolidayId::good_friday), choices));
    CHECK_FALSE(closes_programme(h2026.at(PublicHolidayId::liberation_day), choices));
    choices.liberation_day = LiberationDayRule::lustrum;
    CHECK(closes_programme(h2025.at(PublicHolidayId::liberation_day), choices));
    CHECK_FALSE(closes_programme(h2026.at(PublicHolidayId::liberation_day), choices));
    CHECK(closes_programme(h2030.at(PublicHolidayId::liberation_day), choices));
    CHECK(closes_programme(h2026.at(PublicHolidayId::ascension_day), choices));  // not a choice
}

TEST_SUITE_END();
