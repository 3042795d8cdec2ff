#include "engine/store/sqlite_store.hpp"

#include "engine/base/utf8.hpp"
#include "engine/store/sqlite_rows.hpp"

namespace ritme {

using namespace sqlite_rows;

std::vector<Commitment> SqliteStore::commitments_of(const std::string& participant_id) const {
    // Cached, as every read the dispatcher makes per message: preparing costs more than the read.
    SQLite::Statement& query = statement(
        "SELECT weekday, date, start_time, end_time, label, position FROM commitment "
        "WHERE participant_id = ? ORDER BY position");
    query.bind(1, participant_id);
    std::vector<Commitment> out;
    while (query.executeStep()) {
        const RowRef row{"commitment", participant_id + " position " + query.getColumn(5).getString()};
        Commitment c;
        if (!query.getColumn(0).isNull()) {
            const int weekday = int_from(query.getColumn(0), row);  // 0 is Monday
            if (weekday < 0 || weekday >= static_cast<int>(all_weekdays.size()))
                unreadable(row, "weekday", query.getColumn(0).getString(), "is not a weekday");
            c.weekday = all_weekdays[static_cast<size_t>(weekday)];
        }
        if (!query.getColumn(1).isNull()) c.date = date_from(query.getColumn(1), row);
        c.time = range_from(query.getColumn(2), query.getColumn(3), row);
        c.label = text_from(query.getColumn(4), row);
        out.push_back(std::move(c));
    }
    return out;
}

namespace {
constexpr const char* participant_columns =
    "SELECT id, name, phone, email, language, channel_sms, channel_email, sms_opt_out, children_in_care, "
    "school_calendar FROM participant";

Participant participant_from(SQLite::Statement& query) {
    Participant p;
    const RowRef row{"participant", valid_utf8(query.getColumn(0).getString())};
    p.id = text_from(query.getColumn(0), row);
    p.name = text_from(query.getColumn(1), row);
    p.phone = text_from(query.getColumn(2), row);
    p.email = text_from(query.getColumn(3), row);
    p.language = text_from(query.getColumn(4), row);
    p.channels.sms = int_from(query.getColumn(5), row) != 0;
    p.channels.email = int_from(query.getColumn(6), row) != 0;
    p.sms_opt_out = int_from(query.getColumn(7), row) != 0;
    p.children_in_care = int_from(query.getColumn(8), row);
    p.school_calendar = text_from(query.getColumn(9), row);
    return p;
}
}  // namespace

std::optional<Participant> SqliteStore::participant(const std::string& id) const {
    return guarded(db_, "reading a participant", [&]() -> std::optional<Participant> {
        static const std::string sql = std::string(participant_columns) + " WHERE id = ?";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, id);
        if (!query.executeStep()) return std::nullopt;
        Participant p = participant_from(query);
        query.reset();
        p.commitments = commitments_of(p.id);
        return p;
    });
}

std::vector<Participant> SqliteStore::participants() const {
    return guarded(db_, "listing participants", [&]() -> std::vector<Participant> {
        SQLite::Statement query(db_, std::string(participant_columns) + " ORDER BY id");
        std::vector<Participant> out;
        while (query.executeStep()) out.push_back(participant_from(query));
        for (auto& p : out) p.commitments = commitments_of(p.id);
        return out;
    });
}

void SqliteStore::put_participant(const Participant& p) {
    guarded(db_, "storing a participant", [&] {
        require_write();
        SQLite::Statement upsert(
            db_,
            "INSERT INTO participant (id, name, phone, email, language, channel_sms, channel_email, "
            "sms_opt_out, children_in_care, school_calendar) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, "
            "email = excluded.email, language = excluded.language, "
            "channel_sms = excluded.channel_sms, channel_email = excluded.channel_email, "
            "sms_opt_out = excluded.sms_opt_out, children_in_care = excluded.children_in_care, "
            "school_calendar = excluded.school_calendar");
        upsert.bind(1, p.id);
        upsert.bind(2, p.name);
        upsert.bind(3, p.phone);
        upsert.bind(4, p.email);
        upsert.bind(5, p.language);
        upsert.bind(6, p.channels.sms ? 1 : 0);
        upsert.bind(7, p.channels.email ? 1 : 0);
        upsert.bind(8, p.sms_opt_out ? 1 : 0);
        upsert.bind(9, p.children_in_care);
        upsert.bind(10, p.school_calendar);
        upsert.exec();

        SQLite::Statement clear(db_, "DELETE FROM commitment WHERE participant_id = ?");
        clear.bind(1, p.id);
        clear.exec();
        SQLite::Statement add(db_,
                              "INSERT INTO commitment (participant_id, position, weekday, date, start_time, end_time, "
                              "label) VALUES (?, ?, ?, ?, ?, ?, ?)");
        int position = 0;
        for (const auto& c : p.commitments) {
            add.bind(1, p.id);
            add.bind(2, position++);
            if (c.weekday)
                add.bind(3, index_of(*c.weekday));
            else
                add.bind(3);
            if (c.date)
                add.bind(4, iso_date(*c.date));
            else
                add.bind(4);
            add.bind(5, c.time.start.str());
            add.bind(6, c.time.end.str());
            add.bind(7, c.label);
            add.exec();
            add.reset();
        }
        request_plan("participant:" + p.id);
    });
}

