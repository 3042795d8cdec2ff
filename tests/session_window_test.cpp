// The one session-window rule: school hours with the travel margin, the crèche's days,
// hours, address and places, closed days, and overlaps with the programme's other sessions.

#include "engine/calendar/session_window.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ritme;

namespace {

TimeRange range(int h1, int m1, int h2, int m2) { return {TimeOfDay::hm(h1, m1), TimeOfDay::hm(h2, m2)}; }

std::vector<WindowProblemKind> kinds(const std::vector<WindowProblem>& problems) {
    std::vector<WindowProblemKind> out;
    for (const auto& p : problems) out.push_back(p.kind);
    return out;
}

}  // namespace

TEST_SUITE("session_window") {
    TEST_CASE("a time inside school hours and crèche hours, clear of the other sessions, has no problem") {
        const Programme programme = test::almere_like();
        const auto tuesday = SessionTime::on(13, make_date(2026, 3, 24), range(9, 30, 11, 30));
        CHECK(session_window_problems(programme, SessionTime::on(12, make_date(2026, 3, 19), range(9, 45, 11, 45)),
                                      std::span(&tuesday, 1))
                  .empty());
    }

    TEST_CASE("the crèche closed that day, and a time outside its hours with the margin") {
        const Programme programme = test::almere_like();
        const auto wednesday =
            session_window_problems(programme, SessionTime::on(10, make_date(2026, 3, 11), range(9, 45, 11, 45)));
        REQUIRE(kinds(wednesday) == std::vector{WindowProblemKind::creche_closed});
        CHECK(wednesday[0].message.english() == "the crèche is closed on wednesday, when #10 (Wed 2026-03-11 09:45-11:45) meets");

        const auto late =
            session_window_problems(programme, SessionTime::on(10, make_date(2026, 3, 24), range(10, 0, 12, 0)));
        REQUIRE(kinds(late) == std::vector{WindowProblemKind::after_creche});
        CHECK(late[0].message.english() ==
              "#10 (Tue 2026-03-24 10:00-12:00) ends 10 minutes too late for the crèche: the crèche is open "
              "09:00-12:00 on tuesday and must be open 09:50-12:10 (10m margin)");
        CHECK(late[0].hint.english() == "end at 11:50 or earlier, or keep the crèche open longer");

        const auto early =
            session_window_problems(programme, SessionTime::on(10, make_date(2026, 3, 24), range(9, 5, 11, 0)));
        CHECK(kinds(early) == std::vector{WindowProblemKind::before_school, WindowProblemKind::before_creche});
    }

    TEST_CASE("school hours: no school, too early, too late, and no room for the margin") {
        Programme programme = test::almere_like();
        programme.childcare.reset();
        CHECK(kinds(session_window_problems(programme, {"x", Weekday::saturday, std::nullopt, range(10, 0, 12, 0)})) ==
              std::vector{WindowProblemKind::no_school});
        const auto friday = session_window_problems(programme, {"x", Weekday::friday, std::nullopt, range(9, 0, 11, 15)});
        REQUIRE(kinds(friday) == std::vector{WindowProblemKind::before_school, WindowProblemKind::after_school});
        CHECK(friday[0].earliest_start == TimeOfDay::hm(9, 15));
        CHECK(friday[0].latest_end == TimeOfDay::hm(11, 0));
        programme.school_hours.travel_margin_minutes = 90;
        CHECK(kinds(session_window_problems(programme, {"x", Weekday::friday, std::nullopt, range(9, 0, 10, 0)})) ==
              std::vector{WindowProblemKind::no_room_for_margin});
    }

    TEST_CASE("overlaps: only on the same day, a weekly slot on every such weekday, half-open times") {
        const Programme programme = test::almere_like();
        const SessionTime moved = SessionTime::on(10, make_date(2026, 3, 24), range(9, 30, 11, 30));
        const std::vector<SessionTime> others{
            SessionTime::on(13, make_date(2026, 3, 24), range(11, 0, 12, 0)),   // overlaps
            SessionTime::on(14, make_date(2026, 3, 31), range(9, 30, 11, 30)),  // another Tuesday
            SessionTime::on(15, make_date(2026, 3, 24), range(11, 30, 12, 0)),  // starts as it ends
            {"slot 1 (tuesday 08:00-09:45)", Weekday::tuesday, std::nullopt, range(8, 0, 9, 45)},  // every Tuesday
        };
        const auto problems = session_window_problems(programme, moved, others);
        REQUIRE(kinds(problems) == std::vector{WindowProblemKind::overlap, WindowProblemKind::overlap});
        CHECK(problems[0].message.english() == "#10 (Tue 2026-03-24 09:30-11:30) overlaps #13 (Tue 2026-03-24 11:00-12:00)");
        CHECK(problems[1].message.english() == "#10 (Tue 2026-03-24 09:30-11:30) overlaps slot 1 (tuesday 08:00-09:45)");
        CHECK(problems[0].hint.english() == "a group cannot meet twice at once; move one of them");
    }

    TEST_CASE("session_window() and the problems agree at every minute of every weekday") {
        const Programme programme = test::almere_like();
        for (Weekday day : all_weekdays) {
            CAPTURE(name_of(day));
            const auto window = session_window(programme, day);
            for (int start = 0; start + 60 <= 24 * 60; start += 5) {
                const TimeRange time{TimeOfDay::from_minutes(start), TimeOfDay::from_minutes(start + 60)};
                const bool fits = window && window->fits(time);
                CHECK(fits == session_window_problems(programme, {"x", day, std::nullopt, time}).empty());
            }
        }
    }

    TEST_CASE("a session away from the crèche's address on a day it is open is told; without a location it is not") {
        Programme programme = test::almere_like();
        programme.locations.push_back({"stadhuis", "Stadhuis", "Stadhuisplein 1", {}});
        const auto away = session_window_problems(
            programme, SessionTime::on(10, make_date(2026, 3, 24), range(9, 30, 11, 30), "stadhuis"));
        REQUIRE(kinds(away) == std::vector{WindowProblemKind::away_from_creche});
        CHECK(away[0].message.english() ==
              "#10 (Tue 2026-03-24 09:30-11:30) meets at Stadhuis but the crèche is at Wijkcentrum De Schakel");
        CHECK(session_window_problems(programme,
                                      SessionTime::on(10, make_date(2026, 3, 24), range(9, 30, 11, 30), "schakel"))
                  .empty());
        CHECK(session_window_problems(programme, SessionTime::on(10, make_date(2026, 3, 24), range(9, 30, 11, 30)))
                  .empty());
    }

    TEST_CASE("a dated session on a public holiday or the programme's closed day; an open day has no problem") {
        Programme programme = test::almere_like();
        programme.closures.closed.push_back({make_date(2026, 3, 26), make_date(2026, 3, 26), "gebouw dicht", {}});
        const ClosureCalendar closures(programme.closures, test::shipped_school_holidays(), make_date(2026, 3, 1),
                                       make_date(2026, 6, 1));
        const auto ascension =
            session_day_problems(SessionTime::on(30, make_date(2026, 5, 14), range(9, 30, 11, 30)), closures);
        REQUIRE(kinds(ascension) == std::vector{WindowProblemKind::closed_day});
        CHECK(ascension[0].message.english() == "Thu 2026-05-14 is closed for this programme: Hemelvaartsdag");
        const auto own = session_day_problems(SessionTime::on(14, make_date(2026, 3, 26), range(9, 30, 11, 30)), closures);
        REQUIRE(kinds(own) == std::vector{WindowProblemKind::closed_day});
        CHECK(own[0].message.english() == "Thu 2026-03-26 is closed for this programme: gebouw dicht");
        CHECK(session_day_problems(SessionTime::on(15, make_date(2026, 3, 31), range(9, 30, 11, 30)), closures).empty());
    }

    TEST_CASE("the crèche's places: more children than places is a problem, as many is not") {
        const Programme programme = test::almere_like();  // 8 places
        const SessionTime session = SessionTime::on(10, make_date(2026, 3, 24), range(9, 30, 11, 30));
        CHECK_FALSE(creche_places_problem(programme, session, 8));
        const auto full = creche_places_problem(programme, session, 14);
        REQUIRE(full);
        CHECK(full->kind == WindowProblemKind::creche_places);
        CHECK(full->message.english() == "#10 (Tue 2026-03-24 09:30-11:30): 14 children need a crèche place, the crèche has 8");
        Programme without = programme;
        without.childcare.reset();
        CHECK_FALSE(creche_places_problem(without, session, 14));
    }

    TEST_CASE("lead_session_problems: the day, the window, the places, then the overlaps, as `check` has them") {
        Programme programme = test::almere_like();
        programme.locations.push_back({"stadhuis", "Stadhuis", "", {}});
        const ClosureCalendar closures(programme.closures, test::shipped_school_holidays(), make_date(2026, 5, 1),
                                       make_date(2026, 5, 31));
        // Ascension Thursday, 10:00-12:00 (past the crèche's 11:50), at the town hall, over #31.
        const SessionTime moved = SessionTime::on(30, make_date(2026, 5, 14), range(10, 0, 12, 0), "stadhuis");
        const std::vector<SessionTime> others{SessionTime::on(31, make_date(2026, 5, 14), range(9, 30, 11, 30))};
        CHECK(kinds(lead_session_problems(programme, closures, moved, others, 9)) ==
              std::vector{WindowProblemKind::closed_day, WindowProblemKind::after_creche,
                          WindowProblemKind::away_from_creche, WindowProblemKind::creche_places,
                          WindowProblemKind::overlap});
        const SessionTime fine = SessionTime::on(30, make_date(2026, 5, 19), range(9, 30, 11, 30), "schakel");
        CHECK(lead_session_problems(programme, closures, fine, others, 8).empty());
    }
}
