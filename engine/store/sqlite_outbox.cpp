#include "engine/store/sqlite_store.hpp"

#include "engine/store/outbox_sql.hpp"
#include "engine/store/sqlite_rows.hpp"

#include <algorithm>
#include <tuple>

namespace ritme {

using namespace sqlite_rows;

namespace {

bool is_set(UtcInstant instant) { return !instant.utc.is_special(); }

}  // namespace

// --- Deliveries -----------------------------------------------------------------------

namespace {
constexpr const char* delivery_columns =
    "id, key, kind, programme_id, session_id, session_version, appointment_id, appointment_version, "
    "participant_id, reminder_offset, channel, due_at, send_at, expires_at, state, attempts, reason, provider_id, "
    "provider_status, claimed_by, claimed_until, updated_at, sent_at, payload";

// delivery_columns as read: provider_status is the latest receipt's status, else the
// gateway's answer to the send. A receipt is then one INSERT, and leaves the delivery's
// row (and its page in the log) untouched: receipts come in thousands a second.
constexpr const char* delivery_read_columns =
    "id, key, kind, programme_id, session_id, session_version, appointment_id, appointment_version, "
    "participant_id, reminder_offset, channel, due_at, send_at, expires_at, state, attempts, reason, provider_id, "
    "coalesce((SELECT status FROM delivery_receipt WHERE delivery_receipt.delivery_id = delivery.id "
    "ORDER BY delivery_receipt.id DESC LIMIT 1), provider_status), "
    "claimed_by, claimed_until, updated_at, sent_at, payload";

// Whether a delivery is still about its subject as it is now: computed in the claim
// itself, for the whole batch at once. A reminder of a session or appointment she is
// excused from (she answered that she cannot come) is not.
constexpr const char* subject_current_sql =
    "(session_id IS NULL OR EXISTS (SELECT 1 FROM session WHERE session.id = delivery.session_id "
    "AND session.version = delivery.session_version "
    "AND (delivery.kind <> 'reminder' OR session.status <> 'cancelled'))) "
    "AND (appointment_id IS NULL OR EXISTS (SELECT 1 FROM appointment WHERE appointment.id = delivery.appointment_id "
    "AND appointment.version = delivery.appointment_version "
    "AND (delivery.kind <> 'appointment' OR appointment.cancelled = 0))) "
    "AND (delivery.kind NOT IN ('reminder', 'appointment') OR NOT EXISTS (SELECT 1 FROM attendance "
    "WHERE attendance.participant_id = delivery.participant_id "
    "AND attendance.session_id = coalesce(delivery.session_id, 0) "
    "AND attendance.appointment_id = coalesce(delivery.appointment_id, 0) AND attendance.status = 'excused'))";

// A kind or state as name_of() wrote it: another word is an error, never a default.
template <typename Enum>
Enum known(const SQLite::Column& column, const RowRef& row, std::optional<Enum> (*parse)(std::string_view)) {
    const std::string text = column.getString();
    if (const auto value = parse(text)) return *value;
    unreadable(row, column.getName(), text, "is not one ritme knows");
}

Delivery delivery_from(SQLite::Statement& query) {
    Delivery d;
    d.id = query.getColumn(0).getInt64();
    const RowRef row{"delivery", std::to_string(d.id)};
    d.key = text_from(query.getColumn(1), row);
    d.kind = known(query.getColumn(2), row, parse_delivery_kind);
    d.programme_id = text_from(query.getColumn(3), row);
    d.session_id = optional_integer_from(query.getColumn(4), row).value_or(0);
    d.session_version = int_from(query.getColumn(5), row);
    d.appointment_id = optional_integer_from(query.getColumn(6), row).value_or(0);
    d.appointment_version = int_from(query.getColumn(7), row);
    d.participant_id = text_from(query.getColumn(8), row);
    d.offset = text_from(query.getColumn(9), row);
    d.channel = text_from(query.getColumn(10), row);
    d.due_at = instant_from_seconds(query.getColumn(11), row);
    d.send_at = instant_from_seconds(query.getColumn(12), row);
    d.expires_at = instant_from_seconds(query.getColumn(13), row);
    d.state = known(query.getColumn(14), row, parse_delivery_state);
    d.attempts = int_from(query.getColumn(15), row);
    d.reason = text_from(query.getColumn(16), row);
    d.provider_id = text_from(query.getColumn(17), row);
    d.provider_status = text_from(query.getColumn(18), row);
    d.claimed_by = text_from(query.getColumn(19), row);
    d.claimed_until = instant_from_seconds(query.getColumn(20), row);
    d.updated_at = instant_from_seconds(query.getColumn(21), row);
    if (!query.getColumn(22).isNull()) d.sent_at = instant_from_seconds(query.getColumn(22), row);
    d.payload = text_from(query.getColumn(23), row);
    return d;
}

void bind_id_or_null(SQLite::Statement& statement, int index, int64_t id) {
    if (id != 0)
        statement.bind(index, id);
    else
        statement.bind(index);
}

}  // namespace

int64_t SqliteStore::add_delivery(const Delivery& d) {
    return guarded(db_, "adding a delivery", [&]() -> int64_t {
        require_write();
        if (!is_set(d.send_at)) throw StoreError("delivery " + d.key + " has no send time");
        if (d.state == DeliveryState::claimed && !is_set(d.claimed_until))
            throw StoreError("delivery " + d.key + " is claimed without a lease");
        static const std::string sql =
            std::string("INSERT INTO delivery (") + delivery_columns +
            ") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            // A cancelled row is planned again when what cancelled it no longer holds.
            "ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, programme_id = excluded.programme_id, "
            "session_id = excluded.session_id, session_version = excluded.session_version, "
            "appointment_id = excluded.appointment_id, appointment_version = excluded.appointment_version, "
            "participant_id = excluded.participant_id, reminder_offset = excluded.reminder_offset, "
            "channel = excluded.channel, due_at = excluded.due_at, send_at = excluded.send_at, "
            "expires_at = excluded.expires_at, state = excluded.state, attempts = excluded.attempts, "
            "reason = excluded.reason, provider_id = excluded.provider_id, "
            "provider_status = excluded.provider_status, claimed_by = excluded.claimed_by, "
            "claimed_until = excluded.claimed_until, updated_at = excluded.updated_at, sent_at = excluded.sent_at, "
            "payload = excluded.payload WHERE delivery.state = 'cancelled' AND excluded.state <> 'cancelled' "
            "RETURNING id";
        SQLite::Statement& insert = statement(sql.c_str());
        insert.bind(1, d.key);
        insert.bind(2, std::string(name_of(d.kind)));
        insert.bind(3, d.programme_id);
        bind_id_or_null(insert, 4, d.session_id);
        insert.bind(5, d.session_version);
        bind_id_or_null(insert, 6, d.appointment_id);
        insert.bind(7, d.appointment_version);
        insert.bind(8, d.participant_id);
        insert.bind(9, d.offset);
        insert.bind(10, d.channel);
        bind_seconds(insert, 11, d.due_at);
        bind_seconds(insert, 12, d.send_at);
        bind_seconds(insert, 13, d.expires_at);
        insert.bind(14, std::string(name_of(d.state)));
        insert.bind(15, d.attempts);
        insert.bind(16, d.reason);
        insert.bind(17, d.provider_id);
        insert.bind(18, d.provider_status);
        insert.bind(19, d.claimed_by);
        bind_seconds(insert, 20, d.claimed_until);
        bind_seconds(insert, 21, d.updated_at);
        bind_seconds(insert, 22, d.sent_at.value_or(UtcInstant{}));
        insert.bind(23, d.payload);
        const int64_t id = insert.executeStep() ? insert.getColumn(0).getInt64() : 0;
        insert.reset();
        return id;
    });
}

std::optional<Delivery> SqliteStore::delivery(int64_t id) const {
    return guarded(db_, "reading a delivery", [&]() -> std::optional<Delivery> {
        static const std::string sql = std::string("SELECT ") + delivery_read_columns + " FROM delivery WHERE id = ?";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, id);
        if (!query.executeStep()) return std::nullopt;
        Delivery d = delivery_from(query);
        query.reset();
        return d;
    });
}

