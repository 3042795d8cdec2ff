#include "engine/store/sqlite_store.hpp"

#include "engine/store/programme_record.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <boost/date_time/gregorian/parsers.hpp>
#include <boost/date_time/posix_time/time_parsers.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <tuple>

namespace ritme {
namespace {

// Each migration takes the schema from its index to the next version. Never edit one
// that has shipped: add a new one.
constexpr std::array<const char*, SqliteStore::current_schema_version> migrations{
    // 0 → 1: programmes, their sessions, the audit trail
    R"sql(
CREATE TABLE programme (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL
);
CREATE TABLE session (
    id INTEGER PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programme(id),
    number INTEGER NOT NULL,
    date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    location TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'moved', 'cancelled')),
    version INTEGER NOT NULL,
    UNIQUE (programme_id, number)
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    command TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL
);
)sql",
    // 1 → 2: schools, participants, their commitments and enrolments
    R"sql(
CREATE TABLE school (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL
);
CREATE TABLE participant (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    language TEXT NOT NULL,
    channel_sms INTEGER NOT NULL,
    channel_email INTEGER NOT NULL,
    sms_opt_out INTEGER NOT NULL,
    children_in_care INTEGER NOT NULL CHECK (children_in_care >= 0),
    school_calendar TEXT NOT NULL
);
CREATE TABLE commitment (
    participant_id TEXT NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    weekday INTEGER,
    date TEXT,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (participant_id, position),
    CHECK ((weekday IS NULL) <> (date IS NULL))
);
CREATE TABLE enrolment (
    participant_id TEXT NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
    programme_id TEXT NOT NULL REFERENCES programme(id),
    PRIMARY KEY (participant_id, programme_id)
);
CREATE INDEX enrolment_by_programme ON enrolment(programme_id);
CREATE TABLE anonymous_enrolment (
    programme_id TEXT PRIMARY KEY REFERENCES programme(id),
    count INTEGER NOT NULL
);
)sql",
    // 2 → 3: what reminders need: session changes, appointments, the outbox, plan
    // requests and settings. Instants in the outbox are UTC seconds since 1970: they are
    // compared and sorted on every claim. A delivery's participant is no reference (an
    // alert goes to the lead); erasing a participant deletes their deliveries itself.
    R"sql(
ALTER TABLE session ADD COLUMN changed_at TEXT;
ALTER TABLE session ADD COLUMN previous_date TEXT;
ALTER TABLE session ADD COLUMN previous_start TEXT;
ALTER TABLE session ADD COLUMN previous_end TEXT;
ALTER TABLE session ADD COLUMN previous_location TEXT;
ALTER TABLE session ADD COLUMN previous_start_utc TEXT;
ALTER TABLE session ADD COLUMN lead_override INTEGER NOT NULL DEFAULT 0 CHECK (lead_override IN (0, 1));
CREATE TABLE appointment (
    id INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participant(id),
    programme_id TEXT REFERENCES programme(id),
    start_utc TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    address TEXT NOT NULL,
    note TEXT NOT NULL,
    cancelled INTEGER NOT NULL CHECK (cancelled IN (0, 1)),
    version INTEGER NOT NULL,
    changed_at TEXT,
    previous_start_utc TEXT
);
CREATE INDEX appointment_by_participant ON appointment(participant_id, start_utc);
CREATE TABLE delivery (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('reminder', 'appointment', 'change', 'alert')),
    programme_id TEXT NOT NULL,
    session_id INTEGER,
    session_version INTEGER NOT NULL,
    appointment_id INTEGER,
    appointment_version INTEGER NOT NULL,
    participant_id TEXT NOT NULL,
    reminder_offset TEXT NOT NULL,
    channel TEXT NOT NULL,
    due_at INTEGER,
    send_at INTEGER NOT NULL,
    expires_at INTEGER,
    state TEXT NOT NULL
        CHECK (state IN ('planned', 'claimed', 'sent', 'retry', 'failed', 'expired', 'cancelled')),
    attempts INTEGER NOT NULL,
    reason TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    provider_status TEXT NOT NULL,
    claimed_by TEXT NOT NULL,
    claimed_until INTEGER,
    updated_at INTEGER,
    sent_at INTEGER,
    payload TEXT NOT NULL
);
CREATE INDEX delivery_due ON delivery(send_at) WHERE state IN ('planned', 'retry');
CREATE INDEX delivery_claimed ON delivery(claimed_until) WHERE state = 'claimed';
CREATE INDEX delivery_by_programme ON delivery(programme_id);
CREATE INDEX delivery_by_participant ON delivery(participant_id);
CREATE INDEX delivery_by_session ON delivery(session_id) WHERE session_id IS NOT NULL;
CREATE INDEX delivery_by_appointment ON delivery(appointment_id) WHERE appointment_id IS NOT NULL;
CREATE TABLE plan_request (
    scope TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
)sql",
    // 3 → 4: delivery receipts, one row per report in the order they arrived (by id).
    // A provider's callback carries only its own id: the index finds the delivery by it.
    R"sql(
