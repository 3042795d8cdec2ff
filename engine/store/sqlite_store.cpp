// The SQLite store's transactions, its prepared statements, the audit trail and
// settings. The schema is in sqlite_schema.cpp, programmes and sessions in
// sqlite_definitions.cpp, participants in sqlite_people.cpp, the outbox in sqlite_outbox.cpp.
#include "engine/store/sqlite_store.hpp"

#include "engine/store/outbox_sql.hpp"
#include "engine/store/sqlite_change_watch.hpp"
#include "engine/store/sqlite_rows.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <set>

namespace ritme {

using namespace sqlite_rows;

void SqliteStore::write(const std::function<void()>& work) {
    if (writing_) return work();  // joins the transaction under way
    // BEGIN and COMMIT prepared once, as every statement: receipts commit in thousands a
    // second. Busy past the timeout throws here.
    guarded(db_, "starting a change", [&] { statement("BEGIN IMMEDIATE").exec(); });
    writing_ = true;
    try {
        guarded(db_, "changing", work);  // each operation names itself; this catches the rest
        guarded(db_, "committing", [&] { statement("COMMIT").exec(); });
    } catch (...) {
        writing_ = false;
        roll_back();
        throw;
    }
    writing_ = false;
}

void SqliteStore::roll_back() noexcept {
    // SQLite has rolled back already after some errors (a full disk, an I/O error).
    if (sqlite3_get_autocommit(db_.getHandle())) return;
    try {
        db_.exec("ROLLBACK");
    } catch (...) {
        // Nothing more to do: the connection is closed with the store, and SQLite rolls
        // back what is left then.
    }
}

void SqliteStore::require_write() const {
    if (!writing_) throw StoreError("a change outside write()");
}

SQLite::Statement& SqliteStore::statement(const char* sql) const {
    auto& cached = statements_[sql];
    if (!cached) {
        cached = std::make_unique<SQLite::Statement>(db_, sql);
    } else {
        // sqlite3_reset repeats the error of the last step: a statement that failed
        // (a constraint, in a write that was rolled back) is still good to use again.
        cached->tryReset();
        cached->clearBindings();
    }
    return *cached;
}

SQLite::Statement& SqliteStore::fully_bound_statement(const char* sql) const {
    auto& cached = statements_[sql];
    if (!cached) cached = std::make_unique<SQLite::Statement>(db_, sql);
    else cached->tryReset();
    return *cached;
}

void SqliteStore::set_busy_timeout(std::chrono::milliseconds timeout) {
    db_.setBusyTimeout(static_cast<int>(timeout.count()));
}

bool SqliteStore::checkpoint() {
    return guarded(db_, "checkpointing", [&] {
        // One row: busy (1 when a reader or writer kept it from finishing), then frames
        // in the log and frames moved. TRUNCATE waits for readers through the busy
        // handler; only a checkpoint that was not busy has emptied the log.
        SQLite::Statement query(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
        return query.executeStep() && query.getColumn(0).getInt() == 0;
    });
}

std::vector<std::string> SqliteStore::integrity_problems(int limit) const {
    return guarded(db_, "checking the database's integrity", [&] {
        SQLite::Statement query(db_, "PRAGMA integrity_check(" + std::to_string(std::max(1, limit)) + ")");
        std::vector<std::string> problems;
        try {
            while (query.executeStep()) {
                std::string line = query.getColumn(0).getString();
                if (line != "ok") problems.push_back(std::move(line));
            }
        } catch (const SQLite::Exception& e) {
            // A page too damaged to walk ends the check itself: that is its finding.
            const int code = e.getErrorCode() & 0xff;
            if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB) throw;
            problems.push_back(e.what());
        }
        if (!problems.empty()) return problems;
        // The tables are not STRICT: a time damaged into text breaks no rule SQLite checks,
        // but the outbox would never claim that row, or read it as due long ago.
        std::set<int64_t> listed;  // a row is named once, by its first problem
        const auto list = [&](const std::string& condition, const std::string& problem) {
            SQLite::Statement rows(db_, "SELECT id FROM delivery WHERE " + condition + " ORDER BY id LIMIT ?");
            rows.bind(1, std::max(1, limit));
            while (rows.executeStep() && static_cast<int>(problems.size()) < std::max(1, limit))
                if (listed.insert(rows.getColumn(0).getInt64()).second)
                    problems.push_back("table delivery, row " + rows.getColumn(0).getString() + ": " + problem);
        };
        list("typeof(send_at) <> 'integer' OR typeof(due_at) NOT IN ('integer', 'null') "
             "OR typeof(expires_at) NOT IN ('integer', 'null') OR typeof(claimed_until) NOT IN ('integer', 'null') "
             "OR typeof(updated_at) NOT IN ('integer', 'null') OR typeof(sent_at) NOT IN ('integer', 'null')",
             "a time that is not seconds since 1970");
        for (const auto& check : outbox_checks()) list(check.condition, check.problem);
        return problems;
    });
}

uint64_t SqliteStore::data_version() const {
    return guarded(db_, "reading the data version",
                   [&] {
                       SQLite::Statement& query = statement("PRAGMA data_version");
                       query.executeStep();
                       const auto version = static_cast<uint64_t>(query.getColumn(0).getInt64());
                       query.reset();
                       return version;
                   });
}

std::unique_ptr<ChangeWatch> SqliteStore::watch_changes(boost::asio::io_context& io, ChangeCallback changed) {
    try {
        return std::make_unique<SqliteChangeWatch>(io, path(), [this] { return data_version(); }, std::move(changed));
    } catch (const std::system_error& e) {
        throw StoreError("cannot watch the database " + path() + " for other processes' changes: " + e.what());
    }
}

// --- The audit trail ------------------------------------------------------------------

void SqliteStore::record(const AuditEntry& entry) {
    guarded(db_, "recording an audit entry", [&] {
        require_write();
        SQLite::Statement& insert =
            statement("INSERT INTO audit (at, actor, command, action, subject, details) VALUES (?, ?, ?, ?, ?, ?)");
        insert.bind(1, entry.at.iso());
        insert.bind(2, entry.actor);
        insert.bind(3, entry.command);
        insert.bind(4, entry.action);
        insert.bind(5, entry.subject);
        insert.bind(6, entry.details);
        insert.exec();
    });
}

std::vector<AuditEntry> SqliteStore::audit() const {
    return guarded(db_, "reading the audit trail", [&]() -> std::vector<AuditEntry> {
        SQLite::Statement query(db_, "SELECT id, at, actor, command, action, subject, details FROM audit ORDER BY id");
        std::vector<AuditEntry> out;
        while (query.executeStep()) {
            const RowRef row{"audit", query.getColumn(0).getString()};
            out.push_back({query.getColumn(0).getInt64(), instant_from(query.getColumn(1), row),
                           text_from(query.getColumn(2), row), text_from(query.getColumn(3), row),
                           text_from(query.getColumn(4), row), text_from(query.getColumn(5), row),
                           text_from(query.getColumn(6), row)});
        }
        return out;
    });
}

// --- Settings -------------------------------------------------------------------------

std::optional<std::string> SqliteStore::setting(const std::string& key) const {
    return guarded(db_, "reading a setting", [&]() -> std::optional<std::string> {
        SQLite::Statement& query = statement("SELECT value FROM setting WHERE key = ?");
        query.bind(1, key);
        if (!query.executeStep()) return std::nullopt;
        std::string value = query.getColumn(0).getString();
        query.reset();
        return value;
    });
}

void SqliteStore::put_setting(const std::string& key, const std::string& value) {
    guarded(db_, "storing a setting", [&] {
        require_write();
        SQLite::Statement& upsert = statement(
            "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
        upsert.bind(1, key);
        upsert.bind(2, value);
        upsert.exec();
    });
}

}  // namespace ritme
