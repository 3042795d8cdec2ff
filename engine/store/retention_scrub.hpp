#pragma once
// What retention (engine/changes/retention.hpp) removes from the store in one go: the
// personal data of messages, answers and people past `retention_days`. Ids, kinds,
// channels, states and times stay, so every count stays as it was; only words,
// addresses and numbers go. The store applies it as given: which rows are past their
// time is retention's rule, not the store's.

#include "engine/store/told.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ritme {

struct RetentionScrub {
    // Deliveries with the payload they keep (its ids, no told state, no failure text):
    // their reason goes, and their receipts' gateway words and report keys.
    std::vector<std::pair<int64_t, std::string>> deliveries;
    std::vector<int64_t> answers;         // her words go
    std::vector<int64_t> group_messages;  // the lead's words go
    std::vector<int64_t> appointments;    // address and travel note go
    // What she was told of those appointments, as it stays (without the address).
    std::vector<ToldRecord> told;
    // Name, phone number, e-mail address and commitments go; the id, enrolments and
    // attendance stay.
    std::vector<std::string> participants;

    bool empty() const {
        return deliveries.empty() && answers.empty() && group_messages.empty() && appointments.empty() &&
               told.empty() && participants.empty();
    }
};

// Rows that held something and hold it no more (a row scrubbed before is not counted).
struct RetentionCounts {
    int deliveries = 0;
    int receipts = 0;
    int answers = 0;
    int group_messages = 0;
    int appointments = 0;
    int participants = 0;

    int total() const { return deliveries + receipts + answers + group_messages + appointments + participants; }
    bool operator==(const RetentionCounts&) const = default;
};

// The texts a scrubbed group message keeps, as stored: Dutch (always there), empty.
inline constexpr const char* scrubbed_group_texts = R"({"nl":""})";

}  // namespace ritme
