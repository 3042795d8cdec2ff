#pragma once
// What a participant was last told about a session or appointment: its state as the
// reminder or change notice that went out described it, or as the calendar she was
// enrolled with showed it. A change notice tells the difference between that and now,
// so a change undone before she heard of it tells her nothing.

#include "engine/store/appointment.hpp"
#include "engine/time/instant.hpp"

#include <cstdint>
#include <string>

namespace ritme {

struct StoredSession;

struct ToldRecord {
    std::string participant_id;
    std::string programme_id;  // the session's programme; for an appointment, its own (may be empty)
    int64_t session_id = 0;      // one of session_id and appointment_id is set
    int64_t appointment_id = 0;
    std::string state;  // told_state() of the subject as she was told it
    // Goes up whenever the state she was told changes: a change notice names it, so a
    // notice "from this to that" is one row however often the lead changes her mind.
    int64_t serial = 1;
};

// The state a participant is told about a subject, as compact JSON: whether it goes
// ahead, when, until when and where. Equal strings: nothing to tell.
std::string told_state(const StoredSession& session);
std::string told_state(const Appointment& appointment);

// A delivery's payload carries the state its message describes under this field; when
// the delivery is written back as sent, the store records it as told.
inline constexpr const char* told_field = "told";
// The told state in a delivery's payload; empty when it carries none.
std::string told_state_in(const std::string& payload);

}  // namespace ritme
