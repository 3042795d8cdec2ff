// The PostgreSQL store's programmes, schools and sessions.
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"
#include "engine/store/programme_record.hpp"

#include <pqxx/result>

#include <nlohmann/json.hpp>

namespace ritme {

using namespace postgres_rows;

namespace {

SessionStatus status_from(const pqxx::field& field, const RowRef& row) {
    const std::string text = text_from(field, row);
    for (const SessionStatus status : {SessionStatus::planned, SessionStatus::moved, SessionStatus::cancelled})
        if (name_of(status) == text) return status;
    unreadable(row, "status", text, "is not one ritme knows");
}

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

std::vector<std::string> first_column(const pqxx::result& result, const char* table) {
    std::vector<std::string> out;
    for (const auto& r : result) out.push_back(text_from(r[0], {table, "?"}));
    return out;
}

}  // namespace

std::optional<Programme> PostgresStore::programme(const std::string& id) const {
    return guarded(name_, "reading a programme", [&]() -> std::optional<Programme> {
        const auto result = exec("SELECT definition FROM programme WHERE id = $1", Params(id));
        if (result.empty()) return std::nullopt;
        const RowRef row{"programme", id};
        return definition_from<Programme>(row, text_from(result[0][0], row), programme_from_record);
    });
}

std::vector<std::string> PostgresStore::programme_ids() const {
    return guarded(name_, "listing programmes",
                   [&] { return first_column(exec("SELECT id FROM programme ORDER BY id", Params()), "programme"); });
}

void PostgresStore::put_programme(const Programme& programme) {
    guarded(name_, "storing a programme", [&] {
        require_write();
        exec("INSERT INTO programme (id, definition) VALUES ($1, $2) "
             "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition",
             Params(programme.id, programme_record(programme).dump()));
        request_plan("programme:" + programme.id);
    });
}

std::optional<School> PostgresStore::school(const std::string& id) const {
    return guarded(name_, "reading a school", [&]() -> std::optional<School> {
        const auto result = exec("SELECT definition FROM school WHERE id = $1", Params(id));
        if (result.empty()) return std::nullopt;
        const RowRef row{"school", id};
        return definition_from<School>(row, text_from(result[0][0], row), school_from_record);
    });
}

std::vector<std::string> PostgresStore::school_ids() const {
    return guarded(name_, "listing schools",
                   [&] { return first_column(exec("SELECT id FROM school ORDER BY id", Params()), "school"); });
}

void PostgresStore::put_school(const School& school) {
    guarded(name_, "storing a school", [&] {
        require_write();
        exec("INSERT INTO school (id, definition) VALUES ($1, $2) "
             "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition",
             Params(school.id, school_record(school).dump()));
    });
}

namespace {
constexpr const char* session_select =
    "SELECT id, programme_id, number, date, start_time, end_time, location, start_utc, end_utc, status, version, "
    "changed_at, previous_date, previous_start, previous_end, previous_location, previous_start_utc, lead_override, "
    "slot, planned_date "
    "FROM session";

StoredSession session_from(const pqxx::row& r) {
    StoredSession s;
    const RowRef row{"session", r[0].c_str()};
    s.id = integer_from(r[0], row);
    s.programme_id = text_from(r[1], row);
    s.number = int_from(r[2], row);
    s.date = date_from(r[3], row);
    s.time = range_from(r[4], r[5], row);
    s.location = text_from(r[6], row);
    s.start_utc = instant_from(r[7], row);
    s.end_utc = instant_from(r[8], row);
    s.status = status_from(r[9], row);
    s.version = int_from(r[10], row);
    s.changed_at = optional_instant_from(r[11], row);
    if (!r[12].is_null())
        s.previous = PreviousSlot{date_from(r[12], row), range_from(r[13], r[14], row), text_from(r[15], row),
                                  instant_from(r[16], row)};
    s.lead_override = int_from(r[17], row) != 0;
    s.slot = static_cast<int>(optional_integer_from(r[18], row).value_or(0));
    s.planned_date = r[19].is_null() ? s.date : date_from(r[19], row);
    return s;
}
}  // namespace

std::vector<StoredSession> PostgresStore::sessions(const std::string& programme_id) const {
    return guarded(name_, "reading sessions", [&]() -> std::vector<StoredSession> {
        static const std::string sql = std::string(session_select) + " WHERE programme_id = $1 ORDER BY number, planned_date";
        std::vector<StoredSession> out;
        for (const auto& r : exec(sql, Params(programme_id))) out.push_back(session_from(r));
        return out;
    });
}

std::optional<StoredSession> PostgresStore::session(int64_t id) const {
    return guarded(name_, "reading a session", [&]() -> std::optional<StoredSession> {
        static const std::string sql = std::string(session_select) + " WHERE id = $1";
        const auto result = exec(sql, Params(id));
        if (result.empty()) return std::nullopt;
        return session_from(result[0]);
    });
}

int64_t PostgresStore::put_session(const StoredSession& s) {
    return guarded(name_, "storing a session", [&]() -> int64_t {
        require_write();
        const bool insert = s.id == 0;
        Params params(s.programme_id, s.number, iso_date(s.date), s.time.start.str(), s.time.end.str(), s.location,
                      s.start_utc.iso(), s.end_utc.iso(), std::string(name_of(s.status)), s.version,
                      iso_or_null(s.changed_at));
        if (s.previous) {
            params.add(iso_date(s.previous->date))
                .add(s.previous->time.start.str())
                .add(s.previous->time.end.str())
                .add(s.previous->location)
                .add(s.previous->start_utc.iso());
        } else {
            for (int column = 12; column <= 16; ++column) params.add(null);
        }
        params.add(s.lead_override ? 1 : 0).add(s.slot).add(iso_date(s.planned_date.is_special() ? s.date : s.planned_date));
        if (!insert) params.add(s.id);
        pqxx::result result;
        try {
            result = exec_guarded_statement(
                insert ? "INSERT INTO session (programme_id, number, date, start_time, end_time, location, start_utc, "
                         "end_utc, status, version, changed_at, previous_date, previous_start, previous_end, "
                         "previous_location, previous_start_utc, lead_override, slot, planned_date) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) "
                         "RETURNING id"
                       : "UPDATE session SET programme_id = $1, number = $2, date = $3, start_time = $4, end_time = $5, "
                         "location = $6, start_utc = $7, end_utc = $8, status = $9, version = $10, changed_at = $11, "
                         "previous_date = $12, previous_start = $13, previous_end = $14, previous_location = $15, "
                         "previous_start_utc = $16, lead_override = $17, slot = $18, planned_date = $19 WHERE id = $20 "
                         "RETURNING id",
                params);
        } catch (const pqxx::sql_error& e) {
            if (!is_constraint(e)) throw;  // the database failing, not this session: guarded() says so
            throw StoreError("session " + s.programme_id + "#" + std::to_string(s.number) + ": " +
                             failure(name_, "storing a session", e).what());
        }
        if (result.empty()) throw StoreError("no session with id " + std::to_string(s.id));
        const int64_t id = result[0][0].as<int64_t>();
        request_plan("programme:" + s.programme_id);
        return id;
    });
}

}  // namespace ritme
