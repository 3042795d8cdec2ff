#include "engine/calendar/session_window.hpp"

#include "engine/base/text.hpp"
#include "engine/time/local_time_text.hpp"

#include <algorithm>

namespace ritme {

namespace {

constexpr int midnight = 24 * 60;

// The school-hours window of a day with the travel margin taken off both ends.
struct SchoolBounds {
    TimeRange hours;
    int margin = 0;
    int earliest = 0;  // start at or after
    int latest = 0;    // end at or before

    bool no_room() const { return earliest >= hours.end.minutes() - margin; }
};

std::optional<SchoolBounds> school_bounds(const Programme& programme, Weekday day) {
    const auto& window = programme.school_hours.window[index_of(day)];
    if (!window) return std::nullopt;
    const int margin = programme.school_hours.travel_margin_minutes;
    return SchoolBounds{*window, margin, window->start.minutes() + margin,
                        std::max(0, window->end.minutes() - margin)};
}

// The crèche's opening hours of a day: it must be open `margin` before a session starts
// and after it ends, or from midnight / until midnight when the session is that close to it.
struct CrecheBounds {
    TimeRange open;
    int margin = 0;
    int earliest = 0;  // start at or after
    int latest = 0;    // end at or before
};

std::optional<CrecheBounds> creche_bounds(const Childcare& childcare, Weekday day) {
    const auto& open = childcare.open[index_of(day)];
    if (!open) return std::nullopt;
    const int margin = childcare.margin_minutes;
    return CrecheBounds{*open, margin, open->start.minutes() > 0 ? open->start.minutes() + margin : 0,
                        open->end.minutes() < midnight ? open->end.minutes() - margin : midnight};
}

void check_school_hours(const Programme& programme, const SessionTime& session, std::vector<WindowProblem>& out) {
    const std::string day(name_of(session.day));
    const Phrase day_said = weekday_phrase(session.day);
    const auto bounds = school_bounds(programme, session.day);
    if (!bounds) {
        out.push_back({WindowProblemKind::no_school,
                       phrase("{1} falls on a day without school hours, when the children are at home", {session.label}),
                       phrase("choose a school day, or set [school_hours] {1} = \"HH:MM-HH:MM\" if the school is open then",
                              {day}),
                       {},
                       {}});
        return;
    }
    const TimeOfDay earliest = TimeOfDay::from_minutes(bounds->earliest);
    const TimeOfDay latest = TimeOfDay::from_minutes(bounds->latest);
    const std::string margin = format_duration_minutes(bounds->margin);
    if (bounds->no_room()) {
        out.push_back({WindowProblemKind::no_room_for_margin,
                       phrase("{1}: school hours on {2} are {3}, so with {4} travel margin no session fits on {2}",
                              {session.label, day_said, bounds->hours.str(), margin}),
                       phrase("shorten travel_margin in [school_hours], or choose another day"), earliest, latest});
        return;
    }
    const Phrase window_text =
        phrase("school hours on {1} are {2}, so with {3} travel margin a session fits in {4}-{5}",
               {day_said, bounds->hours.str(), margin, earliest.str(), latest.str()});
    if (session.time.start < earliest) {
        const int minutes = earliest.minutes() - session.time.start.minutes();
        out.push_back({WindowProblemKind::before_school,
                       phrase_count(minutes, "{1} starts {n} minute too early: {2}", "{1} starts {n} minutes too early: {2}",
                                    {session.label, window_text}),
                       phrase("start at {1} or later", {earliest.str()}), earliest, latest});
    }
    if (session.time.end > latest) {
        const int minutes = session.time.end.minutes() - latest.minutes();
        out.push_back({WindowProblemKind::after_school,
                       phrase_count(minutes, "{1} ends {n} minute too late: {2}", "{1} ends {n} minutes too late: {2}",
                                    {session.label, window_text}),
                       phrase("end at {1} or earlier", {latest.str()}), earliest, latest});
    }
}

void check_creche(const Childcare& childcare, const SessionTime& session, std::vector<WindowProblem>& out) {
    const std::string day(name_of(session.day));
    const Phrase day_said = weekday_phrase(session.day);
    const auto bounds = creche_bounds(childcare, session.day);
    if (!bounds) {
        out.push_back({WindowProblemKind::creche_closed,
                       phrase("the crèche is closed on {1}, when {2} meets", {day_said, session.label}),
                       phrase("add {1} to [childcare] open", {day}),
                       {},
                       {}});
        return;
    }
    const TimeRange& open = bounds->open;
    const int margin = bounds->margin;
    const TimeOfDay must_open = TimeOfDay::from_minutes(std::max(0, session.time.start.minutes() - margin));
    const TimeOfDay must_close = TimeOfDay::from_minutes(std::min(midnight, session.time.end.minutes() + margin));
    const Phrase window_text =
        phrase("the crèche is open {1} on {2} and must be open {3}-{4} ({5} margin)",
               {open.str(), day_said, must_open.str(), must_close.str(), format_duration_minutes(margin)});
    if (session.time.start.minutes() < bounds->earliest)
        out.push_back({WindowProblemKind::before_creche,
                       phrase_count(open.start.minutes() - must_open.minutes(),
                                    "{1} starts {n} minute too early for the crèche: {2}",
                                    "{1} starts {n} minutes too early for the crèche: {2}", {session.label, window_text}),
                       phrase("start at {1} or later, or open the crèche earlier",
                              {TimeOfDay::from_minutes(bounds->earliest).str()}),
                       {},
                       {}});
    if (session.time.end.minutes() > bounds->latest)
        out.push_back({WindowProblemKind::after_creche,
                       phrase_count(must_close.minutes() - open.end.minutes(),
                                    "{1} ends {n} minute too late for the crèche: {2}",
                                    "{1} ends {n} minutes too late for the crèche: {2}", {session.label, window_text}),
                       phrase("end at {1} or earlier, or keep the crèche open longer",
                              {TimeOfDay::from_minutes(bounds->latest).str()}),
                       {},
                       {}});
}

// A session that meets elsewhere than the crèche on a day it is open: not a window
// problem, a detour for the parents.
void check_creche_location(const Programme& programme, const SessionTime& session, std::vector<WindowProblem>& out) {
    const Childcare& childcare = *programme.childcare;
    if (session.location.empty() || !childcare.open[index_of(session.day)] || session.location == childcare.location)
        return;
    out.push_back({WindowProblemKind::away_from_creche,
                   phrase("{1} meets at {2} but the crèche is at {3}",
                          {session.label, programme.location_name(session.location),
                           programme.location_name(childcare.location)}),
                   phrase("parents then take their children to another address first; check that this is intended"),
                   {},
                   {}});
}

}  // namespace

std::string_view name_of(WindowProblemKind kind) {
    switch (kind) {
        case WindowProblemKind::no_school: return "no_school";
        case WindowProblemKind::no_room_for_margin: return "no_room_for_margin";
        case WindowProblemKind::before_school: return "before_school";
        case WindowProblemKind::after_school: return "after_school";
        case WindowProblemKind::creche_closed: return "creche_closed";
        case WindowProblemKind::before_creche: return "before_creche";
        case WindowProblemKind::after_creche: return "after_creche";
        case WindowProblemKind::overlap: return "overlap";
        case WindowProblemKind::away_from_creche: return "away_from_creche";
        case WindowProblemKind::closed_day: return "closed_day";
        case WindowProblemKind::kept_school_holiday: return "kept_school_holiday";
        case WindowProblemKind::creche_places: return "creche_places";
        case WindowProblemKind::commitment: return "commitment";
        case WindowProblemKind::night: return "night";
    }
    return "overlap";
}

bool about_school_hours(WindowProblemKind kind) {
    return kind == WindowProblemKind::no_school || kind == WindowProblemKind::no_room_for_margin ||
           kind == WindowProblemKind::before_school || kind == WindowProblemKind::after_school;
}

SessionTime SessionTime::of(const Slot& slot) {
    // Slot::label()'s wording, with the weekday said in the reader's language.
    return {phrase("slot {1} ({2} {3})", {std::to_string(slot.number), weekday_phrase(slot.day), slot.time.str()}),
            slot.day, std::nullopt, slot.time, slot.location};
}

SessionTime SessionTime::on(int number, Date date, const TimeRange& time, std::string location) {
    return {Phrase::joined({"#" + std::to_string(number) + " (", day_and_date_phrase(date), " " + time.str() + ")"}, ""),
            weekday_of(date), date, time, std::move(location)};
}

bool SessionTime::same_day_as(const SessionTime& other) const {
    return day == other.day && (!date || !other.date || *date == *other.date);
}

std::vector<WindowProblem> session_window_problems(const Programme& programme, const SessionTime& session,
                                                   std::span<const SessionTime> others) {
    std::vector<WindowProblem> problems;
    check_school_hours(programme, session, problems);
    if (programme.childcare) {
        check_creche(*programme.childcare, session, problems);
        check_creche_location(programme, session, problems);
    }
    for (const SessionTime& other : others)
        if (session.same_day_as(other) && session.time.overlaps(other.time))
            problems.push_back({WindowProblemKind::overlap, phrase("{1} overlaps {2}", {session.label, other.label}),
                                phrase("a group cannot meet twice at once; move one of them"),
                                {},
                                {}});
    return problems;
}

std::vector<WindowProblem> session_day_problems(const SessionTime& session, const ClosureCalendar& closures) {
    std::vector<WindowProblem> problems;
    if (!session.date) return problems;
    const Date date = *session.date;
    if (const Closure* closure = closures.closure_on(date)) {
        problems.push_back({WindowProblemKind::closed_day,
                            phrase("{1} is closed for this programme: {2}",
                                   {day_and_date_phrase(date),
                                    closure->reason.empty() ? phrase("a closed day") : Phrase(closure->reason)}),
                            phrase("choose a day the programme meets on"),
                            {},
                            {}});
        return problems;
    }
    for (const SchoolHoliday* holiday : closures.kept_optional_holidays())
        if (holiday->from <= date && date <= holiday->to)
            problems.push_back({WindowProblemKind::kept_school_holiday,
                                phrase("{1} falls in {2} ({3} to {4}), which many schools take off",
                                       {session.label, holiday->label(), iso_date(holiday->from), iso_date(holiday->to)}),
                                phrase("ask the schools"),
                                {},
                                {}});
    return problems;
}

std::optional<WindowProblem> creche_places_problem(const Programme& programme, const SessionTime& session,
                                                   int children) {
    if (!programme.childcare || children <= programme.childcare->places) return std::nullopt;
    const int places = programme.childcare->places;
    return WindowProblem{WindowProblemKind::creche_places,
                         phrase_count(children, "{1}: {n} child needs a crèche place, the crèche has {2}",
                                      "{1}: {n} children need a crèche place, the crèche has {2}",
                                      {session.label, std::to_string(places)}),
                         phrase("not every mother can come; find more places for that time"),
                         {},
                         {}};
}

std::vector<WindowProblem> lead_session_problems(const Programme& programme, const ClosureCalendar& closures,
                                                 const SessionTime& session, std::span<const SessionTime> others,
                                                 int children_in_care) {
    std::vector<WindowProblem> problems = session_day_problems(session, closures);
    std::vector<WindowProblem> window = session_window_problems(programme, session, others);
    // The crèche's places before the overlaps, which session_window_problems puts last.
    const auto overlaps = std::find_if(window.begin(), window.end(),
                                       [](const WindowProblem& p) { return p.kind == WindowProblemKind::overlap; });
    problems.insert(problems.end(), window.begin(), overlaps);
    if (auto places = creche_places_problem(programme, session, children_in_care)) problems.push_back(*places);
    problems.insert(problems.end(), overlaps, window.end());
    return problems;
}

std::optional<SessionWindow> session_window(const Programme& programme, Weekday day) {
    const auto school = school_bounds(programme, day);
    if (!school) return std::nullopt;
    int earliest = school->earliest;
    int latest = school->latest;
    if (programme.childcare) {
        const auto creche = creche_bounds(*programme.childcare, day);
        if (!creche) return std::nullopt;
        earliest = std::max(earliest, creche->earliest);
        latest = std::min(latest, creche->latest);
    }
    earliest = std::clamp(earliest, 0, midnight);
    latest = std::clamp(latest, 0, midnight);
    return SessionWindow{TimeOfDay::from_minutes(earliest), TimeOfDay::from_minutes(latest)};
}

std::optional<SessionWindow> creche_window(const Childcare& childcare, Weekday day) {
    const auto bounds = creche_bounds(childcare, day);
    if (!bounds) return std::nullopt;
    return SessionWindow{TimeOfDay::from_minutes(std::clamp(bounds->earliest, 0, midnight)),
                         TimeOfDay::from_minutes(std::clamp(bounds->latest, 0, midnight))};
}

}  // namespace ritme