void SqliteStore::delete_participant(const std::string& id, bool keep_anonymous_counts) {
    guarded(db_, "erasing a participant", [&] {
        require_write();
        if (keep_anonymous_counts) {
            SQLite::Statement count(db_,
                                    "INSERT INTO anonymous_enrolment (programme_id, count) "
                                    "SELECT programme_id, 1 FROM enrolment WHERE participant_id = ? "
                                    "ON CONFLICT (programme_id) DO UPDATE SET count = count + 1");
            count.bind(1, id);
            count.exec();
        }
        // Erasure leaves nothing that identifies: the participant's messages, their receipts
        // and the appointments go first (the outbox does not reference participants). The
        // receipts are deleted here rather than left to the cascade, which works only where
        // the connection has foreign keys on.
        constexpr const char* forgotten =
            "SELECT id FROM delivery WHERE participant_id = ?1 OR appointment_id IN "
            "(SELECT id FROM appointment WHERE participant_id = ?1)";
        SQLite::Statement forget_receipts(
            db_, std::string("DELETE FROM delivery_receipt WHERE delivery_id IN (") + forgotten + ")");
        forget_receipts.bind(1, id);
        forget_receipts.exec();
        SQLite::Statement forget_deliveries(db_, std::string("DELETE FROM delivery WHERE id IN (") + forgotten + ")");
        forget_deliveries.bind(1, id);
        forget_deliveries.exec();
        SQLite::Statement forget_appointments(db_, "DELETE FROM appointment WHERE participant_id = ?");
        forget_appointments.bind(1, id);
        forget_appointments.exec();
        clear_plan_request("participant:" + id);
        SQLite::Statement forget_told(db_, "DELETE FROM told WHERE participant_id = ?");
        forget_told.bind(1, id);
        forget_told.exec();
        // Her answers hold her own words.
        SQLite::Statement forget_answers(db_, "DELETE FROM answer WHERE participant_id = ?");
        forget_answers.bind(1, id);
        forget_answers.exec();
        SQLite::Statement forget_attendance(db_, "DELETE FROM attendance WHERE participant_id = ?");
        forget_attendance.bind(1, id);
        forget_attendance.exec();
        SQLite::Statement forget_follow_ups(db_, "DELETE FROM follow_up WHERE participant_id = ?");
        forget_follow_ups.bind(1, id);
        forget_follow_ups.exec();
        SQLite::Statement forget_feeds(db_, "DELETE FROM feed_token WHERE participant_id = ?");
        forget_feeds.bind(1, id);
        forget_feeds.exec();
        SQLite::Statement remove(db_, "DELETE FROM participant WHERE id = ?");
        remove.bind(1, id);
        if (remove.exec() == 0) throw StoreError("no participant " + id);
    });
}

std::vector<std::string> SqliteStore::programmes_of(const std::string& participant_id) const {
    return guarded(db_, "reading enrolments", [&]() -> std::vector<std::string> {
        SQLite::Statement query(db_,
                                "SELECT programme_id FROM enrolment WHERE participant_id = ? ORDER BY programme_id");
        query.bind(1, participant_id);
        std::vector<std::string> out;
        while (query.executeStep()) out.push_back(query.getColumn(0).getString());
        return out;
    });
}

std::vector<std::string> SqliteStore::participants_of(const std::string& programme_id) const {
    return guarded(db_, "reading enrolments", [&]() -> std::vector<std::string> {
        SQLite::Statement query(db_,
                                "SELECT participant_id FROM enrolment WHERE programme_id = ? ORDER BY participant_id");
        query.bind(1, programme_id);
        std::vector<std::string> out;
        while (query.executeStep()) out.push_back(query.getColumn(0).getString());
        return out;
    });
}

void SqliteStore::enrol(const std::string& participant_id, const std::string& programme_id) {
    guarded(db_, "enrolling a participant", [&] {
        require_write();
        SQLite::Statement insert(db_, "INSERT OR IGNORE INTO enrolment (participant_id, programme_id) VALUES (?, ?)");
        insert.bind(1, participant_id);
        insert.bind(2, programme_id);
        try {
            insert.exec();
        } catch (const SQLite::Exception& e) {
            if (!is_constraint(e)) throw;  // the database failing: guarded() says so
            throw StoreError("cannot enrol " + participant_id + " in " + programme_id +
                             ": no such participant or programme");
        }
        // What she was told before (enrolled earlier) stays: it is what a notice starts from.
        SQLite::Statement told(db_,
                               "INSERT INTO told (participant_id, programme_id, session_id, appointment_id, state, "
                               "serial) VALUES (?, ?, ?, 0, ?, 1) ON CONFLICT DO NOTHING");
        for (const auto& session : sessions(programme_id)) {
            told.bind(1, participant_id);
            told.bind(2, programme_id);
            told.bind(3, session.id);
            told.bind(4, told_state(session));
            told.exec();
            told.reset();
        }
        request_plan("programme:" + programme_id);
    });
}

