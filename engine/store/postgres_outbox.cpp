// The PostgreSQL store's outbox: deliveries, claims, results, receipts, what participants
// were told, and plan requests. Instants are UTC seconds since 1970, as in SQLite.
#include "engine/store/postgres_store.hpp"

#include "engine/store/outbox_sql.hpp"
#include "engine/store/postgres_rows.hpp"

#include <pqxx/result>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace ritme {

using namespace postgres_rows;

namespace {

constexpr const char* delivery_columns =
    "key, kind, programme_id, session_id, session_version, appointment_id, appointment_version, "
    "participant_id, reminder_offset, channel, due_at, send_at, expires_at, state, attempts, reason, provider_id, "
    "provider_status, claimed_by, claimed_until, updated_at, sent_at, payload";

// As read: provider_status is the latest receipt's status, else the gateway's answer to
// the send, so a receipt is one INSERT and leaves the delivery's row as it is.
constexpr const char* delivery_read_columns =
    "delivery.id, key, kind, programme_id, session_id, session_version, appointment_id, appointment_version, "
    "participant_id, reminder_offset, channel, due_at, send_at, expires_at, state, attempts, reason, provider_id, "
    "coalesce((SELECT status FROM delivery_receipt WHERE delivery_receipt.delivery_id = delivery.id "
    "ORDER BY delivery_receipt.id DESC LIMIT 1), provider_status), "
    "claimed_by, claimed_until, updated_at, sent_at, payload";

// Whether a delivery is still about its subject as it is now: computed in the claim
// itself, for the whole batch at once. A reminder of a session or appointment she is
// excused from (she answered that she cannot come) is not.
constexpr const char* subject_current_sql =
    "(delivery.session_id IS NULL OR EXISTS (SELECT 1 FROM session WHERE session.id = delivery.session_id "
    "AND session.version = delivery.session_version "
    "AND (delivery.kind <> 'reminder' OR session.status <> 'cancelled'))) "
    "AND (delivery.appointment_id IS NULL OR EXISTS (SELECT 1 FROM appointment "
    "WHERE appointment.id = delivery.appointment_id AND appointment.version = delivery.appointment_version "
    "AND (delivery.kind <> 'appointment' OR appointment.cancelled = 0))) "
    "AND (delivery.kind NOT IN ('reminder', 'appointment') OR NOT EXISTS (SELECT 1 FROM attendance "
    "WHERE attendance.participant_id = delivery.participant_id "
    "AND attendance.session_id = coalesce(delivery.session_id, 0) "
    "AND attendance.appointment_id = coalesce(delivery.appointment_id, 0) AND attendance.status = 'excused'))";

template <typename Enum>
Enum known(const pqxx::field& field, const RowRef& row, std::optional<Enum> (*parse)(std::string_view)) {
    const std::string text = text_from(field, row);
    if (const auto value = parse(text)) return *value;
    unreadable(row, field.name(), text, "is not one ritme knows");
}

Delivery delivery_from(const pqxx::row& r) {
    Delivery d;
    const RowRef row{"delivery", r[0].c_str()};
    d.id = integer_from(r[0], row);
    d.key = text_from(r[1], row);
    d.kind = known(r[2], row, parse_delivery_kind);
    d.programme_id = text_from(r[3], row);
    d.session_id = optional_integer_from(r[4], row).value_or(0);
    d.session_version = int_from(r[5], row);
    d.appointment_id = optional_integer_from(r[6], row).value_or(0);
    d.appointment_version = int_from(r[7], row);
    d.participant_id = text_from(r[8], row);
    d.offset = text_from(r[9], row);
    d.channel = text_from(r[10], row);
    d.due_at = instant_from_seconds(r[11], row);
    d.send_at = instant_from_seconds(r[12], row);
    d.expires_at = instant_from_seconds(r[13], row);
    d.state = known(r[14], row, parse_delivery_state);
    d.attempts = int_from(r[15], row);
    d.reason = text_from(r[16], row);
    d.provider_id = text_from(r[17], row);
    d.provider_status = text_from(r[18], row);
    d.claimed_by = text_from(r[19], row);
    d.claimed_until = instant_from_seconds(r[20], row);
    d.updated_at = instant_from_seconds(r[21], row);
    if (!r[22].is_null()) d.sent_at = instant_from_seconds(r[22], row);
    d.payload = text_from(r[23], row);
    return d;
}


}  // namespace

