#include "engine/programme/reminder_rules.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

UtcInstant utc(int year, int month, int day, int hour, int minute) {
    return {pt::ptime(make_date(year, month, day), pt::hours(hour) + pt::minutes(minute))};
}

ReminderOffset offset(const std::string& text) {
    std::string why;
    const auto parsed = ReminderOffset::parse(text, why);
    INFO(text << ": " << why);
    REQUIRE(parsed);
    return *parsed;
}

QuietHours quiet(const std::string& text) {
    std::string why;
    const auto parsed = QuietHours::parse(text, why);
    INFO(text << ": " << why);
    REQUIRE(parsed);
    return *parsed;
}

const TimeZone& amsterdam() {
    static const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    return zone;
}

// In 2026 Amsterdam's clocks go from 02:00 CET to 03:00 CEST on Sunday 29 March
// (01:00 UTC) and from 03:00 CEST back to 02:00 CET on Sunday 25 October (01:00 UTC).

}  // namespace

TEST_SUITE_BEGIN("reminder_rules");

TEST_CASE("offsets that cannot be read say why") {
    const std::pair<std::string, std::string> cases[] = {
        {"", "empty"},
        {"2", "no unit"},
        {"d", "expected a number"},
        {"2x", "unknown unit"},
        {"30m2h", "in that order"},
        {"2h2h", "in that order"},
        {"2h@18:00", "@ comes after a number of days"},
        {"@18:00", "@ comes after a number of days"},
        {"1d@25:00", "not a time of day"},
        {"1d@24:00", "not a time of day"},
        {"1d@18:00x", "not a time of day"},
        {"0m", "the start itself"},
        {"400d", "days before"},
        {"99999999h", "days before"},
    };
    for (const auto& [text, reason] : cases) {
        CAPTURE(text);
        std::string why;
        CHECK_FALSE(ReminderOffset::parse(text, why));
        CHECK(why.find(reason) != std::string::npos);
    }
}

TEST_CASE("offsets read and write in their canonical form") {
    for (const std::string text : {"1d@18:00", "2h", "30m", "1h30m", "1d", "2d", "1d2h", "0d@08:00", "1d@00:00"}) {
        CAPTURE(text);
        const ReminderOffset read = offset(text);
        CHECK(read.str() == text);
        CHECK(offset(read.str()) == read);
    }
    CHECK(offset("90m").str() == "1h30m");
    CHECK(offset(" 2H ").str() == "2h");
    CHECK(offset("1d0h").str() == "1d");
    const ReminderOffset day_before = offset("1d@18:00");
    CHECK(day_before.days == 1);
    REQUIRE(day_before.at);
    CHECK(*day_before.at == TimeOfDay::hm(18, 0));
    CHECK(offset("1h30m").minutes == 90);
    CHECK_FALSE(offset("1h30m").at);
}

TEST_CASE("a fixed span before the start is that much real time, across a clock change") {
    // Sunday 29 March 03:30 CEST is 01:30 UTC; two hours earlier the clocks showed 00:30 CET.
    const UtcInstant start = utc(2026, 3, 29, 1, 30);
    CHECK(offset("2h").due_for(start, amsterdam()) == utc(2026, 3, 28, 23, 30));
    // Sunday 25 October, the second 02:30 (CET, 01:30 UTC): half an hour earlier is 01:00 UTC, not the first 02:00.
    CHECK(offset("30m").due_for(utc(2026, 10, 25, 1, 30), amsterdam()) == utc(2026, 10, 25, 1, 0));
}

TEST_CASE("the day before at a time is local time on the day before, whatever the clocks did") {
    // Monday 30 March 09:30 CEST (07:30 UTC); the day before at 18:00 is CEST already (16:00 UTC).
    CHECK(offset("1d@18:00").due_for(utc(2026, 3, 30, 7, 30), amsterdam()) == utc(2026, 3, 29, 16, 0));
    // Monday 26 October 09:30 CET (08:30 UTC); Sunday 18:00 is CET too (17:00 UTC).
    CHECK(offset("1d@18:00").due_for(utc(2026, 10, 26, 8, 30), amsterdam()) == utc(2026, 10, 25, 17, 0));
    // Monday 30 March again, the day before at 01:00: still winter time (00:00 UTC).
    CHECK(offset("1d@01:00").due_for(utc(2026, 3, 30, 7, 30), amsterdam()) == utc(2026, 3, 29, 0, 0));
    // A week before a Tuesday session in the summer: Tuesday 7 April at 09:00 CEST.
    CHECK(offset("7d@09:00").due_for(utc(2026, 4, 14, 7, 30), amsterdam()) == utc(2026, 4, 7, 7, 0));
}

