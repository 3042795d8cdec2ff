#pragma once
// Messages people can read: Mustache templates per language and message kind under the
// templates directory (config/templates/<lang>/<kind>.mustache), dates and weekdays
// named in the reader's language. Information-lean (privacy.md): when and where, never
// why. An e-mail's subject is the first line of its text.

#include "engine/base/diagnostic.hpp"
#include "engine/channel/medium.hpp"
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
};

struct RenderedMessage {
    std::string language;  // the language(s) the text is in: "nl", or "nl+en" after a fallback
    std::string subject;   // e-mail only
    std::string text;
};

// The template file names, one per message kind: reminder, appointment,
// change-moved, change-cancelled, change-restored, alert.
std::vector<std::string> template_names();

class MessageRenderer {
public:
    // Loads every <lang>/<name>.mustache under `directory`; a missing nl or en template
    // or one that does not parse is an error in `diagnostics` (file:line:col).
    static std::optional<MessageRenderer> load(const std::filesystem::path& directory, Diagnostics& diagnostics);

    // Renders in `language`, or in nl followed by en when that language has no
    // template for this kind. SMS text is normalised for GSM-7 where that is lossless
    // to a reader (curly quotes, dashes).
    RenderedMessage render(const MessageFacts& facts, const std::string& language, Medium medium) const;

    std::vector<std::string> languages() const;  // sorted

    MessageRenderer(MessageRenderer&&) noexcept;
    MessageRenderer& operator=(MessageRenderer&&) noexcept;
    ~MessageRenderer();

private:
    struct Templates;
    explicit MessageRenderer(std::unique_ptr<Templates> templates);
    std::unique_ptr<Templates> templates_;
};

}  // namespace ritme
