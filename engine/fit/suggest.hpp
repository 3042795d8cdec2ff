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
//    by the latest end it allows (session_window(), the rules of check_slots());
//  - at the location of the programme's first slot.
// Ranked by, in order: sessions attendable summed over participants (more first), the
// worst-off participant's count (more first), sessions lost to holidays (fewer first),
// then the earlier weekday and start, slot by slot.
//
// The current slots are scored the same way from the calendar their own slots
// generate (planned sessions; moves and cancellations in the store are not counted),
// so they compare with the candidates like for like.

#include "engine/fit/fit.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ritme {

// Where a session may lie on `day` by the rules check_slots() (engine/calendar/checks.cpp)
// applies: inside the school-hours window narrowed by the travel margin at both ends
// and, with a [childcare] table, inside the crèche's opening hours narrowed by its
// margin. Empty when the day has no school hours or the crèche is closed that day.
// latest_end may lie before earliest_start + a session's length: then nothing fits.
struct SessionWindow {
    TimeOfDay earliest_start;
    TimeOfDay latest_end;

    bool fits(const TimeRange& time) const { return time.start >= earliest_start && time.end <= latest_end; }
};
std::optional<SessionWindow> session_window(const Programme& programme, Weekday day);

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
    int worst_off = 0;          // the worst-off participant's count
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
    // One or two sentences for the lead, naming no one: "The current slots rank 12 of
    // 330: 1,020 attendances against 1,100 for the best. 3 participants have taalles on
    // tuesday morning, when slot 1 (tuesday 09:30-11:30) meets."
    std::string summary;
    // The cause that costs the most participants sessions: "3 participants have taalles
    // on tuesday morning, when slot 1 (tuesday 09:30-11:30) meets". Empty when the
    // current slots are best.
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
