#include "engine/store/sqlite_store.hpp"

#include "engine/store/sqlite_rows.hpp"

#include <SQLiteCpp/Transaction.h>

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
    // 4 → 5: what each participant was last told about a session or appointment, for
    // change notices that tell only the difference. Session or appointment id 0: none.
    R"sql(
CREATE TABLE told (
    participant_id TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    appointment_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    serial INTEGER NOT NULL,
    PRIMARY KEY (participant_id, session_id, appointment_id)
) WITHOUT ROWID;
CREATE INDEX told_by_programme ON told(programme_id) WHERE session_id <> 0;
)sql",
};

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

int SqliteStore::schema_version() const {
    return sqlite_rows::guarded(db_, "reading the schema version",
                                [&] { return db_.execAndGet("PRAGMA user_version").getInt(); });
}

void SqliteStore::migrate_to(int version) {
    const int found = schema_version();
    if (found > current_schema_version)
        throw StoreError("the database " + path() + " has schema version " + std::to_string(found) +
                         ", newer than this ritme (" + std::to_string(current_schema_version) + "); use a newer ritme");
    for (int from = found; from < version; ++from) {
        sqlite_rows::guarded(db_, "migrating the schema", [&] {
            SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::EXCLUSIVE);
            db_.exec(migrations[from]);
            db_.exec("PRAGMA user_version = " + std::to_string(from + 1));
            transaction.commit();
        });
    }
}

}  // namespace ritme
