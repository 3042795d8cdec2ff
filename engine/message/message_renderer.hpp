#pragma once
// Messages people can read: Mustache templates per language and message kind under the
// templates directory (config/templates/<lang>/<kind>.mustache), dates and weekdays
// named in the reader's language. Information-lean (privacy.md): when and where, never
// why. An e-mail's subject is the first line of its text.

#include "engine/base/diagnostic.hpp"
#include "engine/channel/medium.hpp"
#include "engine/message/answer_words.hpp"
#include "engine/store/delivery.hpp"
#include "engine/time/instant.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

// Everything a message may say, gathered by the dispatcher from the store.
struct MessageFacts {
    DeliveryKind kind = DeliveryKind::reminder;
    std::string change;              // for kind change: "moved", "cancelled" or "restored"
    std::string first_name;          // the participant's (or the lead's, for an alert)
    LocalDateTime start;             // local to the programme or appointment
    TimeOfDay end;
    std::optional<LocalDateTime> previous_start;  // for a move: where it was
    std::string location_name;
    std::string location_address;
    std::string lead_name;
    std::string lead_phone;
    std::string note;                // an appointment's travel note
    int session_number = 0;          // 0 for an appointment
    // For an alert: which participant (pseudonymous id) missed which message, and why.
    std::string alert_participant;
    std::string alert_reason;
    // For a confirmation to a participant who answered: "excused", "stop", "start" or
    // "passed-on".
    std::string confirmation;
    // For an answer alert to the lead: who answered (her display name), her words, and
    // what they were read as (AnswerReading's name); too late: after the start.
    std::string answer_from;
    std::string answer_words;
    std::string answer_reading;
    bool answer_too_late = false;
    // For a message to the group: the lead's words in the reader's language, else Dutch
    // (no template), and the language they are in.
    std::string group_text;
    std::string group_language;
};

struct RenderedMessage {
    std::string language;  // the language(s) the text is in: "nl", or "nl+en" after a fallback
    std::string subject;   // e-mail only
    std::string text;
};

// The template file names, one per message kind: reminder, appointment,
// change-moved, change-cancelled, change-restored, alert, the confirmations of an
// answer (confirm-excused, confirm-stop, confirm-start, confirm-passed-on) and the
// lead's answer-alert.
std::vector<std::string> template_names();

class MessageRenderer {
public:
    // Loads every <lang>/<name>.mustache under `directory`, and the answer words in
    // <lang>/answers.toml; a missing nl or en template or one that does not parse, or
    // an answers file with errors, is an error in `diagnostics` (file:line:col).
    static std::optional<MessageRenderer> load(const std::filesystem::path& directory, Diagnostics& diagnostics);

    // Renders in `language`, or in nl followed by en when that language has no
    // template for this kind. SMS text is normalised for GSM-7 where that is lossless
    // to a reader (curly quotes, dashes).
    RenderedMessage render(const MessageFacts& facts, const std::string& language, Medium medium) const;

    std::vector<std::string> languages() const;  // sorted
    // Whether `language` (or its primary language) has a template of every kind a
    // participant gets; without, she reads the nl and en texts.
    bool has_language(const std::string& language) const;
    // The words participants may answer with, loaded with the templates.
    const AnswerWords& answer_words() const;

    MessageRenderer(MessageRenderer&&) noexcept;
    MessageRenderer& operator=(MessageRenderer&&) noexcept;
    ~MessageRenderer();

private:
    struct Templates;
    explicit MessageRenderer(std::unique_ptr<Templates> templates);
    std::unique_ptr<Templates> templates_;
};

}  // namespace ritme
