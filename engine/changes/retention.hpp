#pragma once
// Retention: `retention_days` after what a message was about, ritme keeps only that it
// went, not what it said or to whom. Run daily by the daemon (one of several sharing a
// database: under the lease "retention") and by `ritme retention run`.
//
// Past its time, counted from
//   - the end of its session, for reminders, change notices and what answers one;
//   - the end of its appointment, likewise;
//   - otherwise its own last moment (sent, failed, expired, cancelled): a lead's overview
//     or follow-up, a message to the group, an alert about nothing planned; such a
//     message is the event itself, so its own time is the anchor,
// a delivery keeps its ids, kind, channel, offset, states and times and loses its reason
// (a gateway's words may echo a number) and the facts in its payload other than ids;
// its receipts lose the gateway's words and report keys. Answers lose her words; a
// message to the group loses the lead's words once every delivery of it is done; an
// appointment loses its address and travel note, also in what she was told of it.
// Rows still to be sent are never touched, and no row changes state: every count stays.
//
// A participant whose programmes all ended (their last session) and whose appointments
// all ended retention_days ago loses her name, phone number, e-mail address and
// commitments: the contact data the municipality purges after a track (privacy.md).
// Her pseudonymous id, enrolments and attendance stay, for the counts. One with nothing
// yet (no programme, no appointment) is waiting for a track and keeps them.
//
// Unknown numbers' texts are never stored (only counted; the log has them masked).

#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

// One run, as kept in the store for `ritme status`.
struct RetentionRecord {
    UtcInstant at;          // when it ran
    int retention_days = 0;
    UtcInstant cutoff;      // at − retention_days: what ended before this was scrubbed
    RetentionCounts counts;
};

struct RetentionRun {
    RetentionRecord record;
    // Deliveries whose time passed since the previous run: channels that keep copies of
    // messages (the outbox adapter's files) forget them.
    std::vector<int64_t> past_retention;
    // Whether the old bytes also left the database's log (Store::purge_deleted); false
    // when another process's read kept them there until a later run.
    bool log_emptied = true;
};

// Removes what is past retention at `now`, in one transaction with its record and (when
// something went) an audit entry by `actor`; then purges the store's log.
RetentionRun run_retention(Store& store, int retention_days, UtcInstant now, const std::string& actor);

// The last run's record; none before the first.
std::optional<RetentionRecord> last_retention(const Store& store);
// When retention is next due: a day after the last run, or `now` when it never ran.
UtcInstant next_retention_at(const Store& store, UtcInstant now);

// The payload a delivery keeps: its ids ("lead", "day", "answer", "group", "follow_up")
// and what kind of message it was ("change", "confirm"); no told state, no failure text.
// Empty when nothing of it stays.
std::string retained_payload(const std::string& payload);

// "12 deliveries, 3 receipts, 2 answers, 0 group messages, 1 appointment, 4 participants"
std::string removed_counts_text(const RetentionCounts& counts);

// The setting that holds the last run's record.
inline constexpr const char* retention_setting = "retention.last_run";

}  // namespace ritme