CREATE TABLE delivery_receipt (
    id INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES delivery(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    status TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX delivery_receipt_by_delivery ON delivery_receipt(delivery_id);
CREATE INDEX delivery_by_provider_id ON delivery(channel, provider_id) WHERE provider_id <> '';
)sql",
};

std::string status_text(SessionStatus status) { return std::string(name_of(status)); }

SessionStatus status_from(const std::string& text) {
    if (text == "moved") return SessionStatus::moved;
    if (text == "cancelled") return SessionStatus::cancelled;
    return SessionStatus::planned;
}

UtcInstant instant_from(const std::string& iso) {
    // "2026-03-05T08:30:00Z"
    return {boost::posix_time::from_iso_extended_string(iso.substr(0, iso.size() - 1))};
}

Date date_from(const std::string& text) { return boost::gregorian::from_simple_string(text); }

TimeRange range_from(const std::string& start, const std::string& end) {
    return {*TimeOfDay::parse(start), *TimeOfDay::parse(end)};
}

std::optional<UtcInstant> optional_instant_from(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return instant_from(column.getString());
}

void bind_optional_instant(SQLite::Statement& statement, int index, const std::optional<UtcInstant>& instant) {
    if (instant)
        statement.bind(index, instant->iso());
    else
        statement.bind(index);
}

// The outbox keeps instants as UTC seconds since 1970; an unset instant is NULL.
const boost::posix_time::ptime epoch(make_date(1970, 1, 1));

bool is_set(UtcInstant instant) { return !instant.utc.is_special(); }

int64_t seconds_of(UtcInstant instant) { return (instant.utc - epoch).total_seconds(); }

void bind_seconds(SQLite::Statement& statement, int index, UtcInstant instant) {
    if (is_set(instant))
        statement.bind(index, seconds_of(instant));
    else
        statement.bind(index);
}

UtcInstant instant_from_seconds(const SQLite::Column& column) {
    if (column.isNull()) return {};
    return {epoch + boost::posix_time::seconds(column.getInt64())};
}

// SQLite creates a database with the process umask; ritme's holds personal data, so it
// is created 0600 before SQLite opens it.
void create_private_file(const std::string& path) {
    std::error_code ignored;
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return;
    }
    if (errno != EEXIST) throw StoreError("cannot create " + path + ": " + std::strerror(errno));
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, int target_version)
    : db_((create_private_file(path), path), SQLite::OPEN_READWRITE) {
    db_.setBusyTimeout(5000);  // first: another process may be writing while this one opens
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec("PRAGMA secure_delete = ON");
    migrate_to(target_version);
}

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path) { return open_at_version(path, current_schema_version); }

std::unique_ptr<SqliteStore> SqliteStore::open_at_version(const std::string& path, int version) {
    try {
        return std::unique_ptr<SqliteStore>(new SqliteStore(path, version));
    } catch (const SQLite::Exception& e) {
        throw StoreError("cannot open the database " + path + ": " + e.what());
    }
}

int SqliteStore::schema_version() const { return db_.execAndGet("PRAGMA user_version").getInt(); }

void SqliteStore::migrate_to(int version) {
    const int found = schema_version();
    if (found > current_schema_version)
        throw StoreError("the database has schema version " + std::to_string(found) + ", newer than this ritme (" +
                         std::to_string(current_schema_version) + "); use a newer ritme");
    for (int from = found; from < version; ++from) {
        SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::EXCLUSIVE);
        db_.exec(migrations[from]);
        db_.exec("PRAGMA user_version = " + std::to_string(from + 1));
        transaction.commit();
    }
}

void SqliteStore::write(const std::function<void()>& work) {
    if (writing_) throw StoreError("write() inside write()");
    std::optional<SQLite::Transaction> begun;
    try {
        begun.emplace(db_, SQLite::TransactionBehavior::IMMEDIATE);  // busy past the timeout throws here
    } catch (const SQLite::Exception& e) {
        throw StoreError(std::string("database: ") + e.what());
    }
    SQLite::Transaction& transaction = *begun;
    writing_ = true;
    try {
        work();
        transaction.commit();
    } catch (const SQLite::Exception& e) {
        writing_ = false;
        throw StoreError(std::string("database: ") + e.what());
    } catch (...) {
        writing_ = false;
        throw;  // the transaction rolls back as it goes out of scope
    }
    writing_ = false;
}

void SqliteStore::require_write() const {
    if (!writing_) throw StoreError("a change outside write()");
}

SQLite::Statement& SqliteStore::statement(const char* sql) const {
    auto& cached = statements_[sql];
    if (!cached) {
        cached = std::make_unique<SQLite::Statement>(db_, sql);
    } else {
        cached->reset();
        cached->clearBindings();
    }
    return *cached;
}

void SqliteStore::checkpoint() { db_.exec("PRAGMA wal_checkpoint(TRUNCATE)"); }

uint64_t SqliteStore::data_version() const {
    try {
        return static_cast<uint64_t>(db_.execAndGet("PRAGMA data_version").getInt64());
    } catch (const SQLite::Exception& e) {
        throw StoreError(std::string("database: ") + e.what());
    }
}

