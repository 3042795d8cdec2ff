#include "engine/calendar/checks.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ritme;

namespace {

std::string slots(const std::string& body, const std::string& extra = "") {
    return "[location.schakel]\nname = \"De Schakel\"\n[location.elders]\nname = \"Elders\"\n" + extra + body;
}

std::vector<std::string> messages(const ProgrammeCalendar& plan, Severity severity) {
    std::vector<std::string> out;
    for (const auto& d : plan.problems.items())
        if (d.severity == severity) out.push_back(d.message + (d.hint.empty() ? "" : "; " + d.hint));
    return out;
}

bool has_message_containing(const std::vector<std::string>& messages, const std::string& text) {
    return std::any_of(messages.begin(), messages.end(), [&](const std::string& m) { return m.find(text) != std::string::npos; });
}

const std::string start_2026 = "start = 2026-02-02\nregion = \"noord\"";

}  // namespace

TEST_SUITE_BEGIN("checks");

TEST_CASE("a slot before school start plus travel margin: by how many minutes, and the window") {
    const auto plan = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "tuesday"
start = "08:45"
end = "11:00"
location = "schakel"
)")));
    CHECK(messages(plan, Severity::error) ==
          std::vector<std::string>{"slot 1 (tuesday 08:45-11:00) starts 30 minutes too early: school hours on tuesday "
                                   "are 09:00-13:45, so with 15m travel margin a session fits in 09:15-13:30; start "
                                   "at 09:15 or later"});
    const auto error = std::find_if(plan.problems.items().begin(), plan.problems.items().end(),
                                    [](const Diagnostic& d) { return d.severity == Severity::error; });
    REQUIRE(error != plan.problems.items().end());
    CHECK(error->where.str() == "test.toml:11:1");  // the [[slot]] header
}

TEST_CASE("a slot that ends after pick-up minus travel margin, on a short Wednesday") {
    const auto plan = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "wednesday"
start = "09:30"
end = "11:30"
location = "schakel"
)")));
    CHECK(messages(plan, Severity::error) ==
          std::vector<std::string>{"slot 1 (wednesday 09:30-11:30) ends 15 minutes too late: school hours on wednesday "
                                   "are 09:00-11:30, so with 15m travel margin a session fits in 09:15-11:15; end at "
                                   "11:15 or earlier"});
}

TEST_CASE("school hours and travel margin come from the programme when it sets them") {
    const auto plan = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "wednesday"
start = "09:00"
end = "11:45"
location = "schakel"
)", "[school_hours]\nwednesday = \"08:30-12:15\"\ntravel_margin = \"30m\"\n")));
    CHECK(messages(plan, Severity::error).empty());
}

TEST_CASE("a travel margin that leaves no room: no session fits on that weekday") {
    const auto plan = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"
location = "schakel"
)", "[school_hours]\ntravel_margin = \"5h\"\n")));
    CHECK(messages(plan, Severity::error) ==
          std::vector<std::string>{"slot 1 (tuesday 09:30-11:30): school hours on tuesday are 09:00-13:45, so with 5h "
                                   "travel margin no session fits on tuesday; shorten travel_margin in "
                                   "[school_hours], or choose another day"});
    // Exactly no room: Wednesday 09:00-11:30 with 1h15m each side leaves 10:15-10:15.
    const auto exact = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "wednesday"
start = "10:00"
end = "10:30"
location = "schakel"
)", "[school_hours]\ntravel_margin = \"1h15m\"\n")));
    CHECK(messages(exact, Severity::error) ==
          std::vector<std::string>{"slot 1 (wednesday 10:00-10:30): school hours on wednesday are 09:00-11:30, so "
                                   "with 1h15m travel margin no session fits on wednesday; shorten travel_margin in "
                                   "[school_hours], or choose another day"});
}

TEST_CASE("a slot on a day without school is an error") {
    const auto plan = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "saturday"
start = "10:00"
end = "12:00"
location = "schakel"
)")));
    CHECK(messages(plan, Severity::error) ==
          std::vector<std::string>{"slot 1 (saturday 10:00-12:00) falls on a day without school hours, when the "
                                   "children are at home; choose a school day, or set [school_hours] saturday = "
                                   "\"HH:MM-HH:MM\" if the school is open then"});
}

TEST_CASE("the crèche must open before the session and close after it, with its margin") {
    const std::string creche = R"(
[childcare]
location = "schakel"
places = 8
open = { tuesday = "09:30-12:00", thursday = "09:00-11:35" }
margin = "10m"
)";
    const auto plan = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"
location = "schakel"
[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
location = "schakel"
[[slot]]
day = "monday"
start = "09:30"
end = "11:30"
location = "elders"
)" + creche)));
    CHECK(messages(plan, Severity::error) ==
          std::vector<std::string>{
              "slot 1 (tuesday 09:30-11:30) starts 10 minutes too early for the crèche: the crèche is open "
              "09:30-12:00 on tuesday and must be open 09:20-11:40 (10m margin); start at 09:40 or later, or open "
              "the crèche earlier",
              "slot 2 (thursday 09:30-11:30) ends 5 minutes too late for the crèche: the crèche is open 09:00-11:35 "
              "on thursday and must be open 09:20-11:40 (10m margin); end at 11:25 or earlier, or keep the crèche "
              "open longer",
              "the crèche is closed on monday, when slot 3 (monday 09:30-11:30) meets; add monday to [childcare] open",
          });
}

