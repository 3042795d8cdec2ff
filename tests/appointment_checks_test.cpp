// The checks for an appointment: the participant's own commitments, the night hours,
// the sessions of her programmes, and the rule of the programme it belongs to.

#include "engine/calendar/appointment_checks.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

using namespace ritme;

namespace {

LocalDateTime at(int year, int month, int day, int hour, int minute) {
    return {make_date(year, month, day), TimeOfDay::hm(hour, minute)};
}

std::vector<WindowProblemKind> kinds(const std::vector<WindowProblem>& problems) {
    std::vector<WindowProblemKind> out;
    for (const auto& p : problems) out.push_back(p.kind);
    return out;
}

AppointmentCheck check_at(const Participant& participant, LocalDateTime start, int minutes = 60) {
    AppointmentCheck check;
    check.participant = &participant;
    check.start = start;
    check.programme_start = start;
    check.duration_minutes = minutes;
    return check;
}

}  // namespace

TEST_SUITE("appointment_checks") {
    TEST_CASE("her own commitments: weekly on that weekday and dated on that date, by overlap") {
        Participant amina;
        amina.commitments.push_back({Weekday::monday, std::nullopt, {TimeOfDay::hm(9, 0), TimeOfDay::hm(12, 0)}, "taalles"});
        amina.commitments.push_back(
            {std::nullopt, make_date(2026, 3, 10), {TimeOfDay::hm(13, 0), TimeOfDay::hm(14, 0)}, "tandarts"});
        const auto monday = appointment_problems(check_at(amina, at(2026, 3, 9, 11, 30)));
        REQUIRE(kinds(monday) == std::vector{WindowProblemKind::commitment});
        CHECK(monday[0].message.english() ==
              "the appointment (Mon 2026-03-09 11:30-12:30) overlaps the participant's own commitment \"taalles\" "
              "(mondays 09:00-12:00)");
        CHECK(kinds(appointment_problems(check_at(amina, at(2026, 3, 10, 13, 30)))) ==
              std::vector{WindowProblemKind::commitment});
        CHECK(appointment_problems(check_at(amina, at(2026, 3, 9, 12, 0))).empty());   // starts as it ends
        CHECK(appointment_problems(check_at(amina, at(2026, 3, 17, 13, 30))).empty());  // another Tuesday
    }

    TEST_CASE("the night hours are the quiet hours, across midnight both ways") {
        const Participant amina;
        auto night = [&](LocalDateTime start, int minutes) {
            AppointmentCheck check = check_at(amina, start, minutes);
            check.night = QuietHours{};  // 21:00-08:00
            return kinds(appointment_problems(check)) == std::vector{WindowProblemKind::night};
        };
        CHECK(night(at(2026, 3, 9, 2, 0), 60));
        CHECK(night(at(2026, 3, 9, 7, 30), 60));    // ends after 08:00, starts before
        CHECK(night(at(2026, 3, 9, 20, 30), 60));   // runs into 21:00
        CHECK(night(at(2026, 3, 9, 23, 30), 60));   // past midnight
        CHECK_FALSE(night(at(2026, 3, 9, 8, 0), 60));
        CHECK_FALSE(night(at(2026, 3, 9, 20, 0), 60));  // ends at 21:00
        AppointmentCheck check = check_at(amina, at(2026, 3, 9, 2, 0));
        check.night = QuietHours{};
        const auto problems = appointment_problems(check);
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].message.english() ==
              "the appointment (Mon 2026-03-09 02:00-03:00) falls in the night hours, 21:00-08:00 (the quiet hours, "
              "when no SMS goes out)");
        check.night = QuietHours{TimeOfDay::hm(0, 0), TimeOfDay::hm(0, 0)};  // none
        CHECK(appointment_problems(check).empty());
    }

    TEST_CASE("the sessions of her programmes it overlaps") {
        const Participant amina;
        const std::vector<SessionTime> sessions{
            SessionTime::on(10, make_date(2026, 3, 10), {TimeOfDay::hm(9, 30), TimeOfDay::hm(11, 30)})};
        AppointmentCheck check = check_at(amina, at(2026, 3, 10, 11, 0));
        check.sessions = sessions;
        const auto problems = appointment_problems(check);
        REQUIRE(kinds(problems) == std::vector{WindowProblemKind::overlap});
        CHECK(problems[0].message.english() ==
              "the appointment (Tue 2026-03-10 11:00-12:00) overlaps session #10 (Tue 2026-03-10 09:30-11:30)");
        check.start = check.programme_start = at(2026, 3, 10, 11, 30);
        CHECK(appointment_problems(check).empty());
    }

    TEST_CASE("with its programme: closed days, school hours with the margin, the crèche only for children in care") {
        const Programme programme = test::almere_like();
        const ClosureCalendar closures(programme.closures, test::shipped_school_holidays(), make_date(2026, 3, 1),
                                       make_date(2026, 6, 1));
        Participant amina;
        auto problems = [&](LocalDateTime start) {
            AppointmentCheck check = check_at(amina, start);
            check.programme = &programme;
            check.closures = &closures;
            return kinds(appointment_problems(check));
        };
        CHECK(problems(at(2026, 3, 10, 10, 0)).empty());
        CHECK(problems(at(2026, 5, 14, 10, 0)) == std::vector{WindowProblemKind::closed_day});  // Ascension Day
        CHECK(problems(at(2026, 3, 10, 9, 0)) == std::vector{WindowProblemKind::before_school});
        CHECK(problems(at(2026, 3, 14, 10, 0)) == std::vector{WindowProblemKind::no_school});  // a Saturday
        // Wednesday: the crèche is closed, which matters only with children in care.
        CHECK(problems(at(2026, 3, 11, 10, 0)).empty());
        amina.children_in_care = 1;
        CHECK(problems(at(2026, 3, 11, 10, 0)) == std::vector{WindowProblemKind::creche_closed});
    }
}
