#include "engine/holidays/ics_closures.hpp"

#include "engine/base/input_file.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <memory>
#include <sstream>

namespace ritme {
namespace {

struct ComponentDeleter {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
struct IteratorDeleter {
    void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};

Date date_of(const icaltimetype& t) { return make_date(t.year, t.month, t.day); }

// The last day an event covers: DTEND is exclusive, so an event ending at midnight
// (or an all-day event's DTEND) does not cover that day.
Date last_day_of(const icaltimetype& start, const icaltimetype& end) {
    if (icaltime_is_null_time(end)) return date_of(start);
    Date last = date_of(end);
    if (end.is_date || (end.hour == 0 && end.minute == 0 && end.second == 0)) last -= boost::gregorian::days(1);
    return last < date_of(start) ? date_of(start) : last;
}

void add_event(icalcomponent* event, Date window_from, Date window_to, IcsClosures& out) {
    if (icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED) return;
    const icaltimetype start = icalcomponent_get_dtstart(event);
    if (icaltime_is_null_time(start)) {
        out.errors.push_back("an event without DTSTART");
        return;
    }
    const icaltimetype end = icalcomponent_get_dtend(event);
    const Date first = date_of(start);
    const auto length = last_day_of(start, end) - first;
    const char* summary = icalcomponent_get_summary(event);
    const std::string reason = summary && *summary ? summary : "gesloten (schoolkalender)";

    auto add_occurrence = [&](Date day) {
        Date last = day + length;
        if (last < window_from || day > window_to) return;
        out.periods.push_back(ClosedPeriod{day, last, reason, {}});
    };

    icalproperty* rrule = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
    if (!rrule) {
        add_occurrence(first);
        return;
    }
    std::vector<Date> excluded;
    for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY))
        excluded.push_back(date_of(icalproperty_get_exdate(p)));

    std::unique_ptr<icalrecur_iterator, IteratorDeleter> it(
        icalrecur_iterator_new(icalproperty_get_rrule(rrule), start));
    if (!it) {
        out.errors.push_back("an RRULE that cannot be expanded");
        return;
    }
    for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
         t = icalrecur_iterator_next(it.get())) {
        const Date day = date_of(t);
        if (day > window_to) break;
        if (std::find(excluded.begin(), excluded.end(), day) == excluded.end()) add_occurrence(day);
    }
}

}  // namespace

IcsClosures parse_ics_closures(const std::string& ics_text, Date window_from, Date window_to) {
    IcsClosures out;
    std::unique_ptr<icalcomponent, ComponentDeleter> root(icalparser_parse_string(ics_text.c_str()));
    if (!root) {
        out.errors.push_back("not an iCalendar file (no BEGIN:VCALENDAR)");
        return out;
    }
    // libical reports what it could not parse as X-LIC-ERROR properties.
    auto collect_errors = [&out](icalcomponent* c) {
        for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
             p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY))
            out.errors.push_back(icalproperty_get_xlicerror(p));
    };
    collect_errors(root.get());
    if (icalcomponent_isa(root.get()) == ICAL_VEVENT_COMPONENT) {
        add_event(root.get(), window_from, window_to, out);
        return out;
    }
    for (icalcomponent* event = icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT); event;
         event = icalcomponent_get_next_component(root.get(), ICAL_VEVENT_COMPONENT)) {
        collect_errors(event);
        add_event(event, window_from, window_to, out);
    }
    return out;
}

IcsClosures read_ics_closures(const std::string& path, Date window_from, Date window_to) {
    const InputText read = read_input_file(path, input_limits::ics);
    if (read.problem == InputProblem::too_large) return IcsClosures{{}, {too_large_message(input_limits::ics)}};
    if (!read.ok()) return IcsClosures{{}, {"cannot read " + path}};
    return parse_ics_closures(read.text, window_from, window_to);
}

}  // namespace ritme