std::vector<Delivery> SqliteStore::deliveries(const DeliveryQuery& q) const {
    return guarded(db_, "listing deliveries", [&]() -> std::vector<Delivery> {
        // Built for the filters given, so SQLite picks the index that fits them.
        std::string sql = std::string("SELECT ") + delivery_read_columns + " FROM delivery WHERE 1";
        if (q.programme_id) sql += " AND programme_id = :programme";
        if (q.participant_id) sql += " AND participant_id = :participant";
        if (q.session_id) sql += *q.session_id ? " AND session_id = :session" : " AND session_id IS NULL";
        if (q.appointment_id)
            sql += *q.appointment_id ? " AND appointment_id = :appointment" : " AND appointment_id IS NULL";
        if (!q.kinds.empty()) sql += " AND kind IN (" + quoted_list(q.kinds) + ")";
        if (!q.states.empty()) sql += " AND state IN (" + quoted_list(q.states) + ")";
        if (q.updated_since) sql += " AND updated_at >= :since";
        sql += q.newest_first ? " ORDER BY updated_at DESC, id DESC" : " ORDER BY send_at, id";
        if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);

        SQLite::Statement query(db_, sql);
        if (q.programme_id) query.bind(":programme", *q.programme_id);
        if (q.participant_id) query.bind(":participant", *q.participant_id);
        if (q.session_id && *q.session_id) query.bind(":session", *q.session_id);
        if (q.appointment_id && *q.appointment_id) query.bind(":appointment", *q.appointment_id);
        if (q.updated_since) bind_seconds(query, query.getIndex(":since"), *q.updated_since);
        std::vector<Delivery> out;
        while (query.executeStep()) out.push_back(delivery_from(query));
        return out;
    });
}

