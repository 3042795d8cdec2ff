#include "engine/store/sqlite_store.hpp"

#include "engine/store/programme_record.hpp"
#include "engine/store/sqlite_rows.hpp"

#include <nlohmann/json.hpp>

namespace ritme {

using namespace sqlite_rows;

namespace {

std::string status_text(SessionStatus status) { return std::string(name_of(status)); }

SessionStatus status_from(const SQLite::Column& column, const RowRef& row) {
    const std::string text = column.getString();
    for (const SessionStatus status : {SessionStatus::planned, SessionStatus::moved, SessionStatus::cancelled})
        if (name_of(status) == text) return status;
    unreadable(row, "status", text, "is not one ritme knows");
}

// A programme or school as applied, from its JSON; the record's readers refuse a word
// they do not know.
template <typename Definition>
Definition definition_from(const RowRef& row, const std::string& definition,
                           Definition (*from_record)(const nlohmann::json&)) {
    const auto damaged = [&](const std::string& why) {
        return UnreadableValue("table " + std::string(row.table) + ", row " + row.id + ": definition " + why);
    };
    try {
        return from_record(nlohmann::json::parse(definition));
    } catch (const nlohmann::json::parse_error& e) {
        throw damaged("is not JSON (at byte " + std::to_string(e.byte) + ")");  // no excerpt: it may hold a phone
    } catch (const nlohmann::json::exception& e) {
        throw damaged(std::string("does not fit: ") + e.what());
    } catch (const StoreError& e) {
        throw damaged(e.what());
    }
}

}  // namespace

std::optional<Programme> SqliteStore::programme(const std::string& id) const {
    return guarded(db_, "reading a programme", [&]() -> std::optional<Programme> {
        SQLite::Statement& query = statement("SELECT definition FROM programme WHERE id = ?");
        query.bind(1, id);
        if (!query.executeStep()) return std::nullopt;
        const std::string definition = query.getColumn(0).getString();
        query.reset();  // ends the read, so this connection does not hold on to an old snapshot
        return definition_from<Programme>({"programme", id}, definition, programme_from_record);
    });
}

std::vector<std::string> SqliteStore::programme_ids() const {
    return guarded(db_, "listing programmes", [&]() -> std::vector<std::string> {
        SQLite::Statement query(db_, "SELECT id FROM programme ORDER BY id");
        std::vector<std::string> ids;
        while (query.executeStep()) ids.push_back(query.getColumn(0).getString());
        return ids;
    });
}

void SqliteStore::put_programme(const Programme& programme) {
    guarded(db_, "storing a programme", [&] {
        require_write();
        SQLite::Statement insert(db_,
                                 "INSERT INTO programme (id, definition) VALUES (?, ?) "
                                 "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition");
        insert.bind(1, programme.id);
        insert.bind(2, programme_record(programme).dump());
        insert.exec();
        request_plan("programme:" + programme.id);
    });
}

std::optional<School> SqliteStore::school(const std::string& id) const {
    return guarded(db_, "reading a school", [&]() -> std::optional<School> {
        SQLite::Statement query(db_, "SELECT definition FROM school WHERE id = ?");
        query.bind(1, id);
        if (!query.executeStep()) return std::nullopt;
        return definition_from<School>({"school", id}, query.getColumn(0).getString(), school_from_record);
    });
}

std::vector<std::string> SqliteStore::school_ids() const {
    return guarded(db_, "listing schools", [&]() -> std::vector<std::string> {
        SQLite::Statement query(db_, "SELECT id FROM school ORDER BY id");
        std::vector<std::string> ids;
        while (query.executeStep()) ids.push_back(query.getColumn(0).getString());
        return ids;
    });
}

void SqliteStore::put_school(const School& school) {
    guarded(db_, "storing a school", [&] {
        require_write();
        SQLite::Statement insert(db_,
                                 "INSERT INTO school (id, definition) VALUES (?, ?) "
                                 "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition");
        insert.bind(1, school.id);
        insert.bind(2, school_record(school).dump());
        insert.exec();
    });
}

namespace {
constexpr const char* session_select =
    "SELECT id, programme_id, number, date, start_time, end_time, location, start_utc, end_utc, status, version, "
    "changed_at, previous_date, previous_start, previous_end, previous_location, previous_start_utc, lead_override, "
    "slot, planned_date "
    "FROM session";

StoredSession session_from(SQLite::Statement& query) {
    StoredSession s;
    s.id = query.getColumn(0).getInt64();
    const RowRef row{"session", std::to_string(s.id)};
    s.programme_id = text_from(query.getColumn(1), row);
    s.number = int_from(query.getColumn(2), row);
    s.date = date_from(query.getColumn(3), row);
    s.time = range_from(query.getColumn(4), query.getColumn(5), row);
    s.location = text_from(query.getColumn(6), row);
    s.start_utc = instant_from(query.getColumn(7), row);
    s.end_utc = instant_from(query.getColumn(8), row);
    s.status = status_from(query.getColumn(9), row);
    s.version = int_from(query.getColumn(10), row);
    s.changed_at = optional_instant_from(query.getColumn(11), row);
    if (!query.getColumn(12).isNull())
        s.previous = PreviousSlot{date_from(query.getColumn(12), row),
                                  range_from(query.getColumn(13), query.getColumn(14), row),
                                  text_from(query.getColumn(15), row), instant_from(query.getColumn(16), row)};
    s.lead_override = int_from(query.getColumn(17), row) != 0;
    // Empty only between the schema migration and deriving them (derive_session_identities).
    s.slot = static_cast<int>(optional_integer_from(query.getColumn(18), row).value_or(0));
    s.planned_date = query.getColumn(19).isNull() ? s.date : date_from(query.getColumn(19), row);
    return s;
}
}  // namespace

std::vector<StoredSession> SqliteStore::sessions(const std::string& programme_id) const {
    return guarded(db_, "reading sessions", [&]() -> std::vector<StoredSession> {
        static const std::string sql = std::string(session_select) + " WHERE programme_id = ? ORDER BY number, planned_date";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, programme_id);
        std::vector<StoredSession> out;
        while (query.executeStep()) out.push_back(session_from(query));
        return out;
    });
}

