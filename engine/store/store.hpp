#pragma once
// The store: everything ritme keeps between runs. An interface (DESIGN.md rule 8),
// narrow enough for SQLite (the embedded default), an in-memory store for tests, and
// later PostgreSQL for several daemons sharing one database.
//
// Every write happens inside write(): it all lands, or none of it does.

#include "engine/calendar/calendar.hpp"
#include "engine/holidays/school.hpp"
#include "engine/participants/participant.hpp"
#include "engine/programme/programme.hpp"
#include "engine/store/answer.hpp"
#include "engine/store/appointment.hpp"
#include "engine/store/attendance.hpp"
#include "engine/store/change_watch.hpp"
#include "engine/store/delivery.hpp"
#include "engine/store/feed_token.hpp"
#include "engine/store/follow_up.hpp"
#include "engine/store/group_message.hpp"
#include "engine/store/lead.hpp"
#include "engine/store/lease.hpp"
#include "engine/store/retention_scrub.hpp"
#include "engine/store/told.hpp"
#include "engine/time/instant.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ritme {

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The database stayed locked by another process past the busy timeout: nothing was
// written, and trying again later may work (the HTTP interface answers 503, so a
// gateway retries its report).
class StoreBusy : public StoreError {
public:
    using StoreError::StoreError;
};

// Where and when a session was before its last change, for the change notice.
struct PreviousSlot {
    Date date;
    TimeRange time;
    std::string location;
    UtcInstant start_utc;
};

// A session as stored: an occurrence of a slot on its planned date. Programme, slot and
// planned date are what it is, kept across applies and moves; its id stays the same
// with them. Its number ("14 of 34") is a label that may change without notice.
struct StoredSession {
    int64_t id = 0;  // 0 until stored
    std::string programme_id;
    int number = 0;
    // Slot::number it is an occurrence of; 0 when no slot of the programme generates it
    // any more (a session an older apply cancelled whose place another one took).
    int slot = 0;
    // The date the calendar generated it for. A move (the lead's or a changed slot time)
    // changes `date`, not this; only a slot moved to another weekday takes it along.
    // Not set (not_a_date_time): stored as `date`.
    Date planned_date;
    Date date;
    TimeRange time;
    std::string location;
    UtcInstant start_utc;
    UtcInstant end_utc;
    SessionStatus status = SessionStatus::planned;
    int version = 1;  // goes up with every change, so a reminder can name the version it is for
    std::optional<UtcInstant> changed_at;  // when it was last moved, cancelled or restored
    std::optional<PreviousSlot> previous;  // how it was before that change
    // Moved or cancelled by `ritme session move|cancel`: a later apply leaves it as the
    // lead set it, until `ritme session restore`.
    bool lead_override = false;

    Session as_session() const;
    // Same date, time and place.
    bool same_time_and_place(const StoredSession& other) const {
        return date == other.date && time == other.time && location == other.location;
    }
};

// One change, for the audit trail: when, who, by which command, what, to which subject.
// Never personal data: subjects are programme ids, session numbers and participant ids.
struct AuditEntry {
    int64_t id = 0;
    UtcInstant at;
    std::string actor;    // the operating-system user
    std::string command;  // "apply", "participant add"
    std::string action;   // "session.moved", "participant.erased"
    std::string subject;  // "almere-vrouwen-2026#10", "p-7k2m9q4x8a"
    std::string details;  // "2026-04-14 09:30 -> 2026-04-16 09:30"
};

class Store {
public:
    virtual ~Store() = default;

    // Runs `work` in one transaction: commits when it returns, rolls back and rethrows
    // when it throws. Writes outside write() are an error. A write() inside another's
    // work joins that transaction: it lands or rolls back with it, so a change and the
    // planning of its messages can be one transaction.
    virtual void write(const std::function<void()>& work) = 0;

    // Programmes, as last applied.
    virtual std::optional<Programme> programme(const std::string& id) const = 0;
    virtual std::vector<std::string> programme_ids() const = 0;
    virtual void put_programme(const Programme& programme) = 0;

    virtual std::optional<School> school(const std::string& id) const = 0;
    virtual std::vector<std::string> school_ids() const = 0;
    virtual void put_school(const School& school) = 0;

    // Sessions of a programme by number (then planned date), cancelled ones included.
    virtual std::vector<StoredSession> sessions(const std::string& programme_id) const = 0;
    // Inserts when session.id is 0, else updates that session. Returns the id. Two
    // sessions of one programme with the same slot and planned date are an error.
    virtual int64_t put_session(const StoredSession& session) = 0;

