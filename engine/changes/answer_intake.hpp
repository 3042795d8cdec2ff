#pragma once
// What ritme does with a text a participant sends back (DESIGN.md: answer). The sender's
// number finds her; the text is read in her language (answer_reading); it is matched to
// what she was asked: the latest reminder or change notice sent to her for a session or
// appointment that has not started. Then, in one transaction:
//   - "I can't come": she is excused for it (attendance, source "sms"), her remaining
//     reminders for it are cancelled, she gets a short confirmation, the lead is told;
//     "NEE" to N sessions in a row opens a follow-up (follow_up_changes.hpp);
//   - "I come": recorded, nothing sent;
//   - STOP: no more SMS (her reminders go by e-mail when she has an address, as the
//     planner plans for an opt-out), one confirmation, the lead is told; START undoes it;
//   - her own words: the lead gets them, she gets "we passed it on";
//   - an answer after the start, or matched to nothing: the lead only.
// Every answer is stored with her words (personal data: erased with her, never logged)
// and audited without them. An unknown number is counted and logged masked, nothing sent.
// Confirmations go at once, whatever the quiet hours; the lead's message keeps the quiet
// hours of the lead's channel.

#include "engine/channel/callback.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/channel/medium.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/message/answer_words.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_zone.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

class Log;

// What the intake needs of the daemon's setup.
struct AnswerSetup {
    const AnswerWords* words = nullptr;
    // The channels a message to the lead may take, in order (SMS first, then e-mail):
    // the first whose medium the lead has an address for is used.
    struct LeadRoute {
        std::string channel;
        Medium medium = Medium::sms;
    };
    std::vector<LeadRoute> lead_routes;
    // When a message on `channel` may go at or after `at` (the end of its quiet hours);
    // none: at once.
    std::function<UtcInstant(const std::string& channel, UtcInstant at)> after_quiet_hours;
    // When set, what the answer changed is planned in the same transaction (STOP moves
    // her reminders to e-mail at once); else the plan requests wait for the next run.
    const PlanningRules* planning = nullptr;
    // When "NEE" in a row becomes a follow-up for the lead.
    FollowUpSetup follow_up;
};

// The setup from the daemon config: its SMS and e-mail channels for the lead, their quiet
// hours in the config's time zone. `words` must outlive the setup; set `planning` to the
// daemon's rules to plan at once.
AnswerSetup answer_setup_from(const DaemonConfig& config, const AnswerWords& words);

// What became of one text, for tests and the log.
struct AnswerTaken {
    bool known_sender = false;
    std::optional<StoredAnswer> answer;  // as stored
    int64_t confirmation_id = 0;         // the confirmation to her; 0: none
    int cancelled_reminders = 0;
    std::vector<StoredFollowUp> follow_ups;  // what the answer opened
};

class AnswerIntake {
public:
    AnswerIntake(Store& store, AnswerSetup setup, Log& log);

    // Stores and acts on one text in one transaction; StoreBusy goes to the caller (the
    // gateway is answered 503 and sends it again).
    AnswerTaken take(const std::string& channel, const InboundText& text, UtcInstant now);
    // The daemon's inbound route.
    void operator()(const std::string& channel, const InboundText& text, UtcInstant now) { take(channel, text, now); }

private:
    Store& store_;
    AnswerSetup setup_;
    Log& log_;
};

// The setting counting texts from numbers no participant has.
inline constexpr const char* unknown_sender_setting = "answers.unknown_senders";

}  // namespace ritme
