#include "engine/calendar/ics_calendar.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <libical/ical.h>

#include <map>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

struct ReadBack {
    std::string uid;
    UtcInstant start, end;
    std::string summary, location, tzid;
};

UtcInstant to_utc_instant(icaltimetype t) {
    const icaltimetype u = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
    return {pt::ptime(make_date(u.year, u.month, u.day), pt::hours(u.hour) + pt::minutes(u.minute) + pt::seconds(u.second))};
}

// Parses the file with libical and resolves each event's times through the VTIMEZONE
// in the file itself: an independent reading of the zone rules.
std::vector<ReadBack> read_back(const std::string& ics) {
    icalcomponent* root = icalparser_parse_string(ics.c_str());
    REQUIRE(root != nullptr);
    CHECK(icalcomponent_count_errors(root) == 0);
    std::vector<ReadBack> events;
    for (icalcomponent* e = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
        ReadBack r;
        r.uid = icalcomponent_get_uid(e);
        const icaltimetype start = icalcomponent_get_dtstart(e);
        const icaltimetype end = icalcomponent_get_dtend(e);
        REQUIRE(start.zone != nullptr);
        r.tzid = icaltimezone_get_tzid(const_cast<icaltimezone*>(start.zone));
        r.start = to_utc_instant(start);
        r.end = to_utc_instant(end);
        r.summary = icalcomponent_get_summary(e);
        r.location = icalcomponent_get_location(e) ? icalcomponent_get_location(e) : "";
        events.push_back(r);
    }
    icalcomponent_free(root);
    return events;
}

const UtcInstant stamp{pt::ptime(make_date(2026, 1, 15), pt::hours(10))};

}  // namespace

TEST_SUITE_BEGIN("ics_calendar");

// The calendar's sessions, read back from its ICS file by libical, have the UTC start
// and end ritme computed.
void check_read_back(const ProgrammeCalendar& plan, const std::string& ics) {
    const auto events = read_back(ics);
    REQUIRE(events.size() == plan.calendar.sessions.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const Session& s = plan.calendar.sessions[i];
        CAPTURE(iso_date(s.date));
        CHECK(events[i].uid == session_uid(plan.programme, s));
        CHECK(events[i].tzid == plan.zone.name());
        CHECK(events[i].start == s.start_utc);
        CHECK(events[i].end == s.end_utc);
        CHECK(events[i].location == "Wijkcentrum De Schakel, Kruidenwijk, Almere");
        CHECK(events[i].summary == "Test (" + std::to_string(s.number) + "/" +
                                       std::to_string(plan.calendar.sessions.size()) + ")");
    }
}

size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

TEST_CASE("the ICS read back by libical gives the same sessions, across both DST changes") {
    const auto plan = test::plan(test::programme_toml("start = 2026-02-02\nregion = \"noord\"\nweeks = 40"));
    const std::string ics = render_ics_calendar(plan, stamp);
    CHECK(plan.zone.name() == "Europe/Amsterdam");
    check_read_back(plan, ics);
    CHECK(ics.find("DTSTAMP:20260115T100000Z") != std::string::npos);
    // Summer time starts at 02:00 CET and ends at 03:00 CEST, 2025 to 2027.
    CHECK(ics.find("TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nDTSTART:20250330T020000\r\nRDATE:20260329T020000\r\n"
                   "RDATE:20270328T020000\r\n") != std::string::npos);
    CHECK(ics.find("TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nDTSTART:20251026T030000\r\n") != std::string::npos);
}

TEST_CASE("a zone without DST gets a single standard observance") {
    const auto plan = test::plan(
        test::programme_toml("start = 2026-02-02\nregion = \"noord\"\nweeks = 40\ntimezone = \"Asia/Kolkata\""));
    const std::string ics = render_ics_calendar(plan, stamp);
    check_read_back(plan, ics);
    CHECK(count(ics, "BEGIN:STANDARD") == 1);
    CHECK(count(ics, "BEGIN:DAYLIGHT") == 0);
    CHECK(ics.find("TZNAME:IST\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\n") != std::string::npos);
    CHECK(plan.calendar.sessions.front().start_utc.iso() == "2026-02-03T04:00:00Z");
}

TEST_CASE("a southern-hemisphere zone: summer time ends in April and starts in October") {
    const auto plan = test::plan(
        test::programme_toml("start = 2026-02-02\nregion = \"noord\"\nweeks = 40\ntimezone = \"Australia/Sydney\""));
    const std::string ics = render_ics_calendar(plan, stamp);
    check_read_back(plan, ics);
    CHECK(ics.find("TZNAME:AEDT\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100\r\nDTSTART:20251005T020000\r\n"
                   "RDATE:20261004T020000\r\n") != std::string::npos);
    CHECK(ics.find("TZNAME:AEST\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000\r\nDTSTART:20250406T030000\r\n"
                   "RDATE:20260405T030000\r\n") != std::string::npos);
    // Tuesday 3 February is summer, Tuesday 2 June winter.
    CHECK(plan.calendar.sessions.front().start_utc.iso() == "2026-02-02T22:30:00Z");
    for (const Session& s : plan.calendar.sessions)
        if (s.date == make_date(2026, 6, 2)) CHECK(s.start_utc.iso() == "2026-06-01T23:30:00Z");
}

TEST_CASE("UIDs are stable across exports and unique within one") {
    const auto toml = test::programme_toml("start = 2026-02-02\nregion = \"noord\"");
    const auto first = read_back(render_ics_calendar(test::plan(toml), stamp));
    const auto second = read_back(render_ics_calendar(test::plan(toml), UtcInstant{stamp.utc + pt::hours(24)}));
    REQUIRE(first.size() == second.size());
    std::map<std::string, int> seen;
    for (size_t i = 0; i < first.size(); ++i) {
        CHECK(first[i].uid == second[i].uid);
        ++seen[first[i].uid];
    }
    CHECK(seen.size() == first.size());
}

TEST_CASE("a session ending at 24:00 ends at 00:00 the next day, as RFC 5545 wants") {
    const auto plan = test::plan(test::programme_toml("start = 2026-02-02\nregion = \"noord\"\nweeks = 1", R"(
[location.a]
name = "A"
[[slot]]
day = "tuesday"
start = "22:00"
end = "24:00"
)"));
    const std::string ics = render_ics_calendar(plan, stamp);
    CHECK(ics.find("T240000") == std::string::npos);
    CHECK(ics.find("20260204T000000") != std::string::npos);
    const auto events = read_back(ics);
    REQUIRE(events.size() == 1);
    CHECK(events[0].end == plan.calendar.sessions[0].end_utc);
    CHECK(events[0].end.utc == pt::ptime(make_date(2026, 2, 3), pt::hours(23)));  // 24:00 CET
}

TEST_SUITE_END();
