#pragma once
// A follow-up (opvolging): something about one participant the lead should act on, kept
// until she marks it done (who and when stay with it). One per participant and cause:
// its key names the cause and what it arose from, and a key is stored once, so a cause
// never gives two follow-ups, done or not.

#include "engine/time/instant.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// Why the lead should act: she stayed away from a session without saying so; she was
// absent N sessions in a row; she answered "NEE" to N sessions in a row.
enum class FollowUpCause { absent_without_notice, absences_in_a_row, no_answers_in_a_row };
std::string_view name_of(FollowUpCause cause);  // "absent-without-notice", …
std::optional<FollowUpCause> parse_follow_up_cause(std::string_view text);

struct StoredFollowUp {
    int64_t id = 0;  // 0 until stored
    // Unique: the cause, her id and what it arose from, e.g.
    // "absences-in-a-row:p-7k2m9q4x8a:almere-vrouwen-2026#s12" (the first session of the run).
    std::string key;
    FollowUpCause cause = FollowUpCause::absent_without_notice;
    std::string participant_id;
    std::string programme_id;
    int64_t session_id = 0;  // the session that made it (the last of a run)
    int count = 1;           // sessions in the run when it arose
    UtcInstant created_at;
    std::optional<UtcInstant> done_at;  // open while empty
    std::string done_by;                // the lead's name, or the operator's user

    bool open() const { return !done_at; }
    bool operator==(const StoredFollowUp&) const = default;
};

}  // namespace ritme
