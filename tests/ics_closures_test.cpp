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

TEST_CASE("a date libical takes but that is no day from 1970 to 2200 is an error naming its line") {
    for (const std::string date : {"00000101", "99991232", "20260230"}) {
        CAPTURE(date);
        const auto closures = parse_ics_closures(
            calendar_of("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:" + date + "\r\nSUMMARY:x\r\nEND:VEVENT\r\n"),
            window_from, window_to);
        CHECK(closures.periods.empty());
        REQUIRE(closures.errors.size() == 1);
        CHECK(closures.errors[0] == "line 6: DTSTART " + date + " is not a date from 1970-01-01 to 2200-12-31");
    }
    // In DTEND, EXDATE, a list of RDATEs and an RRULE's UNTIL too; a folded line is named by its first line.
    const auto closures = parse_ics_closures(
        calendar_of("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260310\r\nDTEND;VALUE=DATE:99991232\r\n"
                    "END:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260310T090000\r\nRRULE:FREQ=WEEKLY;UNTIL=00001231T000000Z\r\n"
                    "EXDATE:20260317T090000,\r\n 20260231T090000\r\nEND:VEVENT\r\n"),
        window_from, window_to);
    CHECK(closures.periods.empty());
    CHECK(closures.errors == std::vector<std::string>{
                                 "line 7: DTEND 99991232 is not a date from 1970-01-01 to 2200-12-31",
                                 "line 12: RRULE 00001231T000000Z is not a date from 1970-01-01 to 2200-12-31",
                                 "line 13: EXDATE 20260231T090000 is not a date from 1970-01-01 to 2200-12-31",
                             });
}

TEST_CASE("a rule repeating within a day closes each day it touches once") {
    // Thirty hours from Tuesday midnight: Tuesday and Wednesday.
    const auto hourly = parse_ics_closures(
        calendar_of("BEGIN:VEVENT\r\nUID:h\r\nDTSTART:20260310T000000\r\nDTEND:20260310T003000\r\n"
                    "RRULE:FREQ=HOURLY;COUNT=30\r\nSUMMARY:Uurlijks\r\nEND:VEVENT\r\n"),
        window_from, window_to);
    CHECK(hourly.errors.empty());
    REQUIRE(hourly.periods.size() == 2);
    CHECK(hourly.periods[0].from == make_date(2026, 3, 10));
    CHECK(hourly.periods[1].from == make_date(2026, 3, 11));
    CHECK(hourly.periods[1].to == make_date(2026, 3, 11));

    // Every second for three days, then every second for forty years: one period a day,
    // and only the window's days.
    const auto secondly = parse_ics_closures(
        calendar_of("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20260310T120000\r\n"
                    "RRULE:FREQ=SECONDLY;UNTIL=20260312T120000\r\nEND:VEVENT\r\n"
                    "BEGIN:VEVENT\r\nUID:m\r\nDTSTART:20000101T000000\r\n"
                    "RRULE:FREQ=MINUTELY;UNTIL=20400101T000000\r\nEND:VEVENT\r\n"),
        window_from, window_to);
    CHECK(secondly.errors.empty());
    CHECK(secondly.periods.size() == 3 + 365);
    CHECK(secondly.periods[2].from == make_date(2026, 3, 12));
    CHECK(secondly.periods[3].from == window_from);
    CHECK(secondly.periods.back().from == window_to);
}

TEST_CASE("a rule repeating within a day that never ends is an error, not a closed period per second") {
    for (const std::string freq : {"SECONDLY", "MINUTELY", "HOURLY"}) {
        CAPTURE(freq);
        const auto closures = parse_ics_closures(
            calendar_of("BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20260105T080000\r\nRRULE:FREQ=" + freq +
                        "\r\nSUMMARY:Vrij\r\nEND:VEVENT\r\n"),
            window_from, window_to);
        CHECK(closures.periods.empty());
        REQUIRE(closures.errors.size() == 1);
        CHECK(closures.errors[0].find("line 7: an RRULE repeating within a day") == 0);
    }
}

TEST_CASE("a rule that would step through millions of occurrences before the window stops with an error") {
    const auto closures = parse_ics_closures(
        calendar_of("BEGIN:VEVENT\r\nUID:c\r\nDTSTART:19700101T000000\r\nRRULE:FREQ=SECONDLY;COUNT=2000000000\r\n"
                    "SUMMARY:Altijd\r\nEND:VEVENT\r\n"),
        window_from, window_to);
    REQUIRE(closures.errors.size() == 1);
    CHECK(closures.errors[0].find("event \"Altijd\": the file's recurring events step through more than") == 0);
}

TEST_CASE("an endless daily rule from long ago is expanded from the window's start") {
    const auto closures = parse_ics_closures(
        calendar_of("BEGIN:VEVENT\r\nUID:d\r\nDTSTART;VALUE=DATE:19700101\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\n"),
        window_from, window_to);
    CHECK(closures.errors.empty());
    REQUIRE(closures.periods.size() == 365);
    CHECK(closures.periods.front().from == window_from);
}

TEST_SUITE_END();
