#pragma once
// A participant's answer to a message ritme sent her: her words as they came, what they
// were read as, what she was asked (the reminder or change notice it was matched to), and
// whether the lead was to hear of it. Her words are personal data: they live in this row
// and nowhere else (never a log, never an audit entry), and go when she is erased.

#include "engine/time/instant.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// What an answer was read as: "I can't come", "I come", no more SMS, SMS again, or her
// own words for the lead.
enum class AnswerReading { cannot_come, coming, stop, start, free_text };
std::string_view name_of(AnswerReading reading);  // "cannot_come", …, "free_text"
std::optional<AnswerReading> parse_answer_reading(std::string_view text);

struct StoredAnswer {
    int64_t id = 0;  // 0 until stored
    std::string participant_id;
    UtcInstant received_at;
    std::string channel;  // the daemon config's channel it came in on
    std::string words;    // her text as it came (UTF-8)
    AnswerReading reading = AnswerReading::free_text;
    // What it was matched to: the latest reminder or change notice sent to her for a
    // session or appointment that had not started; 0 when there was none.
    std::string programme_id;
    int64_t delivery_id = 0;
    int64_t session_id = 0;
    int64_t appointment_id = 0;
    // It came after what it was matched to had started: the lead hears it, nothing else.
    bool too_late = false;
    // Whether the lead is to hear of it, and the message that tells them (0: none could
    // be made, e.g. the programme names no lead).
    bool for_lead = false;
    int64_t lead_delivery_id = 0;
};

}  // namespace ritme