int64_t PostgresStore::add_delivery(const Delivery& d) {
    return guarded(name_, "adding a delivery", [&]() -> int64_t {
        require_write();
        if (!is_set(d.send_at)) throw StoreError("delivery " + d.key + " has no send time");
        if (d.state == DeliveryState::claimed && !is_set(d.claimed_until))
            throw StoreError("delivery " + d.key + " is claimed without a lease");
        static const std::string sql =
            std::string("INSERT INTO delivery (") + delivery_columns +
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, "
            "$22, $23) "
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
        const auto result =
            exec(sql, Params(d.key, std::string(name_of(d.kind)), d.programme_id, id_or_null(d.session_id),
                             d.session_version, id_or_null(d.appointment_id), d.appointment_version, d.participant_id,
                             d.offset, d.channel, seconds_or_null(d.due_at), seconds_or_null(d.send_at),
                             seconds_or_null(d.expires_at), std::string(name_of(d.state)), d.attempts, d.reason,
                             d.provider_id, d.provider_status, d.claimed_by, seconds_or_null(d.claimed_until),
                             seconds_or_null(d.updated_at), seconds_or_null(d.sent_at.value_or(UtcInstant{})),
                             d.payload));
        return result.empty() ? 0 : result[0][0].as<int64_t>();
    });
}

std::optional<Delivery> PostgresStore::delivery(int64_t id) const {
    return guarded(name_, "reading a delivery", [&]() -> std::optional<Delivery> {
        static const std::string sql = std::string("SELECT ") + delivery_read_columns + " FROM delivery WHERE id = $1";
        const auto result = exec(sql, Params(id));
        if (result.empty()) return std::nullopt;
        return delivery_from(result[0]);
    });
}

std::vector<Delivery> PostgresStore::deliveries(const DeliveryQuery& q) const {
    return guarded(name_, "listing deliveries", [&]() -> std::vector<Delivery> {
        // Built for the filters given, so the planner picks the index that fits them;
        // each form is prepared once.
        std::string sql = std::string("SELECT ") + delivery_read_columns + " FROM delivery WHERE true";
        Params params;
        int n = 0;
        const auto next = [&] { return "$" + std::to_string(++n); };
        if (q.programme_id) {
            sql += " AND programme_id = " + next();
            params.add(*q.programme_id);
        }
        if (q.participant_id) {
            sql += " AND participant_id = " + next();
            params.add(*q.participant_id);
        }
        if (q.session_id) {
            if (*q.session_id) {
                sql += " AND session_id = " + next();
                params.add(*q.session_id);
            } else {
                sql += " AND session_id IS NULL";
            }
        }
        if (q.appointment_id) {
            if (*q.appointment_id) {
                sql += " AND appointment_id = " + next();
                params.add(*q.appointment_id);
            } else {
                sql += " AND appointment_id IS NULL";
            }
        }
        if (!q.kinds.empty()) sql += " AND kind IN (" + quoted_list(q.kinds) + ")";
        if (!q.states.empty()) sql += " AND state IN (" + quoted_list(q.states) + ")";
        if (q.updated_since) {
            sql += " AND updated_at >= " + next();
            params.add(seconds_or_null(*q.updated_since));
        }
        sql += q.newest_first ? " ORDER BY updated_at DESC NULLS LAST, id DESC" : " ORDER BY send_at, id";
        if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
        std::vector<Delivery> out;
        for (const auto& r : exec(sql, params)) out.push_back(delivery_from(r));
        return out;
    });
}

void PostgresStore::cancel_delivery(int64_t id, const std::string& reason, UtcInstant at) {
    guarded(name_, "cancelling a delivery", [&] {
        require_write();
        exec("UPDATE delivery SET state = 'cancelled', reason = $1, updated_at = $2 "
             "WHERE id = $3 AND state IN ('planned', 'retry')",
             Params(reason, seconds_or_null(at), id));
    });
}

