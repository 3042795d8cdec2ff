#include "engine/calendar/appointment_checks.hpp"

#include "engine/time/local_time_text.hpp"

#include <algorithm>

namespace ritme {

namespace {

constexpr int minutes_per_day = 24 * 60;

bool about_creche(WindowProblemKind kind) {
    return kind == WindowProblemKind::creche_closed || kind == WindowProblemKind::before_creche ||
           kind == WindowProblemKind::after_creche;
}

// The appointment within its first day: one that runs past midnight is cut there.
TimeRange within_day(TimeOfDay start, int duration_minutes) {
    return {start, TimeOfDay::from_minutes(std::min(minutes_per_day, start.minutes() + duration_minutes))};
}

std::string label_of(const LocalDateTime& start, int duration_minutes) {
    const int end = (start.time.minutes() + duration_minutes) % minutes_per_day;
    return "the appointment (" + day_and_date(start.date) + " " + start.time.str() + "-" +
           TimeOfDay::from_minutes(end).str() + ")";
}

// Whether [from, to) in minutes from the start's midnight (to may pass the next
// midnight) meets the night hours of either day.
bool in_night(const QuietHours& night, int from, int to) {
    const int start = night.start.minutes();
    int end = night.end.minutes();
    if (end <= start) end += minutes_per_day;  // 21:00-08:00 runs into the next day
    for (int day = -1; day <= 1; ++day) {
        const int night_from = start + day * minutes_per_day;
        const int night_to = end + day * minutes_per_day;
        if (from < night_to && night_from < to) return true;
    }
    return false;
}

std::string commitment_text(const Commitment& commitment) {
    const std::string when =
        commitment.weekday ? std::string(name_of(*commitment.weekday)) + "s" : iso_date(*commitment.date);
    return (commitment.label.empty() ? std::string("a commitment") : "\"" + commitment.label + "\"") + " (" + when +
           " " + commitment.time.str() + ")";
}

}  // namespace

std::vector<WindowProblem> appointment_problems(const AppointmentCheck& check) {
    std::vector<WindowProblem> problems;
    const std::string label = label_of(check.start, check.duration_minutes);
    const TimeRange time = within_day(check.start.time, check.duration_minutes);

    if (check.programme) {
        const LocalDateTime& local = check.programme_start;
        const SessionTime appointment{label, weekday_of(local.date), local.date,
                                      within_day(local.time, check.duration_minutes), {}};
        const bool children_in_care = check.participant && check.participant->children_in_care > 0;
        if (check.closures)
            for (auto& problem : session_day_problems(appointment, *check.closures)) problems.push_back(problem);
        // The crèche matters only to a mother whose children need it.
        for (auto& problem : session_window_problems(*check.programme, appointment))
            if (children_in_care || !about_creche(problem.kind)) problems.push_back(std::move(problem));
    }

    if (check.participant)
        for (const Commitment& commitment : check.participant->commitments)
            if (commitment.applies_on(check.start.date) && commitment.time.overlaps(time))
                problems.push_back({WindowProblemKind::commitment,
                                    label + " overlaps the participant's own commitment " +
                                        commitment_text(commitment),
                                    "she cannot be in two places; choose another time", {}, {}});

    const int from = check.start.time.minutes();
    if (!check.night.empty() && in_night(check.night, from, from + check.duration_minutes))
        problems.push_back({WindowProblemKind::night,
                            label + " falls in the night hours, " + check.night.str() +
                                " (the quiet hours, when no SMS goes out)",
                            "check the time; she cannot be reminded at night", {}, {}});

    for (const SessionTime& session : check.sessions)
        if (session.date == check.start.date && session.time.overlaps(time))
            problems.push_back({WindowProblemKind::overlap, label + " overlaps session " + session.label.english(),
                                "she would miss that session; choose another time", {}, {}});
    return problems;
}

}  // namespace ritme
