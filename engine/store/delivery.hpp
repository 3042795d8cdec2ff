#pragma once
// A delivery: one message to one person on one channel, with its attempts and final
// state (DESIGN.md rule 6). Every planned message is a row with a unique key before
// anything is sent; states move
//     planned → claimed → sent | retry → claimed … | failed | expired
//     planned | retry → cancelled (no longer applies) or expired (no longer useful)
// and a claimed row whose process stopped goes back to retry.

#include "engine/time/instant.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

enum class DeliveryKind {
    reminder,     // before a session
    appointment,  // before an individual appointment
    change,       // a session or appointment moved, was cancelled or takes place after all
    alert,        // to the programme's lead: a message could not be delivered
    confirmation, // to a participant who answered: excused, no more SMS, SMS again, passed on
    answer_alert, // to the programme's lead: what a participant answered
    follow_up,    // to a lead: a follow-up that cannot wait for the overview (absent without notice)
    overview,     // to a lead: her daily overview
    group,        // to a participant: the lead's own words to the whole group (GroupMessage)
};
// Whether it goes to a lead (its text is the lead's, through the catalogues), not a participant.
bool is_for_lead(DeliveryKind kind);
std::string_view name_of(DeliveryKind kind);
std::optional<DeliveryKind> parse_delivery_kind(std::string_view text);

enum class DeliveryState { planned, claimed, sent, retry, failed, expired, cancelled };
std::string_view name_of(DeliveryState state);
std::optional<DeliveryState> parse_delivery_state(std::string_view text);
// Still to be sent: planned, retry or claimed.
bool is_pending(DeliveryState state);

struct Delivery {
    int64_t id = 0;  // 0 until stored
    // Unique: what, which session or appointment and its version, who, which offset,
    // which channel. "reminder:almere-vrouwen-2026#3@v1:p-7k2m9q4x8a:1d@18:00:sms"
    std::string key;
    DeliveryKind kind = DeliveryKind::reminder;
    std::string programme_id;      // empty for an appointment outside any programme
    int64_t session_id = 0;        // reminder and session change: the session; else 0
    int session_version = 0;
    int64_t appointment_id = 0;    // appointment and appointment change: the appointment; else 0
    int appointment_version = 0;
    std::string participant_id;    // whom it goes to; for an alert to the lead, whom it is about
    std::string offset;            // "1d@18:00", "2h"; empty for changes and alerts
    std::string channel;           // the daemon config's channel name
    UtcInstant due_at;             // when the rule makes it due
    UtcInstant send_at;            // when it may go: after quiet hours, or at the next retry
    UtcInstant expires_at;         // of no use from then on: it expires instead of going late
    DeliveryState state = DeliveryState::planned;
    int attempts = 0;
    std::string reason;            // why it was retried, failed, expired or cancelled
    std::string provider_id;       // the gateway's id, for delivery receipts
    std::string provider_status;   // "accepted", "queued"; then the latest receipt's status
    std::string claimed_by;        // the process holding the claim
    UtcInstant claimed_until;      // a claim older than this is abandoned
    UtcInstant updated_at;
    std::optional<UtcInstant> sent_at;
    // Facts for the message that the store does not keep elsewhere, as JSON: the
    // previous time of a moved session, the failure an alert reports. Never a body.
    std::string payload;
};

// A claimed delivery, and whether what it is about is still as planned: false when its
// session or appointment has a newer version or was cancelled since (a stale reminder
// is never sent).
struct ClaimedDelivery {
    Delivery delivery;
    bool subject_current = true;
};

// What became of one claimed delivery; written back in batches. Made with its state
// named: there is no default, so an outcome nobody decided cannot read as sent.
struct DeliveryOutcome {
    DeliveryOutcome(int64_t delivery_id, DeliveryState new_state, UtcInstant when)
        : id(delivery_id), state(new_state), at(when) {}

    int64_t id;
    DeliveryState state;                 // sent, retry, failed, expired or cancelled
    UtcInstant at;                       // when it happened
    std::optional<UtcInstant> retry_at;  // for retry: the new send_at
    std::string reason;
    std::string provider_id;
    std::string provider_status;
    // Whose claim this outcome ends: a row another process claimed meanwhile (its lease
    // ran out) is not overwritten. Empty: whoever holds it.
    std::string claimed_by;
};

struct DeliveryQuery {
    std::optional<std::string> programme_id;
    std::optional<std::string> participant_id;
    std::optional<int64_t> session_id;
    std::optional<int64_t> appointment_id;
    std::vector<DeliveryKind> kinds;    // empty: any
    std::vector<DeliveryState> states;  // empty: any
    std::optional<UtcInstant> updated_since;
    bool newest_first = false;          // by updated_at; otherwise by send_at, then id
    int limit = 0;                      // 0: all
};

// A gateway's report on a message it took: Kannel's delivery-report callback, a
// provider's status webhook. One per report, in the order they arrived; the delivery's
// provider_status follows the latest. A report of itself leaves the delivery's state as
// it is, but a final "not delivered" (the gateway gave up, the SMS centre rejected it)
// makes a sent delivery failed (Store::mark_undelivered): its channel's fallback goes and
// the lead learns she was not reached, as for a send that failed for good.
struct DeliveryReceipt {
    int64_t delivery_id = 0;
    UtcInstant at;       // when the report arrived
    std::string status;  // in words a lead can read: receipt_status
    std::string detail;  // the gateway's words ("ACK/", an error code); never a number or a body
    // The same report sent again (the gateway did not see our answer) has the same key and
    // is stored once per delivery; empty: never taken for a repeat.
    std::string report_key;
};

// The statuses a lead sees, as the store writes them.
namespace receipt_status {
inline constexpr std::string_view delivered = "delivered";
inline constexpr std::string_view not_delivered = "not delivered";
inline constexpr std::string_view queued = "queued by the gateway";
inline constexpr std::string_view accepted_by_smsc = "accepted by the SMS centre";
inline constexpr std::string_view rejected_by_smsc = "rejected by the SMS centre";
}  // namespace receipt_status

struct DeliveryCount {
    DeliveryState state = DeliveryState::planned;
    std::string channel;
    int count = 0;
};

}  // namespace ritme