std::vector<ClaimedDelivery> PostgresStore::claim_due_by(UtcInstant now, UtcInstant due_by, int limit,
                                                         const std::string& owner, UtcInstant lease_until) {
    return guarded(name_, "claiming deliveries", [&]() -> std::vector<ClaimedDelivery> {
        require_write();
        if (!is_set(now) || !is_set(lease_until) || !is_set(due_by))
            throw StoreError("a claim needs the time and the end of its lease");
        if (due_by < now) throw StoreError("a claim's rows are due by now or later");
        if (limit <= 0) return {};
        // One statement claims the batch and says for each row whether its subject is still
        // current. Each half reads at most `limit` rows from its own index and locks them
        // with SKIP LOCKED: rows another daemon is claiming are passed over, never waited
        // for, and a row is locked before it is taken, so no two claims take the same row.
        static const std::string known_kind =
            "kind IN (" +
            quoted_list(std::vector<DeliveryKind>{DeliveryKind::reminder, DeliveryKind::appointment,
                                                  DeliveryKind::change, DeliveryKind::alert,
                                                  DeliveryKind::confirmation, DeliveryKind::answer_alert,
                                                  DeliveryKind::follow_up, DeliveryKind::overview,
                                                  DeliveryKind::group}) +
            ")";
        static const std::string sql =
            "WITH due AS (SELECT id, send_at FROM delivery WHERE state IN ('planned', 'retry') AND send_at <= $5 "
            "AND " + known_kind + " ORDER BY send_at, id LIMIT $4 FOR UPDATE SKIP LOCKED), "
            "lapsed AS (SELECT id, send_at FROM delivery WHERE state = 'claimed' AND claimed_until < $3 "
            "AND " + known_kind + " ORDER BY send_at, id LIMIT $4 FOR UPDATE SKIP LOCKED), "
            "batch AS (SELECT id AS batch_id FROM (SELECT * FROM due UNION ALL SELECT * FROM lapsed) AS either "
            "ORDER BY send_at, id LIMIT $4) "
            "UPDATE delivery SET state = 'claimed', claimed_by = $1, claimed_until = $2, attempts = attempts + 1, "
            "updated_at = $3 FROM batch WHERE delivery.id = batch.batch_id RETURNING " +
            std::string(delivery_read_columns) + ", " + subject_current_sql;
        std::vector<ClaimedDelivery> out;
        for (const auto& r : exec(sql, Params(owner, seconds_or_null(lease_until), seconds_or_null(now), limit,
                                              seconds_or_null(due_by))))
            out.push_back({delivery_from(r), r[24].as<bool>()});
        std::sort(out.begin(), out.end(), by_send_time);  // RETURNING gives no order
        return out;
    });
}

