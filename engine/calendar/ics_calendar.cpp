#include "engine/calendar/ics_calendar.hpp"

#include "engine/time/weekday.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace ritme {
namespace pt = boost::posix_time;

namespace {

struct ComponentDeleter {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};

// A wall time; a session ending at 24:00 ends at 00:00 the next day (RFC 5545 has no hour 24).
icaltimetype local_ical_time(Date date, int minutes_of_day) {
    if (minutes_of_day >= 24 * 60) {
        date += boost::gregorian::days(minutes_of_day / (24 * 60));
        minutes_of_day %= 24 * 60;
    }
    icaltimetype t = icaltime_null_time();
    t.year = date.year();
    t.month = date.month();
    t.day = date.day();
    t.hour = minutes_of_day / 60;
    t.minute = minutes_of_day % 60;
    t.is_date = 0;
    return t;
}

icaltimetype ical_time(pt::ptime wall) {
    icaltimetype t = local_ical_time(wall.date(), static_cast<int>(wall.time_of_day().total_seconds() / 60));
    t.second = static_cast<int>(wall.time_of_day().seconds());
    return t;
}

icaltimetype utc_ical_time(UtcInstant instant) {
    icaltimetype t = ical_time(instant.utc);
    return icaltime_set_timezone(&t, icaltimezone_get_utc_timezone());
}

// A property carrying a wall time and TZID=<zone>, e.g. DTSTART;TZID=Europe/Amsterdam:20260303T093000.
icalproperty* zoned_time_property(icalproperty* property, const std::string& tzid) {
    icalproperty_add_parameter(property, icalparameter_new_tzid(tzid.c_str()));
    return property;
}

// The changes from one offset to one observance, written as one STANDARD or DAYLIGHT
// block: the first as DTSTART, the others as RDATEs, each in the wall time before the
// change (RFC 5545).
struct ObservanceChanges {
    int offset_from_seconds = 0;
    Observance to;
    std::vector<pt::ptime> onsets;
};

void add_change(std::vector<ObservanceChanges>& groups, int offset_from, const Observance& to, UtcInstant at) {
    const pt::ptime onset = at.utc + pt::seconds(offset_from);
    for (ObservanceChanges& group : groups) {
        if (group.offset_from_seconds == offset_from && group.to == to) {
            group.onsets.push_back(onset);
            return;
        }
    }
    groups.push_back({offset_from, to, {onset}});
}

icalcomponent* observance(const ObservanceChanges& changes) {
    icalcomponent* c = icalcomponent_new(changes.to.is_dst ? ICAL_XDAYLIGHT_COMPONENT : ICAL_XSTANDARD_COMPONENT);
    icalcomponent_add_property(c, icalproperty_new_tzname(changes.to.abbreviation.c_str()));
    icalcomponent_add_property(c, icalproperty_new_tzoffsetfrom(changes.offset_from_seconds));
    icalcomponent_add_property(c, icalproperty_new_tzoffsetto(changes.to.utc_offset_seconds));
    icalcomponent_add_property(c, icalproperty_new_dtstart(ical_time(changes.onsets.front())));
    for (size_t i = 1; i < changes.onsets.size(); ++i) {
        icaldatetimeperiodtype rdate{};
        rdate.time = ical_time(changes.onsets[i]);
        rdate.period = icalperiodtype_null_period();
        icalcomponent_add_property(c, icalproperty_new_rdate(rdate));
    }
    return c;
}

// The zone's VTIMEZONE for the years the calendar spans (and one either side): exact
// for every event in the file, and short. It opens with the observance in effect at the
// start, so every time in the span has a definition even before the first change.
icalcomponent* vtimezone(const TimeZone& zone, int first_year, int last_year) {
    constexpr LocalTimePolicy any_reading{GapPolicy::shift_forward, OverlapPolicy::earlier};  // of midnight
    const UtcInstant from = *zone.to_utc({make_date(first_year - 1, 1, 1), TimeOfDay()}, any_reading).instant;
    const UtcInstant to = *zone.to_utc({make_date(last_year + 2, 1, 1), TimeOfDay()}, any_reading).instant;
    const Observance& initial = zone.observance_at(from);
    std::vector<ObservanceChanges> groups;
    add_change(groups, initial.utc_offset_seconds, initial, from);
    for (const Transition& change : zone.transitions(from, to))
        add_change(groups, change.before.utc_offset_seconds, change.after, change.at);

    icalcomponent* tz = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
    icalcomponent_add_property(tz, icalproperty_new_tzid(zone.name().c_str()));
    for (const ObservanceChanges& group : groups) icalcomponent_add_component(tz, observance(group));
    return tz;
}

}  // namespace

std::string session_uid(const Programme& programme, const Session& session) {
    if (session.stored_id != 0) return programme.id + "-s" + std::to_string(session.stored_id) + "@ritme";
    return std::to_string(session.number) + "-" + programme.id + "@ritme";
}

