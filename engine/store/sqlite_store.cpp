#include "engine/store/sqlite_store.hpp"

#include "engine/store/programme_record.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <boost/date_time/gregorian/parsers.hpp>
#include <boost/date_time/posix_time/time_parsers.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

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
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec("PRAGMA secure_delete = ON");
    db_.setBusyTimeout(5000);
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
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
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

std::optional<Programme> SqliteStore::programme(const std::string& id) const {
    SQLite::Statement& query = statement("SELECT definition FROM programme WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) return std::nullopt;
    return programme_from_record(nlohmann::json::parse(query.getColumn(0).getString()));
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

std::vector<StoredSession> SqliteStore::sessions(const std::string& programme_id) const {
    SQLite::Statement& query = statement(
        "SELECT id, number, date, start_time, end_time, location, start_utc, end_utc, status, version "
        "FROM session WHERE programme_id = ? ORDER BY number");
    query.bind(1, programme_id);
    std::vector<StoredSession> out;
    while (query.executeStep()) {
        StoredSession s;
        s.id = query.getColumn(0).getInt64();
        s.programme_id = programme_id;
        s.number = query.getColumn(1).getInt();
        s.date = date_from(query.getColumn(2).getString());
        s.time = range_from(query.getColumn(3).getString(), query.getColumn(4).getString());
        s.location = query.getColumn(5).getString();
        s.start_utc = instant_from(query.getColumn(6).getString());
        s.end_utc = instant_from(query.getColumn(7).getString());
        s.status = status_from(query.getColumn(8).getString());
        s.version = query.getColumn(9).getInt();
        out.push_back(std::move(s));
    }
    return out;
}

int64_t SqliteStore::put_session(const StoredSession& s) {
    require_write();
    const bool insert = s.id == 0;
    SQLite::Statement& statement = this->statement(
        insert ? "INSERT INTO session (programme_id, number, date, start_time, end_time, location, start_utc, "
                      "end_utc, status, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    : "UPDATE session SET programme_id = ?, number = ?, date = ?, start_time = ?, end_time = ?, "
                      "location = ?, start_utc = ?, end_utc = ?, status = ?, version = ? WHERE id = ?");
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
    if (!insert) statement.bind(11, static_cast<int64_t>(s.id));
    try {
        if (statement.exec() == 0) throw StoreError("no session with id " + std::to_string(s.id));
    } catch (const SQLite::Exception& e) {
        throw StoreError("session " + s.programme_id + "#" + std::to_string(s.number) + ": " + e.what());
    }
    return insert ? db_.getLastInsertRowid() : s.id;
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
}

void SqliteStore::unenrol(const std::string& participant_id, const std::string& programme_id) {
    require_write();
    SQLite::Statement remove(db_, "DELETE FROM enrolment WHERE participant_id = ? AND programme_id = ?");
    remove.bind(1, participant_id);
    remove.bind(2, programme_id);
    remove.exec();
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

}  // namespace ritme

#include "engine/store/sqlite_store_stubs.inc"
