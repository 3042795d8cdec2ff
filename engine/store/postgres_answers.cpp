// The PostgreSQL store's answers and attendance.
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"

#include <pqxx/result>

namespace ritme {

using namespace postgres_rows;

namespace {

constexpr const char* answer_columns =
    "id, participant_id, received_at, channel, words, read_as, programme_id, delivery_id, session_id, "
    "appointment_id, too_late, for_lead, lead_delivery_id";

StoredAnswer answer_from(const pqxx::row& r) {
    const RowRef row{"answer", r[0].c_str()};
    StoredAnswer a;
    a.id = integer_from(r[0], row);
    a.participant_id = text_from(r[1], row);
    a.received_at = instant_from(r[2], row);
    a.channel = text_from(r[3], row);
    a.words = text_from(r[4], row);
    const std::string read_as = text_from(r[5], row);
    const auto reading = parse_answer_reading(read_as);
    if (!reading) unreadable(row, "read_as", read_as, "is not one ritme knows");
    a.reading = *reading;
    a.programme_id = text_from(r[6], row);
    a.delivery_id = integer_from(r[7], row);
    a.session_id = integer_from(r[8], row);
    a.appointment_id = integer_from(r[9], row);
    a.too_late = integer_from(r[10], row) != 0;
    a.for_lead = integer_from(r[11], row) != 0;
    a.lead_delivery_id = integer_from(r[12], row);
    return a;
}

constexpr const char* attendance_columns = "participant_id, programme_id, session_id, appointment_id, status, at, source";

AttendanceRecord attendance_from(const pqxx::row& r) {
    const RowRef row{"attendance", r[0].c_str()};
    AttendanceRecord a;
    a.participant_id = text_from(r[0], row);
    a.programme_id = text_from(r[1], row);
    a.session_id = integer_from(r[2], row);
    a.appointment_id = integer_from(r[3], row);
    const std::string status = text_from(r[4], row);
    const auto parsed = parse_attendance_status(status);
    if (!parsed) unreadable(row, "status", status, "is not one ritme knows");
    a.status = *parsed;
    a.at = instant_from(r[5], row);
    a.source = text_from(r[6], row);
    return a;
}

}  // namespace

int64_t PostgresStore::add_answer(const StoredAnswer& a) {
    return guarded(name_, "storing an answer", [&]() -> int64_t {
        require_write();
        return exec("INSERT INTO answer (participant_id, received_at, channel, words, read_as, programme_id, "
                    "delivery_id, session_id, appointment_id, too_late, for_lead, lead_delivery_id) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                    Params(a.participant_id, a.received_at.iso(), a.channel, a.words, std::string(name_of(a.reading)),
                           a.programme_id, a.delivery_id, a.session_id, a.appointment_id, a.too_late ? 1 : 0,
                           a.for_lead ? 1 : 0, a.lead_delivery_id))[0][0]
            .as<int64_t>();
    });
}

void PostgresStore::set_answer_lead_delivery(int64_t answer_id, int64_t delivery_id) {
    guarded(name_, "recording the message to the lead about an answer", [&] {
        require_write();
        if (exec("UPDATE answer SET lead_delivery_id = $1 WHERE id = $2", Params(delivery_id, answer_id))
                .affected_rows() == 0)
            throw StoreError("no answer " + std::to_string(answer_id));
    });
}

std::optional<StoredAnswer> PostgresStore::answer(int64_t id) const {
    return guarded(name_, "reading an answer", [&]() -> std::optional<StoredAnswer> {
        static const std::string sql = std::string("SELECT ") + answer_columns + " FROM answer WHERE id = $1";
        const auto result = exec(sql, Params(id));
        if (result.empty()) return std::nullopt;
        return answer_from(result[0]);
    });
}

std::vector<StoredAnswer> PostgresStore::answers(const std::string& participant_id) const {
    return guarded(name_, "reading answers", [&]() -> std::vector<StoredAnswer> {
        static const std::string sql = std::string("SELECT ") + answer_columns +
                                       " FROM answer WHERE $1 = '' OR participant_id = $1 ORDER BY id";
        std::vector<StoredAnswer> out;
        for (const auto& r : exec(sql, Params(participant_id))) out.push_back(answer_from(r));
        return out;
    });
}

void PostgresStore::put_attendance(const AttendanceRecord& r) {
    guarded(name_, "recording attendance", [&] {
        require_write();
        exec("INSERT INTO attendance (participant_id, programme_id, session_id, appointment_id, status, at, source) "
             "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (participant_id, session_id, appointment_id) DO UPDATE "
             "SET programme_id = excluded.programme_id, status = excluded.status, at = excluded.at, "
             "source = excluded.source",
             Params(r.participant_id, r.programme_id, r.session_id, r.appointment_id, std::string(name_of(r.status)),
                    r.at.iso(), r.source));
    });
}

std::vector<AttendanceRecord> PostgresStore::attendance_of_participant(const std::string& participant_id) const {
    return guarded(name_, "reading attendance", [&]() -> std::vector<AttendanceRecord> {
        static const std::string sql = std::string("SELECT ") + attendance_columns +
                                       " FROM attendance WHERE participant_id = $1 "
                                       "ORDER BY at, session_id, appointment_id";
        std::vector<AttendanceRecord> out;
        for (const auto& r : exec(sql, Params(participant_id))) out.push_back(attendance_from(r));
        return out;
    });
}

std::vector<AttendanceRecord> PostgresStore::attendance_of_programme(const std::string& programme_id) const {
    return guarded(name_, "reading attendance", [&]() -> std::vector<AttendanceRecord> {
        static const std::string sql = std::string("SELECT ") + attendance_columns +
                                       " FROM attendance WHERE programme_id = $1 AND session_id <> 0 "
                                       "ORDER BY session_id, participant_id";
        std::vector<AttendanceRecord> out;
        for (const auto& r : exec(sql, Params(programme_id))) out.push_back(attendance_from(r));
        return out;
    });
}

}  // namespace ritme
