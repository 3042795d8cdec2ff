#include "engine/time_zone.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <cstdlib>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

UtcInstant utc(int y, int mo, int d, int h, int mi) { return {pt::ptime(make_date(y, mo, d), pt::hours(h) + pt::minutes(mi))}; }
LocalDateTime local(int y, int mo, int d, int h, int mi) { return {make_date(y, mo, d), TimeOfDay::hm(h, mi)}; }

// glibc reads the same TZif file through its own code: an independent opinion.
LocalDateTime glibc_local(const char* zone, UtcInstant instant) {
    setenv("TZ", zone, 1);
    tzset();
    const std::time_t t = pt::to_time_t(instant.utc);
    std::tm tm{};
    localtime_r(&t, &tm);
    return local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

}  // namespace

TEST_SUITE_BEGIN("time_zone");

TEST_CASE("the tz footer becomes a Boost rule with the sign flipped") {
    TimeZone::Rule rule;
    CHECK(boost_rule_from_tz_footer("CET-1CEST,M3.5.0,M10.5.0/3", rule) == "STD+01:00DST,M3.5.0,M10.5.0/3");
    CHECK(rule.standard_abbreviation == "CET");
    CHECK(rule.dst_abbreviation == "CEST");
    CHECK(rule.standard_offset_minutes == 60);
    CHECK(rule.dst_offset_minutes == 120);
    CHECK(boost_rule_from_tz_footer("<+0330>-3:30", rule) == "STD+03:30");
    CHECK(rule.standard_abbreviation == "+0330");
    CHECK(rule.dst_abbreviation.empty());
    CHECK(boost_rule_from_tz_footer("EST5EDT,M3.2.0,M11.1.0", rule) == "STD-05:00DST,M3.2.0,M11.1.0");
    CHECK(rule.dst_offset_minutes == -240);
}

TEST_CASE("19:00 in January in Amsterdam is 18:00 UTC, and 19:00 in July is 17:00 UTC") {
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    CHECK(zone.to_utc(local(2026, 1, 15, 19, 0), {}).instant == utc(2026, 1, 15, 18, 0));
    CHECK(zone.to_utc(local(2026, 7, 15, 19, 0), {}).instant == utc(2026, 7, 15, 17, 0));
}

TEST_CASE("a time the clocks skip in spring follows the gap policy") {
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    const auto gap = local(2026, 3, 29, 2, 30);
    const UtcConversion rejected = zone.to_utc(gap, {GapPolicy::reject, OverlapPolicy::reject});
    CHECK(rejected.kind == LocalTimeKind::in_gap);
    CHECK_FALSE(rejected.instant.has_value());
    const UtcConversion shifted = zone.to_utc(gap, {GapPolicy::shift_forward, OverlapPolicy::reject});
    CHECK(shifted.kind == LocalTimeKind::in_gap);
    REQUIRE(shifted.instant.has_value());
    CHECK(*shifted.instant == utc(2026, 3, 29, 1, 30));  // 03:30 CEST
    CHECK(zone.to_local(*shifted.instant) == local(2026, 3, 29, 3, 30));
    // Either side of the gap is an ordinary time.
    CHECK(zone.to_utc(local(2026, 3, 29, 1, 59), {}).instant == utc(2026, 3, 29, 0, 59));
    CHECK(zone.to_utc(local(2026, 3, 29, 3, 0), {}).instant == utc(2026, 3, 29, 1, 0));
}

TEST_CASE("a time that happens twice in autumn follows the overlap policy") {
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    const auto twice = local(2026, 10, 25, 2, 30);
    CHECK(zone.to_utc(twice, {GapPolicy::reject, OverlapPolicy::reject}).kind == LocalTimeKind::ambiguous);
    CHECK_FALSE(zone.to_utc(twice, {GapPolicy::reject, OverlapPolicy::reject}).instant.has_value());
    CHECK(zone.to_utc(twice, {GapPolicy::reject, OverlapPolicy::earlier}).instant == utc(2026, 10, 25, 0, 30));
    CHECK(zone.to_utc(twice, {GapPolicy::reject, OverlapPolicy::later}).instant == utc(2026, 10, 25, 1, 30));
}

TEST_CASE("UTC to local agrees with glibc every 15 minutes from 2024 through 2035") {
    for (const char* name : {"Europe/Amsterdam", "America/New_York", "Australia/Sydney", "Asia/Kolkata"}) {
        CAPTURE(name);
        const TimeZone zone = TimeZone::load(name);
        int mismatches = 0;
        for (UtcInstant t = utc(2024, 1, 1, 0, 0); t < utc(2036, 1, 1, 0, 0); t.utc += pt::minutes(15)) {
            if (!(zone.to_local(t) == glibc_local(name, t)) && ++mismatches <= 3) FAIL_CHECK("differs at " << t.iso());
        }
        CHECK(mismatches == 0);
    }
    unsetenv("TZ");
    tzset();
}

TEST_CASE("every local time of a year maps back to the instant it came from") {
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    for (UtcInstant t = utc(2026, 1, 1, 0, 0); t < utc(2027, 1, 1, 0, 0); t.utc += pt::minutes(30)) {
        const LocalDateTime wall = zone.to_local(t);
        const UtcConversion back = zone.to_utc(wall, {GapPolicy::reject, OverlapPolicy::reject});
        CHECK(back.kind != LocalTimeKind::in_gap);  // a local time that was shown exists
        if (back.kind == LocalTimeKind::unique) CHECK(back.instant == t);
        if (back.kind == LocalTimeKind::ambiguous) {
            const auto earlier = zone.to_utc(wall, {GapPolicy::reject, OverlapPolicy::earlier}).instant;
            const auto later = zone.to_utc(wall, {GapPolicy::reject, OverlapPolicy::later}).instant;
            CHECK((earlier == t || later == t));
        }
    }
}

TEST_CASE("unknown and malformed zone names are clear errors") {
    CHECK_THROWS_WITH_AS(TimeZone::load("Europe/Amsterdan"), doctest::Contains("unknown time zone \"Europe/Amsterdan\""),
                         TimeZoneError);
    CHECK_THROWS_WITH_AS(TimeZone::load("../etc/passwd"), doctest::Contains("is not a time zone name"), TimeZoneError);
    CHECK_THROWS_AS(TimeZone::load(""), TimeZoneError);
}

TEST_SUITE_END();
