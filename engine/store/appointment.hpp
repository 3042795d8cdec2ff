#pragma once
// An appointment (afspraak): an individual, one-off meeting such as a company visit the
// participant travels to herself. Reminders go to that one person.

#include "engine/time/instant.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ritme {

struct Appointment {
    int64_t id = 0;  // 0 until stored
    std::string participant_id;
    std::string programme_id;  // the programme it belongs to, if any: its lead hears of failures
    UtcInstant start_utc;
    int duration_minutes = 60;
    std::string where;  // the address, as the participant needs it
    std::string note;   // the travel note: "Take bus 4 to the stop Stadhuis"
    bool cancelled = false;
    int version = 1;    // goes up with every change, like a session's
    std::optional<UtcInstant> changed_at;  // when it was last moved or cancelled
    std::optional<UtcInstant> previous_start_utc;  // the start before the last move
};

}  // namespace ritme
