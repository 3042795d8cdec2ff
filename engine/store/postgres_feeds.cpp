// The PostgreSQL store's calendar feeds (hashes only) and the lead's messages to her group.
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"

#include <pqxx/result>

#include <nlohmann/json.hpp>

namespace ritme {

using namespace postgres_rows;

namespace {

constexpr const char* feed_columns =
    "SELECT id, hash, kind, programme_id, participant_id, created_at, created_by, revoked_at FROM feed_token";

FeedToken feed_from(const pqxx::row& r) {
    const RowRef row{"feed_token", r[0].c_str()};
    FeedToken t;
    t.id = text_from(r[0], row);
    t.hash = text_from(r[1], row);
    const std::string kind = text_from(r[2], row);
    const auto parsed = parse_feed_kind(kind);
    if (!parsed) unreadable(row, "kind", kind, "is not one ritme knows");
    t.kind = *parsed;
    t.programme_id = text_from(r[3], row);
    t.participant_id = text_from(r[4], row);
    t.created_at = instant_from(r[5], row);
    t.created_by = text_from(r[6], row);
    t.revoked_at = optional_instant_from(r[7], row);
    return t;
}

}  // namespace

void PostgresStore::put_feed_token(const FeedToken& t) {
    guarded(name_, "storing a calendar feed", [&] {
        require_write();
        exec("INSERT INTO feed_token (id, hash, kind, programme_id, participant_id, created_at, created_by, revoked_at) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, "
             "kind = excluded.kind, programme_id = excluded.programme_id, participant_id = excluded.participant_id, "
             "created_at = excluded.created_at, created_by = excluded.created_by, revoked_at = excluded.revoked_at",
             Params(t.id, t.hash, std::string(name_of(t.kind)), t.programme_id, t.participant_id, t.created_at.iso(),
                    t.created_by, iso_or_null(t.revoked_at)));
    });
}

std::optional<FeedToken> PostgresStore::feed_token(const std::string& id) const {
    return guarded(name_, "reading a calendar feed", [&]() -> std::optional<FeedToken> {
        const auto result = exec(std::string(feed_columns) + " WHERE id = $1", Params(id));
        if (result.empty()) return std::nullopt;
        return feed_from(result[0]);
    });
}

std::optional<FeedToken> PostgresStore::feed_token_by_hash(const std::string& hash) const {
    return guarded(name_, "reading a calendar feed", [&]() -> std::optional<FeedToken> {
        const auto result = exec(std::string(feed_columns) + " WHERE hash = $1", Params(hash));
        if (result.empty()) return std::nullopt;
        return feed_from(result[0]);
    });
}

std::vector<FeedToken> PostgresStore::feed_tokens(const std::string& programme_id) const {
    return guarded(name_, "listing calendar feeds", [&] {
        std::vector<FeedToken> out;
        for (const auto& r : exec(std::string(feed_columns) + " WHERE $1 = '' OR programme_id = $1 ORDER BY created_at, id",
                                  Params(programme_id)))
            out.push_back(feed_from(r));
        return out;
    });
}

int64_t PostgresStore::add_group_message(const GroupMessage& message) {
    return guarded(name_, "storing a message to the group", [&]() -> int64_t {
        require_write();
        if (!message.texts.count("nl")) throw StoreError("a group message needs its Dutch text");
        return exec("INSERT INTO group_message (programme_id, texts, author, created_at, send_at) "
                    "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    Params(message.programme_id, nlohmann::json(message.texts).dump(), message.author,
                           message.created_at.iso(), message.send_at.iso()))[0][0]
            .as<int64_t>();
    });
}

std::optional<GroupMessage> PostgresStore::group_message(int64_t id) const {
    return guarded(name_, "reading a message to the group", [&]() -> std::optional<GroupMessage> {
        const auto result =
            exec("SELECT id, programme_id, texts, author, created_at, send_at FROM group_message WHERE id = $1",
                 Params(id));
        if (result.empty()) return std::nullopt;
        const auto& r = result[0];
        const RowRef row{"group_message", std::to_string(id)};
        GroupMessage m;
        m.id = integer_from(r[0], row);
        m.programme_id = text_from(r[1], row);
        const std::string texts = text_from(r[2], row);
        try {
            m.texts = nlohmann::json::parse(texts).get<std::map<std::string, std::string>>();
        } catch (const nlohmann::json::exception&) {
            throw UnreadableValue("table group_message, row " + row.id + ": texts is not a JSON object of texts");
        }
        m.author = text_from(r[3], row);
        m.created_at = instant_from(r[4], row);
        m.send_at = instant_from(r[5], row);
        return m;
    });
}

}  // namespace ritme