std::optional<Programme> SqliteStore::programme(const std::string& id) const {
    SQLite::Statement& query = statement("SELECT definition FROM programme WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    const std::string definition = query.getColumn(0).getString();
    query.reset();  // ends the read, so this connection does not hold on to an old snapshot
    return programme_from_record(nlohmann::json::parse(definition));
}

std::vector<std::string> SqliteStore::programme_ids() const {
    SQLite::Statement query(db_, "SELECT id FROM programme ORDER BY id");
    std::vector<std::string> ids;
    while (query.executeStep()) ids.push_back(query.getColumn(0).getString());
    return ids;
}

void SqliteStore::put_programme(const Programme& programme) {
    require_write();
    SQLite::Statement insert(db_,
                             "INSERT INTO programme (id, definition) VALUES (?, ?) "
                             "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition");
    insert.bind(1, programme.id);
    insert.bind(2, programme_record(programme).dump());
    insert.exec();
    request_plan("programme:" + programme.id);
}

std::optional<School> SqliteStore::school(const std::string& id) const {
    SQLite::Statement query(db_, "SELECT definition FROM school WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    return school_from_record(nlohmann::json::parse(query.getColumn(0).getString()));
}

std::vector<std::string> SqliteStore::school_ids() const {
    SQLite::Statement query(db_, "SELECT id FROM school ORDER BY id");
    std::vector<std::string> ids;
    while (query.executeStep()) ids.push_back(query.getColumn(0).getString());
    return ids;
}

void SqliteStore::put_school(const School& school) {
    require_write();
    SQLite::Statement insert(db_,
                             "INSERT INTO school (id, definition) VALUES (?, ?) "
                             "ON CONFLICT (id) DO UPDATE SET definition = excluded.definition");
    insert.bind(1, school.id);
    insert.bind(2, school_record(school).dump());
    insert.exec();
}

namespace {
constexpr const char* session_select =
    "SELECT id, programme_id, number, date, start_time, end_time, location, start_utc, end_utc, status, version, "
    "changed_at, previous_date, previous_start, previous_end, previous_location, previous_start_utc, lead_override "
    "FROM session";

StoredSession session_from(SQLite::Statement& query) {
    StoredSession s;
    s.id = query.getColumn(0).getInt64();
    s.programme_id = query.getColumn(1).getString();
    s.number = query.getColumn(2).getInt();
    s.date = date_from(query.getColumn(3).getString());
    s.time = range_from(query.getColumn(4).getString(), query.getColumn(5).getString());
    s.location = query.getColumn(6).getString();
    s.start_utc = instant_from(query.getColumn(7).getString());
    s.end_utc = instant_from(query.getColumn(8).getString());
    s.status = status_from(query.getColumn(9).getString());
    s.version = query.getColumn(10).getInt();
    s.changed_at = optional_instant_from(query.getColumn(11));
    if (!query.getColumn(12).isNull())
        s.previous = PreviousSlot{date_from(query.getColumn(12).getString()),
                                  range_from(query.getColumn(13).getString(), query.getColumn(14).getString()),
                                  query.getColumn(15).getString(), instant_from(query.getColumn(16).getString())};
    s.lead_override = query.getColumn(17).getInt() != 0;
    return s;
}
}  // namespace

std::vector<StoredSession> SqliteStore::sessions(const std::string& programme_id) const {
    static const std::string sql = std::string(session_select) + " WHERE programme_id = ? ORDER BY number";
    SQLite::Statement& query = statement(sql.c_str());
    query.bind(1, programme_id);
    std::vector<StoredSession> out;
    while (query.executeStep()) out.push_back(session_from(query));
    return out;
}

std::optional<StoredSession> SqliteStore::session(int64_t id) const {
    static const std::string sql = std::string(session_select) + " WHERE id = ?";
    SQLite::Statement& query = statement(sql.c_str());
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    StoredSession s = session_from(query);
    query.reset();  // ends the read, so this connection does not hold on to an old snapshot
    return s;
}

int64_t SqliteStore::put_session(const StoredSession& s) {
    require_write();
    const bool insert = s.id == 0;
    SQLite::Statement& statement = this->statement(
        insert ? "INSERT INTO session (programme_id, number, date, start_time, end_time, location, start_utc, "
                 "end_utc, status, version, changed_at, previous_date, previous_start, previous_end, "
                 "previous_location, previous_start_utc, lead_override) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
               : "UPDATE session SET programme_id = ?, number = ?, date = ?, start_time = ?, end_time = ?, "
                 "location = ?, start_utc = ?, end_utc = ?, status = ?, version = ?, changed_at = ?, "
                 "previous_date = ?, previous_start = ?, previous_end = ?, previous_location = ?, "
                 "previous_start_utc = ?, lead_override = ? WHERE id = ?");
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
    if (!insert) statement.bind(18, static_cast<int64_t>(s.id));
    try {
        if (statement.exec() == 0) throw StoreError("no session with id " + std::to_string(s.id));
    } catch (const SQLite::Exception& e) {
        throw StoreError("session " + s.programme_id + "#" + std::to_string(s.number) + ": " + e.what());
    }
    const int64_t id = insert ? db_.getLastInsertRowid() : s.id;
    request_plan("programme:" + s.programme_id);
    return id;
}

std::vector<Commitment> SqliteStore::commitments_of(const std::string& participant_id) const {
    SQLite::Statement query(db_,
                            "SELECT weekday, date, start_time, end_time, label FROM commitment "
                            "WHERE participant_id = ? ORDER BY position");
    query.bind(1, participant_id);
    std::vector<Commitment> out;
    while (query.executeStep()) {
        Commitment c;
        if (!query.getColumn(0).isNull()) c.weekday = all_weekdays[static_cast<size_t>(query.getColumn(0).getInt())];
        if (!query.getColumn(1).isNull()) c.date = date_from(query.getColumn(1).getString());
        c.time = range_from(query.getColumn(2).getString(), query.getColumn(3).getString());
        c.label = query.getColumn(4).getString();
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
    p.id = query.getColumn(0).getString();
    p.name = query.getColumn(1).getString();
    p.phone = query.getColumn(2).getString();
    p.email = query.getColumn(3).getString();
    p.language = query.getColumn(4).getString();
    p.channels.sms = query.getColumn(5).getInt() != 0;
    p.channels.email = query.getColumn(6).getInt() != 0;
    p.sms_opt_out = query.getColumn(7).getInt() != 0;
    p.children_in_care = query.getColumn(8).getInt();
    p.school_calendar = query.getColumn(9).getString();
    return p;
}
}  // namespace

std::optional<Participant> SqliteStore::participant(const std::string& id) const {
    SQLite::Statement query(db_, std::string(participant_columns) + " WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    Participant p = participant_from(query);
    p.commitments = commitments_of(p.id);
    return p;
}

std::vector<Participant> SqliteStore::participants() const {
    SQLite::Statement query(db_, std::string(participant_columns) + " ORDER BY id");
    std::vector<Participant> out;
    while (query.executeStep()) out.push_back(participant_from(query));
    for (auto& p : out) p.commitments = commitments_of(p.id);
    return out;
}

void SqliteStore::put_participant(const Participant& p) {
    require_write();
    SQLite::Statement upsert(db_,
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
}

void SqliteStore::delete_participant(const std::string& id, bool keep_anonymous_counts) {
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
    SQLite::Statement remove(db_, "DELETE FROM participant WHERE id = ?");
    remove.bind(1, id);
    if (remove.exec() == 0) throw StoreError("no participant " + id);
}

std::vector<std::string> SqliteStore::programmes_of(const std::string& participant_id) const {
    SQLite::Statement query(db_, "SELECT programme_id FROM enrolment WHERE participant_id = ? ORDER BY programme_id");
    query.bind(1, participant_id);
    std::vector<std::string> out;
    while (query.executeStep()) out.push_back(query.getColumn(0).getString());
    return out;
}

std::vector<std::string> SqliteStore::participants_of(const std::string& programme_id) const {
    SQLite::Statement query(db_, "SELECT participant_id FROM enrolment WHERE programme_id = ? ORDER BY participant_id");
    query.bind(1, programme_id);
    std::vector<std::string> out;
    while (query.executeStep()) out.push_back(query.getColumn(0).getString());
    return out;
}

void SqliteStore::enrol(const std::string& participant_id, const std::string& programme_id) {
    require_write();
    SQLite::Statement insert(db_, "INSERT OR IGNORE INTO enrolment (participant_id, programme_id) VALUES (?, ?)");
    insert.bind(1, participant_id);
    insert.bind(2, programme_id);
    try {
        insert.exec();
    } catch (const SQLite::Exception&) {
        throw StoreError("cannot enrol " + participant_id + " in " + programme_id + ": no such participant or programme");
    }
    request_plan("programme:" + programme_id);
}

void SqliteStore::unenrol(const std::string& participant_id, const std::string& programme_id) {
    require_write();
    SQLite::Statement remove(db_, "DELETE FROM enrolment WHERE participant_id = ? AND programme_id = ?");
    remove.bind(1, participant_id);
    remove.bind(2, programme_id);
    remove.exec();
    request_plan("programme:" + programme_id);
}

int SqliteStore::anonymous_enrolments(const std::string& programme_id) const {
    SQLite::Statement query(db_, "SELECT count FROM anonymous_enrolment WHERE programme_id = ?");
    query.bind(1, programme_id);
    return query.executeStep() ? query.getColumn(0).getInt() : 0;
}

void SqliteStore::record(const AuditEntry& entry) {
    require_write();
    SQLite::Statement& insert =
        statement("INSERT INTO audit (at, actor, command, action, subject, details) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, entry.at.iso());
    insert.bind(2, entry.actor);
    insert.bind(3, entry.command);
    insert.bind(4, entry.action);
    insert.bind(5, entry.subject);
    insert.bind(6, entry.details);
    insert.exec();
}

std::vector<AuditEntry> SqliteStore::audit() const {
    SQLite::Statement query(db_, "SELECT id, at, actor, command, action, subject, details FROM audit ORDER BY id");
    std::vector<AuditEntry> out;
    while (query.executeStep())
        out.push_back({query.getColumn(0).getInt64(), instant_from(query.getColumn(1).getString()),
                       query.getColumn(2).getString(), query.getColumn(3).getString(), query.getColumn(4).getString(),
                       query.getColumn(5).getString(), query.getColumn(6).getString()});
    return out;
}

// --- Appointments ---------------------------------------------------------------------

namespace {
constexpr const char* appointment_select =
    "SELECT id, participant_id, programme_id, start_utc, duration_minutes, address, note, cancelled, version, "
    "changed_at, previous_start_utc FROM appointment";

Appointment appointment_from(SQLite::Statement& query) {
    Appointment a;
    a.id = query.getColumn(0).getInt64();
    a.participant_id = query.getColumn(1).getString();
    a.programme_id = query.getColumn(2).getString();  // NULL reads as ""
    a.start_utc = instant_from(query.getColumn(3).getString());
    a.duration_minutes = query.getColumn(4).getInt();
    a.where = query.getColumn(5).getString();
    a.note = query.getColumn(6).getString();
    a.cancelled = query.getColumn(7).getInt() != 0;
    a.version = query.getColumn(8).getInt();
    a.changed_at = optional_instant_from(query.getColumn(9));
    a.previous_start_utc = optional_instant_from(query.getColumn(10));
    return a;
}
}  // namespace

int64_t SqliteStore::put_appointment(const Appointment& a) {
    require_write();
    const bool insert = a.id == 0;
    SQLite::Statement& statement =
        this->statement(insert ? "INSERT INTO appointment (participant_id, programme_id, start_utc, duration_minutes, "
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
        throw StoreError("appointment for " + a.participant_id + ": " + e.what() +
                         " (the participant and the programme must exist)");
    }
    const int64_t id = insert ? db_.getLastInsertRowid() : a.id;
    request_plan("participant:" + a.participant_id);
    return id;
}

std::optional<Appointment> SqliteStore::appointment(int64_t id) const {
    static const std::string sql = std::string(appointment_select) + " WHERE id = ?";
    SQLite::Statement& query = statement(sql.c_str());
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    Appointment a = appointment_from(query);
    query.reset();
    return a;
}

std::vector<Appointment> SqliteStore::appointments(const std::string& participant_id) const {
    static const std::string sql =
        std::string(appointment_select) + " WHERE participant_id = ? ORDER BY start_utc, id";
    SQLite::Statement& query = statement(sql.c_str());
    query.bind(1, participant_id);
    std::vector<Appointment> out;
    while (query.executeStep()) out.push_back(appointment_from(query));
    return out;
}

// --- Deliveries -----------------------------------------------------------------------

namespace {
constexpr const char* delivery_columns =
    "id, key, kind, programme_id, session_id, session_version, appointment_id, appointment_version, "
    "participant_id, reminder_offset, channel, due_at, send_at, expires_at, state, attempts, reason, provider_id, "
    "provider_status, claimed_by, claimed_until, updated_at, sent_at, payload";

// Whether a delivery is still about its subject as it is now: computed in the claim
// itself, for the whole batch at once.
constexpr const char* subject_current =
    "(session_id IS NULL OR EXISTS (SELECT 1 FROM session WHERE session.id = delivery.session_id "
    "AND session.version = delivery.session_version "
    "AND (delivery.kind <> 'reminder' OR session.status <> 'cancelled'))) "
    "AND (appointment_id IS NULL OR EXISTS (SELECT 1 FROM appointment WHERE appointment.id = delivery.appointment_id "
    "AND appointment.version = delivery.appointment_version "
    "AND (delivery.kind <> 'appointment' OR appointment.cancelled = 0)))";

Delivery delivery_from(SQLite::Statement& query) {
    Delivery d;
    d.id = query.getColumn(0).getInt64();
    d.key = query.getColumn(1).getString();
    d.kind = parse_delivery_kind(query.getColumn(2).getString()).value_or(DeliveryKind::reminder);
    d.programme_id = query.getColumn(3).getString();
    d.session_id = query.getColumn(4).getInt64();  // NULL reads as 0
    d.session_version = query.getColumn(5).getInt();
    d.appointment_id = query.getColumn(6).getInt64();
    d.appointment_version = query.getColumn(7).getInt();
    d.participant_id = query.getColumn(8).getString();
    d.offset = query.getColumn(9).getString();
    d.channel = query.getColumn(10).getString();
    d.due_at = instant_from_seconds(query.getColumn(11));
    d.send_at = instant_from_seconds(query.getColumn(12));
    d.expires_at = instant_from_seconds(query.getColumn(13));
    d.state = parse_delivery_state(query.getColumn(14).getString()).value_or(DeliveryState::planned);
    d.attempts = query.getColumn(15).getInt();
    d.reason = query.getColumn(16).getString();
    d.provider_id = query.getColumn(17).getString();
    d.provider_status = query.getColumn(18).getString();
    d.claimed_by = query.getColumn(19).getString();
    d.claimed_until = instant_from_seconds(query.getColumn(20));
    d.updated_at = instant_from_seconds(query.getColumn(21));
    if (!query.getColumn(22).isNull()) d.sent_at = instant_from_seconds(query.getColumn(22));
    d.payload = query.getColumn(23).getString();
    return d;
}

void bind_id_or_null(SQLite::Statement& statement, int index, int64_t id) {
    if (id != 0)
        statement.bind(index, id);
    else
        statement.bind(index);
}

// "'planned', 'retry'": enum names in the enum's order, so the text matches the partial
// indexes' WHERE clauses and SQLite can use them.
template <typename Enum>
std::string quoted_list(std::vector<Enum> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    std::string list;
    for (const Enum value : values) list += (list.empty() ? "'" : ", '") + std::string(name_of(value)) + "'";
    return list;
}

bool by_send_time(const ClaimedDelivery& a, const ClaimedDelivery& b) {
    if (a.delivery.send_at == b.delivery.send_at) return a.delivery.id < b.delivery.id;
    return a.delivery.send_at < b.delivery.send_at;
}
}  // namespace

int64_t SqliteStore::add_delivery(const Delivery& d) {
    require_write();
    if (!is_set(d.send_at)) throw StoreError("delivery " + d.key + " has no send time");
    if (d.state == DeliveryState::claimed && !is_set(d.claimed_until))
        throw StoreError("delivery " + d.key + " is claimed without a lease");
    static const std::string sql =
        std::string("INSERT INTO delivery (") + delivery_columns +
        ") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (key) DO NOTHING";
    SQLite::Statement& insert = statement(sql.c_str());
    insert.bind(1, d.key);
    insert.bind(2, std::string(name_of(d.kind)));
    insert.bind(3, d.programme_id);
    bind_id_or_null(insert, 4, d.session_id);
    insert.bind(5, d.session_version);
    bind_id_or_null(insert, 6, d.appointment_id);
    insert.bind(7, d.appointment_version);
    insert.bind(8, d.participant_id);
    insert.bind(9, d.offset);
    insert.bind(10, d.channel);
    bind_seconds(insert, 11, d.due_at);
    bind_seconds(insert, 12, d.send_at);
    bind_seconds(insert, 13, d.expires_at);
    insert.bind(14, std::string(name_of(d.state)));
    insert.bind(15, d.attempts);
    insert.bind(16, d.reason);
    insert.bind(17, d.provider_id);
    insert.bind(18, d.provider_status);
    insert.bind(19, d.claimed_by);
    bind_seconds(insert, 20, d.claimed_until);
    bind_seconds(insert, 21, d.updated_at);
    bind_seconds(insert, 22, d.sent_at.value_or(UtcInstant{}));
    insert.bind(23, d.payload);
    return insert.exec() == 0 ? 0 : db_.getLastInsertRowid();
}

std::optional<Delivery> SqliteStore::delivery(int64_t id) const {
    static const std::string sql = std::string("SELECT ") + delivery_columns + " FROM delivery WHERE id = ?";
    SQLite::Statement& query = statement(sql.c_str());
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    Delivery d = delivery_from(query);
    query.reset();
    return d;
}

std::vector<Delivery> SqliteStore::deliveries(const DeliveryQuery& q) const {
    // Built for the filters given, so SQLite picks the index that fits them.
    std::string sql = std::string("SELECT ") + delivery_columns + " FROM delivery WHERE 1";
    if (q.programme_id) sql += " AND programme_id = :programme";
    if (q.participant_id) sql += " AND participant_id = :participant";
    if (q.session_id) sql += *q.session_id ? " AND session_id = :session" : " AND session_id IS NULL";
    if (q.appointment_id)
        sql += *q.appointment_id ? " AND appointment_id = :appointment" : " AND appointment_id IS NULL";
    if (!q.kinds.empty()) sql += " AND kind IN (" + quoted_list(q.kinds) + ")";
    if (!q.states.empty()) sql += " AND state IN (" + quoted_list(q.states) + ")";
    if (q.updated_since) sql += " AND updated_at >= :since";
    sql += q.newest_first ? " ORDER BY updated_at DESC, id DESC" : " ORDER BY send_at, id";
    if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);

    SQLite::Statement query(db_, sql);
    if (q.programme_id) query.bind(":programme", *q.programme_id);
    if (q.participant_id) query.bind(":participant", *q.participant_id);
    if (q.session_id && *q.session_id) query.bind(":session", *q.session_id);
    if (q.appointment_id && *q.appointment_id) query.bind(":appointment", *q.appointment_id);
    if (q.updated_since) bind_seconds(query, query.getIndex(":since"), *q.updated_since);
    std::vector<Delivery> out;
    while (query.executeStep()) out.push_back(delivery_from(query));
    return out;
}

void SqliteStore::cancel_delivery(int64_t id, const std::string& reason, UtcInstant at) {
    require_write();
    SQLite::Statement& update = statement(
        "UPDATE delivery SET state = 'cancelled', reason = ?, updated_at = ? "
        "WHERE id = ? AND state IN ('planned', 'retry')");
    update.bind(1, reason);
    bind_seconds(update, 2, at);
    update.bind(3, id);
    update.exec();
}

std::vector<ClaimedDelivery> SqliteStore::claim_due(UtcInstant now, int limit, const std::string& owner,
                                                    UtcInstant lease_until) {
    require_write();
    if (!is_set(now) || !is_set(lease_until)) throw StoreError("a claim needs the time and the end of its lease");
    if (limit <= 0) return {};
    // One statement claims the batch and says for each row whether its subject is still
    // current. Each half of the union reads at most `limit` rows from its own index.
    // write()'s IMMEDIATE transaction keeps other processes out until it commits.
    static const std::string sql =
        std::string(
            "UPDATE delivery SET state = 'claimed', claimed_by = ?1, claimed_until = ?2, attempts = attempts + 1, "
            "updated_at = ?3 WHERE id IN (SELECT id FROM ("
            "SELECT id, send_at FROM (SELECT id, send_at FROM delivery WHERE state IN ('planned', 'retry') "
            "AND send_at <= ?3 ORDER BY send_at, id LIMIT ?4) "
            "UNION ALL "
            "SELECT id, send_at FROM (SELECT id, send_at FROM delivery WHERE state = 'claimed' "
            "AND claimed_until < ?3 ORDER BY send_at, id LIMIT ?4) "
            "ORDER BY send_at, id LIMIT ?4)) RETURNING ") +
        delivery_columns + ", " + subject_current;
    SQLite::Statement& claim = statement(sql.c_str());
    claim.bind(1, owner);
    bind_seconds(claim, 2, lease_until);
    bind_seconds(claim, 3, now);
    claim.bind(4, limit);
    std::vector<ClaimedDelivery> out;
    while (claim.executeStep()) out.push_back({delivery_from(claim), claim.getColumn(24).getInt() != 0});
    std::sort(out.begin(), out.end(), by_send_time);  // RETURNING gives no order
    return out;
}

std::vector<int64_t> SqliteStore::finish(const std::vector<DeliveryOutcome>& outcomes) {
    require_write();
    std::vector<int64_t> written;
    SQLite::Statement& update = statement(
        "UPDATE delivery SET state = ?2, reason = ?3, provider_id = ?4, "
        "provider_status = CASE WHEN EXISTS (SELECT 1 FROM delivery_receipt WHERE delivery_id = ?1) "
        "THEN provider_status ELSE ?5 END, updated_at = ?6, "
        "sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END, send_at = coalesce(?7, send_at) "
        "WHERE id = ?1 AND state = 'claimed' AND (?8 = '' OR claimed_by = ?8)");
    for (const auto& outcome : outcomes) {
        if (outcome.state == DeliveryState::planned || outcome.state == DeliveryState::claimed)
            throw StoreError("delivery " + std::to_string(outcome.id) + " cannot finish as " +
                             std::string(name_of(outcome.state)));
        update.reset();
        update.bind(1, outcome.id);
        update.bind(2, std::string(name_of(outcome.state)));
        update.bind(3, outcome.reason);
        update.bind(4, outcome.provider_id);
        update.bind(5, outcome.provider_status);
        bind_seconds(update, 6, outcome.at);
        if (outcome.state == DeliveryState::retry)
            bind_seconds(update, 7, outcome.retry_at.value_or(outcome.at));
        else
            update.bind(7);
        update.bind(8, outcome.claimed_by);
        if (update.exec() > 0) written.push_back(outcome.id);
    }
    return written;
}

int SqliteStore::renew_claims(const std::string& owner, const std::vector<int64_t>& ids, UtcInstant until) {
    require_write();
    SQLite::Statement& update =
        statement("UPDATE delivery SET claimed_until = ?1 WHERE id = ?2 AND state = 'claimed' AND claimed_by = ?3");
    int renewed = 0;
    for (const int64_t id : ids) {
        update.reset();
        bind_seconds(update, 1, until);
        update.bind(2, id);
        update.bind(3, owner);
        renewed += update.exec();
    }
    return renewed;
}

std::optional<UtcInstant> SqliteStore::next_send_at() const {
    // Two index lookups: the first due row, and the first claim to run out.
    std::optional<UtcInstant> next;
    for (const char* sql :
         {"SELECT send_at FROM delivery WHERE state IN ('planned', 'retry') ORDER BY send_at LIMIT 1",
          "SELECT claimed_until FROM delivery WHERE state = 'claimed' ORDER BY claimed_until LIMIT 1"}) {
        SQLite::Statement& query = statement(sql);
        if (!query.executeStep()) continue;
        const UtcInstant found = instant_from_seconds(query.getColumn(0));
        query.reset();
        if (!next || found < *next) next = found;
    }
    return next;
}

std::vector<std::string> SqliteStore::claim_owners() const {
    SQLite::Statement& query =
        statement("SELECT DISTINCT claimed_by FROM delivery WHERE state = 'claimed' ORDER BY claimed_by");
    std::vector<std::string> out;
    while (query.executeStep()) out.push_back(query.getColumn(0).getString());
    return out;
}

int SqliteStore::release_claims(const std::string& owner, UtcInstant now, const std::string& reason) {
    require_write();
    SQLite::Statement& update = statement(
        "UPDATE delivery SET state = 'retry', send_at = ?1, updated_at = ?1, reason = ?2, claimed_by = '' "
        "WHERE state = 'claimed' AND claimed_by = ?3");
    bind_seconds(update, 1, now);
    update.bind(2, reason);
    update.bind(3, owner);
    return update.exec();
}

std::vector<DeliveryCount> SqliteStore::delivery_counts() const {
    SQLite::Statement& query = statement("SELECT state, channel, count(*) FROM delivery GROUP BY state, channel");
    std::vector<DeliveryCount> out;
    while (query.executeStep())
        out.push_back({parse_delivery_state(query.getColumn(0).getString()).value_or(DeliveryState::planned),
                       query.getColumn(1).getString(), query.getColumn(2).getInt()});
    std::sort(out.begin(), out.end(), [](const DeliveryCount& a, const DeliveryCount& b) {
        return std::tie(a.state, a.channel) < std::tie(b.state, b.channel);
    });
    return out;
}

// --- Delivery receipts ------------------------------------------------------------------

std::optional<Delivery> SqliteStore::delivery_by_provider_id(const std::string& channel,
                                                             const std::string& provider_id) const {
    if (provider_id.empty()) return std::nullopt;
    // "provider_id <> ''" repeats the partial index's condition, so SQLite uses it.
    static const std::string sql = std::string("SELECT ") + delivery_columns +
                                   " FROM delivery WHERE channel = ? AND provider_id = ? AND provider_id <> '' "
                                   "ORDER BY id DESC LIMIT 1";
    SQLite::Statement& query = statement(sql.c_str());
    query.bind(1, channel);
    query.bind(2, provider_id);
    if (!query.executeStep()) return std::nullopt;
    Delivery d = delivery_from(query);
    query.reset();
    return d;
}

bool SqliteStore::add_receipt(const DeliveryReceipt& receipt) {
    require_write();
    if (!is_set(receipt.at)) throw StoreError("a receipt for delivery " + std::to_string(receipt.delivery_id) +
                                              " has no time of arrival");
    SQLite::Statement& update = statement("UPDATE delivery SET provider_status = ? WHERE id = ?");
    update.bind(1, receipt.status);
    update.bind(2, receipt.delivery_id);
    if (update.exec() == 0) return false;
    SQLite::Statement& insert =
        statement("INSERT INTO delivery_receipt (delivery_id, at, status, detail) VALUES (?, ?, ?, ?)");
    insert.bind(1, receipt.delivery_id);
    bind_seconds(insert, 2, receipt.at);
    insert.bind(3, receipt.status);
    insert.bind(4, receipt.detail);
    insert.exec();
    return true;
}

std::vector<DeliveryReceipt> SqliteStore::receipts(int64_t delivery_id) const {
    SQLite::Statement& query =
        statement("SELECT delivery_id, at, status, detail FROM delivery_receipt WHERE delivery_id = ? ORDER BY id");
    query.bind(1, delivery_id);
    std::vector<DeliveryReceipt> out;
    while (query.executeStep())
        out.push_back({query.getColumn(0).getInt64(), instant_from_seconds(query.getColumn(1)),
                       query.getColumn(2).getString(), query.getColumn(3).getString()});
    return out;
}

// --- Plan requests and settings ---------------------------------------------------------

void SqliteStore::request_plan(const std::string& scope) {
    require_write();
    SQLite::Statement& insert = statement("INSERT OR IGNORE INTO plan_request (scope) VALUES (?)");
    insert.bind(1, scope);
    insert.exec();
}

std::vector<std::string> SqliteStore::plan_requests() const {
    SQLite::Statement& query = statement("SELECT scope FROM plan_request ORDER BY scope");
    std::vector<std::string> out;
    while (query.executeStep()) out.push_back(query.getColumn(0).getString());
    return out;
}

void SqliteStore::clear_plan_request(const std::string& scope) {
    require_write();
    SQLite::Statement& remove = statement("DELETE FROM plan_request WHERE scope = ?");
    remove.bind(1, scope);
    remove.exec();
}

std::optional<std::string> SqliteStore::setting(const std::string& key) const {
    SQLite::Statement& query = statement("SELECT value FROM setting WHERE key = ?");
    query.bind(1, key);
    if (!query.executeStep()) return std::nullopt;
    std::string value = query.getColumn(0).getString();
    query.reset();
    return value;
}

void SqliteStore::put_setting(const std::string& key, const std::string& value) {
    require_write();
    SQLite::Statement& upsert = statement(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    upsert.bind(1, key);
    upsert.bind(2, value);
    upsert.exec();
}

}  // namespace ritme