    virtual std::optional<Participant> participant(const std::string& id) const = 0;
    virtual std::vector<Participant> participants() const = 0;  // by id
    // Inserts or replaces, commitments included.
    virtual void put_participant(const Participant& participant) = 0;
    // Removes the participant with their commitments, appointments, deliveries, the
    // deliveries' receipts, what she was told, her answers, her attendance, her follow-ups and her
    // calendar feeds. With `keep_anonymous_counts`, each enrolment stays as an anonymous count for the programme; otherwise it goes too.
    virtual void delete_participant(const std::string& id, bool keep_anonymous_counts) = 0;

    virtual std::vector<std::string> programmes_of(const std::string& participant_id) const = 0;
    virtual std::vector<std::string> participants_of(const std::string& programme_id) const = 0;
    // Enrolling records the programme's sessions as told to her (she gets the calendar),
    // except those she was told of before.
    virtual void enrol(const std::string& participant_id, const std::string& programme_id) = 0;
    virtual void unenrol(const std::string& participant_id, const std::string& programme_id) = 0;
    // Enrolments of erased participants: counted, not identified.
    virtual int anonymous_enrolments(const std::string& programme_id) const = 0;

    virtual void record(const AuditEntry& entry) = 0;
    virtual std::vector<AuditEntry> audit() const = 0;  // oldest first

    // --- Sessions by id, appointments ---------------------------------------------
    virtual std::optional<StoredSession> session(int64_t id) const = 0;
    // Inserts when appointment.id is 0, else updates it. Returns the id.
    virtual int64_t put_appointment(const Appointment& appointment) = 0;
    virtual std::optional<Appointment> appointment(int64_t id) const = 0;
    // A participant's appointments, cancelled ones included, by start.
    virtual std::vector<Appointment> appointments(const std::string& participant_id) const = 0;

    // --- Deliveries (the outbox) ----------------------------------------------------
    // Inserts unless a delivery with the same key exists: planning again never plans
    // twice. A cancelled row with the key is planned again with this row's fields when
    // this row is not itself cancelled (what cancelled it no longer holds); sent, failed,
    // expired and pending rows stay as they are. Returns the id of the row inserted or
    // planned again, or 0.
    virtual int64_t add_delivery(const Delivery& delivery) = 0;
    virtual std::optional<Delivery> delivery(int64_t id) const = 0;
    virtual std::vector<Delivery> deliveries(const DeliveryQuery& query) const = 0;
    // A planned or retry delivery that no longer applies; other states are left alone.
    virtual void cancel_delivery(int64_t id, const std::string& reason, UtcInstant at) = 0;
    // Claims up to `limit` deliveries that may go by `due_by` (at or after `now`), earliest
    // send_at first: planned or retry with send_at <= due_by, and claims abandoned
    // (claimed_until < now). Each gets state claimed, claimed_by = owner, claimed_until =
    // lease_until, and one more attempt. Two processes claiming at once never get the same
    // row. The daemon claims a batch a moment before it is due, to render it meanwhile.
    virtual std::vector<ClaimedDelivery> claim_due_by(UtcInstant now, UtcInstant due_by, int limit,
                                                      const std::string& owner, UtcInstant lease_until) = 0;
    // What may go at `now`.
    std::vector<ClaimedDelivery> claim_due(UtcInstant now, int limit, const std::string& owner,
                                           UtcInstant lease_until) {
        return claim_due_by(now, now, limit, owner, lease_until);
    }
    // The claim's rule (ClaimedDelivery::subject_current) asked again now: false when the
    // delivery's session or appointment is gone, has another version than the delivery
    // was planned for, or was cancelled (for its own reminders). A batch reads it right
    // before each send; one read of the subject, nothing else.
    virtual bool subject_current(const Delivery& delivery) const = 0;
    // subject_current for several deliveries, answered in their order: the sends a batch
    // starts in one turn of its loop are checked together. A store that reaches its
    // database over a connection answers in one round trip; the others ask row by row.
    virtual std::vector<bool> subjects_current(const std::vector<const Delivery*>& deliveries) const {
        std::vector<bool> current;
        current.reserve(deliveries.size());
        for (const Delivery* delivery : deliveries) current.push_back(subject_current(*delivery));
        return current;
    }
    // Writes back what became of claimed deliveries. A receipt can arrive before the
    // send's own answer is written back; its status is kept, as the newer news. Only rows
    // still claimed (by the outcome's claimed_by, when it names one) change; returns
    // the ids that did. A row written back as sent whose payload carries a told state
    // records that state as what she was told (put_told), in the same call.
    virtual std::vector<int64_t> finish(const std::vector<DeliveryOutcome>& outcomes) = 0;
    // A slow batch keeps its claims: rows with these ids still claimed by `owner` are
    // claimed until `until`. Returns how many.
    virtual int renew_claims(const std::string& owner, const std::vector<int64_t>& ids, UtcInstant until) = 0;
    // The earliest moment something may need sending: the smallest send_at of planned
    // and retry rows, or claimed_until of claimed ones.
    virtual std::optional<UtcInstant> next_send_at() const = 0;
    // Processes holding claims, and giving back the claims of one that stopped: its
    // rows go to retry with send_at = now and the reason.
    virtual std::vector<std::string> claim_owners() const = 0;
    virtual int release_claims(const std::string& owner, UtcInstant now, const std::string& reason) = 0;
    virtual std::vector<DeliveryCount> delivery_counts() const = 0;

