#include "engine/calendar/calendar.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

const std::string almere_keys = R"(start = 2026-02-02
region = "noord"
closed = [2026-03-20, { from = 2026-06-01, to = 2026-06-02, reason = "studiedagen" }])";

const Session* session_on(const Calendar& calendar, Date date) {
    for (const auto& s : calendar.sessions)
        if (s.date == date) return &s;
    return nullptr;
}

const SkippedDate* skipped_on(const Calendar& calendar, Date date) {
    for (const auto& s : calendar.skipped)
        if (s.date == date) return &s;
    return nullptr;
}

UtcInstant utc(int y, int mo, int d, int h, int mi) { return {pt::ptime(make_date(y, mo, d), pt::hours(h) + pt::minutes(mi))}; }

}  // namespace

TEST_SUITE_BEGIN("calendar");

TEST_CASE("skip: twenty weeks from the start date, sessions on holidays lost") {
    const auto plan = test::plan(test::programme_toml(almere_keys));
    const Calendar& c = plan.calendar;
    // Lost: voorjaarsvakantie (24, 26 Feb), meivakantie (28, 30 Apr), Bevrijdingsdag (5 May),
    // Hemelvaartsdag (14 May), studiedagen (2 Jun). Good Friday, 20 Mar, Easter and Whit
    // Monday and King's Day fall on days without a slot.
    CHECK(c.intended_sessions == 40);
    CHECK(c.sessions.size() == 33);
    CHECK(c.skipped.size() == 7);
    CHECK(c.first_day == make_date(2026, 2, 2));
    CHECK(c.last_day == make_date(2026, 6, 21));
    CHECK(c.sessions.front().date == make_date(2026, 2, 3));
    CHECK(c.sessions.back().date == make_date(2026, 6, 18));
    for (size_t i = 0; i < c.sessions.size(); ++i) {
        CHECK(c.sessions[i].number == static_cast<int>(i) + 1);
        if (i > 0) CHECK(c.sessions[i - 1].date < c.sessions[i].date);
    }
    CHECK(skipped_on(c, make_date(2026, 2, 24))->reason == "voorjaarsvakantie (noord)");
    CHECK(skipped_on(c, make_date(2026, 4, 30))->reason == "meivakantie (noord)");
    CHECK(skipped_on(c, make_date(2026, 5, 5))->reason == "Bevrijdingsdag");
    CHECK(skipped_on(c, make_date(2026, 5, 14))->reason == "Hemelvaartsdag");
    CHECK(skipped_on(c, make_date(2026, 6, 2))->reason == "studiedagen");
    CHECK(skipped_on(c, make_date(2026, 6, 2))->slot == 1);
    CHECK(skipped_on(c, make_date(2026, 5, 14))->slot == 2);
    CHECK(session_on(c, make_date(2026, 6, 4))->number == 29);
}

TEST_CASE("extend: forty sessions, running on past the summer holiday") {
    const auto plan = test::plan(test::programme_toml(almere_keys + "\non_holiday = \"extend\""));
    const Calendar& c = plan.calendar;
    CHECK(c.complete);
    CHECK(c.sessions.size() == 40);
    // The 7 lost sessions come back after 18 June: 23, 25, 30 June and 2 July, then
    // zomervakantie (noord) 4 July - 16 August, then 18, 20 and 25 August.
    CHECK(session_on(c, make_date(2026, 7, 2))->number == 37);
    CHECK(session_on(c, make_date(2026, 7, 7)) == nullptr);
    CHECK(skipped_on(c, make_date(2026, 7, 7))->reason == "zomervakantie (noord)");
    CHECK(session_on(c, make_date(2026, 8, 18))->number == 38);
    CHECK(c.sessions.back().date == make_date(2026, 8, 25));
    CHECK(c.last_day == make_date(2026, 8, 25));
    // Skipping the same dates as the skip track, plus twelve summer sessions.
    CHECK(c.skipped.size() == 7 + 12);
}

TEST_CASE("the first session is the first slot on or after the start date") {
    const auto plan = test::plan(test::programme_toml("start = 2026-02-04\nregion = \"noord\"\nweeks = 2"));
    const Calendar& c = plan.calendar;
    REQUIRE(c.sessions.size() == 4);
    CHECK(c.sessions[0].date == make_date(2026, 2, 5));   // Thursday
    CHECK(c.sessions[3].date == make_date(2026, 2, 17));  // Tuesday of the third calendar week
    CHECK(c.last_day == make_date(2026, 2, 17));
}