void SqliteStore::cancel_delivery(int64_t id, const std::string& reason, UtcInstant at) {
    guarded(db_, "cancelling a delivery", [&] {
        require_write();
        SQLite::Statement& update = statement(
            "UPDATE delivery SET state = 'cancelled', reason = ?, updated_at = ? "
            "WHERE id = ? AND state IN ('planned', 'retry')");
        update.bind(1, reason);
        bind_seconds(update, 2, at);
        update.bind(3, id);
        update.exec();
    });
}

std::vector<ClaimedDelivery> SqliteStore::claim_due_by(UtcInstant now, UtcInstant due_by, int limit,
                                                       const std::string& owner, UtcInstant lease_until) {
    return guarded(db_, "claiming deliveries", [&]() -> std::vector<ClaimedDelivery> {
        require_write();
        if (!is_set(now) || !is_set(lease_until) || !is_set(due_by))
            throw StoreError("a claim needs the time and the end of its lease");
        if (due_by < now) throw StoreError("a claim's rows are due by now or later");
        if (limit <= 0) return {};
        // One statement claims the batch and says for each row whether its subject is still
        // current. Each half of the union reads at most `limit` rows from its own index.
        // write()'s IMMEDIATE transaction keeps other processes out until it commits. A row
        // whose kind was damaged past its CHECK constraint would fail the whole UPDATE, and
        // hold back every row due after it: it is left where `status` reports it.
        static const std::string known_kind =
            "kind IN (" +
            quoted_list(std::vector<DeliveryKind>{DeliveryKind::reminder, DeliveryKind::appointment,
                                                  DeliveryKind::change, DeliveryKind::alert,
                                                  DeliveryKind::confirmation, DeliveryKind::answer_alert,
                                                  DeliveryKind::follow_up, DeliveryKind::overview,
                                                  DeliveryKind::group}) +
            ")";
        static const std::string sql =
            std::string(
                "UPDATE delivery SET state = 'claimed', claimed_by = ?1, claimed_until = ?2, attempts = attempts + 1, "
                "updated_at = ?3 WHERE id IN (SELECT id FROM ("
                "SELECT id, send_at FROM (SELECT id, send_at FROM delivery WHERE state IN ('planned', 'retry') "
                "AND send_at <= ?5 AND " + known_kind + " ORDER BY send_at, id LIMIT ?4) "
                "UNION ALL "
                "SELECT id, send_at FROM (SELECT id, send_at FROM delivery WHERE state = 'claimed' "
                "AND claimed_until < ?3 AND " + known_kind + " ORDER BY send_at, id LIMIT ?4) "
                "ORDER BY send_at, id LIMIT ?4)) RETURNING ") +
            delivery_read_columns + ", " + subject_current_sql;
        SQLite::Statement& claim = statement(sql.c_str());
        claim.bind(1, owner);
        bind_seconds(claim, 2, lease_until);
        bind_seconds(claim, 3, now);
        claim.bind(4, limit);
        bind_seconds(claim, 5, due_by);
        std::vector<ClaimedDelivery> out;
        while (claim.executeStep()) out.push_back({delivery_from(claim), claim.getColumn(24).getInt() != 0});
        std::sort(out.begin(), out.end(), by_send_time);  // RETURNING gives no order
        return out;
    });
}

