#include "engine/holidays/ics_closures.hpp"

#include "engine/base/input_file.hpp"
#include "engine/base/text.hpp"
#include "engine/time/date_range.hpp"

#include <libical/ical.h>

#include <algorithm>
#include <memory>
#include <sstream>

namespace ritme {
namespace {

// Occurrences one file's recurring events may step through in all. A daily rule over
// the window takes a few thousand, a daily COUNT from 1970 about as many as this; it
// stops a rule that cannot end in time (a COUNT of millions, stepping by the second)
// before it costs a tenth of a second.
constexpr int max_recurrence_steps = 50000;

struct ComponentDeleter {
    void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
struct IteratorDeleter {
    void operator()(icalrecur_iterator* i) const { icalrecur_iterator_free(i); }
};

std::string not_a_date(std::string_view property, std::string_view value) {
    return std::string(property.substr(0, 20)) + " " + std::string(value.substr(0, 20)) + " is not a date from " +
           supported_dates_text();
}

// libical takes 00000101, 99991232 or 20260230 as a date; ritme does not. Each date
// value in the text is checked where it stands, so the error can name its line.
bool is_date_property(std::string_view name) {
    for (std::string_view known : {"dtstart", "dtend", "due", "exdate", "rdate", "recurrence-id"})
        if (name == known) return true;
    return false;
}

std::optional<int> digits(std::string_view text) {
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

// "20260310" or "20260310T090000Z": its date must be a supported one. Values that do
// not start with eight digits are left to libical, which reports them.
bool is_bad_date_value(std::string_view value) {
    if (value.size() < 8) return false;
    const auto year = digits(value.substr(0, 4)), month = digits(value.substr(4, 2)), day = digits(value.substr(6, 2));
    if (!year || !month || !day) return false;
    return !supported_date(*year, *month, *day);
}

void check_date_values(const std::string& line, int line_number, std::vector<std::string>& errors) {
    // The value starts after the first colon that is not inside a quoted parameter.
    size_t colon = std::string::npos;
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '"') quoted = !quoted;
        if (line[i] == ':' && !quoted) {
            colon = i;
            break;
        }
    }
    if (colon == std::string::npos) return;
    const std::string_view typed_name = std::string_view(line).substr(0, line.find_first_of(";:"));
    const std::string name = lower(typed_name);
    const std::string_view value = std::string_view(line).substr(colon + 1);
    auto report = [&](std::string_view bad) {
        errors.push_back("line " + std::to_string(line_number) + ": " + not_a_date(typed_name, bad));
    };
    if (name == "rrule") {
        const std::string rule = lower(value);
        const size_t until = rule.find("until=");
        if (until != std::string::npos) {
            const std::string_view date = value.substr(until + 6, value.find(';', until) - (until + 6));
            if (is_bad_date_value(date)) report(date);
        }
        // A rule repeating within a day that never ends closes every day from DTSTART on:
        // no school's calendar means that.
        const bool within_a_day = rule.find("freq=secondly") != std::string::npos ||
                                  rule.find("freq=minutely") != std::string::npos ||
                                  rule.find("freq=hourly") != std::string::npos;
        if (within_a_day && until == std::string::npos && rule.find("count=") == std::string::npos)
            errors.push_back("line " + std::to_string(line_number) +
                             ": an RRULE repeating within a day (SECONDLY, MINUTELY, HOURLY) without COUNT or "
                             "UNTIL: it would close every day from DTSTART on");
        return;
    }
    if (!is_date_property(name)) return;
    for (size_t begin = 0; begin <= value.size();) {
        size_t end = value.find(',', begin);
        if (end == std::string_view::npos) end = value.size();
        std::string_view one = value.substr(begin, end - begin);
        one = one.substr(0, one.find('/'));  // a PERIOD: its start
        if (is_bad_date_value(one)) report(one);
        begin = end + 1;
    }
}

// What is wrong on the file's lines: a date that is not a supported one, a rule that
// would close every day for good. Lines are unfolded first (a line starting with a space or tab continues the one
// before); a logical line is named by the line it starts on.
std::vector<std::string> line_errors(const std::string& text) {
    std::vector<std::string> errors;
    std::string logical;
    int logical_line = 0, line_number = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        ++line_number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            logical += line.substr(1);
            continue;
        }
        if (!logical.empty()) check_date_values(logical, logical_line, errors);
        logical = line;
        logical_line = line_number;
    }
    if (!logical.empty()) check_date_values(logical, logical_line, errors);
    return errors;
}

std::optional<Date> date_of(const icaltimetype& t) { return supported_date(t.year, t.month, t.day); }

// The last day an event covers: DTEND is exclusive, so an event ending at midnight
// (or an all-day event's DTEND) does not cover that day.
std::optional<Date> last_day_of(Date first, const icaltimetype& end) {
    if (icaltime_is_null_time(end)) return first;
    std::optional<Date> last = date_of(end);
    if (!last) return std::nullopt;
    if (end.is_date || (end.hour == 0 && end.minute == 0 && end.second == 0)) *last -= boost::gregorian::days(1);
    return *last < first ? first : *last;
}

