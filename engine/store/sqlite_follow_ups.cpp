// The SQLite store's follow-ups.
#include "engine/store/sqlite_store.hpp"

#include "engine/store/sqlite_rows.hpp"

namespace ritme {

using namespace sqlite_rows;

namespace {

constexpr const char* follow_up_columns =
    "SELECT id, key, cause, participant_id, programme_id, session_id, count, created_at, done_at, done_by "
    "FROM follow_up";

StoredFollowUp follow_up_from(SQLite::Statement& query) {
    const RowRef row{"follow_up", std::to_string(query.getColumn(0).getInt64())};
    StoredFollowUp f;
    f.id = integer_from(query.getColumn(0), row);
    f.key = text_from(query.getColumn(1), row);
    const std::string cause = text_from(query.getColumn(2), row);
    const auto parsed = parse_follow_up_cause(cause);
    if (!parsed) unreadable(row, "cause", cause, "is not one ritme knows");
    f.cause = *parsed;
    f.participant_id = text_from(query.getColumn(3), row);
    f.programme_id = text_from(query.getColumn(4), row);
    f.session_id = integer_from(query.getColumn(5), row);
    f.count = int_from(query.getColumn(6), row);
    f.created_at = instant_from(query.getColumn(7), row);
    f.done_at = optional_instant_from(query.getColumn(8), row);
    f.done_by = text_from(query.getColumn(9), row);
    return f;
}

}  // namespace

int64_t SqliteStore::add_follow_up(const StoredFollowUp& f) {
    return guarded(db_, "storing a follow-up", [&]() -> int64_t {
        require_write();
        SQLite::Statement insert(db_,
                                 "INSERT INTO follow_up (key, cause, participant_id, programme_id, session_id, count, "
                                 "created_at, done_at, done_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                 "ON CONFLICT (key) DO NOTHING");
        insert.bind(1, f.key);
        insert.bind(2, std::string(name_of(f.cause)));
        insert.bind(3, f.participant_id);
        insert.bind(4, f.programme_id);
        insert.bind(5, static_cast<int64_t>(f.session_id));
        insert.bind(6, f.count);
        insert.bind(7, f.created_at.iso());
        bind_optional_instant(insert, 8, f.done_at);
        insert.bind(9, f.done_by);
        if (insert.exec() == 0) return 0;
        return db_.getLastInsertRowid();
    });
}

std::optional<StoredFollowUp> SqliteStore::follow_up(int64_t id) const {
    return guarded(db_, "reading a follow-up", [&]() -> std::optional<StoredFollowUp> {
        SQLite::Statement query(db_, std::string(follow_up_columns) + " WHERE id = ?");
        query.bind(1, static_cast<int64_t>(id));
        if (!query.executeStep()) return std::nullopt;
        return follow_up_from(query);
    });
}

std::vector<StoredFollowUp> SqliteStore::follow_ups(const std::string& programme_id, bool open_only) const {
    return guarded(db_, "listing follow-ups", [&] {
        SQLite::Statement query(db_, std::string(follow_up_columns) +
                                         " WHERE (?1 = '' OR programme_id = ?1) AND (?2 = 0 OR done_at IS NULL) "
                                         "ORDER BY id");
        query.bind(1, programme_id);
        query.bind(2, open_only ? 1 : 0);
        std::vector<StoredFollowUp> out;
        while (query.executeStep()) out.push_back(follow_up_from(query));
        return out;
    });
}

bool SqliteStore::close_follow_up(int64_t id, const std::string& by, UtcInstant at) {
    return guarded(db_, "closing a follow-up", [&] {
        require_write();
        SQLite::Statement update(db_, "UPDATE follow_up SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL");
        update.bind(1, at.iso());
        update.bind(2, by);
        update.bind(3, static_cast<int64_t>(id));
        return update.exec() > 0;
    });
}

}  // namespace ritme