namespace {

// A PostgreSQL array literal ("{\"a\",NULL}") of texts, NULL for an empty optional: a
// whole batch's column as one parameter, read with unnest().
std::string array_literal(const std::vector<std::optional<std::string>>& values) {
    std::string out = "{";
    for (const auto& value : values) {
        if (out.size() > 1) out += ',';
        if (!value) {
            out += "NULL";
            continue;
        }
        out += '"';
        for (const char c : *value) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

}  // namespace

bool PostgresStore::subject_current(const Delivery& delivery) const { return subjects_current({&delivery}).front(); }

std::vector<bool> PostgresStore::subjects_current(const std::vector<const Delivery*>& deliveries) const {
    if (deliveries.empty()) return {};
    return guarded(name_, "reading deliveries' subjects", [&]() -> std::vector<bool> {
        // subject_current's rule over the deliveries as one table: one round trip for all.
        std::vector<std::optional<std::string>> sessions, session_versions, kinds, appointments, appointment_versions,
            participants;
        for (const Delivery* d : deliveries) {
            sessions.push_back(std::to_string(d->session_id));
            session_versions.push_back(std::to_string(d->session_version));
            kinds.push_back(std::string(name_of(d->kind)));
            appointments.push_back(std::to_string(d->appointment_id));
            appointment_versions.push_back(std::to_string(d->appointment_version));
            participants.push_back(d->participant_id);
        }
        const auto result = exec(
            "SELECT (d.session_id = 0 OR EXISTS (SELECT 1 FROM session WHERE session.id = d.session_id "
            "AND session.version = d.session_version AND (d.kind <> 'reminder' OR session.status <> 'cancelled'))) "
            "AND (d.appointment_id = 0 OR EXISTS (SELECT 1 FROM appointment WHERE appointment.id = d.appointment_id "
            "AND appointment.version = d.appointment_version "
            "AND (d.kind <> 'appointment' OR appointment.cancelled = 0))) "
            "AND (d.kind NOT IN ('reminder', 'appointment') OR NOT EXISTS (SELECT 1 FROM attendance "
            "WHERE attendance.participant_id = d.participant_id COLLATE \"C\" AND attendance.session_id = d.session_id "
            "AND attendance.appointment_id = d.appointment_id AND attendance.status = 'excused')) "
            "FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::bigint[], $5::integer[], $6::text[]) "
            "WITH ORDINALITY AS d(session_id, session_version, kind, appointment_id, appointment_version, "
            "participant_id, n) ORDER BY d.n",
            Params(array_literal(sessions), array_literal(session_versions), array_literal(kinds),
                   array_literal(appointments), array_literal(appointment_versions), array_literal(participants)));
        if (result.size() != deliveries.size())
            throw StoreError("the subjects of " + std::to_string(deliveries.size()) + " deliveries read as " +
                             std::to_string(result.size()) + " rows");
        std::vector<bool> current;
        current.reserve(result.size());
        for (const auto& r : result) current.push_back(r[0].as<bool>());
        return current;
    });
}

std::vector<int64_t> PostgresStore::finish(const std::vector<DeliveryOutcome>& outcomes) {
    return guarded(name_, "writing back deliveries", [&]() -> std::vector<int64_t> {
        require_write();
        // A batch's results in one statement, and what its participants were told in one
        // more: two round trips a batch instead of two a row. An id given twice keeps its
        // first outcome, as one statement per outcome in order would (the second finds
        // the row no longer claimed).
        std::vector<const DeliveryOutcome*> firsts;
        std::set<int64_t> seen;
        for (const auto& outcome : outcomes) {
            if (outcome.state == DeliveryState::planned || outcome.state == DeliveryState::claimed)
                throw StoreError("delivery " + std::to_string(outcome.id) + " cannot finish as " +
                                 std::string(name_of(outcome.state)));
            if (seen.insert(outcome.id).second) firsts.push_back(&outcome);
        }
        if (firsts.empty()) return {};
        std::vector<std::optional<std::string>> ids, states, reasons, provider_ids, statuses, ats, retry_ats, owners;
        for (const DeliveryOutcome* outcome : firsts) {
            ids.push_back(std::to_string(outcome->id));
            states.push_back(std::string(name_of(outcome->state)));
            reasons.push_back(outcome->reason);
            provider_ids.push_back(outcome->provider_id);
            statuses.push_back(outcome->provider_status);
            ats.push_back(seconds_or_null(outcome->at));
            retry_ats.push_back(outcome->state == DeliveryState::retry
                                    ? seconds_or_null(outcome->retry_at.value_or(outcome->at))
                                    : std::nullopt);
            owners.push_back(outcome->claimed_by);
        }
        const auto result = exec(
            "UPDATE delivery SET state = o.state, reason = o.reason, provider_id = o.provider_id, "
            "provider_status = o.provider_status, updated_at = o.at, "
            "sent_at = CASE WHEN o.state = 'sent' THEN o.at ELSE delivery.sent_at END, "
            "send_at = coalesce(o.retry_at, delivery.send_at) "
            "FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], "
            "$8::text[]) AS o(id, state, reason, provider_id, provider_status, at, retry_at, claimed_by) "
            "WHERE delivery.id = o.id AND delivery.state = 'claimed' "
            "AND (o.claimed_by = '' OR delivery.claimed_by = o.claimed_by) "
            "RETURNING delivery.id, participant_id, programme_id, session_id, appointment_id, payload",
            Params(array_literal(ids), array_literal(states), array_literal(reasons), array_literal(provider_ids),
                   array_literal(statuses), array_literal(ats), array_literal(retry_ats), array_literal(owners)));
        std::map<int64_t, ToldRecord> told_by_id;
        for (const auto& r : result) {
            const RowRef row{"delivery", r[0].c_str()};
            told_by_id.emplace(integer_from(r[0], row),
                               ToldRecord{text_from(r[1], row), text_from(r[2], row),
                                          optional_integer_from(r[3], row).value_or(0),
                                          optional_integer_from(r[4], row).value_or(0), told_state_in(text_from(r[5], row))});
        }
        // In the outcomes' order: the rows written, and what their participants were told.
        std::vector<int64_t> written;
        std::vector<ToldRecord> told;
        for (const DeliveryOutcome* outcome : firsts) {
            const auto found = told_by_id.find(outcome->id);
            if (found == told_by_id.end()) continue;
            written.push_back(outcome->id);
            if (outcome->state == DeliveryState::sent && !found->second.state.empty()) told.push_back(found->second);
        }
        put_told_batch(told);
        return written;
    });
}

// What a batch's participants were told, in one statement. A subject told twice in one
// batch (a session moved and cancelled) goes row by row, in order, as the serial counts
// each change.
void PostgresStore::put_told_batch(const std::vector<ToldRecord>& records) {
    std::map<std::tuple<std::string, int64_t, int64_t>, int> times;
    for (const auto& record : records) ++times[{record.participant_id, record.session_id, record.appointment_id}];
    std::vector<std::optional<std::string>> participants, programmes, sessions, appointments, states;
    for (const auto& record : records) {
        if (times[{record.participant_id, record.session_id, record.appointment_id}] > 1) continue;
        participants.push_back(record.participant_id);
        programmes.push_back(record.programme_id);
        sessions.push_back(std::to_string(record.session_id));
        appointments.push_back(std::to_string(record.appointment_id));
        states.push_back(record.state);
    }
    if (!participants.empty())
        exec("INSERT INTO told (participant_id, programme_id, session_id, appointment_id, state, serial) "
             "SELECT participant_id, programme_id, session_id, appointment_id, state, 1 "
             "FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[]) "
             "AS t(participant_id, programme_id, session_id, appointment_id, state) "
             "ON CONFLICT (participant_id, session_id, appointment_id) DO UPDATE "
             "SET programme_id = excluded.programme_id, "
             "serial = told.serial + CASE WHEN told.state <> excluded.state THEN 1 ELSE 0 END, "
             "state = excluded.state",
             Params(array_literal(participants), array_literal(programmes), array_literal(sessions),
                    array_literal(appointments), array_literal(states)));
    for (const auto& record : records)
        if (times[{record.participant_id, record.session_id, record.appointment_id}] > 1) put_told(record);
}

// --- What participants were told ------------------------------------------------------

namespace {
constexpr const char* told_columns = "participant_id, programme_id, session_id, appointment_id, state, serial";

ToldRecord told_from(const pqxx::row& r) {
    const RowRef row{"told", r[0].c_str()};
    return {text_from(r[0], row), text_from(r[1], row), integer_from(r[2], row),
            integer_from(r[3], row), text_from(r[4], row), integer_from(r[5], row)};
}
}  // namespace

std::vector<ToldRecord> PostgresStore::told_about_sessions(const std::string& programme_id) const {
    return guarded(name_, "reading what participants were told", [&]() -> std::vector<ToldRecord> {
        static const std::string sql =
            std::string("SELECT ") + told_columns + " FROM told WHERE programme_id = $1 AND session_id <> 0";
        std::vector<ToldRecord> out;
        for (const auto& r : exec(sql, Params(programme_id))) out.push_back(told_from(r));
        return out;
    });
}

std::vector<ToldRecord> PostgresStore::told_about_appointments(const std::string& participant_id) const {
    return guarded(name_, "reading what a participant was told", [&]() -> std::vector<ToldRecord> {
        static const std::string sql =
            std::string("SELECT ") + told_columns + " FROM told WHERE participant_id = $1 AND appointment_id <> 0";
        std::vector<ToldRecord> out;
        for (const auto& r : exec(sql, Params(participant_id))) out.push_back(told_from(r));
        return out;
    });
}

void PostgresStore::put_told(const ToldRecord& record) {
    guarded(name_, "recording what a participant was told", [&] {
        require_write();
        exec("INSERT INTO told (participant_id, programme_id, session_id, appointment_id, state, serial) "
             "VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (participant_id, session_id, appointment_id) DO UPDATE "
             "SET programme_id = excluded.programme_id, "
             "serial = told.serial + CASE WHEN told.state <> excluded.state THEN 1 ELSE 0 END, "
             "state = excluded.state",
             Params(record.participant_id, record.programme_id, record.session_id, record.appointment_id,
                    record.state));
    });
}

int PostgresStore::renew_claims(const std::string& owner, const std::vector<int64_t>& ids, UtcInstant until) {
    return guarded(name_, "renewing claims", [&]() -> int {
        require_write();
        if (ids.empty()) return 0;
        // One statement for the batch: the ids as an array literal.
        std::string array = "{";
        for (const int64_t id : ids) array += (array.size() > 1 ? "," : "") + std::to_string(id);
        array += "}";
        return static_cast<int>(
            exec("UPDATE delivery SET claimed_until = $1 WHERE id = ANY($2::bigint[]) AND state = 'claimed' "
                 "AND claimed_by = $3",
                 Params(seconds_or_null(until), array, owner))
                .affected_rows());
    });
}

std::optional<UtcInstant> PostgresStore::next_send_at() const {
    return guarded(name_, "finding the next send time", [&]() -> std::optional<UtcInstant> {
        std::optional<UtcInstant> next;
        for (const char* sql :
             {"SELECT send_at, id FROM delivery WHERE state IN ('planned', 'retry') ORDER BY send_at LIMIT 1",
              "SELECT claimed_until, id FROM delivery WHERE state = 'claimed' ORDER BY claimed_until LIMIT 1"}) {
            const auto result = exec(sql, Params());
            if (result.empty()) continue;
            const UtcInstant found = instant_from_seconds(result[0][0], {"delivery", result[0][1].c_str()});
            if (!next || found < *next) next = found;
        }
        return next;
    });
}

std::vector<std::string> PostgresStore::claim_owners() const {
    return guarded(name_, "listing claim owners", [&]() -> std::vector<std::string> {
        std::vector<std::string> out;
        for (const auto& r :
             exec("SELECT DISTINCT claimed_by FROM delivery WHERE state = 'claimed' ORDER BY claimed_by", Params()))
            out.push_back(text_from(r[0], {"delivery", "?"}));
        return out;
    });
}

int PostgresStore::release_claims(const std::string& owner, UtcInstant now, const std::string& reason) {
    return guarded(name_, "releasing claims", [&]() -> int {
        require_write();
        return static_cast<int>(
            exec("UPDATE delivery SET state = 'retry', send_at = $1, updated_at = $1, reason = $2, claimed_by = '' "
                 "WHERE state = 'claimed' AND claimed_by = $3",
                 Params(seconds_or_null(now), reason, owner))
                .affected_rows());
    });
}

std::vector<DeliveryCount> PostgresStore::delivery_counts() const {
    return guarded(name_, "counting deliveries", [&]() -> std::vector<DeliveryCount> {
        std::vector<DeliveryCount> out;
        for (const auto& r : exec("SELECT state, channel, count(*), min(id) FROM delivery GROUP BY state, channel",
                                  Params())) {
            const RowRef row{"delivery", r[3].c_str()};
            out.push_back({known(r[0], row, parse_delivery_state), text_from(r[1], row), int_from(r[2], row)});
        }
        std::sort(out.begin(), out.end(), [](const DeliveryCount& a, const DeliveryCount& b) {
            return std::tie(a.state, a.channel) < std::tie(b.state, b.channel);
        });
        return out;
    });
}

// --- Delivery receipts ------------------------------------------------------------------

std::optional<Delivery> PostgresStore::delivery_by_provider_id(const std::string& channel,
                                                               const std::string& provider_id) const {
    return guarded(name_, "finding a delivery by its provider id", [&]() -> std::optional<Delivery> {
        if (provider_id.empty()) return std::nullopt;
        static const std::string sql = std::string("SELECT ") + delivery_read_columns +
                                       " FROM delivery WHERE channel = $1 AND provider_id = $2 AND provider_id <> '' "
                                       "ORDER BY id DESC LIMIT 1";
        const auto result = exec(sql, Params(channel, provider_id));
        if (result.empty()) return std::nullopt;
        return delivery_from(result[0]);
    });
}

bool PostgresStore::add_receipt(const std::string& channel, const DeliveryReceipt& receipt) {
    return guarded(name_, "adding a receipt", [&]() -> bool {
        require_write();
        if (!is_set(receipt.at))
            throw StoreError("a receipt for delivery " + std::to_string(receipt.delivery_id) +
                             " has no time of arrival");
        // One statement: a delivery with this id on this channel, and no report with this
        // key yet (a gateway repeating itself); two receipts racing on the key meet the
        // unique index, and the second is ignored.
        const auto result = exec(
            "INSERT INTO delivery_receipt (delivery_id, at, status, detail, report_key) "
            "SELECT id, $2, $3, $4, $5 FROM delivery WHERE id = $1 AND channel = $6 "
            "ON CONFLICT (delivery_id, report_key) WHERE report_key <> '' DO NOTHING",
            Params(receipt.delivery_id, seconds_or_null(receipt.at), receipt.status, receipt.detail,
                   receipt.report_key, channel));
        return result.affected_rows() > 0;
    });
}

bool PostgresStore::mark_undelivered(int64_t id, const std::string& reason, UtcInstant at) {
    return guarded(name_, "marking a delivery undelivered", [&]() -> bool {
        require_write();
        return exec("UPDATE delivery SET state = 'failed', reason = $1, claimed_by = '', updated_at = $2 "
                    "WHERE id = $3 AND state IN ('sent', 'claimed')",
                    Params(reason, seconds_or_null(at), id))
                   .affected_rows() > 0;
    });
}

std::vector<DeliveryReceipt> PostgresStore::receipts(int64_t delivery_id) const {
    return guarded(name_, "reading receipts", [&]() -> std::vector<DeliveryReceipt> {
        std::vector<DeliveryReceipt> out;
        for (const auto& r : exec("SELECT delivery_id, at, status, detail, id, report_key FROM delivery_receipt "
                                  "WHERE delivery_id = $1 ORDER BY id",
                                  Params(delivery_id))) {
            const RowRef row{"delivery_receipt", r[4].c_str()};
            out.push_back({integer_from(r[0], row), instant_from_seconds(r[1], row), text_from(r[2], row),
                           text_from(r[3], row), text_from(r[5], row)});
        }
        return out;
    });
}

// --- Plan requests ---------------------------------------------------------------------

void PostgresStore::request_plan(const std::string& scope) {
    guarded(name_, "filing a plan request", [&] {
        require_write();
        exec("INSERT INTO plan_request (scope) VALUES ($1) ON CONFLICT DO NOTHING", Params(scope));
    });
}

std::vector<std::string> PostgresStore::plan_requests() const {
    return guarded(name_, "reading plan requests", [&]() -> std::vector<std::string> {
        std::vector<std::string> out;
        for (const auto& r : exec("SELECT scope FROM plan_request ORDER BY scope", Params()))
            out.push_back(text_from(r[0], {"plan_request", "?"}));
        return out;
    });
}

void PostgresStore::clear_plan_request(const std::string& scope) {
    guarded(name_, "clearing a plan request", [&] {
        require_write();
        exec("DELETE FROM plan_request WHERE scope = $1", Params(scope));
    });
}

}  // namespace ritme