bool SqliteStore::subject_current(const Delivery& delivery) const {
    return guarded(db_, "reading a delivery's subject", [&]() -> bool {
        // The claim's subject_current, for the versions the delivery was planned with.
        SQLite::Statement& check = statement(
            "SELECT (?1 = 0 OR EXISTS (SELECT 1 FROM session WHERE id = ?1 AND version = ?2 "
            "AND (?3 <> 'reminder' OR status <> 'cancelled'))) "
            "AND (?4 = 0 OR EXISTS (SELECT 1 FROM appointment WHERE id = ?4 AND version = ?5 "
            "AND (?3 <> 'appointment' OR cancelled = 0))) "
            "AND (?3 NOT IN ('reminder', 'appointment') OR NOT EXISTS (SELECT 1 FROM attendance "
            "WHERE participant_id = ?6 AND session_id = ?1 AND appointment_id = ?4 AND status = 'excused'))");
        check.bind(1, delivery.session_id);
        check.bind(2, delivery.session_version);
        check.bind(3, std::string(name_of(delivery.kind)));
        check.bind(4, delivery.appointment_id);
        check.bind(5, delivery.appointment_version);
        check.bind(6, delivery.participant_id);
        check.executeStep();
        const bool current = check.getColumn(0).getInt() != 0;
        check.reset();
        return current;
    });
}