std::optional<StoredSession> SqliteStore::session(int64_t id) const {
    return guarded(db_, "reading a session", [&]() -> std::optional<StoredSession> {
        static const std::string sql = std::string(session_select) + " WHERE id = ?";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, id);
        if (!query.executeStep()) return std::nullopt;
        StoredSession s = session_from(query);
        query.reset();  // ends the read, so this connection does not hold on to an old snapshot
        return s;
    });
}

int64_t SqliteStore::put_session(const StoredSession& s) {
    return guarded(db_, "storing a session", [&]() -> int64_t {
        require_write();
        const bool insert = s.id == 0;
        SQLite::Statement& statement = this->statement(
            insert ? "INSERT INTO session (programme_id, number, date, start_time, end_time, location, start_utc, "
                     "end_utc, status, version, changed_at, previous_date, previous_start, previous_end, "
                     "previous_location, previous_start_utc, lead_override, slot, planned_date) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                   : "UPDATE session SET programme_id = ?, number = ?, date = ?, start_time = ?, end_time = ?, "
                     "location = ?, start_utc = ?, end_utc = ?, status = ?, version = ?, changed_at = ?, "
                     "previous_date = ?, previous_start = ?, previous_end = ?, previous_location = ?, "
                     "previous_start_utc = ?, lead_override = ?, slot = ?, planned_date = ? WHERE id = ?");
        statement.bind(1, s.programme_id);
        statement.bind(2, s.number);
        statement.bind(3, iso_date(s.date));
        statement.bind(4, s.time.start.str());
        statement.bind(5, s.time.end.str());
        statement.bind(6, s.location);
        statement.bind(7, s.start_utc.iso());
        statement.bind(8, s.end_utc.iso());
        statement.bind(9, status_text(s.status));
        statement.bind(10, s.version);
        bind_optional_instant(statement, 11, s.changed_at);
        if (s.previous) {
            statement.bind(12, iso_date(s.previous->date));
            statement.bind(13, s.previous->time.start.str());
            statement.bind(14, s.previous->time.end.str());
            statement.bind(15, s.previous->location);
            statement.bind(16, s.previous->start_utc.iso());
        } else {
            for (int column = 12; column <= 16; ++column) statement.bind(column);
        }
        statement.bind(17, s.lead_override ? 1 : 0);
        statement.bind(18, s.slot);
        statement.bind(19, iso_date(s.planned_date.is_special() ? s.date : s.planned_date));
        if (!insert) statement.bind(20, static_cast<int64_t>(s.id));
        try {
            if (statement.exec() == 0) throw StoreError("no session with id " + std::to_string(s.id));
        } catch (const SQLite::Exception& e) {
            if (!is_constraint(e)) throw;  // the database failing, not this session: guarded() says so
            throw StoreError("session " + s.programme_id + "#" + std::to_string(s.number) + ": " + e.what());
        }
        const int64_t id = insert ? db_.getLastInsertRowid() : s.id;
        request_plan("programme:" + s.programme_id);
        return id;
    });
}

}  // namespace ritme