    // --- Delivery receipts ----------------------------------------------------------
    // The delivery a gateway knows by its own id on that channel (a provider's callback
    // carries only that id); the newest when the id came back twice. None for an empty id.
    virtual std::optional<Delivery> delivery_by_provider_id(const std::string& channel,
                                                            const std::string& provider_id) const = 0;
    // Records a report from `channel`'s gateway; the delivery's provider_status reads as
    // its status from then on (until a later report), its state and times stay as they are. False, and nothing written,
    // when there is no delivery with that id on that channel (a report never reaches
    // another channel's delivery), or when it has a report with the same non-empty
    // report_key already (a gateway repeating a report is stored once).
    virtual bool add_receipt(const std::string& channel, const DeliveryReceipt& receipt) = 0;
    // A delivery the gateway took but reports it will never deliver: a sent row (or a
    // claimed one whose send's answer is not written back yet) becomes failed with the
    // reason; its claim, if any, ends. True when it did; other states stay as they are.
    virtual bool mark_undelivered(int64_t id, const std::string& reason, UtcInstant at) = 0;
    // The reports on one delivery in the order they arrived.
    virtual std::vector<DeliveryReceipt> receipts(int64_t delivery_id) const = 0;

    // --- What participants were told ---------------------------------------------------
    // About the sessions of a programme, and about a participant's appointments.
    virtual std::vector<ToldRecord> told_about_sessions(const std::string& programme_id) const = 0;
    virtual std::vector<ToldRecord> told_about_appointments(const std::string& participant_id) const = 0;
    // Inserts or replaces the record for its participant and subject; the serial goes up
    // when the state differs from the one recorded (record.serial is ignored).
    virtual void put_told(const ToldRecord& record) = 0;

    // --- Answers and attendance -----------------------------------------------------
    // Stores an answer (answer.id is ignored) and returns its id.
    virtual int64_t add_answer(const StoredAnswer& answer) = 0;
    // The message that tells the lead of an answer, once made.
    virtual void set_answer_lead_delivery(int64_t answer_id, int64_t delivery_id) = 0;
    virtual std::optional<StoredAnswer> answer(int64_t id) const = 0;
    // A participant's answers, or everyone's for an empty id; oldest first.
    virtual std::vector<StoredAnswer> answers(const std::string& participant_id) const = 0;
    // Inserts or replaces the record for its participant and subject.
    virtual void put_attendance(const AttendanceRecord& record) = 0;
    virtual std::vector<AttendanceRecord> attendance_of_participant(const std::string& participant_id) const = 0;
    // About the sessions of a programme.
    virtual std::vector<AttendanceRecord> attendance_of_programme(const std::string& programme_id) const = 0;

    // --- Follow-ups ------------------------------------------------------------------
    // Inserts unless a follow-up with the same key exists (a cause never gives two, done
    // or not); returns the new id, or 0. follow_up.id is ignored.
    virtual int64_t add_follow_up(const StoredFollowUp& follow_up) = 0;
    virtual std::optional<StoredFollowUp> follow_up(int64_t id) const = 0;
    // A programme's follow-ups, or everyone's for an empty id; only open ones with
    // `open_only`; oldest first.
    virtual std::vector<StoredFollowUp> follow_ups(const std::string& programme_id, bool open_only) const = 0;
    // Marks an open follow-up done by `by` at `at`; false when there is none open with that id.
    virtual bool close_follow_up(int64_t id, const std::string& by, UtcInstant at) = 0;

