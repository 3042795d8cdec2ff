#pragma once
// The store in PostgreSQL: the shared database of several ritme daemons. Its tables are
// SQLite's, with the same values (instants as ISO text, the outbox's as UTC seconds), in
// the connection's current schema (search_path); the schema is versioned in the
// `schema_migration` table and migrated forward when the store connects, under an
// advisory lock, so daemons starting together migrate once. Every statement is prepared
// once per connection; each write() is one transaction, reads outside it run alone.
// Claims lock their rows with FOR UPDATE SKIP LOCKED: daemons claiming at once never take
// the same row, nor wait for one another.

#include "engine/store/postgres_connection.hpp"
#include "engine/store/store.hpp"
#include "engine/store/store_registry.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
class transaction_base;
class result;
}  // namespace pqxx

namespace SQLite {
class Database;
}

namespace ritme {

namespace postgres_rows {
class Params;
}

// The channel on which a committed change is announced (pg_notify), its payload the
// schema that changed: daemons sharing the database LISTEN on it to wake.
inline constexpr const char* postgres_change_channel = "ritme_change";

// One table copied by copy_from_sqlite(), with its rows counted on both sides.
struct CopiedTable {
    std::string table;
    int64_t rows = 0;
};

class PostgresStore final : public Store {
public:
    static constexpr int current_schema_version = 1;

    // Connects and migrates the schema to the current version. Throws StoreError when
    // the database cannot be reached, the URL holds a password, or the schema is newer
    // than this ritme or another program's.
    static std::unique_ptr<PostgresStore> open(const PostgresTarget& target);
    ~PostgresStore() override;

    void write(const std::function<void()>& work) override;
    int schema_version() const;
    // The database as errors name it: the URL, which holds no password.
    const std::string& name() const { return name_; }
    // The server process of this store's connection: the sender of its own notifications.
    int backend_pid() const;

    // Moving an installation here (`ritme migrate --to postgresql://…`): opens the SQLite
    // file (migrating it to its current schema, as any ritme command would) and copies
    // every table, the audit trail included, row by row with its ids, in one transaction;
    // then counts each table's rows on both sides. Throws StoreError, and nothing lands,
    // when this database holds data already, a value does not fit, or a count differs.
    std::vector<CopiedTable> copy_from_sqlite(const std::string& sqlite_path);

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
    std::vector<bool> subjects_current(const std::vector<const Delivery*>& deliveries) const override;
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
    // LISTEN on a connection of its own (PostgresChangeWatch).
    std::unique_ptr<ChangeWatch> watch_changes(boost::asio::io_context& io, ChangeCallback changed) override;
    std::string location() const override { return name_; }
    // PostgreSQL checks its own pages, and its typed columns and constraints hold what
    // they say; what they allow and ritme cannot work with is looked for in the outbox:
    // a time beyond the years ritme holds, a claim no daemon would take over.
    std::vector<std::string> integrity_problems(int limit = 10) const override;
    std::string integrity_check_name() const override { return "ritme's checks of the outbox on PostgreSQL"; }
    // VACUUM of the tables an erasure touches: their dead rows' space is marked free.
    bool purge_deleted() override;
    RetentionCounts scrub(const RetentionScrub& scrub) override;

private:
    explicit PostgresStore(const PostgresTarget& target);
    void connect() const;
    void ensure_connected() const;
    void migrate();
    void require_write() const;
    void copy_tables(SQLite::Database& from, const std::string& sqlite_path, std::vector<CopiedTable>& copied);
    void put_told_batch(const std::vector<ToldRecord>& records);

    // Runs `sql` (prepared once per connection) in the transaction under way, or alone
    // outside write().
    pqxx::result exec(const std::string& sql, const postgres_rows::Params& params) const;
    // The same in a savepoint: a constraint error rolls back only this statement, so the
    // caller's StoreError leaves the transaction usable, as SQLite's does.
    pqxx::result exec_guarded_statement(const std::string& sql, const postgres_rows::Params& params) const;

    PostgresTarget target_;
    std::string name_;
    std::string connection_string_;
    mutable std::unique_ptr<pqxx::connection_base> connection_;
    std::unique_ptr<pqxx::transaction_base> writing_;
    mutable std::map<std::string, std::string> prepared_;  // SQL text → statement name
    mutable bool changed_ = false;  // the transaction under way changed a row
    mutable bool suspect_ = false;  // a call failed: the connection may have broken
};

// Registers "postgresql://" and "postgres://" URLs (main calls it beside
// register_sqlite_store).
void register_postgres_store(StoreRegistry& registry);

}  // namespace ritme
