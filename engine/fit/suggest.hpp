#pragma once
// Which weekly slots would suit the whole group: every candidate set of slots inside
// the school-hours and crèche windows is given a real calendar (ClosureCalendar +
// generate_calendar, the code `ritme calendar` uses) and scored with fit's rules.
//
// Candidates:
//  - as many slots as the programme has (two for the usual track, so pairs; one slot
//    gives single slots; three give triples), each on a different weekday;
//  - each as long as the programme's FIRST slot (the notes say so);
//  - starting at multiples of the step from the earliest start the day allows, ending
//    by the latest end it allows (session_window(), the rule check_slots() applies);
//  - at the location of the programme's first slot.
// Ranked by the share of its sessions each participant can attend, the worst-off
// participant first (maximin): the higher lowest share ranks first; equal lowest shares
// are decided by the next-lowest, and so on. Then sessions attendable summed over
// participants (more first: more sessions held at equal shares), sessions lost to
// holidays (fewer first), then the earlier weekday and start, slot by slot.
//
// Crèche places are shared across each candidate's sessions in date order (fit.hpp), so
// in skip mode who is free at each single slot's session is kept and the places are
// shared per candidate when they can run short.
//
// The current slots are scored the same way from the calendar their own slots
// generate (planned sessions; moves and cancellations in the store are not counted),
// so they compare with the candidates like for like.

#include "engine/calendar/session_window.hpp"
#include "engine/fit/fit.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ritme {

// How candidate calendars are made.
enum class CandidateCalendars {
    // on_holiday = skip: one calendar per single (day, start) slot, figures of a set
    // summed from its slots' figures. In skip mode a slot's sessions do not depend on
    // the other slots, so this equals generating each set's calendar (suggest_test
    // checks it on every candidate). on_holiday = extend: as full_generation.
    automatic,
    full_generation,  // a calendar generated for every candidate set
};

// One set of slots and what it gives the group.
struct CandidateFigures {
    std::vector<Slot> slots;  // in week order, numbered 1..k
    int rank = 0;             // 1-based among the candidates
    int sessions = 0;         // sessions held
    int intended_sessions = 0;  // slots × weeks
    int attendable_sum = 0;     // sessions attendable, summed over participants
    int possible_sum = 0;       // sessions × participants
    int worst_off = 0;          // the worst-off participant's count: the first thing ranked, as a share of sessions
    int holiday_losses = 0;     // dates skipped for holidays and closed days
    std::vector<int> attendable;  // per participant, in the order given

    std::string label() const;  // "tuesday 09:30-11:30 + thursday 09:30-11:30"
};

// A participant who can attend fewer sessions under the current slots than under the best.
struct ParticipantLoss {
    std::string participant_id;
    std::string name;
    int current = 0;
    int best = 0;
    int sessions_lost() const { return best - current; }
    std::string main_reason;  // their most frequent reason under the current slots (Obstacle::text)
};

struct CurrentSlotsExplanation {
    // A few sentences for the lead, naming no one and only what differs between the
    // current slots and the best: "The current slots rank 12 of 330. The best slots have
    // friday 09:30-11:30 instead of tuesday 09:30-11:30. The worst-off participant attends
    // 20 of 40 sessions under the current slots, 36 of 40 under the best. …"
    std::string summary;
    // The cause that costs the most participants sessions, at the sessions of current
    // slots the best does not have: "3 participants have taalles on tuesday morning, when
    // slot 1 (tuesday 09:30-11:30) meets". Empty when the current slots are best.
    std::string main_reason;
    std::vector<ParticipantLoss> losses;  // most sessions lost first, then by id
};

struct Suggestions {
    std::string programme_id;
    std::string programme_name;
    int slots_per_candidate = 0;
    int slot_length_minutes = 0;
    int step_minutes = 0;
    int participants = 0;
    int candidates_evaluated = 0;
    std::vector<CandidateFigures> top;  // best first

    CandidateFigures current;           // the programme's own slots, ranked among the candidates
    bool current_is_candidate = false;  // false: off the step grid, outside the windows, or another shape
    std::vector<std::string> current_outside;  // slots of the current set outside session_window(), as labels
    CurrentSlotsExplanation why;

    std::vector<std::string> notes;  // choices made ("slots are 2h, the length of slot 1"), input notes
};

// Throws std::invalid_argument when step_minutes < 1, top < 0 or the programme has no
// slot, and when there would be more than max_candidates sets (a step that is too fine).
inline constexpr long max_candidates = 2'000'000;
Suggestions suggest(const Programme& programme, const std::vector<Participant>& participants,
                    const SchoolHolidayTable& school_holidays, const SchoolDirectory& schools, int step_minutes,
                    int top, CandidateCalendars how = CandidateCalendars::automatic);

}  // namespace ritme