    // --- Leads, their sign-in links and sessions ------------------------------------
    virtual std::optional<StoredLead> lead(const std::string& id) const = 0;
    virtual std::vector<StoredLead> leads() const = 0;  // by id
    // Inserts or replaces, the programmes she leads included.
    virtual void put_lead(const StoredLead& lead) = 0;
    // Removes the lead with her programmes, links and sessions.
    virtual void delete_lead(const std::string& id) = 0;
    // Inserts or replaces the token with its hash.
    virtual void put_lead_token(const LeadToken& token) = 0;
    virtual std::optional<LeadToken> lead_token(const std::string& hash) const = 0;
    // A lead's links and sessions, oldest first.
    virtual std::vector<LeadToken> lead_tokens(const std::string& lead_id) const = 0;

    // --- Calendar feeds and messages to the group -----------------------------------
    // Inserts or replaces the feed with its id.
    virtual void put_feed_token(const FeedToken& token) = 0;
    virtual std::optional<FeedToken> feed_token(const std::string& id) const = 0;
    virtual std::optional<FeedToken> feed_token_by_hash(const std::string& hash) const = 0;
    // A programme's feeds (its participants' included), or every feed for an empty id;
    // oldest first.
    virtual std::vector<FeedToken> feed_tokens(const std::string& programme_id) const = 0;
    // Stores a message to the group (message.id is ignored) and returns its id.
    virtual int64_t add_group_message(const GroupMessage& message) = 0;
    virtual std::optional<GroupMessage> group_message(int64_t id) const = 0;

    // --- What needs planning --------------------------------------------------------
    // Every change to what reminders depend on files a request: put_programme and
    // put_session, enrol and unenrol file "programme:ID"; put_participant and
    // put_appointment file "participant:ID". The planner takes them off when done.
    virtual void request_plan(const std::string& scope) = 0;
    virtual std::vector<std::string> plan_requests() const = 0;
    virtual void clear_plan_request(const std::string& scope) = 0;

    // Small named values the engine keeps: the fingerprint of the reminder rules the
    // outbox was planned with.
    virtual std::optional<std::string> setting(const std::string& key) const = 0;
    virtual void put_setting(const std::string& key, const std::string& value) = 0;

    // --- Several daemons on one database ---------------------------------------------
    // Takes the lease `name` for `holder` until `until` when no one holds it, when its
    // term has ended (until <= now), or when `holder` holds it already (its term is then
    // set to `until`). Returns the lease as it stands afterwards: held by `holder` when
    // taken, else by the other holder, with the end of their term. Atomic: two holders
    // taking it at once never both get it. Call inside write().
    virtual Lease take_lease(const std::string& name, const std::string& holder, UtcInstant now,
                             UtcInstant until) = 0;
    // Gives the lease back before its term ends, when `holder` holds it; else nothing.
    // Call inside write().
    virtual void release_lease(const std::string& name, const std::string& holder) = 0;
    // Calls `changed` on `io`'s thread when another process may have committed a change,
    // and after a lost connection to the database is back (what was said meanwhile is
    // lost); this store's own commits need not call it. Throws StoreError when the
    // database cannot be watched.
    virtual std::unique_ptr<ChangeWatch> watch_changes(boost::asio::io_context& io, ChangeCallback changed) = 0;

    // --- The database itself ----------------------------------------------------------
    // Where it is, for messages and logs: a file's path, or a URL without its password.
    virtual std::string location() const = 0;
    // What the database finds wrong with itself, at most `limit` lines; empty when sound.
    virtual std::vector<std::string> integrity_problems(int limit = 10) const = 0;
    // What integrity_problems runs, named for the operator who reads that it found damage.
    virtual std::string integrity_check_name() const = 0;
    // After an erasure: removes what the database still keeps of deleted rows beside
    // its tables (SQLite's write-ahead log). False when another process's read keeps it
    // from that now; the erasure itself stands, and a later call can finish it.
    virtual bool purge_deleted() = 0;

    // --- Retention ----------------------------------------------------------------------
    // Removes the words, addresses and numbers `scrub` names (retention_scrub.hpp); ids,
    // states and times stay. Call inside write(); then purge_deleted(), so the old bytes
    // leave the files too.
    virtual RetentionCounts scrub(const RetentionScrub& scrub) = 0;
};

}  // namespace ritme
