// The SQLite store's calendar feeds (hashes only) and the lead's messages to her group.
#include "engine/store/sqlite_store.hpp"

#include "engine/store/sqlite_rows.hpp"

#include <nlohmann/json.hpp>

namespace ritme {

using namespace sqlite_rows;

namespace {

constexpr const char* feed_columns =
    "SELECT id, hash, kind, programme_id, participant_id, created_at, created_by, revoked_at FROM feed_token";

FeedToken feed_from(SQLite::Statement& query) {
    const RowRef row{"feed_token", query.getColumn(0).getString()};
    FeedToken t;
    t.id = text_from(query.getColumn(0), row);
    t.hash = text_from(query.getColumn(1), row);
    const std::string kind = text_from(query.getColumn(2), row);
    const auto parsed = parse_feed_kind(kind);
    if (!parsed) unreadable(row, "kind", kind, "is not one ritme knows");
    t.kind = *parsed;
    t.programme_id = text_from(query.getColumn(3), row);
    t.participant_id = text_from(query.getColumn(4), row);
    t.created_at = instant_from(query.getColumn(5), row);
    t.created_by = text_from(query.getColumn(6), row);
    t.revoked_at = optional_instant_from(query.getColumn(7), row);
    return t;
}

std::optional<FeedToken> one_feed(SQLite::Database& db, const std::string& where, const std::string& value) {
    SQLite::Statement query(db, std::string(feed_columns) + " WHERE " + where + " = ?");
    query.bind(1, value);
    if (!query.executeStep()) return std::nullopt;
    return feed_from(query);
}

}  // namespace

void SqliteStore::put_feed_token(const FeedToken& t) {
    guarded(db_, "storing a calendar feed", [&] {
        require_write();
        SQLite::Statement upsert(
            db_,
            "INSERT INTO feed_token (id, hash, kind, programme_id, participant_id, created_at, created_by, revoked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, kind = excluded.kind, "
            "programme_id = excluded.programme_id, participant_id = excluded.participant_id, "
            "created_at = excluded.created_at, created_by = excluded.created_by, revoked_at = excluded.revoked_at");
        upsert.bind(1, t.id);
        upsert.bind(2, t.hash);
        upsert.bind(3, std::string(name_of(t.kind)));
        upsert.bind(4, t.programme_id);
        upsert.bind(5, t.participant_id);
        upsert.bind(6, t.created_at.iso());
        upsert.bind(7, t.created_by);
        bind_optional_instant(upsert, 8, t.revoked_at);
        upsert.exec();
    });
}

std::optional<FeedToken> SqliteStore::feed_token(const std::string& id) const {
    return guarded(db_, "reading a calendar feed", [&] { return one_feed(db_, "id", id); });
}

std::optional<FeedToken> SqliteStore::feed_token_by_hash(const std::string& hash) const {
    return guarded(db_, "reading a calendar feed", [&] { return one_feed(db_, "hash", hash); });
}

std::vector<FeedToken> SqliteStore::feed_tokens(const std::string& programme_id) const {
    return guarded(db_, "listing calendar feeds", [&] {
        SQLite::Statement query(db_, std::string(feed_columns) + " WHERE ?1 = '' OR programme_id = ?1 ORDER BY created_at, id");
        query.bind(1, programme_id);
        std::vector<FeedToken> out;
        while (query.executeStep()) out.push_back(feed_from(query));
        return out;
    });
}

int64_t SqliteStore::add_group_message(const GroupMessage& message) {
    return guarded(db_, "storing a message to the group", [&] {
        require_write();
        if (!message.texts.count("nl")) throw StoreError("a group message needs its Dutch text");
        SQLite::Statement insert(
            db_, "INSERT INTO group_message (programme_id, texts, author, created_at, send_at) VALUES (?, ?, ?, ?, ?)");
        insert.bind(1, message.programme_id);
        insert.bind(2, nlohmann::json(message.texts).dump());
        insert.bind(3, message.author);
        insert.bind(4, message.created_at.iso());
        insert.bind(5, message.send_at.iso());
        insert.exec();
        return static_cast<int64_t>(db_.getLastInsertRowid());
    });
}

std::optional<GroupMessage> SqliteStore::group_message(int64_t id) const {
    return guarded(db_, "reading a message to the group", [&]() -> std::optional<GroupMessage> {
        SQLite::Statement query(
            db_, "SELECT id, programme_id, texts, author, created_at, send_at FROM group_message WHERE id = ?");
        query.bind(1, static_cast<int64_t>(id));
        if (!query.executeStep()) return std::nullopt;
        const RowRef row{"group_message", std::to_string(id)};
        GroupMessage m;
        m.id = query.getColumn(0).getInt64();
        m.programme_id = text_from(query.getColumn(1), row);
        const std::string texts = text_from(query.getColumn(2), row);
        try {
            m.texts = nlohmann::json::parse(texts).get<std::map<std::string, std::string>>();
        } catch (const nlohmann::json::exception&) {
            unreadable_text(row, "texts", "is not a JSON object of texts");
        }
        m.author = text_from(query.getColumn(3), row);
        m.created_at = instant_from(query.getColumn(4), row);
        m.send_at = instant_from(query.getColumn(5), row);
        return m;
    });
}

}  // namespace ritme
