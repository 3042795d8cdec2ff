#pragma once
// A message from the lead to her whole group: her own short text, in Dutch and
// optionally per language, now or at a time. It is stored once (GroupMessage) and goes
// through the outbox as one delivery of kind `group` per participant and channel, on the
// routes her reminders take (so no SMS after her STOP), after quiet hours where her
// channel keeps them; fallback and receipts as for every message. Audited with the
// lead's name. Before sending, the lead sees per language how many read it, its SMS
// segments and what it costs (segments × SMS sent).

#include "engine/changes/apply.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/store.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

// Long enough for a few sentences; a group message is no newsletter.
inline constexpr int group_message_max_characters = 640;

struct GroupMessageRequest {
    std::string programme_id;
    std::map<std::string, std::string> texts;  // by language; "nl" is required
    std::optional<LocalDateTime> at;           // in the programme's zone; none: now
};

// One language's readers: the participants who read that text.
struct GroupLanguage {
    std::string language;
    std::string text;       // as it goes by SMS (normalised for GSM-7 where lossless)
    SmsLength sms;          // its encoding and segments
    int participants = 0;
    int by_sms = 0;         // of them, reached by SMS
    int by_email = 0;
    int sms_segments() const { return sms.segments * by_sms; }  // the cost
};

struct GroupMessageOutcome {
    int64_t message_id = 0;  // 0 for a dry run
    UtcInstant due_at;       // when the lead wants it to go
    std::vector<GroupLanguage> languages;  // by language
    int deliveries = 0;
    std::vector<std::string> unreached;    // participants it reaches on no channel (ids)
    int sms_segments() const;
};

enum class GroupSend { send, dry_run };

// Works out who gets what; with `send`, stores the message and its deliveries in one
// transaction. A dry run stores nothing. Refused: no Dutch text, a text too long or
// empty, a time in the past, a programme without participants.
ChangeResult<GroupMessageOutcome> send_group_message(Store& store, const PlanningRules& rules,
                                                     const GroupMessageRequest& request, const AuditContext& audit,
                                                     GroupSend mode);

}  // namespace ritme
