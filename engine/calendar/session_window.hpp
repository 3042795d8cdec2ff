#pragma once
// The one rule for where a session may lie in its day: inside the school-hours window
// narrowed by the travel margin at both ends (the children are brought and fetched),
// with a [childcare] table inside the crèche's opening hours narrowed by its margin (and
// at the crèche's address), and clear of the programme's other sessions that day; a
// dated session also not on a closed day. `ritme check` applies it to the slots (and
// generating the calendar skips the closed days), `ritme session move` to a lead's new
// time with lead_session_problems(), `ritme appointment add|move` through
// appointment_checks.hpp, and `ritme suggest` builds its candidates from session_window().

#include "engine/base/phrase.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/programme/programme.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_of_day.hpp"
#include "engine/time/weekday.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

enum class WindowProblemKind {
    no_school,           // the weekday has no school hours: the children are at home
    no_room_for_margin,  // the school hours leave no room once the travel margin is taken off both ends
    before_school,       // starts before drop-off plus the travel margin
    after_school,        // ends after pick-up minus the travel margin
    creche_closed,       // the crèche is closed that weekday
    before_creche,       // starts less than the crèche's margin after it opens
    after_creche,        // ends less than the crèche's margin before it closes
    overlap,             // overlaps another session of the programme that day
    away_from_creche,    // meets at another location than the crèche on a day it is open
    closed_day,          // a public holiday, a school holiday of the region or the programme's own closed day
    kept_school_holiday,  // an optional school holiday the programme keeps, which many schools take off
    creche_places,       // more children need a crèche place than the crèche has
    commitment,          // an appointment: overlaps one of the participant's own commitments
    night,               // an appointment: in the night hours
};
std::string_view name_of(WindowProblemKind kind);  // "no_school", "before_creche", …
bool about_school_hours(WindowProblemKind kind);  // the first four

struct WindowProblem {
    WindowProblemKind kind = WindowProblemKind::no_school;
    // Names the session by its label: "slot 1 (tuesday 08:45-11:00) starts 30 minutes too early:
    // school hours on tuesday are 09:00-13:45, so with 15m travel margin a session fits in 09:15-13:30".
    // Said in the reader's language (a lead's page, the HTML calendar); english() for `ritme check`.
    Phrase message;
    Phrase hint;  // "start at 09:15 or later"
    // School-hours kinds: where a session may lie by the school hours and travel margin
    // (latest_end may lie before earliest_start when there is no room).
    TimeOfDay earliest_start;
    TimeOfDay latest_end;
};

// A session in its day: a proposed one, or one it must not overlap.
struct SessionTime {
    // How messages name it: "slot 2 (thursday 09:30-11:30)", "#10 (Thu 2026-03-12 09:30-11:30)";
    // in Dutch "slot 2 (donderdag 09:30-11:30)", "#10 (do 2026-03-12 09:30-11:30)".
    Phrase label;
    Weekday day = Weekday::monday;
    std::optional<Date> date;  // empty: a weekly slot, every `day`
    TimeRange time;
    std::string location = {};  // a Location key; empty: not checked against the crèche's address

    static SessionTime of(const Slot& slot);
    // A dated session, labelled "#N (Thu 2026-03-12 09:30-11:30)".
    static SessionTime on(int number, Date date, const TimeRange& time, std::string location = {});

    // On the same day as `other`: the same weekday, and the same date when both have one.
    bool same_day_as(const SessionTime& other) const;
};

// Every problem with `session` under the programme's school hours and crèche (its hours,
// then its address: away_from_creche is a warning in `ritme check`, the rest errors), then
// every session of `others` it overlaps on its day, in their order.
std::vector<WindowProblem> session_window_problems(const Programme& programme, const SessionTime& session,
                                                   std::span<const SessionTime> others = {});

// The day of a dated session against the programme's closures: closed (a public holiday,
// the region's school holiday, the programme's own closed day), or in an optional school
// holiday the programme keeps. `closures` must cover the date to tell.
std::vector<WindowProblem> session_day_problems(const SessionTime& session, const ClosureCalendar& closures);

// `children` children need a crèche place at `session`; a problem when the programme's
// crèche has fewer places (none without a [childcare] table).
std::optional<WindowProblem> creche_places_problem(const Programme& programme, const SessionTime& session,
                                                   int children);

// Everything `ritme check` says of a session, for one dated session a lead sets: its day,
// its place in the day, the crèche's places for `children_in_care` (the children of the
// enrolled participants), then the sessions of `others` it overlaps.
std::vector<WindowProblem> lead_session_problems(const Programme& programme, const ClosureCalendar& closures,
                                                 const SessionTime& session, std::span<const SessionTime> others,
                                                 int children_in_care);

// Where a session may lie on `day` by the same rule, for generating candidates. Empty
// when the day has no school hours or the crèche is closed that day. latest_end may lie
// before earliest_start + a session's length: then nothing fits.
struct SessionWindow {
    TimeOfDay earliest_start;
    TimeOfDay latest_end;

    bool fits(const TimeRange& time) const { return time.start >= earliest_start && time.end <= latest_end; }
};
std::optional<SessionWindow> session_window(const Programme& programme, Weekday day);
// Where a session may lie on `day` for the crèche alone: its opening hours narrowed by
// its margin. Empty when it is closed that weekday.
std::optional<SessionWindow> creche_window(const Childcare& childcare, Weekday day);

}  // namespace ritme
