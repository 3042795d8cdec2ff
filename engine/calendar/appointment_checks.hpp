#pragma once
// The checks for an appointment a lead adds or moves (`ritme appointment add|move`):
// the participant's own commitments, the night hours, the sessions of her programmes it
// overlaps, and with the programme it belongs to that programme's rule for a session
// (session_window.hpp): its closed days, school hours with the travel margin, and the
// crèche's days and hours when she has children in care.
//
// The night hours are the daemon config's quiet hours (21:00-08:00 by default): the hours
// in which ritme sends no SMS because people sleep. An appointment then is most often a
// slip of the clock (02:00 for 14:00), and she could not be reminded close to it.

#include "engine/calendar/session_window.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/participants/participant.hpp"
#include "engine/programme/programme.hpp"
#include "engine/programme/reminder_rules.hpp"
#include "engine/time/instant.hpp"

#include <span>
#include <vector>

namespace ritme {

struct AppointmentCheck {
    const Participant* participant = nullptr;
    LocalDateTime start;       // local time of the daemon config's zone
    int duration_minutes = 60;
    QuietHours night;          // the config's quiet hours; empty: not checked
    // The sessions of her programmes, not cancelled, in the same local time as `start`.
    std::span<const SessionTime> sessions;
    // The programme the appointment belongs to, with its closures around the date; null: none.
    const Programme* programme = nullptr;
    const ClosureCalendar* closures = nullptr;
    // `start` in the programme's zone (the same as `start` when the zones agree).
    LocalDateTime programme_start;
};

// Every problem, in this order: the programme's day and window rule, her commitments,
// the night hours, the sessions it overlaps. Each message names the appointment by its
// local date and time.
std::vector<WindowProblem> appointment_problems(const AppointmentCheck& check);

}  // namespace ritme
