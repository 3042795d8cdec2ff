// The SQLite store's leads, and their sign-in links and sessions (hashes only).
#include "engine/store/sqlite_store.hpp"

#include "engine/store/sqlite_rows.hpp"

namespace ritme {

using namespace sqlite_rows;

namespace {

constexpr const char* token_columns =
    "SELECT hash, kind, lead_id, created_at, expires_at, last_used_at, used_at, revoked_at FROM lead_token";

LeadToken token_from(SQLite::Statement& query) {
    // The hash is no secret, but the row is named by its lead rather than by it.
    const RowRef row{"lead_token", "of " + query.getColumn(2).getString()};
    LeadToken t;
    t.hash = text_from(query.getColumn(0), row);
    const std::string kind = text_from(query.getColumn(1), row);
    const auto parsed = lead_token_kind(kind);
    if (!parsed) unreadable(row, "kind", kind, "is not one ritme knows");
    t.kind = *parsed;
    t.lead_id = text_from(query.getColumn(2), row);
    t.created_at = instant_from(query.getColumn(3), row);
    t.expires_at = instant_from(query.getColumn(4), row);
    t.last_used_at = instant_from(query.getColumn(5), row);
    t.used_at = optional_instant_from(query.getColumn(6), row);
    t.revoked_at = optional_instant_from(query.getColumn(7), row);
    return t;
}

}  // namespace

std::optional<StoredLead> SqliteStore::lead(const std::string& id) const {
    return guarded(db_, "reading a lead", [&]() -> std::optional<StoredLead> {
        SQLite::Statement query(db_, "SELECT id, name, email, mobile FROM lead WHERE id = ?");
        query.bind(1, id);
        if (!query.executeStep()) return std::nullopt;
        const RowRef row{"lead", id};
        StoredLead lead{text_from(query.getColumn(0), row), text_from(query.getColumn(1), row),
                        text_from(query.getColumn(2), row), text_from(query.getColumn(3), row), {}};
        SQLite::Statement programmes(db_, "SELECT programme_id FROM lead_programme WHERE lead_id = ? ORDER BY programme_id");
        programmes.bind(1, id);
        while (programmes.executeStep()) lead.programmes.push_back(text_from(programmes.getColumn(0), row));
        return lead;
    });
}

std::vector<StoredLead> SqliteStore::leads() const {
    std::vector<std::string> ids = guarded(db_, "listing leads", [&] {
        SQLite::Statement query(db_, "SELECT id FROM lead ORDER BY id");
        std::vector<std::string> out;
        while (query.executeStep()) out.push_back(text_from(query.getColumn(0), {"lead", "?"}));
        return out;
    });
    std::vector<StoredLead> out;
    for (const auto& id : ids)
        if (auto found = lead(id)) out.push_back(std::move(*found));
    return out;
}

void SqliteStore::put_lead(const StoredLead& lead) {
    guarded(db_, "storing a lead", [&] {
        require_write();
        SQLite::Statement upsert(db_,
                                 "INSERT INTO lead (id, name, email, mobile) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO "
                                 "UPDATE SET name = excluded.name, email = excluded.email, mobile = excluded.mobile");
        upsert.bind(1, lead.id);
        upsert.bind(2, lead.name);
        upsert.bind(3, lead.email);
        upsert.bind(4, lead.mobile);
        upsert.exec();
        SQLite::Statement clear(db_, "DELETE FROM lead_programme WHERE lead_id = ?");
        clear.bind(1, lead.id);
        clear.exec();
        SQLite::Statement add(db_, "INSERT OR IGNORE INTO lead_programme (lead_id, programme_id) VALUES (?, ?)");
        for (const auto& programme : lead.programmes) {
            add.bind(1, lead.id);
            add.bind(2, programme);
            add.exec();
            add.reset();
        }
    });
}

void SqliteStore::delete_lead(const std::string& id) {
    guarded(db_, "deleting a lead", [&] {
        require_write();
        for (const char* sql : {"DELETE FROM lead_token WHERE lead_id = ?", "DELETE FROM lead_programme WHERE lead_id = ?",
                                "DELETE FROM lead WHERE id = ?"}) {
            SQLite::Statement remove(db_, sql);
            remove.bind(1, id);
            remove.exec();
        }
    });
}

void SqliteStore::put_lead_token(const LeadToken& t) {
    guarded(db_, "storing a lead's sign-in", [&] {
        require_write();
        SQLite::Statement& upsert = statement(
            "INSERT INTO lead_token (hash, kind, lead_id, created_at, expires_at, last_used_at, used_at, revoked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET kind = excluded.kind, "
            "lead_id = excluded.lead_id, created_at = excluded.created_at, expires_at = excluded.expires_at, "
            "last_used_at = excluded.last_used_at, used_at = excluded.used_at, revoked_at = excluded.revoked_at");
        upsert.bind(1, t.hash);
        upsert.bind(2, std::string(name_of(t.kind)));
        upsert.bind(3, t.lead_id);
        upsert.bind(4, t.created_at.iso());
        upsert.bind(5, t.expires_at.iso());
        upsert.bind(6, t.last_used_at.iso());
        bind_optional_instant(upsert, 7, t.used_at);
        bind_optional_instant(upsert, 8, t.revoked_at);
        upsert.exec();
    });
}

std::optional<LeadToken> SqliteStore::lead_token(const std::string& hash) const {
    return guarded(db_, "reading a lead's sign-in", [&]() -> std::optional<LeadToken> {
        static const std::string sql = std::string(token_columns) + " WHERE hash = ?";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, hash);
        if (!query.executeStep()) return std::nullopt;
        LeadToken token = token_from(query);
        query.reset();
        return token;
    });
}

std::vector<LeadToken> SqliteStore::lead_tokens(const std::string& lead_id) const {
    return guarded(db_, "listing a lead's sign-ins", [&] {
        SQLite::Statement query(db_, std::string(token_columns) + " WHERE lead_id = ? ORDER BY created_at, rowid");
        query.bind(1, lead_id);
        std::vector<LeadToken> out;
        while (query.executeStep()) out.push_back(token_from(query));
        return out;
    });
}

}  // namespace ritme