std::vector<int64_t> SqliteStore::finish(const std::vector<DeliveryOutcome>& outcomes) {
    return guarded(db_, "writing back deliveries", [&]() -> std::vector<int64_t> {
        require_write();
        std::vector<int64_t> written;
        SQLite::Statement& update = statement(
            "UPDATE delivery SET state = ?2, reason = ?3, provider_id = ?4, "
            "provider_status = ?5, updated_at = ?6, "
            "sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END, send_at = coalesce(?7, send_at) "
            "WHERE id = ?1 AND state = 'claimed' AND (?8 = '' OR claimed_by = ?8) "
            "RETURNING participant_id, programme_id, session_id, appointment_id, payload");
        for (const auto& outcome : outcomes) {
            if (outcome.state == DeliveryState::planned || outcome.state == DeliveryState::claimed)
                throw StoreError("delivery " + std::to_string(outcome.id) + " cannot finish as " +
                                 std::string(name_of(outcome.state)));
            update.reset();
            update.bind(1, outcome.id);
            update.bind(2, std::string(name_of(outcome.state)));
            update.bind(3, outcome.reason);
            update.bind(4, outcome.provider_id);
            update.bind(5, outcome.provider_status);
            bind_seconds(update, 6, outcome.at);
            if (outcome.state == DeliveryState::retry)
                bind_seconds(update, 7, outcome.retry_at.value_or(outcome.at));
            else
                update.bind(7);
            update.bind(8, outcome.claimed_by);
            if (!update.executeStep()) continue;
            written.push_back(outcome.id);
            ToldRecord told{update.getColumn(0).getString(), update.getColumn(1).getString(),
                            update.getColumn(2).getInt64(), update.getColumn(3).getInt64(),
                            told_state_in(update.getColumn(4).getString())};
            update.reset();
            if (outcome.state == DeliveryState::sent && !told.state.empty()) put_told(told);
        }
        return written;
    });
}

// --- What participants were told ------------------------------------------------------

namespace {
constexpr const char* told_columns = "participant_id, programme_id, session_id, appointment_id, state, serial";

ToldRecord told_from(SQLite::Statement& query) {
    return {query.getColumn(0).getString(), query.getColumn(1).getString(), query.getColumn(2).getInt64(),
            query.getColumn(3).getInt64(), query.getColumn(4).getString(), query.getColumn(5).getInt64()};
}
}  // namespace

std::vector<ToldRecord> SqliteStore::told_about_sessions(const std::string& programme_id) const {
    return guarded(db_, "reading what participants were told", [&]() -> std::vector<ToldRecord> {
        static const std::string sql =
            std::string("SELECT ") + told_columns + " FROM told WHERE programme_id = ? AND session_id <> 0";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, programme_id);
        std::vector<ToldRecord> out;
        while (query.executeStep()) out.push_back(told_from(query));
        return out;
    });
}

std::vector<ToldRecord> SqliteStore::told_about_appointments(const std::string& participant_id) const {
    return guarded(db_, "reading what a participant was told", [&]() -> std::vector<ToldRecord> {
        static const std::string sql =
            std::string("SELECT ") + told_columns + " FROM told WHERE participant_id = ? AND appointment_id <> 0";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, participant_id);
        std::vector<ToldRecord> out;
        while (query.executeStep()) out.push_back(told_from(query));
        return out;
    });
}

void SqliteStore::put_told(const ToldRecord& record) {
    guarded(db_, "recording what a participant was told", [&] {
        require_write();
        SQLite::Statement& upsert = statement(
            "INSERT INTO told (participant_id, programme_id, session_id, appointment_id, state, serial) "
            "VALUES (?1, ?2, ?3, ?4, ?5, 1) ON CONFLICT (participant_id, session_id, appointment_id) DO UPDATE "
            "SET programme_id = excluded.programme_id, serial = serial + (state <> excluded.state), "
            "state = excluded.state");
        upsert.bind(1, record.participant_id);
        upsert.bind(2, record.programme_id);
        upsert.bind(3, record.session_id);
        upsert.bind(4, record.appointment_id);
        upsert.bind(5, record.state);
        upsert.exec();
    });
}

int SqliteStore::renew_claims(const std::string& owner, const std::vector<int64_t>& ids, UtcInstant until) {
    return guarded(db_, "renewing claims", [&]() -> int {
        require_write();
        SQLite::Statement& update =
            statement("UPDATE delivery SET claimed_until = ?1 WHERE id = ?2 AND state = 'claimed' AND claimed_by = ?3");
        int renewed = 0;
        for (const int64_t id : ids) {
            update.reset();
            bind_seconds(update, 1, until);
            update.bind(2, id);
            update.bind(3, owner);
            renewed += update.exec();
        }
        return renewed;
    });
}

