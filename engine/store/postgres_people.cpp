// The PostgreSQL store's participants, their commitments and enrolments, and appointments.
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"

#include <pqxx/result>

namespace ritme {

using namespace postgres_rows;

namespace {

// A participant with her commitments in one statement, one row per commitment (or one
// with NULLs for none), in position order: one round trip where two were.
constexpr const char* participant_columns =
    "SELECT participant.id, name, phone, email, language, channel_sms, channel_email, sms_opt_out, "
    "children_in_care, school_calendar, commitment.weekday, commitment.date, commitment.start_time, "
    "commitment.end_time, commitment.label, commitment.position FROM participant "
    "LEFT JOIN commitment ON commitment.participant_id = participant.id";
constexpr const char* participant_order = " ORDER BY participant.id, commitment.position";

Participant participant_from(const pqxx::row& r) {
    Participant p;
    const RowRef row{"participant", r[0].c_str()};
    p.id = text_from(r[0], row);
    p.name = text_from(r[1], row);
    p.phone = text_from(r[2], row);
    p.email = text_from(r[3], row);
    p.language = text_from(r[4], row);
    p.channels.sms = int_from(r[5], row) != 0;
    p.channels.email = int_from(r[6], row) != 0;
    p.sms_opt_out = int_from(r[7], row) != 0;
    p.children_in_care = int_from(r[8], row);
    p.school_calendar = text_from(r[9], row);
    return p;
}

// The commitment in a row of participant_columns; nothing when she has none.
std::optional<Commitment> commitment_from(const pqxx::row& r) {
    if (r[15].is_null()) return std::nullopt;
    const RowRef row{"commitment", std::string(r[0].c_str()) + " position " + r[15].c_str()};
    Commitment c;
    if (!r[10].is_null()) {
        const int weekday = int_from(r[10], row);  // 0 is Monday
        if (weekday < 0 || weekday >= static_cast<int>(all_weekdays.size()))
            unreadable(row, "weekday", r[10].c_str(), "is not a weekday");
        c.weekday = all_weekdays[static_cast<size_t>(weekday)];
    }
    if (!r[11].is_null()) c.date = date_from(r[11], row);
    c.time = range_from(r[12], r[13], row);
    c.label = text_from(r[14], row);
    return c;
}

// The participants in `result`, each once, with her commitments.
std::vector<Participant> participants_from(const pqxx::result& result) {
    std::vector<Participant> out;
    for (const auto& r : result) {
        if (out.empty() || out.back().id != r[0].c_str()) out.push_back(participant_from(r));
        if (auto commitment = commitment_from(r)) out.back().commitments.push_back(std::move(*commitment));
    }
    return out;
}

}  // namespace

std::optional<Participant> PostgresStore::participant(const std::string& id) const {
    return guarded(name_, "reading a participant", [&]() -> std::optional<Participant> {
        static const std::string sql =
            std::string(participant_columns) + " WHERE participant.id = $1" + participant_order;
        auto found = participants_from(exec(sql, Params(id)));
        if (found.empty()) return std::nullopt;
        return std::move(found.front());
    });
}

std::vector<Participant> PostgresStore::participants() const {
    return guarded(name_, "listing participants", [&]() -> std::vector<Participant> {
        static const std::string sql = std::string(participant_columns) + participant_order;
        return participants_from(exec(sql, Params()));
    });
}

void PostgresStore::put_participant(const Participant& p) {
    guarded(name_, "storing a participant", [&] {
        require_write();
        exec("INSERT INTO participant (id, name, phone, email, language, channel_sms, channel_email, "
             "sms_opt_out, children_in_care, school_calendar) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
             "ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, "
             "email = excluded.email, language = excluded.language, "
             "channel_sms = excluded.channel_sms, channel_email = excluded.channel_email, "
             "sms_opt_out = excluded.sms_opt_out, children_in_care = excluded.children_in_care, "
             "school_calendar = excluded.school_calendar",
             Params(p.id, p.name, p.phone, p.email, p.language, p.channels.sms ? 1 : 0, p.channels.email ? 1 : 0,
                    p.sms_opt_out ? 1 : 0, p.children_in_care, p.school_calendar));
        exec("DELETE FROM commitment WHERE participant_id = $1", Params(p.id));
        int position = 0;
        for (const auto& c : p.commitments) {
            Params params(p.id, position++);
            if (c.weekday)
                params.add(index_of(*c.weekday));
            else
                params.add(null);
            if (c.date)
                params.add(iso_date(*c.date));
            else
                params.add(null);
            params.add(c.time.start.str()).add(c.time.end.str()).add(c.label);
            exec("INSERT INTO commitment (participant_id, position, weekday, date, start_time, end_time, label) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                 params);
        }
        request_plan("participant:" + p.id);
    });
}

void PostgresStore::delete_participant(const std::string& id, bool keep_anonymous_counts) {
    guarded(name_, "erasing a participant", [&] {
        require_write();
        if (keep_anonymous_counts)
            exec("INSERT INTO anonymous_enrolment (programme_id, count) "
                 "SELECT programme_id, 1 FROM enrolment WHERE participant_id = $1 "
                 "ON CONFLICT (programme_id) DO UPDATE SET count = anonymous_enrolment.count + 1",
                 Params(id));
        // Erasure leaves nothing that identifies: her messages with their receipts (by
        // the cascade), her appointments, what she was told, her answers (her own words),
        // attendance, follow-ups and feeds.
        exec("DELETE FROM delivery WHERE participant_id = $1 OR appointment_id IN "
             "(SELECT id FROM appointment WHERE participant_id = $1)",
             Params(id));
        exec("DELETE FROM appointment WHERE participant_id = $1", Params(id));
        clear_plan_request("participant:" + id);
        for (const char* sql :
             {"DELETE FROM told WHERE participant_id = $1", "DELETE FROM answer WHERE participant_id = $1",
              "DELETE FROM attendance WHERE participant_id = $1", "DELETE FROM follow_up WHERE participant_id = $1",
              "DELETE FROM feed_token WHERE participant_id = $1"})
            exec(sql, Params(id));
        if (exec("DELETE FROM participant WHERE id = $1", Params(id)).affected_rows() == 0)
            throw StoreError("no participant " + id);
    });
}

std::vector<std::string> PostgresStore::programmes_of(const std::string& participant_id) const {
    return guarded(name_, "reading enrolments", [&]() -> std::vector<std::string> {
        std::vector<std::string> out;
        for (const auto& r : exec("SELECT programme_id FROM enrolment WHERE participant_id = $1 ORDER BY programme_id",
                                  Params(participant_id)))
            out.push_back(text_from(r[0], {"enrolment", participant_id}));
        return out;
    });
}

std::vector<std::string> PostgresStore::participants_of(const std::string& programme_id) const {
    return guarded(name_, "reading enrolments", [&]() -> std::vector<std::string> {
        std::vector<std::string> out;
        for (const auto& r : exec("SELECT participant_id FROM enrolment WHERE programme_id = $1 ORDER BY participant_id",
                                  Params(programme_id)))
            out.push_back(text_from(r[0], {"enrolment", programme_id}));
        return out;
    });
}

void PostgresStore::enrol(const std::string& participant_id, const std::string& programme_id) {
    guarded(name_, "enrolling a participant", [&] {
        require_write();
        try {
            exec_guarded_statement(
                "INSERT INTO enrolment (participant_id, programme_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                Params(participant_id, programme_id));
        } catch (const pqxx::sql_error& e) {
            if (!is_constraint(e)) throw;  // the database failing: guarded() says so
            throw StoreError("cannot enrol " + participant_id + " in " + programme_id +
                             ": no such participant or programme");
        }
        // What she was told before (enrolled earlier) stays: it is what a notice starts from.
        for (const auto& session : sessions(programme_id))
            exec("INSERT INTO told (participant_id, programme_id, session_id, appointment_id, state, serial) "
                 "VALUES ($1, $2, $3, 0, $4, 1) ON CONFLICT DO NOTHING",
                 Params(participant_id, programme_id, session.id, told_state(session)));
        request_plan("programme:" + programme_id);
    });
}

void PostgresStore::unenrol(const std::string& participant_id, const std::string& programme_id) {
    guarded(name_, "unenrolling a participant", [&] {
        require_write();
        exec("DELETE FROM enrolment WHERE participant_id = $1 AND programme_id = $2",
             Params(participant_id, programme_id));
        request_plan("programme:" + programme_id);
    });
}

int PostgresStore::anonymous_enrolments(const std::string& programme_id) const {
    return guarded(name_, "reading anonymous enrolments", [&]() -> int {
        const auto result = exec("SELECT count FROM anonymous_enrolment WHERE programme_id = $1", Params(programme_id));
        return result.empty() ? 0 : int_from(result[0][0], {"anonymous_enrolment", programme_id});
    });
}

// --- Appointments ---------------------------------------------------------------------

namespace {
constexpr const char* appointment_select =
    "SELECT id, participant_id, programme_id, start_utc, duration_minutes, address, note, cancelled, version, "
    "changed_at, previous_start_utc FROM appointment";

Appointment appointment_from(const pqxx::row& r) {
    Appointment a;
    const RowRef row{"appointment", r[0].c_str()};
    a.id = integer_from(r[0], row);
    a.participant_id = text_from(r[1], row);
    if (!r[2].is_null()) a.programme_id = text_from(r[2], row);  // none: ""
    a.start_utc = instant_from(r[3], row);
    a.duration_minutes = int_from(r[4], row);
    a.where = text_from(r[5], row);
    a.note = text_from(r[6], row);
    a.cancelled = int_from(r[7], row) != 0;
    a.version = int_from(r[8], row);
    a.changed_at = optional_instant_from(r[9], row);
    a.previous_start_utc = optional_instant_from(r[10], row);
    return a;
}
}  // namespace

int64_t PostgresStore::put_appointment(const Appointment& a) {
    return guarded(name_, "storing an appointment", [&]() -> int64_t {
        require_write();
        const bool insert = a.id == 0;
        Params params(a.participant_id);
        if (a.programme_id.empty())
            params.add(null);
        else
            params.add(a.programme_id);
        params.add(a.start_utc.iso())
            .add(a.duration_minutes)
            .add(a.where)
            .add(a.note)
            .add(a.cancelled ? 1 : 0)
            .add(a.version)
            .add(iso_or_null(a.changed_at))
            .add(iso_or_null(a.previous_start_utc));
        if (!insert) params.add(a.id);
        pqxx::result result;
        try {
            result = exec_guarded_statement(
                insert ? "INSERT INTO appointment (participant_id, programme_id, start_utc, duration_minutes, "
                         "address, note, cancelled, version, changed_at, previous_start_utc) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
                       : "UPDATE appointment SET participant_id = $1, programme_id = $2, start_utc = $3, "
                         "duration_minutes = $4, address = $5, note = $6, cancelled = $7, version = $8, "
                         "changed_at = $9, previous_start_utc = $10 WHERE id = $11 RETURNING id",
                params);
        } catch (const pqxx::sql_error& e) {
            if (!is_constraint(e)) throw;  // the database failing: guarded() says so
            throw StoreError("appointment for " + a.participant_id + ": " +
                             failure(name_, "storing an appointment", e).what() +
                             " (the participant and the programme must exist)");
        }
        if (result.empty()) throw StoreError("no appointment with id " + std::to_string(a.id));
        const int64_t id = result[0][0].as<int64_t>();
        request_plan("participant:" + a.participant_id);
        return id;
    });
}

std::optional<Appointment> PostgresStore::appointment(int64_t id) const {
    return guarded(name_, "reading an appointment", [&]() -> std::optional<Appointment> {
        static const std::string sql = std::string(appointment_select) + " WHERE id = $1";
        const auto result = exec(sql, Params(id));
        if (result.empty()) return std::nullopt;
        return appointment_from(result[0]);
    });
}

std::vector<Appointment> PostgresStore::appointments(const std::string& participant_id) const {
    return guarded(name_, "listing appointments", [&]() -> std::vector<Appointment> {
        static const std::string sql =
            std::string(appointment_select) + " WHERE participant_id = $1 ORDER BY start_utc, id";
        std::vector<Appointment> out;
        for (const auto& r : exec(sql, Params(participant_id))) out.push_back(appointment_from(r));
        return out;
    });
}

}  // namespace ritme
