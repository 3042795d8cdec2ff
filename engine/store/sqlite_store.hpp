#pragma once
// The store in one SQLite file (WAL): the embedded default. The file is created with
// mode 0600 (SQLite gives its -wal and -shm files the same mode); the schema is
// versioned with PRAGMA user_version and migrated forward when the file is opened.
// Deleted rows are overwritten (secure_delete), so an erased participant leaves no
// trace in the file.

#include "engine/store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ritme {

class SqliteStore final : public Store {
public:
    static constexpr int current_schema_version = 13;

    // Which threads use the store. `any`: SQLite serialises every call on its connection
    // with a mutex, so threads may share the store. `one_at_a_time`: the owner promises
    // one thread at a time (each command of the CLI, the daemon's loop), and SQLite takes
    // no mutex: a receipt's one insert and its reads make some thirty calls.
    enum class Threads { any, one_at_a_time };

    // Opens or creates the database and migrates it to the current schema. Throws
    // StoreError when the file cannot be opened or is newer than this ritme.
    static std::unique_ptr<SqliteStore> open(const std::string& path, Threads threads = Threads::any);
    // Stops migrating at `version`: for testing the migration from an older schema.
    static std::unique_ptr<SqliteStore> open_at_version(const std::string& path, int version,
                                                        Threads threads = Threads::any);

    void write(const std::function<void()>& work) override;
    int schema_version() const;

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
    // inotify on the file's directory, and data_version (SqliteChangeWatch).
    std::unique_ptr<ChangeWatch> watch_changes(boost::asio::io_context& io, ChangeCallback changed) override;
    std::string location() const override { return path(); }
    // The write-ahead log emptied: checkpoint().
    bool purge_deleted() override { return checkpoint(); }
    RetentionCounts scrub(const RetentionScrub& scrub) override;

    // Moves everything from the write-ahead log into the file and empties the log, so
    // what was deleted is gone from both. Waits for other connections' reads up to the
    // busy timeout; false when one still reads from the log, which then keeps what it held.
    bool checkpoint();

    // What PRAGMA integrity_check finds wrong, at most `limit` lines, then outbox times
    // that are not numbers (which it cannot see); empty when the file is sound.
    std::vector<std::string> integrity_problems(int limit = 10) const override;
    std::string integrity_check_name() const override { return "PRAGMA integrity_check"; }

    // Changes whenever another connection (another process) commits; this
    // connection's own commits leave it as it is. How the daemon tells a change by
    // `ritme apply` or `ritme session move` from its own writes.
    uint64_t data_version() const;
    const std::string& path() const { return db_.getFilename(); }
    // How long a change waits for another connection's write lock before StoreBusy
    // (5 seconds when opened).
    void set_busy_timeout(std::chrono::milliseconds timeout);

private:
    SqliteStore(const std::string& path, int target_version, Threads threads);
    void migrate_to(int version);
    // The schema version, refused when it is none this ritme knows (negative, or newer).
    int known_schema_version() const;
    // Slot and planned date of sessions stored before the schema kept them (version 5).
    void derive_missing_session_identities();
    void require_write() const;
    // Ends the transaction under way without its changes, if SQLite has not already.
    void roll_back() noexcept;
    std::vector<Commitment> commitments_of(const std::string& participant_id) const;

    // Prepared once, reused: preparing costs more than running most of these.
    SQLite::Statement& statement(const char* sql) const;
    // The same for a statement whose every parameter is bound anew on each use: the last
    // use's values need no clearing (receipts, thousands a second).
    SQLite::Statement& fully_bound_statement(const char* sql) const;

    mutable SQLite::Database db_;
    mutable std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
    bool writing_ = false;
};

}  // namespace ritme
