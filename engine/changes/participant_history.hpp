#pragma once
// One participant as her programme's lead may see her on the page: her details (masked
// contact data is enough for the lead; ritme holds no BSN), the programme's sessions
// with her attendance, every message ritme sent her about the programme with its state
// and receipts, and her answers. Messages to the lead about her (alerts) are not hers
// and are left out; so is what belongs to another programme she follows.

#include "engine/changes/attendance_changes.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ritme {

struct SentMessage {
    Delivery delivery;
    std::vector<DeliveryReceipt> receipts;  // in the order they arrived
};

struct ParticipantHistory {
    Participant participant;
    bool enrolled = true;                   // false: unenrolled since, with marks kept
    std::vector<RegisterSession> sessions;  // the register's: not cancelled, by start
    RegisterRow attendance;                 // her marks, one per session, and her percentage
    std::vector<SentMessage> messages;      // newest first
    std::vector<StoredAnswer> answers;      // oldest first
};

// Her history in the programme at `now`, or why not: no such programme, or no such
// participant in it (neither enrolled nor with marks).
ChangeResult<ParticipantHistory> participant_history(const Store& store, const std::string& programme_id,
                                                     const std::string& participant_id, UtcInstant now);

}  // namespace ritme