std::optional<UtcInstant> SqliteStore::next_send_at() const {
    return guarded(db_, "finding the next send time", [&]() -> std::optional<UtcInstant> {
        // Two index lookups: the first due row, and the first claim to run out. SQLite
        // sorts text after numbers, so a time damaged into text comes last: it is found
        // once nothing else is due, and reported then.
        std::optional<UtcInstant> next;
        for (const char* sql :
             {"SELECT send_at, id FROM delivery WHERE state IN ('planned', 'retry') ORDER BY send_at LIMIT 1",
              "SELECT claimed_until, id FROM delivery WHERE state = 'claimed' ORDER BY claimed_until LIMIT 1"}) {
            SQLite::Statement& query = statement(sql);
            if (!query.executeStep()) continue;
            const UtcInstant found = instant_from_seconds(query.getColumn(0), {"delivery", query.getColumn(1).getString()});
            query.reset();
            if (!next || found < *next) next = found;
        }
        return next;
    });
}

std::vector<std::string> SqliteStore::claim_owners() const {
    return guarded(db_, "listing claim owners", [&]() -> std::vector<std::string> {
        SQLite::Statement& query =
            statement("SELECT DISTINCT claimed_by FROM delivery WHERE state = 'claimed' ORDER BY claimed_by");
        std::vector<std::string> out;
        while (query.executeStep()) out.push_back(query.getColumn(0).getString());
        return out;
    });
}

int SqliteStore::release_claims(const std::string& owner, UtcInstant now, const std::string& reason) {
    return guarded(db_, "releasing claims", [&]() -> int {
        require_write();
        SQLite::Statement& update = statement(
            "UPDATE delivery SET state = 'retry', send_at = ?1, updated_at = ?1, reason = ?2, claimed_by = '' "
            "WHERE state = 'claimed' AND claimed_by = ?3");
        bind_seconds(update, 1, now);
        update.bind(2, reason);
        update.bind(3, owner);
        return update.exec();
    });
}

std::vector<DeliveryCount> SqliteStore::delivery_counts() const {
    return guarded(db_, "counting deliveries", [&]() -> std::vector<DeliveryCount> {
        // min(id): a row to name when the state is a word ritme does not know
        SQLite::Statement& query =
            statement("SELECT state, channel, count(*), min(id) FROM delivery GROUP BY state, channel");
        std::vector<DeliveryCount> out;
        while (query.executeStep()) {
            const RowRef row{"delivery", query.getColumn(3).getString()};
            out.push_back({known(query.getColumn(0), row, parse_delivery_state), text_from(query.getColumn(1), row),
                           query.getColumn(2).getInt()});
        }
        std::sort(out.begin(), out.end(), [](const DeliveryCount& a, const DeliveryCount& b) {
            return std::tie(a.state, a.channel) < std::tie(b.state, b.channel);
        });
        return out;
    });
}

// --- Delivery receipts ------------------------------------------------------------------

std::optional<Delivery> SqliteStore::delivery_by_provider_id(const std::string& channel,
                                                             const std::string& provider_id) const {
    return guarded(db_, "finding a delivery by its provider id", [&]() -> std::optional<Delivery> {
        if (provider_id.empty()) return std::nullopt;
        // "provider_id <> ''" repeats the partial index's condition, so SQLite uses it.
        static const std::string sql = std::string("SELECT ") + delivery_read_columns +
                                       " FROM delivery WHERE channel = ? AND provider_id = ? AND provider_id <> '' "
                                       "ORDER BY id DESC LIMIT 1";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, channel);
        query.bind(2, provider_id);
        if (!query.executeStep()) return std::nullopt;
        Delivery d = delivery_from(query);
        query.reset();
        return d;
    });
}

