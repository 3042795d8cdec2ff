// The PostgreSQL store's follow-ups.
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"

#include <pqxx/result>

namespace ritme {

using namespace postgres_rows;

namespace {

constexpr const char* follow_up_columns =
    "SELECT id, key, cause, participant_id, programme_id, session_id, count, created_at, done_at, done_by "
    "FROM follow_up";

StoredFollowUp follow_up_from(const pqxx::row& r) {
    const RowRef row{"follow_up", r[0].c_str()};
    StoredFollowUp f;
    f.id = integer_from(r[0], row);
    f.key = text_from(r[1], row);
    const std::string cause = text_from(r[2], row);
    const auto parsed = parse_follow_up_cause(cause);
    if (!parsed) unreadable(row, "cause", cause, "is not one ritme knows");
    f.cause = *parsed;
    f.participant_id = text_from(r[3], row);
    f.programme_id = text_from(r[4], row);
    f.session_id = integer_from(r[5], row);
    f.count = int_from(r[6], row);
    f.created_at = instant_from(r[7], row);
    f.done_at = optional_instant_from(r[8], row);
    f.done_by = text_from(r[9], row);
    return f;
}

}  // namespace

int64_t PostgresStore::add_follow_up(const StoredFollowUp& f) {
    return guarded(name_, "storing a follow-up", [&]() -> int64_t {
        require_write();
        const auto result = exec("INSERT INTO follow_up (key, cause, participant_id, programme_id, session_id, count, "
                                 "created_at, done_at, done_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                                 "ON CONFLICT (key) DO NOTHING RETURNING id",
                                 Params(f.key, std::string(name_of(f.cause)), f.participant_id, f.programme_id,
                                        static_cast<int64_t>(f.session_id), f.count, f.created_at.iso(),
                                        iso_or_null(f.done_at), f.done_by));
        return result.empty() ? 0 : result[0][0].as<int64_t>();
    });
}

std::optional<StoredFollowUp> PostgresStore::follow_up(int64_t id) const {
    return guarded(name_, "reading a follow-up", [&]() -> std::optional<StoredFollowUp> {
        const auto result = exec(std::string(follow_up_columns) + " WHERE id = $1", Params(id));
        if (result.empty()) return std::nullopt;
        return follow_up_from(result[0]);
    });
}

std::vector<StoredFollowUp> PostgresStore::follow_ups(const std::string& programme_id, bool open_only) const {
    return guarded(name_, "listing follow-ups", [&] {
        std::vector<StoredFollowUp> out;
        for (const auto& r : exec(std::string(follow_up_columns) +
                                      " WHERE ($1 = '' OR programme_id = $1) AND ($2 = 0 OR done_at IS NULL) "
                                      "ORDER BY id",
                                  Params(programme_id, open_only ? 1 : 0)))
            out.push_back(follow_up_from(r));
        return out;
    });
}

bool PostgresStore::close_follow_up(int64_t id, const std::string& by, UtcInstant at) {
    return guarded(name_, "closing a follow-up", [&] {
        require_write();
        return exec("UPDATE follow_up SET done_at = $1, done_by = $2 WHERE id = $3 AND done_at IS NULL",
                    Params(at.iso(), by, id))
                   .affected_rows() > 0;
    });
}

}  // namespace ritme