// The first moment of `day` in the form of `like` (a date, or a time in its zone).
icaltimetype start_of(Date day, const icaltimetype& like) {
    icaltimetype t = like;
    t.year = year_of(day);
    t.month = day.month();
    t.day = day.day();
    t.hour = t.minute = t.second = 0;
    return t;
}

class EventReader {
public:
    EventReader(Date window_from, Date window_to, IcsClosures& out)
        : window_from_(window_from), window_to_(window_to), out_(out) {}

    void add_event(icalcomponent* event) {
        if (icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED) return;
        const char* summary = icalcomponent_get_summary(event);
        const std::string reason = summary && *summary ? summary : "gesloten (schoolkalender)";
        const icaltimetype start = icalcomponent_get_dtstart(event);
        if (icaltime_is_null_time(start)) {
            out_.errors.push_back("an event without DTSTART");
            return;
        }
        const auto first = date_of(start);
        const auto last = first ? last_day_of(*first, icalcomponent_get_dtend(event)) : std::nullopt;
        if (!first || !last) {
            out_.errors.push_back("event \"" + reason + "\": " +
                                  not_a_date(first ? "DTEND" : "DTSTART", icaltime_as_ical_string(
                                                                              first ? icalcomponent_get_dtend(event) : start)));
            return;
        }
        const auto length = *last - *first;
        auto add_occurrence = [&](Date day) {
            const Date end = day + length;
            if (end < window_from_ || day > window_to_) return;
            out_.periods.push_back(ClosedPeriod{day, end, reason, {}});
        };

        icalproperty* rrule = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
        if (!rrule) {
            add_occurrence(*first);
            return;
        }
        std::vector<Date> excluded;
        for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY); p;
             p = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY))
            if (auto day = date_of(icalproperty_get_exdate(p))) excluded.push_back(*day);
        const auto is_excluded = [&](Date day) {
            return std::find(excluded.begin(), excluded.end(), day) != excluded.end();
        };
        expand(icalproperty_get_rrule(rrule), start, *first, length, reason, [&](Date day) {
            if (!is_excluded(day)) add_occurrence(day);
        });
    }

private:
    // Steps through the rule's occurrences from the window's start (less the event's
    // length) to its end, one per day: a rule that repeats within a day (HOURLY,
    // MINUTELY, SECONDLY) closes each day it touches once, and the iterator jumps to
    // the next day. A rule with COUNT must be counted from DTSTART; it is stepped
    // through, within the file's budget.
    template <typename AddDay>
    void expand(icalrecurrencetype rule, const icaltimetype& start, Date first, boost::gregorian::date_duration length,
                const std::string& reason, AddDay add_day) {
        std::unique_ptr<icalrecur_iterator, IteratorDeleter> it(icalrecur_iterator_new(rule, start));
        if (!it) {
            out_.errors.push_back("event \"" + reason + "\": an RRULE that cannot be expanded");
            return;
        }
        if (steps_ > max_recurrence_steps) return;  // the file's budget is spent, and reported
        const bool counted = rule.count > 0;
        const Date earliest = window_from_ - length;
        if (!counted && first < earliest) icalrecur_iterator_set_start(it.get(), start_of(earliest, start));
        std::optional<Date> previous;
        for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
             t = icalrecur_iterator_next(it.get())) {
            if (++steps_ > max_recurrence_steps) {
                out_.errors.push_back("event \"" + reason + "\": the file's recurring events step through more than " +
                                      std::to_string(max_recurrence_steps) +
                                      " occurrences; give a rule an UNTIL instead of a large COUNT");
                return;
            }
            const auto day = date_of(t);
            if (!day || *day > window_to_) break;
            if (previous && *day <= *previous) continue;  // the same day again
            previous = day;
            add_day(*day);
            if (!counted && rule.freq < ICAL_DAILY_RECURRENCE)
                icalrecur_iterator_set_start(it.get(), start_of(*day + boost::gregorian::days(1), start));
        }
    }

    Date window_from_, window_to_;
    IcsClosures& out_;
    int steps_ = 0;
};

}  // namespace

IcsClosures parse_ics_closures(const std::string& ics_text, Date window_from, Date window_to) {
    IcsClosures out;
    out.errors = line_errors(ics_text);
    if (!out.errors.empty()) return out;
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
    EventReader reader(window_from, window_to, out);
    if (icalcomponent_isa(root.get()) == ICAL_VEVENT_COMPONENT) {
        reader.add_event(root.get());
        return out;
    }
    for (icalcomponent* event = icalcomponent_get_first_component(root.get(), ICAL_VEVENT_COMPONENT); event;
         event = icalcomponent_get_next_component(root.get(), ICAL_VEVENT_COMPONENT)) {
        collect_errors(event);
        reader.add_event(event);
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
