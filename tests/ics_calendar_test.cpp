#include "engine/render/ics_calendar.hpp"
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

TEST_CASE("the ICS read back by libical gives the same sessions, across both DST changes") {
    const auto plan = test::plan(test::programme_toml("start = 2026-02-02\nregion = \"noord\"\nweeks = 40"));
    const std::string ics = render_ics_calendar(plan, stamp);
    const auto events = read_back(ics);
    REQUIRE(events.size() == plan.calendar.sessions.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const Session& s = plan.calendar.sessions[i];
        CAPTURE(iso_date(s.date));
        CHECK(events[i].uid == session_uid(plan.programme, s));
        CHECK(events[i].tzid == "Europe/Amsterdam");
        CHECK(events[i].start == s.start_utc);
        CHECK(events[i].end == s.end_utc);
        CHECK(events[i].location == "Wijkcentrum De Schakel, Kruidenwijk, Almere");
        CHECK(events[i].summary == "Test (" + std::to_string(s.number) + "/" +
                                       std::to_string(plan.calendar.sessions.size()) + ")");
    }
    CHECK(ics.find("DTSTAMP:20260115T100000Z") != std::string::npos);
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

TEST_SUITE_END();
