#include "engine/calendar/checks.hpp"

#include "engine/base/text.hpp"
#include "engine/calendar/session_window.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace ritme {
namespace g = boost::gregorian;

namespace {

std::string join_session_numbers(const std::vector<const Session*>& sessions) {
    std::string text;
    for (const Session* s : sessions) text += (text.empty() ? "" : ", ") + std::to_string(s->number);
    return text;
}

void check_session_count(const Programme& programme, const Calendar& calendar, Diagnostics& out) {
    const int held = static_cast<int>(calendar.sessions.size());
    if (programme.on_holiday == HolidayMode::extend) {
        if (!calendar.complete)
            out.add(Severity::error, programme.where,
                    phrase("only {1} of {2} sessions fit in {3} weeks",
                           {std::to_string(held), std::to_string(calendar.intended_sessions),
                            std::to_string(programme.weeks * extend_limit_factor)}),
                    phrase("check the closed days; most of the calendar is closed"));
        return;
    }
    if (held < min_held_share * calendar.intended_sessions)
        out.add(Severity::warning, programme.where,
                phrase("only {1} of {2} sessions are held; {3} fall on holidays or closed days",
                       {std::to_string(held), std::to_string(calendar.intended_sessions),
                        std::to_string(calendar.intended_sessions - held)}),
                phrase("set on_holiday = \"extend\" to keep {1} sessions", {std::to_string(calendar.intended_sessions)}));
}

void check_summer(const Programme& programme, const Calendar& calendar, const SchoolHolidayTable& school_holidays,
                  Diagnostics& out) {
    for (const SchoolHoliday* holiday :
         school_holidays.overlapping(programme.closures.region, calendar.first_day, calendar.last_day)) {
        if (!holiday->is_summer()) continue;
        const auto lost = std::count_if(calendar.skipped.begin(), calendar.skipped.end(), [&](const SkippedDate& s) {
            return s.closure && s.closure->school_holiday == holiday;
        });
        out.add(Severity::warning, programme.where,
                phrase("the track runs into the summer holiday: {1} {2} to {3} ({4} sessions fall in it)",
                       {holiday->label(), iso_date(holiday->from), iso_date(holiday->to), std::to_string(lost)}),
                phrase("start earlier, shorten the track, or plan what comes after the summer as a new track"));
    }
}

void check_empty_weeks(const Programme& programme, const Calendar& calendar, Diagnostics& out) {
    std::map<Date, int> held_per_week;
    std::map<Date, std::vector<const SkippedDate*>> skipped_per_week;
    for (const auto& session : calendar.sessions) ++held_per_week[monday_of(session.date)];
    for (const auto& skipped : calendar.skipped) skipped_per_week[monday_of(skipped.date)].push_back(&skipped);
    for (const auto& [monday, skipped] : skipped_per_week) {
        if (held_per_week.count(monday)) continue;
        // A school-holiday week is an expected pause; any other week without a session breaks the rhythm.
        const bool holiday_week = std::all_of(skipped.begin(), skipped.end(), [](const SkippedDate* s) {
            return s->closure && s->closure->kind == ClosureKind::school_holiday;
        });
        if (holiday_week) continue;
        std::set<std::string> reasons;
        std::string reason_text;
        for (const SkippedDate* s : skipped)
            if (reasons.insert(s->reason).second) reason_text += (reason_text.empty() ? "" : ", ") + s->reason;
        out.add(Severity::warning, programme.where,
                phrase("week {1} (from {2}) has no session: {3}",
                       {std::to_string(monday.week_number()), iso_date(monday), reason_text}),
                phrase("a week without meeting breaks the rhythm; consider a replacement session that week"));
    }
}

void check_holiday_data(const Programme& programme, const Calendar& calendar, const ClosureCalendar& closures,
                        const SchoolHolidayTable& school_holidays, Diagnostics& out) {
    if (auto uncovered = school_holidays.first_uncovered(calendar.first_day, calendar.last_day)) {
        const int year = uncovered->month() >= 9 ? year_of(*uncovered) : year_of(*uncovered) - 1;
        const std::string school_year = std::to_string(year) + "-" + std::to_string(year + 1);
        out.add(Severity::warning, programme.where,
                phrase("no school holiday data for {1}: sessions from {2} may fall in holidays ritme does not know",
                       {school_year, iso_date(*uncovered)}),
                phrase("add config/holidays/{1}.toml", {school_year}));
    }
    std::set<const SchoolHoliday*> reported;
    for (const auto& skipped : calendar.skipped) {
        const SchoolHoliday* holiday = skipped.closure ? skipped.closure->school_holiday : nullptr;
        if (!holiday || holiday->confirmed || !reported.insert(holiday).second) continue;
        // The lead cannot fix ritme's data, so the warning belongs to the programme; the hint says where the
        // dates come from.
        const std::string data_file = holiday->where.line > 0
                                          ? holiday->where.file + ":" + std::to_string(holiday->where.line)
                                          : holiday->where.file;
        out.add(Severity::warning, programme.where,
                phrase("{1} {2} to {3} is not confirmed yet; the calendar skips it as published so far",
                       {holiday->label(), iso_date(holiday->from), iso_date(holiday->to)}),
                phrase("ask the schools; ritme's holiday data ({1}) marks it to be checked", {data_file}));
    }
    for (const SchoolHoliday* holiday : closures.kept_optional_holidays()) {
        std::vector<const Session*> inside;
        for (const auto& session : calendar.sessions)
            if (holiday->from <= session.date && session.date <= holiday->to) inside.push_back(&session);
        if (inside.empty()) continue;
        out.add(Severity::warning, programme.where,
                phrase("sessions {1} fall in {2} ({3} to {4}), which many schools take off",
                       {join_session_numbers(inside), holiday->label(), iso_date(holiday->from), iso_date(holiday->to)}),
                phrase("ask the schools; set optional_school_holidays = \"closed\" to skip it"));
    }
}

void check_closed_periods(const Programme& programme, const Calendar& calendar, Diagnostics& out) {
    for (const auto& period : programme.closures.closed) {
        if (period.from_calendar_file) continue;  // a school calendar covers more than one track
        if (period.to < calendar.first_day || period.from > calendar.last_day)
            out.add(Severity::warning, period.where,
                    period.to == period.from
                        ? phrase("closed {1} ({2}) lies outside the track, {3} to {4}",
                                 {iso_date(period.from), period.reason, iso_date(calendar.first_day),
                                  iso_date(calendar.last_day)})
                        : phrase("closed {1} to {2} ({3}) lies outside the track, {4} to {5}",
                                 {iso_date(period.from), iso_date(period.to), period.reason,
                                  iso_date(calendar.first_day), iso_date(calendar.last_day)}),
                    phrase("check the year"));
    }
}

void check_dst(const Programme& programme, const Calendar& calendar, Diagnostics& out) {
    for (const auto& session : calendar.sessions) {
        if (!session.on_dst_change) continue;
        out.add(Severity::warning, programme.where,
                phrase("session {1} on {2} at {3} falls in the hour the clocks change",
                       {std::to_string(session.number), iso_date(session.date), session.time.str()}),
                phrase("it is planned at the first valid time; move it out of the night"));
    }
}

}  // namespace