std::string render_ics_calendar(const ProgrammeCalendar& plan, UtcInstant stamp) {
    const Programme& programme = plan.programme;
    const Calendar& calendar = plan.calendar;
    std::unique_ptr<icalcomponent, ComponentDeleter> root(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
    icalcomponent* cal = root.get();
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//ritme//ritme " RITME_VERSION "//NL"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalproperty* calname = icalproperty_new_x(programme.name.c_str());
    icalproperty_set_x_name(calname, "X-WR-CALNAME");
    icalcomponent_add_property(cal, calname);

    const int first_year = year_of(calendar.first_day);
    const int last_year = calendar.sessions.empty() ? first_year : year_of(calendar.sessions.back().date);
    icalcomponent_add_component(cal, vtimezone(plan.zone, first_year, last_year));

    const int total = static_cast<int>(calendar.sessions.size());
    for (const Session& session : calendar.sessions) {
        icalcomponent* event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
        icalcomponent_add_property(event, icalproperty_new_uid(session_uid(programme, session).c_str()));
        icalcomponent_add_property(event, icalproperty_new_dtstamp(utc_ical_time(stamp)));
        icalcomponent_add_property(
            event, zoned_time_property(icalproperty_new_dtstart(local_ical_time(session.date, session.time.start.minutes())),
                                       plan.zone.name()));
        icalcomponent_add_property(
            event, zoned_time_property(icalproperty_new_dtend(local_ical_time(session.date, session.time.end.minutes())),
                                       plan.zone.name()));
        const std::string summary = programme.name + " (" + std::to_string(session.number) + "/" +
                                    std::to_string(total) + ")";
        icalcomponent_add_property(event, icalproperty_new_summary(summary.c_str()));
        if (const Location* location = programme.find_location(session.location)) {
            const std::string where = location->address.empty() ? location->name : location->name + ", " + location->address;
            icalcomponent_add_property(event, icalproperty_new_location(where.c_str()));
        }
        icalcomponent_add_property(event, icalproperty_new_status(session.status == SessionStatus::cancelled
                                                                      ? ICAL_STATUS_CANCELLED
                                                                      : ICAL_STATUS_CONFIRMED));
        icalcomponent_add_property(event, icalproperty_new_sequence(std::max(0, session.version - 1)));
        if (session.planned) {
            const PlannedSlot& planned = *session.planned;
            const std::string description = "verplaatst; gepland op " +
                                            std::string(dutch_abbreviation_of(weekday_of(planned.date))) + " " +
                                            iso_date(planned.date) + " " + planned.time.str();
            icalcomponent_add_property(event, icalproperty_new_description(description.c_str()));
        }
        icalcomponent_add_component(cal, event);
    }
    // icalcomponent_as_ical_string returns a buffer libical owns and recycles.
    return icalcomponent_as_ical_string(cal);
}

std::string render_ics_feed(const FeedCalendar& feed) {
    if (!feed.zone) throw std::invalid_argument("a calendar feed needs its time zone");
    std::unique_ptr<icalcomponent, ComponentDeleter> root(icalcomponent_new(ICAL_VCALENDAR_COMPONENT));
    icalcomponent* cal = root.get();
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//ritme//ritme " RITME_VERSION "//NL"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalproperty* calname = icalproperty_new_x(feed.name.c_str());
    icalproperty_set_x_name(calname, "X-WR-CALNAME");
    icalcomponent_add_property(cal, calname);

    int first_year = year_of(feed.stamp.utc.date());
    int last_year = first_year;
    for (const FeedEvent& event : feed.events) {
        first_year = std::min(first_year, year_of(event.start.date));
        last_year = std::max(last_year, year_of(event.end.date));
    }
    icalcomponent_add_component(cal, vtimezone(*feed.zone, first_year, last_year));

    const std::string& tzid = feed.zone->name();
    for (const FeedEvent& e : feed.events) {
        icalcomponent* event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
        icalcomponent_add_property(event, icalproperty_new_uid(e.uid.c_str()));
        icalcomponent_add_property(event, icalproperty_new_dtstamp(utc_ical_time(feed.stamp)));
        icalcomponent_add_property(
            event, zoned_time_property(icalproperty_new_dtstart(local_ical_time(e.start.date, e.start.time.minutes())), tzid));
        icalcomponent_add_property(
            event, zoned_time_property(icalproperty_new_dtend(local_ical_time(e.end.date, e.end.time.minutes())), tzid));
        icalcomponent_add_property(event, icalproperty_new_summary(e.summary.c_str()));
        if (!e.location.empty()) icalcomponent_add_property(event, icalproperty_new_location(e.location.c_str()));
        if (!e.description.empty())
            icalcomponent_add_property(event, icalproperty_new_description(e.description.c_str()));
        icalcomponent_add_property(event,
                                   icalproperty_new_status(e.cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED));
        icalcomponent_add_property(event, icalproperty_new_sequence(std::max(0, e.sequence)));
        // No reminder for what does not take place.
        if (!e.cancelled) {
            for (const int minutes : feed.alarm_minutes_before) {
                icalcomponent* alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
                icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
                icaltriggertype trigger{};
                trigger.time = icaltime_null_time();
                trigger.duration = icaldurationtype_from_int(-minutes * 60);
                icalcomponent_add_property(alarm, icalproperty_new_trigger(trigger));
                icalcomponent_add_property(alarm, icalproperty_new_description(e.summary.c_str()));
                icalcomponent_add_component(event, alarm);
            }
        }
        icalcomponent_add_component(cal, event);
    }
    return icalcomponent_as_ical_string(cal);
}

}  // namespace ritme
