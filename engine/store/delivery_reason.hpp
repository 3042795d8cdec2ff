#pragma once
// Why a message was withdrawn or dropped, as its `reason` column keeps it: English, for
// the log and the operator. The planner and the answer intake write a known reason with
// stored_reason(); a lead's page says it in her language with reason_phrase(), which
// reads the kind and its values back out of the stored text by the same wording.

#include "engine/base/phrase.hpp"

#include <initializer_list>
#include <string>
#include <string_view>

namespace ritme {

enum class DeliveryReason {
    session_changed,          // {1}: the session's number
    appointment_changed,      // {1}: "a12"
    appointment_removed,
    programme_removed,
    participant_removed,
    no_longer_enrolled,
    nothing_left_to_tell,     // a change notice she no longer needs
    rules_changed,            // the reminder rules changed
    cannot_come,              // she answered that she cannot come
    opted_out_of_sms,
    channels_changed,         // the participant's channels changed
    planned_anew,
    joined_with_reminder,     // {1}: the reminder's offset, "2h"
    same_moment,              // {1}: the other reminder's offset
    quiet_hours_same_moment,  // {1}: the other reminder's offset
    quiet_hours_before,       // {1}: the other reminder's offset
    quiet_hours_too_close,    // {1}: the gap, {2}: the other reminder's offset, {3}: min_gap
};

// The reason as stored: "session #3 changed".
std::string stored_reason(DeliveryReason reason, std::initializer_list<std::string_view> values = {});

// A stored reason in a lead's words: a known one translated with its values, any other
// (a gateway's words, an older wording) as it is.
Phrase reason_phrase(std::string_view stored);

}  // namespace ritme
