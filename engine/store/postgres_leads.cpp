// The PostgreSQL store's leads, and their sign-in links and sessions (hashes only).
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"

#include <pqxx/result>

namespace ritme {

using namespace postgres_rows;

namespace {

constexpr const char* token_columns =
    "SELECT hash, kind, lead_id, created_at, expires_at, last_used_at, used_at, revoked_at FROM lead_token";

LeadToken token_from(const pqxx::row& r) {
    // The hash is no secret, but the row is named by its lead rather than by it.
    const RowRef row{"lead_token", std::string("of ") + r[2].c_str()};
    LeadToken t;
    t.hash = text_from(r[0], row);
    const std::string kind = text_from(r[1], row);
    const auto parsed = lead_token_kind(kind);
    if (!parsed) unreadable(row, "kind", kind, "is not one ritme knows");
    t.kind = *parsed;
    t.lead_id = text_from(r[2], row);
    t.created_at = instant_from(r[3], row);
    t.expires_at = instant_from(r[4], row);
    t.last_used_at = instant_from(r[5], row);
    t.used_at = optional_instant_from(r[6], row);
    t.revoked_at = optional_instant_from(r[7], row);
    return t;
}

}  // namespace

std::optional<StoredLead> PostgresStore::lead(const std::string& id) const {
    return guarded(name_, "reading a lead", [&]() -> std::optional<StoredLead> {
        const auto result = exec("SELECT id, name, email, mobile FROM lead WHERE id = $1", Params(id));
        if (result.empty()) return std::nullopt;
        const RowRef row{"lead", id};
        const auto& r = result[0];
        StoredLead lead{text_from(r[0], row), text_from(r[1], row), text_from(r[2], row), text_from(r[3], row), {}};
        for (const auto& p :
             exec("SELECT programme_id FROM lead_programme WHERE lead_id = $1 ORDER BY programme_id", Params(id)))
            lead.programmes.push_back(text_from(p[0], row));
        return lead;
    });
}

std::vector<StoredLead> PostgresStore::leads() const {
    const std::vector<std::string> ids = guarded(name_, "listing leads", [&] {
        std::vector<std::string> out;
        for (const auto& r : exec("SELECT id FROM lead ORDER BY id", Params())) out.push_back(text_from(r[0], {"lead", "?"}));
        return out;
    });
    std::vector<StoredLead> out;
    for (const auto& id : ids)
        if (auto found = lead(id)) out.push_back(std::move(*found));
    return out;
}

void PostgresStore::put_lead(const StoredLead& lead) {
    guarded(name_, "storing a lead", [&] {
        require_write();
        exec("INSERT INTO lead (id, name, email, mobile) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO "
             "UPDATE SET name = excluded.name, email = excluded.email, mobile = excluded.mobile",
             Params(lead.id, lead.name, lead.email, lead.mobile));
        exec("DELETE FROM lead_programme WHERE lead_id = $1", Params(lead.id));
        for (const auto& programme : lead.programmes)
            exec("INSERT INTO lead_programme (lead_id, programme_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                 Params(lead.id, programme));
    });
}

void PostgresStore::delete_lead(const std::string& id) {
    guarded(name_, "deleting a lead", [&] {
        require_write();
        for (const char* sql : {"DELETE FROM lead_token WHERE lead_id = $1", "DELETE FROM lead_programme WHERE lead_id = $1",
                                "DELETE FROM lead WHERE id = $1"})
            exec(sql, Params(id));
    });
}

void PostgresStore::put_lead_token(const LeadToken& t) {
    guarded(name_, "storing a lead's sign-in", [&] {
        require_write();
        exec("INSERT INTO lead_token (hash, kind, lead_id, created_at, expires_at, last_used_at, used_at, revoked_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO UPDATE SET kind = excluded.kind, "
             "lead_id = excluded.lead_id, created_at = excluded.created_at, expires_at = excluded.expires_at, "
             "last_used_at = excluded.last_used_at, used_at = excluded.used_at, revoked_at = excluded.revoked_at",
             Params(t.hash, std::string(name_of(t.kind)), t.lead_id, t.created_at.iso(), t.expires_at.iso(),
                    t.last_used_at.iso(), iso_or_null(t.used_at), iso_or_null(t.revoked_at)));
    });
}

std::optional<LeadToken> PostgresStore::lead_token(const std::string& hash) const {
    return guarded(name_, "reading a lead's sign-in", [&]() -> std::optional<LeadToken> {
        static const std::string sql = std::string(token_columns) + " WHERE hash = $1";
        const auto result = exec(sql, Params(hash));
        if (result.empty()) return std::nullopt;
        return token_from(result[0]);
    });
}

std::vector<LeadToken> PostgresStore::lead_tokens(const std::string& lead_id) const {
    return guarded(name_, "listing a lead's sign-ins", [&] {
        std::vector<LeadToken> out;
        for (const auto& r :
             exec(std::string(token_columns) + " WHERE lead_id = $1 ORDER BY created_at, added", Params(lead_id)))
            out.push_back(token_from(r));
        return out;
    });
}

}  // namespace ritme
