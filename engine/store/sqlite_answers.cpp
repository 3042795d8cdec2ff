// The SQLite store's answers and attendance.
#include "engine/store/sqlite_store.hpp"

#include "engine/store/sqlite_rows.hpp"

namespace ritme {

using namespace sqlite_rows;

namespace {

constexpr const char* answer_columns =
    "id, participant_id, received_at, channel, words, read_as, programme_id, delivery_id, session_id, "
    "appointment_id, too_late, for_lead, lead_delivery_id";

StoredAnswer answer_from(SQLite::Statement& query) {
    const RowRef row{"answer", query.getColumn(0).getString()};
    StoredAnswer a;
    a.id = integer_from(query.getColumn(0), row);
    a.participant_id = text_from(query.getColumn(1), row);
    a.received_at = instant_from(query.getColumn(2), row);
    a.channel = text_from(query.getColumn(3), row);
    a.words = text_from(query.getColumn(4), row);
    const std::string read_as = text_from(query.getColumn(5), row);
    const auto reading = parse_answer_reading(read_as);
    if (!reading) unreadable(row, "read_as", read_as, "is not one ritme knows");
    a.reading = *reading;
    a.programme_id = text_from(query.getColumn(6), row);
    a.delivery_id = integer_from(query.getColumn(7), row);
    a.session_id = integer_from(query.getColumn(8), row);
    a.appointment_id = integer_from(query.getColumn(9), row);
    a.too_late = integer_from(query.getColumn(10), row) != 0;
    a.for_lead = integer_from(query.getColumn(11), row) != 0;
    a.lead_delivery_id = integer_from(query.getColumn(12), row);
    return a;
}

constexpr const char* attendance_columns = "participant_id, programme_id, session_id, appointment_id, status, at, source";

AttendanceRecord attendance_from(SQLite::Statement& query) {
    const RowRef row{"attendance", query.getColumn(0).getString()};
    AttendanceRecord r;
    r.participant_id = text_from(query.getColumn(0), row);
    r.programme_id = text_from(query.getColumn(1), row);
    r.session_id = integer_from(query.getColumn(2), row);
    r.appointment_id = integer_from(query.getColumn(3), row);
    const std::string status = text_from(query.getColumn(4), row);
    const auto parsed = parse_attendance_status(status);
    if (!parsed) unreadable(row, "status", status, "is not one ritme knows");
    r.status = *parsed;
    r.at = instant_from(query.getColumn(5), row);
    r.source = text_from(query.getColumn(6), row);
    return r;
}

}  // namespace

int64_t SqliteStore::add_answer(const StoredAnswer& a) {
    return guarded(db_, "storing an answer", [&]() -> int64_t {
        require_write();
        SQLite::Statement& insert = statement(
            "INSERT INTO answer (participant_id, received_at, channel, words, read_as, programme_id, delivery_id, "
            "session_id, appointment_id, too_late, for_lead, lead_delivery_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, a.participant_id);
        insert.bind(2, a.received_at.iso());
        insert.bind(3, a.channel);
        insert.bind(4, a.words);
        insert.bind(5, std::string(name_of(a.reading)));
        insert.bind(6, a.programme_id);
        insert.bind(7, a.delivery_id);
        insert.bind(8, a.session_id);
        insert.bind(9, a.appointment_id);
        insert.bind(10, a.too_late ? 1 : 0);
        insert.bind(11, a.for_lead ? 1 : 0);
        insert.bind(12, a.lead_delivery_id);
        insert.exec();
        return db_.getLastInsertRowid();
    });
}

void SqliteStore::set_answer_lead_delivery(int64_t answer_id, int64_t delivery_id) {
    guarded(db_, "recording the message to the lead about an answer", [&] {
        require_write();
        SQLite::Statement& update = statement("UPDATE answer SET lead_delivery_id = ? WHERE id = ?");
        update.bind(1, delivery_id);
        update.bind(2, answer_id);
        if (update.exec() == 0) throw StoreError("no answer " + std::to_string(answer_id));
    });
}

std::optional<StoredAnswer> SqliteStore::answer(int64_t id) const {
    return guarded(db_, "reading an answer", [&]() -> std::optional<StoredAnswer> {
        static const std::string sql = std::string("SELECT ") + answer_columns + " FROM answer WHERE id = ?";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, id);
        std::optional<StoredAnswer> out;
        if (query.executeStep()) out = answer_from(query);
        query.reset();
        return out;
    });
}

std::vector<StoredAnswer> SqliteStore::answers(const std::string& participant_id) const {
    return guarded(db_, "reading answers", [&]() -> std::vector<StoredAnswer> {
        static const std::string all = std::string("SELECT ") + answer_columns + " FROM answer ORDER BY id";
        static const std::string hers =
            std::string("SELECT ") + answer_columns + " FROM answer WHERE participant_id = ? ORDER BY id";
        SQLite::Statement& query = statement(participant_id.empty() ? all.c_str() : hers.c_str());
        if (!participant_id.empty()) query.bind(1, participant_id);
        std::vector<StoredAnswer> out;
        while (query.executeStep()) out.push_back(answer_from(query));
        return out;
    });
}

void SqliteStore::put_attendance(const AttendanceRecord& r) {
    guarded(db_, "recording attendance", [&] {
        require_write();
        SQLite::Statement& upsert = statement(
            "INSERT INTO attendance (participant_id, programme_id, session_id, appointment_id, status, at, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (participant_id, session_id, appointment_id) DO UPDATE "
            "SET programme_id = excluded.programme_id, status = excluded.status, at = excluded.at, "
            "source = excluded.source");
        upsert.bind(1, r.participant_id);
        upsert.bind(2, r.programme_id);
        upsert.bind(3, r.session_id);
        upsert.bind(4, r.appointment_id);
        upsert.bind(5, std::string(name_of(r.status)));
        upsert.bind(6, r.at.iso());
        upsert.bind(7, r.source);
        upsert.exec();
    });
}

std::vector<AttendanceRecord> SqliteStore::attendance_of_participant(const std::string& participant_id) const {
    return guarded(db_, "reading attendance", [&]() -> std::vector<AttendanceRecord> {
        static const std::string sql = std::string("SELECT ") + attendance_columns +
                                       " FROM attendance WHERE participant_id = ? ORDER BY at, session_id, appointment_id";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, participant_id);
        std::vector<AttendanceRecord> out;
        while (query.executeStep()) out.push_back(attendance_from(query));
        return out;
    });
}

std::vector<AttendanceRecord> SqliteStore::attendance_of_programme(const std::string& programme_id) const {
    return guarded(db_, "reading attendance", [&]() -> std::vector<AttendanceRecord> {
        static const std::string sql = std::string("SELECT ") + attendance_columns +
                                       " FROM attendance WHERE programme_id = ? AND session_id <> 0 "
                                       "ORDER BY session_id, participant_id";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, programme_id);
        std::vector<AttendanceRecord> out;
        while (query.executeStep()) out.push_back(attendance_from(query));
        return out;
    });
}

}  // namespace ritme
