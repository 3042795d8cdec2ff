#pragma once
// The store in memory: for tests, and the model the shared store test suite holds the
// SQLite store to. A write() that throws restores the state from before it.

#include "engine/store/store.hpp"

#include <map>
#include <set>
#include <unordered_map>
#include <utility>

namespace ritme {

class MemoryStore final : public Store {
public:
    void write(const std::function<void()>& work) override;

    std::optional<Programme> programme(const std::string& id) const override;
    std::vector<std::string> programme_ids() const override;
    void put_programme(const Programme& programme) override;

    std::optional<School> school(const std::string& id) const override;
    std::vector<std::string> school_ids() const override;
    void put_school(const School& school) override;

    std::vector<StoredSession> sessions(const std::string& programme_id) const override;
    int64_t put_session(const StoredSession& session) override;

    std::optional<Participant> participant(const std::string& id) const override;
    std::vector<Participant> participants() const override;
    void put_participant(const Participant& participant) override;
    void delete_participant(const std::string& id, bool keep_anonymous_counts) override;

    std::vector<std::string> programmes_of(const std::string& participant_id) const override;
    std::vector<std::string> participants_of(const std::string& programme_id) const override;
    void enrol(const std::string& participant_id, const std::string& programme_id) override;
    void unenrol(const std::string& participant_id, const std::string& programme_id) override;
    int anonymous_enrolments(const std::string& programme_id) const override;

    void record(const AuditEntry& entry) override;
    std::vector<AuditEntry> audit() const override;

    // Sessions by id, appointments, the outbox and its receipts, plan requests and settings.
    std::optional<StoredSession> session(int64_t id) const override;
    int64_t put_appointment(const Appointment& appointment) override;
    std::optional<Appointment> appointment(int64_t id) const override;
    std::vector<Appointment> appointments(const std::string& participant_id) const override;
    int64_t add_delivery(const Delivery& delivery) override;
    std::optional<Delivery> delivery(int64_t id) const override;
    std::vector<Delivery> deliveries(const DeliveryQuery& query) const override;
    void cancel_delivery(int64_t id, const std::string& reason, UtcInstant at) override;
    std::vector<ClaimedDelivery> claim_due_by(UtcInstant now, UtcInstant due_by, int limit, const std::string& owner,
                                              UtcInstant lease_until) override;
    std::vector<int64_t> finish(const std::vector<DeliveryOutcome>& outcomes) override;
    int renew_claims(const std::string& owner, const std::vector<int64_t>& ids, UtcInstant until) override;
    std::optional<UtcInstant> next_send_at() const override;
    std::vector<std::string> claim_owners() const override;
    int release_claims(const std::string& owner, UtcInstant now, const std::string& reason) override;
    std::vector<DeliveryCount> delivery_counts() const override;
    std::optional<Delivery> delivery_by_provider_id(const std::string& channel,
                                                    const std::string& provider_id) const override;
    bool add_receipt(const std::string& channel, const DeliveryReceipt& receipt) override;
    bool subject_current(const Delivery& delivery) const override;
    bool mark_undelivered(int64_t id, const std::string& reason, UtcInstant at) override;
    std::vector<DeliveryReceipt> receipts(int64_t delivery_id) const override;
    std::vector<ToldRecord> told_about_sessions(const std::string& programme_id) const override;
    std::vector<ToldRecord> told_about_appointments(const std::string& participant_id) const override;
    void put_told(const ToldRecord& record) override;
    int64_t add_answer(const StoredAnswer& answer) override;
    void set_answer_lead_delivery(int64_t answer_id, int64_t delivery_id) override;
    std::optional<StoredAnswer> answer(int64_t id) const override;
    std::vector<StoredAnswer> answers(const std::string& participant_id) const override;
    void put_attendance(const AttendanceRecord& record) override;
    std::vector<AttendanceRecord> attendance_of_participant(const std::string& participant_id) const override;
    std::vector<AttendanceRecord> attendance_of_programme(const std::string& programme_id) const override;
    int64_t add_follow_up(const StoredFollowUp& follow_up) override;
    std::optional<StoredFollowUp> follow_up(int64_t id) const override;
    std::vector<StoredFollowUp> follow_ups(const std::string& programme_id, bool open_only) const override;
    bool close_follow_up(int64_t id, const std::string& by, UtcInstant at) override;
    std::optional<StoredLead> lead(const std::string& id) const override;
    std::vector<StoredLead> leads() const override;
    void put_lead(const StoredLead& lead) override;
    void delete_lead(const std::string& id) override;
    void put_lead_token(const LeadToken& token) override;
    std::optional<LeadToken> lead_token(const std::string& hash) const override;
    std::vector<LeadToken> lead_tokens(const std::string& lead_id) const override;
    void put_feed_token(const FeedToken& token) override;
    std::optional<FeedToken> feed_token(const std::string& id) const override;
    std::optional<FeedToken> feed_token_by_hash(const std::string& hash) const override;
    std::vector<FeedToken> feed_tokens(const std::string& programme_id) const override;
    int64_t add_group_message(const GroupMessage& message) override;
    std::optional<GroupMessage> group_message(int64_t id) const override;
    void request_plan(const std::string& scope) override;
    std::vector<std::string> plan_requests() const override;
    void clear_plan_request(const std::string& scope) override;
    std::optional<std::string> setting(const std::string& key) const override;
    void put_setting(const std::string& key, const std::string& value) override;
    Lease take_lease(const std::string& name, const std::string& holder, UtcInstant now, UtcInstant until) override;
    void release_lease(const std::string& name, const std::string& holder) override;
    // One process: no one else writes, so it never calls.
    std::unique_ptr<ChangeWatch> watch_changes(boost::asio::io_context& io, ChangeCallback changed) override;
    std::string location() const override { return "memory"; }
    std::vector<std::string> integrity_problems(int) const override { return {}; }
    std::string integrity_check_name() const override { return "none: memory"; }
    bool purge_deleted() override { return true; }
    RetentionCounts scrub(const RetentionScrub& scrub) override;

private:
    void require_write() const;
    // Every change to the outbox goes through here: it remembers the row as it was, for
    // undoing a write that throws.
    void put_delivery_row(const Delivery& delivery);
    void erase_delivery_row(int64_t id);  // with its receipts
    // Records a sent row's told state.
    void record_told(const Delivery& sent);