bool SqliteStore::add_receipt(const std::string& channel, const DeliveryReceipt& receipt) {
    return guarded(db_, "adding a receipt", [&]() -> bool {
        require_write();
        if (!is_set(receipt.at)) throw StoreError("a receipt for delivery " + std::to_string(receipt.delivery_id) +
                                                  " has no time of arrival");
        // The texts are bound without a copy: they outlive both steps, and the next use of
        // either statement binds afresh. One read: is there such a delivery on this channel, and has it this report
        // already? "report_key <> ''" repeats the unique index's condition, so SQLite uses it.
        SQLite::Statement& check = fully_bound_statement(
            "SELECT EXISTS (SELECT 1 FROM delivery_receipt WHERE delivery_id = ?1 AND report_key = ?2 "
            "AND report_key <> '') FROM delivery WHERE id = ?1 AND channel = ?3");
        check.bind(1, receipt.delivery_id);
        check.bindNoCopy(2, receipt.report_key);
        check.bindNoCopy(3, channel);
        const bool fresh = check.executeStep() && check.getColumn(0).getInt() == 0;
        check.reset();
        if (!fresh) return false;
        SQLite::Statement& insert = fully_bound_statement(
            "INSERT INTO delivery_receipt (delivery_id, at, status, detail, report_key) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, receipt.delivery_id);
        bind_seconds(insert, 2, receipt.at);
        insert.bindNoCopy(3, receipt.status);
        insert.bindNoCopy(4, receipt.detail);
        insert.bindNoCopy(5, receipt.report_key);
        insert.exec();
        return true;
    });
}

bool SqliteStore::mark_undelivered(int64_t id, const std::string& reason, UtcInstant at) {
    return guarded(db_, "marking a delivery undelivered", [&]() -> bool {
        require_write();
        SQLite::Statement& update = statement(
            "UPDATE delivery SET state = 'failed', reason = ?, claimed_by = '', updated_at = ? "
            "WHERE id = ? AND state IN ('sent', 'claimed')");
        update.bind(1, reason);
        bind_seconds(update, 2, at);
        update.bind(3, id);
        return update.exec() > 0;
    });
}

std::vector<DeliveryReceipt> SqliteStore::receipts(int64_t delivery_id) const {
    return guarded(db_, "reading receipts", [&]() -> std::vector<DeliveryReceipt> {
        SQLite::Statement& query =
            statement("SELECT delivery_id, at, status, detail, id, report_key FROM delivery_receipt "
                      "WHERE delivery_id = ? ORDER BY id");
        query.bind(1, delivery_id);
        std::vector<DeliveryReceipt> out;
        while (query.executeStep()) {
            const RowRef row{"delivery_receipt", query.getColumn(4).getString()};
            out.push_back({query.getColumn(0).getInt64(), instant_from_seconds(query.getColumn(1), row),
                           text_from(query.getColumn(2), row), text_from(query.getColumn(3), row),
                           text_from(query.getColumn(5), row)});
        }
        return out;
    });
}

// --- Plan requests ---------------------------------------------------------------------

void SqliteStore::request_plan(const std::string& scope) {
    guarded(db_, "filing a plan request", [&] {
        require_write();
        SQLite::Statement& insert = statement("INSERT OR IGNORE INTO plan_request (scope) VALUES (?)");
        insert.bind(1, scope);
        insert.exec();
    });
}

std::vector<std::string> SqliteStore::plan_requests() const {
    return guarded(db_, "reading plan requests", [&]() -> std::vector<std::string> {
        SQLite::Statement& query = statement("SELECT scope FROM plan_request ORDER BY scope");
        std::vector<std::string> out;
        while (query.executeStep()) out.push_back(query.getColumn(0).getString());
        return out;
    });
}

void SqliteStore::clear_plan_request(const std::string& scope) {
    guarded(db_, "clearing a plan request", [&] {
        require_write();
        SQLite::Statement& remove = statement("DELETE FROM plan_request WHERE scope = ?");
        remove.bind(1, scope);
        remove.exec();
    });
}

}  // namespace ritme