void check_slots(const Programme& programme, Diagnostics& out, bool school_hours_known) {
    // Each slot against school hours and the crèche, then each against the slots before it,
    // so a slot's window problems come before its overlaps.
    std::vector<SessionTime> times;
    for (const Slot& slot : programme.slots) times.push_back(SessionTime::of(slot));
    std::vector<std::vector<WindowProblem>> problems;
    for (size_t i = 0; i < times.size(); ++i)
        problems.push_back(session_window_problems(programme, times[i], std::span(times.data(), i)));
    for (size_t i = 0; i < times.size(); ++i) {
        for (const WindowProblem& problem : problems[i]) {
            if (problem.kind == WindowProblemKind::overlap) continue;
            if (!school_hours_known && about_school_hours(problem.kind)) continue;
            out.add(problem.kind == WindowProblemKind::away_from_creche ? Severity::warning : Severity::error,
                    programme.slots[i].where, problem.message, problem.hint);
        }
    }
    for (size_t i = 0; i < times.size(); ++i)
        for (const WindowProblem& problem : problems[i])
            if (problem.kind == WindowProblemKind::overlap)
                out.add(Severity::error, programme.slots[i].where, problem.message, problem.hint);
}

void check_calendar(const Programme& programme, const Calendar& calendar, const ClosureCalendar& closures,
                    const SchoolHolidayTable& school_holidays, Diagnostics& out) {
    check_session_count(programme, calendar, out);
    check_summer(programme, calendar, school_holidays, out);
    check_empty_weeks(programme, calendar, out);
    check_holiday_data(programme, calendar, closures, school_holidays, out);
    check_closed_periods(programme, calendar, out);
    check_dst(programme, calendar, out);
}

}  // namespace ritme