    struct State {
        std::map<std::string, Programme> programmes;
        std::map<std::string, Lease> leases;  // by name
        std::map<std::string, School> schools;
        std::map<std::string, std::map<int64_t, StoredSession>> sessions;  // programme → id → session
        std::map<int64_t, std::string> session_programmes;                   // id → programme
        int64_t next_session_id = 1;
        std::map<std::string, Participant> participants;
        std::set<std::pair<std::string, std::string>> enrolments;  // participant, programme
        std::map<std::string, int> anonymous;
        std::vector<AuditEntry> audit;
        std::map<int64_t, Appointment> appointments;
        int64_t next_appointment_id = 1;
        std::set<std::string> plan_requests;
        std::map<std::string, std::string> settings;
        // participant → (session id, appointment id) → what she was told
        std::map<std::string, std::map<std::pair<int64_t, int64_t>, ToldRecord>> told;
        std::map<int64_t, StoredAnswer> answers;
        int64_t next_answer_id = 1;
        // participant → (session id, appointment id) → her attendance
        std::map<std::string, std::map<std::pair<int64_t, int64_t>, AttendanceRecord>> attendance;
        std::map<std::string, StoredLead> leads;
        std::map<std::string, LeadToken> lead_tokens;  // by hash
        std::map<int64_t, StoredFollowUp> follow_ups;
        int64_t next_follow_up_id = 1;
        std::map<std::string, FeedToken> feed_tokens;  // by id
        std::map<int64_t, GroupMessage> group_messages;
    };
    State state_;

    // The outbox, indexed as the SQLite store indexes its table. It can grow large, so
    // write() does not copy it: it keeps an undo log of the rows it changed instead.
    class Outbox {
    public:
        const Delivery* find(int64_t id) const;
        int64_t id_of(const std::string& key) const;  // 0: no such key
        void put(const Delivery& delivery);           // inserts, or replaces the row with its id
        void erase(int64_t id);  // the row and its receipts
        const std::vector<DeliveryReceipt>& receipts_of(int64_t id) const;
        void put_receipts(int64_t id, std::vector<DeliveryReceipt> list);  // replaces them all

        using TimeIndex = std::set<std::pair<boost::posix_time::ptime, int64_t>>;
        std::map<int64_t, Delivery> rows;
        std::unordered_map<std::string, int64_t> by_key;
        TimeIndex due;      // planned and retry, by send_at
        TimeIndex claimed;  // by claimed_until
        std::map<std::string, std::set<int64_t>> by_programme;
        std::map<std::string, std::set<int64_t>> by_participant;
        std::map<int64_t, std::set<int64_t>> by_session;
        std::map<int64_t, std::set<int64_t>> by_appointment;
        std::map<std::pair<std::string, std::string>, std::set<int64_t>> by_provider_id;  // channel, provider id
        std::map<int64_t, std::vector<DeliveryReceipt>> receipts;                         // in arrival order
        int64_t next_id = 1;

    private:
        void unindex(const Delivery& delivery);
    };
    Outbox outbox_;
    // What a change to the outbox replaced: the row and its receipts as they were (none
    // before an insert).
    struct OutboxUndo {
        int64_t id = 0;
        std::optional<Delivery> row;
        std::vector<DeliveryReceipt> receipts;
    };
    std::vector<OutboxUndo> outbox_undo_;
    bool writing_ = false;
};

}  // namespace ritme
