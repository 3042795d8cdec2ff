#include "engine/base/did_you_mean.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_of_day.hpp"
#include "engine/time/weekday.hpp"

#include <doctest/doctest.h>

using namespace ritme;

TEST_SUITE_BEGIN("time_of_day");

TEST_CASE("times of day parse and print as HH:MM") {
    CHECK(TimeOfDay::parse("09:30")->minutes() == 570);
    CHECK(TimeOfDay::parse("9:05")->str() == "09:05");
    CHECK(TimeOfDay::parse("24:00")->minutes() == 1440);
    for (const char* bad : {"", "9", "09:3", "09:60", "25:00", "24:01", "09.30", "09:30x", "ab:cd"}) {
        CAPTURE(bad);
        CHECK_FALSE(TimeOfDay::parse(bad).has_value());
    }
}

TEST_CASE("time ranges need the end after the start") {
    const auto range = TimeRange::parse("09:00-12:00");
    REQUIRE(range);
    CHECK(range->length_minutes() == 180);
    CHECK(TimeRange::parse(" 09:00 - 12:00 ")->str() == "09:00-12:00");
    CHECK(TimeRange::parse("09:00\u201312:00")->str() == "09:00-12:00");  // pasted en dash
    CHECK_FALSE(TimeRange::parse("12:00-09:00").has_value());
    CHECK_FALSE(TimeRange::parse("09:00-09:00").has_value());
    CHECK_FALSE(TimeRange::parse("09:00").has_value());
    CHECK(TimeRange::parse("09:00-10:00")->overlaps(*TimeRange::parse("09:30-11:00")));
    CHECK_FALSE(TimeRange::parse("09:00-10:00")->overlaps(*TimeRange::parse("10:00-11:00")));
}

TEST_CASE("durations as leads write them") {
    CHECK(parse_duration_minutes("15m") == 15);
    CHECK(parse_duration_minutes("1h") == 60);
    CHECK(parse_duration_minutes("1h30m") == 90);
    CHECK(parse_duration_minutes("0m") == 0);
    for (const char* bad : {"", "15", "m", "15s", "30m1h", "1h1h", "-5m"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_duration_minutes(bad).has_value());
    }
    CHECK(format_duration_minutes(15) == "15m");
    CHECK(format_duration_minutes(60) == "1h");
    CHECK(format_duration_minutes(90) == "1h30m");
}

TEST_CASE("weekdays in English and Dutch, and suggestions for typos") {
    CHECK(parse_weekday("Thursday") == Weekday::thursday);
    CHECK(parse_weekday("donderdag") == Weekday::thursday);
    CHECK_FALSE(parse_weekday("thurdsay").has_value());
    CHECK(closest_match("thurdsay", weekday_names) == "thursday");
    CHECK(closest_match("wendsday", weekday_names) == "wednesday");
    CHECK_FALSE(closest_match("holiday", weekday_names).has_value());
    CHECK(edit_distance("thurdsay", "thursday") == 1);
    CHECK(weekday_of(make_date(2026, 2, 3)) == Weekday::tuesday);
    CHECK(monday_of(make_date(2026, 2, 8)) == make_date(2026, 2, 2));  // a Sunday belongs to the week before
}

TEST_SUITE_END();