void SqliteStore::unenrol(const std::string& participant_id, const std::string& programme_id) {
    guarded(db_, "unenrolling a participant", [&] {
        require_write();
        SQLite::Statement remove(db_, "DELETE FROM enrolment WHERE participant_id = ? AND programme_id = ?");
        remove.bind(1, participant_id);
        remove.bind(2, programme_id);
        remove.exec();
        request_plan("programme:" + programme_id);
    });
}

int SqliteStore::anonymous_enrolments(const std::string& programme_id) const {
    return guarded(db_, "reading anonymous enrolments", [&]() -> int {
        SQLite::Statement query(db_, "SELECT count FROM anonymous_enrolment WHERE programme_id = ?");
        query.bind(1, programme_id);
        return query.executeStep() ? query.getColumn(0).getInt() : 0;
    });
}

// --- Appointments ---------------------------------------------------------------------

namespace {
constexpr const char* appointment_select =
    "SELECT id, participant_id, programme_id, start_utc, duration_minutes, address, note, cancelled, version, "
    "changed_at, previous_start_utc FROM appointment";

Appointment appointment_from(SQLite::Statement& query) {
    Appointment a;
    a.id = query.getColumn(0).getInt64();
    const RowRef row{"appointment", std::to_string(a.id)};
    a.participant_id = text_from(query.getColumn(1), row);
    if (!query.getColumn(2).isNull()) a.programme_id = text_from(query.getColumn(2), row);  // none: ""
    a.start_utc = instant_from(query.getColumn(3), row);
    a.duration_minutes = int_from(query.getColumn(4), row);
    a.where = text_from(query.getColumn(5), row);
    a.note = text_from(query.getColumn(6), row);
    a.cancelled = int_from(query.getColumn(7), row) != 0;
    a.version = int_from(query.getColumn(8), row);
    a.changed_at = optional_instant_from(query.getColumn(9), row);
    a.previous_start_utc = optional_instant_from(query.getColumn(10), row);
    return a;
}
}  // namespace

int64_t SqliteStore::put_appointment(const Appointment& a) {
    return guarded(db_, "storing an appointment", [&]() -> int64_t {
        require_write();
        const bool insert = a.id == 0;
        SQLite::Statement& statement = this->statement(
            insert ? "INSERT INTO appointment (participant_id, programme_id, start_utc, duration_minutes, "
                     "address, note, cancelled, version, changed_at, previous_start_utc) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                   : "UPDATE appointment SET participant_id = ?, programme_id = ?, start_utc = ?, "
                     "duration_minutes = ?, address = ?, note = ?, cancelled = ?, version = ?, "
                     "changed_at = ?, previous_start_utc = ? WHERE id = ?");
        statement.bind(1, a.participant_id);
        if (a.programme_id.empty())
            statement.bind(2);
        else
            statement.bind(2, a.programme_id);
        statement.bind(3, a.start_utc.iso());
        statement.bind(4, a.duration_minutes);
        statement.bind(5, a.where);
        statement.bind(6, a.note);
        statement.bind(7, a.cancelled ? 1 : 0);
        statement.bind(8, a.version);
        bind_optional_instant(statement, 9, a.changed_at);
        bind_optional_instant(statement, 10, a.previous_start_utc);
        if (!insert) statement.bind(11, static_cast<int64_t>(a.id));
        try {
            if (statement.exec() == 0) throw StoreError("no appointment with id " + std::to_string(a.id));
        } catch (const SQLite::Exception& e) {
            if (!is_constraint(e)) throw;  // the database failing: guarded() says so
            throw StoreError("appointment for " + a.participant_id + ": " + e.what() +
                             " (the participant and the programme must exist)");
        }
        const int64_t id = insert ? db_.getLastInsertRowid() : a.id;
        request_plan("participant:" + a.participant_id);
        return id;
    });
}

std::optional<Appointment> SqliteStore::appointment(int64_t id) const {
    return guarded(db_, "reading an appointment", [&]() -> std::optional<Appointment> {
        static const std::string sql = std::string(appointment_select) + " WHERE id = ?";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, id);
        if (!query.executeStep()) return std::nullopt;
        Appointment a = appointment_from(query);
        query.reset();
        return a;
    });
}

std::vector<Appointment> SqliteStore::appointments(const std::string& participant_id) const {
    return guarded(db_, "listing appointments", [&]() -> std::vector<Appointment> {
        static const std::string sql =
            std::string(appointment_select) + " WHERE participant_id = ? ORDER BY start_utc, id";
        SQLite::Statement& query = statement(sql.c_str());
        query.bind(1, participant_id);
        std::vector<Appointment> out;
        while (query.executeStep()) out.push_back(appointment_from(query));
        return out;
    });
}

}  // namespace ritme