TEST_CASE("days before keep the local time, so the real span is 23 or 25 hours over a change") {
    // Sunday 29 March is the short day: from Saturday 09:30 CET (08:30 UTC) it is 23 h to Sunday 09:30 CEST.
    CHECK(offset("1d").due_for(utc(2026, 3, 29, 7, 30), amsterdam()) == utc(2026, 3, 28, 8, 30));
    // Sunday 25 October is the long day: Sunday 09:30 CET (08:30 UTC) ← Saturday 09:30 CEST (07:30 UTC), 25 h.
    CHECK(offset("1d").due_for(utc(2026, 10, 25, 8, 30), amsterdam()) == utc(2026, 10, 24, 7, 30));
    // With minutes after the days: the same local time a day before, then two hours earlier.
    CHECK(offset("1d2h").due_for(utc(2026, 3, 29, 7, 30), amsterdam()) == utc(2026, 3, 28, 6, 30));
}

TEST_CASE("a time the day before that falls in the clock change follows the session time policy") {
    // Monday 30 March 02:30 CEST (00:30 UTC): Sunday's 02:30 does not exist and becomes 03:30 CEST (01:30 UTC).
    CHECK(offset("1d").due_for(utc(2026, 3, 30, 0, 30), amsterdam()) == utc(2026, 3, 29, 1, 30));
    CHECK(offset("1d@02:30").due_for(utc(2026, 3, 30, 7, 30), amsterdam()) == utc(2026, 3, 29, 1, 30));
    // Monday 26 October 02:30 CET (01:30 UTC): Sunday's 02:30 happens twice; the first, CEST (00:30 UTC).
    CHECK(offset("1d").due_for(utc(2026, 10, 26, 1, 30), amsterdam()) == utc(2026, 10, 25, 0, 30));
    CHECK(offset("1d@02:30").due_for(utc(2026, 10, 26, 8, 30), amsterdam()) == utc(2026, 10, 25, 0, 30));
}

TEST_CASE("quiet hours read, write and refuse") {
    CHECK(quiet("21:00-08:00").str() == "21:00-08:00");
    CHECK(quiet(" 22:30 - 07:00 ").str() == "22:30-07:00");
    CHECK(quiet("none").empty());
    CHECK(quiet("").empty());
    CHECK(quiet("none").str() == "none");
    CHECK(quiet("22:00-24:00") == quiet("22:00-00:00"));
    const std::pair<std::string, std::string> cases[] = {
        {"21:00", "not a span"},
        {"21:00-8", "not a span"},
        {"evening", "not a span"},
        {"08:00-08:00", "\"none\""},
        {"00:00-24:00", "whole day"},
    };
    for (const auto& [text, reason] : cases) {
        CAPTURE(text);
        std::string why;
        CHECK_FALSE(QuietHours::parse(text, why));
        CHECK(why.find(reason) != std::string::npos);
    }
}

TEST_CASE("quiet hours may wrap past midnight") {
    const QuietHours night = ReminderRules::defaults().quiet_hours;
    CHECK(night.contains(TimeOfDay::hm(21, 0)));
    CHECK(night.contains(TimeOfDay::hm(23, 59)));
    CHECK(night.contains(TimeOfDay::hm(0, 0)));
    CHECK(night.contains(TimeOfDay::hm(7, 59)));
    CHECK_FALSE(night.contains(TimeOfDay::hm(8, 0)));
    CHECK_FALSE(night.contains(TimeOfDay::hm(20, 59)));
    CHECK_FALSE(night.contains(TimeOfDay::hm(12, 0)));

    const QuietHours lunch = quiet("12:00-13:00");
    CHECK(lunch.contains(TimeOfDay::hm(12, 30)));
    CHECK_FALSE(lunch.contains(TimeOfDay::hm(13, 0)));
    CHECK_FALSE(lunch.contains(TimeOfDay::hm(0, 30)));

    CHECK_FALSE(quiet("none").contains(TimeOfDay::hm(3, 0)));
}