TEST_CASE("a slot away from the crèche's location is a warning") {
    const auto plan = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "monday"
start = "09:30"
end = "11:30"
location = "elders"
[childcare]
location = "schakel"
places = 8
open = { monday = "09:00-12:00" }
)")));
    CHECK(messages(plan, Severity::error).empty());
    CHECK(has_message_containing(messages(plan, Severity::warning),
                                 "slot 1 (monday 09:30-11:30) meets at Elders but the crèche is at De Schakel"));
}

TEST_CASE("two slots overlapping on one day") {
    const auto plan = test::plan(test::programme_toml(start_2026, slots(R"(
[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"
location = "schakel"
[[slot]]
day = "tuesday"
start = "11:00"
end = "12:30"
location = "schakel"
)")));
    CHECK(messages(plan, Severity::error) ==
          std::vector<std::string>{"slot 2 (tuesday 11:00-12:30) overlaps slot 1 (tuesday 09:30-11:30); a group "
                                   "cannot meet twice at once; move one of them"});
}

TEST_CASE("too few sessions held is a warning that suggests extend") {
    const auto plan = test::plan(test::programme_toml(
        start_2026 + "\nweeks = 10\nclosed = [{ from = 2026-03-09, to = 2026-03-22, reason = \"verbouwing\" }]"));
    // 20 intended; voorjaarsvakantie and two weeks of building work take 6.
    CHECK(plan.calendar.sessions.size() == 14);
    CHECK(has_message_containing(messages(plan, Severity::warning),
                                 "only 14 of 20 sessions are held; 6 fall on holidays or closed days; set on_holiday = "
                                 "\"extend\" to keep 20 sessions"));
}

TEST_CASE("a track that runs into the summer holiday is a warning") {
    const auto plan = test::plan(test::programme_toml("start = 2026-05-04\nregion = \"noord\""));
    CHECK(has_message_containing(messages(plan, Severity::warning),
                                 "the track runs into the summer holiday: zomervakantie (noord) 2026-07-04 to "
                                 "2026-08-16 (12 sessions fall in it)"));
    const auto spring = test::plan(test::programme_toml(start_2026));
    CHECK_FALSE(has_message_containing(messages(spring, Severity::warning), "summer"));
}

TEST_CASE("a week without a session that is not a school holiday is a warning") {
    const auto plan = test::plan(
        test::programme_toml(start_2026 + "\nclosed = [2026-03-10, { date = 2026-03-12, reason = \"Suikerfeest\" }]"));
    const auto warnings = messages(plan, Severity::warning);
    CHECK(has_message_containing(warnings, "week 11 (from 2026-03-09) has no session: gesloten, Suikerfeest"));
    // The voorjaarsvakantie week is an expected pause.
    CHECK_FALSE(has_message_containing(warnings, "week 9 "));
}

TEST_CASE("holiday data that runs out, unconfirmed holidays and optional weeks are warnings") {
    const auto late = test::plan(test::programme_toml("start = 2028-05-15\nregion = \"zuid\"\nweeks = 20"));
    auto warnings = messages(late, Severity::warning);
    CHECK(has_message_containing(warnings, "no school holiday data for 2028-2029: sessions from 2028-09-01 may fall "
                                           "in holidays ritme does not know; add config/holidays/2028-2029.toml"));

    const auto spring_2026 = test::plan(test::programme_toml(start_2026));
    const auto unconfirmed =
        std::find_if(spring_2026.problems.items().begin(), spring_2026.problems.items().end(),
                     [](const Diagnostic& d) { return d.message.find("is not confirmed") != std::string::npos; });
    REQUIRE(unconfirmed != spring_2026.problems.items().end());
    CHECK(unconfirmed->severity == Severity::warning);
    CHECK(unconfirmed->message ==
          "meivakantie (noord) 2026-04-25 to 2026-05-03 is not confirmed yet; the calendar skips it as published so far");
    // The lead's file, not ritme's data, is where the warning points; the hint names the data line.
    CHECK(unconfirmed->where.str() == "test.toml:1:1");
    CHECK(unconfirmed->hint == "ask the schools; ritme's holiday data (" +
                                   test::source_path("config/holidays/2025-2026.toml") + ":33) marks it to be checked");

    const auto spring_2028 = test::plan(test::programme_toml("start = 2028-03-06\nregion = \"midden\"\nweeks = 12"));
    CHECK(has_message_containing(messages(spring_2028, Severity::warning),
                                 "fall in meivakantie, extra week (midden) (2028-04-22 to 2028-04-30), which many "
                                 "schools take off"));
    const auto skipping = test::plan(test::programme_toml(
        "start = 2028-03-06\nregion = \"midden\"\nweeks = 12\noptional_school_holidays = \"closed\""));
    CHECK(skipping.calendar.sessions.end() ==
          std::find_if(skipping.calendar.sessions.begin(), skipping.calendar.sessions.end(),
                       [](const Session& s) { return s.date == make_date(2028, 4, 25); }));
}

TEST_CASE("a closed day outside the track is a warning, to catch a wrong year") {
    const auto plan = test::plan(test::programme_toml(start_2026 + "\nclosed = [2025-03-20]"));
    CHECK(has_message_containing(messages(plan, Severity::warning),
                                 "closed 2025-03-20 (gesloten) lies outside the track, 2026-02-02 to 2026-06-21"));
}

TEST_CASE("the example track has no errors") {
    const auto plan = test::plan(test::programme_toml(start_2026));
    CHECK_FALSE(plan.problems.has_errors());
}

TEST_SUITE_END();
