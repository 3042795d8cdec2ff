#include "engine/holidays/ics_closures.hpp"

#include <doctest/doctest.h>

using namespace ritme;

namespace {

std::string calendar_of(const std::string& events) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//NL\r\n" + events + "END:VCALENDAR\r\n";
}

const Date window_from = make_date(2026, 1, 1);
const Date window_to = make_date(2026, 12, 31);

}  // namespace

TEST_SUITE_BEGIN("ics_closures");

TEST_CASE("all-day events close the days from DTSTART up to, not including, DTEND") {
    const auto closures = parse_ics_closures(calendar_of("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260310\r\n"
                                                         "DTEND;VALUE=DATE:20260311\r\nSUMMARY:Studiedag\r\nEND:VEVENT\r\n"
                                                         "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20260607\r\n"
                                                         "DTEND;VALUE=DATE:20260610\r\nSUMMARY:Studiedagen\r\nEND:VEVENT\r\n"),
                                             window_from, window_to);
    CHECK(closures.errors.empty());
    REQUIRE(closures.periods.size() == 2);
    CHECK(closures.periods[0].from == make_date(2026, 3, 10));
    CHECK(closures.periods[0].to == make_date(2026, 3, 10));
    CHECK(closures.periods[0].reason == "Studiedag");
    CHECK(closures.periods[1].from == make_date(2026, 6, 7));
    CHECK(closures.periods[1].to == make_date(2026, 6, 9));
}

TEST_CASE("a timed event closes the days it touches; a cancelled one closes nothing") {
    const auto closures = parse_ics_closures(
        calendar_of("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260415T120000\r\nDTEND:20260415T150000\r\n"
                    "SUMMARY:Middag vrij\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20260520\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n"),
        window_from, window_to);
    REQUIRE(closures.periods.size() == 1);
    CHECK(closures.periods[0].from == make_date(2026, 4, 15));
    CHECK(closures.periods[0].to == make_date(2026, 4, 15));
}

TEST_CASE("recurring events are expanded, EXDATEs left out, within the window") {
    const auto closures = parse_ics_closures(
        calendar_of("BEGIN:VEVENT\r\nUID:r\r\nDTSTART;VALUE=DATE:20261202\r\nDTEND;VALUE=DATE:20261203\r\n"
                    "RRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;VALUE=DATE:20261216\r\nSUMMARY:Wekelijks vrij\r\nEND:VEVENT\r\n"),
        window_from, window_to);
    CHECK(closures.errors.empty());
    std::vector<Date> days;
    for (const auto& p : closures.periods) days.push_back(p.from);
    // 2, 9, (16 excluded), 23, 30 December; 6 January 2027 is outside the window.
    CHECK(days == std::vector<Date>{make_date(2026, 12, 2), make_date(2026, 12, 9), make_date(2026, 12, 23),
                                    make_date(2026, 12, 30)});
}

TEST_CASE("an event without a summary gets a neutral reason") {
    const auto closures = parse_ics_closures(
        calendar_of("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260310\r\nEND:VEVENT\r\n"), window_from, window_to);
    REQUIRE(closures.periods.size() == 1);
    CHECK(closures.periods[0].reason == "gesloten (schoolkalender)");
    CHECK(closures.periods[0].to == make_date(2026, 3, 10));  // no DTEND: the one day
}

TEST_CASE("text that is not iCalendar is an error") {
    CHECK_FALSE(parse_ics_closures("hello", window_from, window_to).errors.empty());
    const auto no_start = parse_ics_closures(calendar_of("BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nEND:VEVENT\r\n"),
                                             window_from, window_to);
    CHECK_FALSE(no_start.errors.empty());
}

TEST_SUITE_END();