TEST_CASE("the last moment before and the end of a quiet night on an ordinary day") {
    const QuietHours night = quiet("21:00-08:00");
    // Tuesday 10 February, CET (UTC+1).
    const UtcInstant evening = utc(2026, 2, 10, 21, 30);  // 22:30
    CHECK(night.last_moment_before(evening, amsterdam()) == utc(2026, 2, 10, 19, 59));  // 20:59
    CHECK(night.end_of(evening, amsterdam()) == utc(2026, 2, 11, 7, 0));                 // 08:00 the next day
    const UtcInstant early = utc(2026, 2, 11, 5, 0);  // 06:00 the next day
    CHECK(night.last_moment_before(early, amsterdam()) == utc(2026, 2, 10, 19, 59));
    CHECK(night.end_of(early, amsterdam()) == utc(2026, 2, 11, 7, 0));
    // Outside the quiet hours an instant stays as it is.
    const UtcInstant noon = utc(2026, 2, 10, 11, 0);
    CHECK(night.last_moment_before(noon, amsterdam()) == noon);
    CHECK(night.end_of(noon, amsterdam()) == noon);
    CHECK(quiet("none").end_of(evening, amsterdam()) == evening);
}

TEST_CASE("a quiet night over a clock change is 10 or 12 hours long") {
    const QuietHours night = quiet("21:00-08:00");
    // Saturday 28 March 23:00 CET: the night began at 21:00 CET and ends at 08:00 CEST.
    const UtcInstant spring = utc(2026, 3, 28, 22, 0);
    CHECK(night.last_moment_before(spring, amsterdam()) == utc(2026, 3, 28, 19, 59));
    CHECK(night.end_of(spring, amsterdam()) == utc(2026, 3, 29, 6, 0));
    CHECK(night.end_of(spring, amsterdam()).utc - night.last_moment_before(spring, amsterdam()).utc ==
          pt::hours(10) + pt::minutes(1));
    // Saturday 24 October 23:00 CEST: from 21:00 CEST to 08:00 CET.
    const UtcInstant autumn = utc(2026, 10, 24, 21, 0);
    CHECK(night.last_moment_before(autumn, amsterdam()) == utc(2026, 10, 24, 18, 59));
    CHECK(night.end_of(autumn, amsterdam()) == utc(2026, 10, 25, 7, 0));
    CHECK(night.end_of(autumn, amsterdam()).utc - night.last_moment_before(autumn, amsterdam()).utc ==
          pt::hours(12) + pt::minutes(1));
}

TEST_CASE("quiet hours that begin or end inside the hour the clocks skip or repeat") {
    const TimeZone& zone = amsterdam();
    // 02:30 is skipped on 29 March: the quiet span begins when the clocks jump from 02:00 to 03:00 (01:00 UTC).
    const QuietHours from_half_past_two = quiet("02:30-06:00");
    const UtcInstant four = utc(2026, 3, 29, 2, 0);  // 04:00 CEST
    const UtcInstant before = from_half_past_two.last_moment_before(four, zone);
    CHECK(before == utc(2026, 3, 29, 0, 59));  // 01:59 CET
    CHECK_FALSE(from_half_past_two.contains(zone.to_local(before).time));
    CHECK(from_half_past_two.contains(zone.to_local({before.utc + pt::minutes(1)}).time));
    // And a span that would end at 02:30 ends at the jump.
    const QuietHours until_half_past_two = quiet("01:00-02:30");
    CHECK(until_half_past_two.end_of(utc(2026, 3, 29, 0, 30), zone) == utc(2026, 3, 29, 1, 0));

    // 02:30 happens twice on 25 October. In the first pass the span ends at the first 02:30 (CEST, 00:30 UTC);
    // in the second pass (CET) at the second (01:30 UTC): never before the instant asked about.
    const QuietHours late = quiet("22:00-02:30");
    CHECK(late.end_of(utc(2026, 10, 25, 0, 10), zone) == utc(2026, 10, 25, 0, 30));
    CHECK(late.end_of(utc(2026, 10, 25, 1, 10), zone) == utc(2026, 10, 25, 1, 30));
    // A span beginning at 02:30: from the second pass, the latest beginning at or before it is the second 02:30.
    const QuietHours from_repeated = quiet("02:30-06:00");
    CHECK(from_repeated.last_moment_before(utc(2026, 10, 25, 0, 45), zone) == utc(2026, 10, 25, 0, 29));
    CHECK(from_repeated.last_moment_before(utc(2026, 10, 25, 1, 45), zone) == utc(2026, 10, 25, 1, 29));
}

TEST_CASE("the default rules") {
    const ReminderRules rules = ReminderRules::defaults();
    REQUIRE(rules.session_offsets.size() == 2);
    CHECK(rules.session_offsets[0].str() == "1d@18:00");
    CHECK(rules.session_offsets[1].str() == "2h");
    CHECK(rules.appointment_offsets == rules.session_offsets);
    CHECK(rules.quiet_hours.str() == "21:00-08:00");
    CHECK(rules.min_notice_minutes == 30);
}

TEST_SUITE_END();
