// The PostgreSQL store's connection, transactions, prepared statements, the audit trail
// and settings. The schema is in postgres_schema.cpp, programmes and sessions in
// postgres_definitions.cpp, participants in postgres_people.cpp, the outbox in
// postgres_outbox.cpp.
#include "engine/store/postgres_store.hpp"

#include "engine/store/outbox_sql.hpp"
#include "engine/store/postgres_change_watch.hpp"
#include "engine/store/postgres_rows.hpp"

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/prepared_statement>
#include <pqxx/transaction>

#include <algorithm>
#include <set>

namespace ritme {

using namespace postgres_rows;

PostgresStore::PostgresStore(const PostgresTarget& target)
    : target_(target), name_(target.url), connection_string_(postgres_connection_string(target)) {
    guarded(name_, "connecting", [&] { connect(); });
}

void PostgresStore::connect() const {
    connection_.reset();
    prepared_.clear();  // a new server process knows none of them
    connection_ = std::make_unique<pqxx::connection>(connection_string_);
    // As SQLite's busy timeout: a change waits this long for another's lock, then StoreBusy.
    connection_->set_variable("lock_timeout", "'5s'");
}

void PostgresStore::ensure_connected() const {
    // A connection that broke (the server restarted, a network cut) fails the call that
    // meets it with StoreBusy; the next call finds out and connects again. libpq notices a
    // closed connection only when it uses it, so after a failure a round trip asks.
    if (connection_ && !suspect_) return;
    suspect_ = false;
    if (connection_) {
        try {
            pqxx::nontransaction(*connection_).exec("SELECT 1");
            return;
        } catch (const std::exception&) {
            // connected again below
        }
    }
    guarded(name_, "connecting again", [&] { connect(); });
}

PostgresStore::~PostgresStore() = default;

std::unique_ptr<PostgresStore> PostgresStore::open(const PostgresTarget& target) {
    std::unique_ptr<PostgresStore> store(new PostgresStore(target));
    store->migrate();
    return store;
}

pqxx::result PostgresStore::exec(const std::string& sql, const Params& params) const {
    if (!writing_) ensure_connected();
    auto found = prepared_.find(sql);
    if (found == prepared_.end()) {
        const std::string name = "ritme_" + std::to_string(prepared_.size() + 1);
        connection_->prepare(name, sql);  // prepared on first use, and again after a reconnect
        found = prepared_.emplace(sql, name).first;
    }
    const auto pointers = params.pointers();
    if (writing_) {
        pqxx::result result = writing_->exec_prepared(found->second, pqxx::prepare::make_dynamic_params(pointers));
        // A statement that changed rows (a SELECT's count is of rows read): the commit
        // tells the other daemons.
        if (result.affected_rows() > 0 && sql.rfind("SELECT", 0) != 0) changed_ = true;
        return result;
    }
    try {
        pqxx::nontransaction alone(*connection_);
        return alone.exec_prepared(found->second, pqxx::prepare::make_dynamic_params(pointers));
    } catch (const pqxx::sql_error&) {
        throw;  // the statement's own error: the connection is fine
    } catch (const pqxx::failure&) {
        suspect_ = true;  // a read alone changes nothing: once more on a new connection
        ensure_connected();
        return exec(sql, params);
    }
}

pqxx::result PostgresStore::exec_guarded_statement(const std::string& sql, const Params& params) const {
    if (!writing_) return exec(sql, params);
    writing_->exec("SAVEPOINT ritme_statement");
    try {
        pqxx::result result = exec(sql, params);
        writing_->exec("RELEASE SAVEPOINT ritme_statement");
        return result;
    } catch (const pqxx::sql_error& e) {
        if (!is_constraint(e)) throw;  // the database failing: the transaction goes with it
        writing_->exec("ROLLBACK TO SAVEPOINT ritme_statement");
        throw;
    }
}

void PostgresStore::write(const std::function<void()>& work) {
    if (writing_) return work();  // joins the transaction under way
    ensure_connected();
    guarded(name_, "starting a change", [&] {
        try {
            writing_ = std::make_unique<pqxx::work>(*connection_);
        } catch (const pqxx::failure&) {
            suspect_ = true;  // nothing began: once more on a new connection
            ensure_connected();
            writing_ = std::make_unique<pqxx::work>(*connection_);
        }
    });
    changed_ = false;
    try {
        work();
        guarded(name_, "committing", [&] {
            // One notification per transaction that changed something, however many rows:
            // PostgreSQL delivers it at the commit, and only then. A claim that found
            // nothing wakes nobody, so idle daemons do not wake each other in turn.
            if (changed_) writing_->exec("SELECT pg_notify('" + std::string(postgres_change_channel) +
                                         "', current_schema())");
            writing_->commit();
        });
    } catch (...) {
        suspect_ = true;  // the connection may be what failed
        writing_.reset();  // rolls back what is left
        throw;
    }
    writing_.reset();
}

int PostgresStore::backend_pid() const { return connection_->backendpid(); }

void PostgresStore::require_write() const {
    if (!writing_) throw StoreError("a change outside write()");
}

std::unique_ptr<ChangeWatch> PostgresStore::watch_changes(boost::asio::io_context& io, ChangeCallback changed) {
    return std::make_unique<PostgresChangeWatch>(io, target_, [this] { return backend_pid(); }, std::move(changed));
}

std::vector<std::string> PostgresStore::integrity_problems(int limit) const {
    return guarded(name_, "checking the database's integrity", [&]() -> std::vector<std::string> {
        std::vector<std::string> problems;
        std::set<int64_t> listed;  // a row is named once, by its first problem
        for (const auto& check : outbox_checks()) {
            const std::string sql = "SELECT id FROM delivery WHERE " + check.condition + " ORDER BY id LIMIT $1";
            for (const auto& row : exec(sql, Params(std::max(1, limit))))
                if (static_cast<int>(problems.size()) < std::max(1, limit) && listed.insert(row[0].as<int64_t>()).second)
                    problems.push_back("table delivery, row " + std::string(row[0].c_str()) + ": " + check.problem);
        }
        return problems;
    });
}

bool PostgresStore::purge_deleted() {
    return guarded(name_, "vacuuming after an erasure", [&] {
        ensure_connected();
        // VACUUM runs outside any transaction; it waits for no one's rows, only skips pages
        // another transaction still needs, which a later VACUUM (or autovacuum) frees.
        pqxx::nontransaction(*connection_)
            .exec("VACUUM participant, commitment, enrolment, appointment, delivery, delivery_receipt, told, answer, "
                  "attendance, follow_up, feed_token, group_message");
        return true;
    });
}

void register_postgres_store(StoreRegistry& registry) {
    const auto open = [](const std::string& url) -> std::unique_ptr<Store> { return PostgresStore::open({url, ""}); };
    registry.add("postgresql", "postgresql://USER@HOST/DATABASE?sslmode=verify-full&password_file=FILE", open);
    registry.add("postgres", "postgres://… (as postgresql://)", open);
}

// --- The audit trail ------------------------------------------------------------------

void PostgresStore::record(const AuditEntry& entry) {
    guarded(name_, "recording an audit entry", [&] {
        require_write();
        exec("INSERT INTO audit (at, actor, command, action, subject, details) VALUES ($1, $2, $3, $4, $5, $6)",
             Params(entry.at.iso(), entry.actor, entry.command, entry.action, entry.subject, entry.details));
    });
}

std::vector<AuditEntry> PostgresStore::audit() const {
    return guarded(name_, "reading the audit trail", [&]() -> std::vector<AuditEntry> {
        std::vector<AuditEntry> out;
        for (const auto& r : exec("SELECT id, at, actor, command, action, subject, details FROM audit ORDER BY id",
                                  Params())) {
            const RowRef row{"audit", r[0].c_str()};
            out.push_back({integer_from(r[0], row), instant_from(r[1], row), text_from(r[2], row),
                           text_from(r[3], row), text_from(r[4], row), text_from(r[5], row), text_from(r[6], row)});
        }
        return out;
    });
}

// --- Settings -------------------------------------------------------------------------

std::optional<std::string> PostgresStore::setting(const std::string& key) const {
    return guarded(name_, "reading a setting", [&]() -> std::optional<std::string> {
        const auto result = exec("SELECT value FROM setting WHERE key = $1", Params(key));
        if (result.empty()) return std::nullopt;
        return text_from(result[0][0], {"setting", key});
    });
}

void PostgresStore::put_setting(const std::string& key, const std::string& value) {
    guarded(name_, "storing a setting", [&] {
        require_write();
        exec("INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
             Params(key, value));
    });
}

}  // namespace ritme