TEST_CASE("sessions in the DST weeks of March and October have the right UTC instants") {
    const auto plan = test::plan(test::programme_toml("start = 2026-03-23\nregion = \"noord\"\nweeks = 32", R"(
[location.schakel]
name = "De Schakel"

[[slot]]
day = "monday"
start = "09:30"
end = "11:30"

[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)"));
    const Calendar& c = plan.calendar;
    // Clocks go forward on Sunday 29 March and back on Sunday 25 October 2026.
    const Session* before_spring = session_on(c, make_date(2026, 3, 26));
    const Session* after_spring = session_on(c, make_date(2026, 3, 30));
    const Session* before_autumn = session_on(c, make_date(2026, 10, 22));
    const Session* after_autumn = session_on(c, make_date(2026, 10, 26));
    REQUIRE(before_spring);
    REQUIRE(after_spring);
    REQUIRE(before_autumn);
    REQUIRE(after_autumn);
    CHECK(before_spring->start_utc == utc(2026, 3, 26, 8, 30));  // CET, UTC+1
    CHECK(before_spring->end_utc == utc(2026, 3, 26, 10, 30));
    CHECK(after_spring->start_utc == utc(2026, 3, 30, 7, 30));  // CEST, UTC+2
    CHECK(before_autumn->start_utc == utc(2026, 10, 22, 7, 30));
    CHECK(after_autumn->start_utc == utc(2026, 10, 26, 8, 30));
    CHECK(after_autumn->end_utc == utc(2026, 10, 26, 10, 30));
    CHECK(std::none_of(c.sessions.begin(), c.sessions.end(), [](const Session& s) { return s.on_dst_change; }));
}

TEST_CASE("a session at a time the clocks skip is moved past the gap and flagged") {
    const auto plan = test::plan(test::programme_toml("start = 2026-03-23\nregion = \"noord\"\nweeks = 2", R"(
[location.a]
name = "A"
[[slot]]
day = "sunday"
start = "02:30"
end = "04:00"
)"));
    const Session* s = session_on(plan.calendar, make_date(2026, 3, 29));
    REQUIRE(s);
    CHECK(s->on_dst_change);
    CHECK(s->start_utc == utc(2026, 3, 29, 1, 30));  // 03:30 CEST, the same wall time after the skip
    CHECK(s->end_utc == utc(2026, 3, 29, 2, 0));     // 04:00 CEST
}

TEST_CASE("public holiday choices: Good Friday open, Liberation Day only in lustrum years") {
    const std::string friday_slot = R"(
[location.a]
name = "A"
[school_hours]
friday = "08:30-14:00"
[[slot]]
day = "friday"
start = "09:30"
end = "11:30"
[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"
)";
    auto closed = test::plan(test::programme_toml("start = 2026-03-02\nregion = \"noord\"\nweeks = 12", friday_slot));
    CHECK(skipped_on(closed.calendar, make_date(2026, 4, 3))->reason == "Goede Vrijdag");
    CHECK(skipped_on(closed.calendar, make_date(2026, 5, 5))->reason == "Bevrijdingsdag");
    auto open = test::plan(test::programme_toml(
        "start = 2026-03-02\nregion = \"noord\"\nweeks = 12\ngood_friday = \"open\"\nliberation_day = \"lustrum\"",
        friday_slot));
    CHECK(session_on(open.calendar, make_date(2026, 4, 3)) != nullptr);
    CHECK(session_on(open.calendar, make_date(2026, 5, 5)) != nullptr);  // 2026 is not a lustrum year
    CHECK(skipped_on(open.calendar, make_date(2026, 5, 15)) == nullptr);
    auto ascension = test::plan(test::programme_toml(
        "start = 2026-03-02\nregion = \"noord\"\nweeks = 12\nascension_friday = \"closed\"", friday_slot));
    CHECK(skipped_on(ascension.calendar, make_date(2026, 5, 15))->reason == "vrijdag na Hemelvaart");
}

TEST_CASE("extend gives up, with an incomplete calendar, when nearly everything is closed") {
    const auto plan = test::plan(test::programme_toml(
        "start = 2026-02-02\nregion = \"noord\"\nweeks = 4\non_holiday = \"extend\"\n"
        "closed = [{ from = 2026-02-01, to = 2026-12-31, reason = \"verbouwing\" }]"));
    CHECK_FALSE(plan.calendar.complete);
    CHECK(plan.calendar.sessions.empty());
    CHECK(plan.problems.has_errors());
}

TEST_SUITE_END();
