#include "engine/store/sqlite_store.hpp"

#include "engine/store/session_identity.hpp"
#include "engine/store/sqlite_rows.hpp"

#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

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
    // 4 → 5: a session is an occurrence of a slot on its planned date, no longer its
    // number: numbers may change and repeat (a session an apply cancelled keeps its
    // old one). SQLite cannot drop a constraint, so the table is made anew. Slot and
    // planned date stay empty here; derive_missing_session_identities() fills them
    // from the programme as applied, which SQL cannot generate.
    R"sql(
CREATE TABLE session_by_slot (
    id INTEGER PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programme(id),
    number INTEGER NOT NULL,
    slot INTEGER,
    planned_date TEXT,
    date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    location TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    end_utc TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'moved', 'cancelled')),
    version INTEGER NOT NULL,
    changed_at TEXT,
    previous_date TEXT,
    previous_start TEXT,
    previous_end TEXT,
    previous_location TEXT,
    previous_start_utc TEXT,
    lead_override INTEGER NOT NULL DEFAULT 0 CHECK (lead_override IN (0, 1)),
    UNIQUE (programme_id, slot, planned_date)
);
INSERT INTO session_by_slot (id, programme_id, number, date, start_time, end_time, location, start_utc, end_utc,
    status, version, changed_at, previous_date, previous_start, previous_end, previous_location,
    previous_start_utc, lead_override)
SELECT id, programme_id, number, date, start_time, end_time, location, start_utc, end_utc, status, version,
    changed_at, previous_date, previous_start, previous_end, previous_location, previous_start_utc, lead_override
FROM session;
DROP TABLE session;
ALTER TABLE session_by_slot RENAME TO session;
CREATE INDEX session_by_number ON session(programme_id, number);
)sql",
    // 5 → 6: what each participant was last told about a session or appointment, for
    // change notices that tell only the difference. Session or appointment id 0: none.
    // Whoever is enrolled was told the calendar as it stands, or, where a change notice
    // is still to go, the calendar before that change (a session's previous slot, with
    // the other status), so that notice still goes. The states are written as
    // told_state() writes them: the same keys in the same order.
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
INSERT INTO told (participant_id, programme_id, session_id, appointment_id, state, serial)
SELECT e.participant_id, s.programme_id, s.id, 0,
    CASE WHEN s.previous_date IS NOT NULL AND EXISTS (
            SELECT 1 FROM delivery d
            WHERE d.kind = 'change' AND d.session_id = s.id AND d.participant_id = e.participant_id
              AND d.state IN ('planned', 'retry', 'claimed'))
        THEN json_object('date', s.previous_date, 'end', s.previous_end, 'location', s.previous_location,
                         'start', s.previous_start,
                         'status', CASE s.status WHEN 'planned' THEN 'cancelled' ELSE 'planned' END)
        ELSE json_object('date', s.date, 'end', s.end_time, 'location', s.location, 'start', s.start_time,
                         'status', CASE s.status WHEN 'cancelled' THEN 'cancelled' ELSE 'planned' END)
    END, 1
FROM enrolment e JOIN session s ON s.programme_id = e.programme_id;
)sql",
    // 6 → 7: a gateway repeats a report it did not see answered; its key (Kannel's type
    // and words, a provider's status and code) makes the repeat recognisable, so each
    // report is stored once per delivery. Reports stored before have no key ('').
    R"sql(
ALTER TABLE delivery_receipt ADD COLUMN report_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX delivery_receipt_once ON delivery_receipt(delivery_id, report_key) WHERE report_key <> '';
)sql",
    // 7 → 8: participants' answers and attendance, and the outbox's two new kinds (a
    // confirmation to her, her answer to the lead). SQLite cannot change a CHECK
    // constraint, so the outbox is made anew. Dropping the old table deletes its rows
    // first, and with foreign keys on that cascades to their receipts: those are kept
    // aside and put back. An answer's participant is no reference (erasing her deletes
    // her answers itself, as it does her deliveries); her words are kept nowhere else.
    R"sql(
CREATE TABLE delivery_v8 (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
        CHECK (kind IN ('reminder', 'appointment', 'change', 'alert', 'confirmation', 'answer-alert')),
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
INSERT INTO delivery_v8 SELECT * FROM delivery;
CREATE TEMP TABLE receipt_v8 AS SELECT * FROM delivery_receipt;
DROP TABLE delivery;
ALTER TABLE delivery_v8 RENAME TO delivery;
DELETE FROM delivery_receipt;
INSERT INTO delivery_receipt SELECT * FROM temp.receipt_v8;
DROP TABLE temp.receipt_v8;
CREATE INDEX delivery_due ON delivery(send_at) WHERE state IN ('planned', 'retry');
CREATE INDEX delivery_claimed ON delivery(claimed_until) WHERE state = 'claimed';
CREATE INDEX delivery_by_programme ON delivery(programme_id);
CREATE INDEX delivery_by_participant ON delivery(participant_id);
CREATE INDEX delivery_by_session ON delivery(session_id) WHERE session_id IS NOT NULL;
CREATE INDEX delivery_by_appointment ON delivery(appointment_id) WHERE appointment_id IS NOT NULL;
CREATE INDEX delivery_by_provider_id ON delivery(channel, provider_id) WHERE provider_id <> '';
CREATE TABLE answer (
    id INTEGER PRIMARY KEY,
    participant_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    words TEXT NOT NULL,
    read_as TEXT NOT NULL CHECK (read_as IN ('cannot_come', 'coming', 'stop', 'start', 'free_text')),
    programme_id TEXT NOT NULL,
    delivery_id INTEGER NOT NULL,
    session_id INTEGER NOT NULL,
    appointment_id INTEGER NOT NULL,
    too_late INTEGER NOT NULL CHECK (too_late IN (0, 1)),
    for_lead INTEGER NOT NULL CHECK (for_lead IN (0, 1)),
    lead_delivery_id INTEGER NOT NULL
);
CREATE INDEX answer_by_participant ON answer(participant_id);
CREATE TABLE attendance (
    participant_id TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    appointment_id INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    at TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (participant_id, session_id, appointment_id)
) WITHOUT ROWID;
CREATE INDEX attendance_by_programme ON attendance(programme_id) WHERE session_id <> 0;
)sql",
    // 8 → 9: leads, the programmes they lead, their sign-in links and sessions (hashed)
    R"sql(
CREATE TABLE lead (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    mobile TEXT NOT NULL
);
CREATE TABLE lead_programme (
    lead_id TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    PRIMARY KEY (lead_id, programme_id)
) WITHOUT ROWID;
CREATE TABLE lead_token (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('signin', 'session')),
    lead_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX lead_token_by_lead ON lead_token(lead_id);
)sql",
    // 9 → 10: follow-ups for the lead, one per key (a cause never gives two), open until
    // marked done; and the outbox's new kinds: a follow-up told to the lead, and her daily
    // overview. As in 7 → 8, the outbox is made anew for its CHECK, its receipts kept
    // aside and put back.
    R"sql(
CREATE TABLE delivery_v10 (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
        CHECK (kind IN ('reminder', 'appointment', 'change', 'alert', 'confirmation', 'answer-alert', 'follow-up',
                        'overview')),
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
INSERT INTO delivery_v10 SELECT * FROM delivery;
CREATE TEMP TABLE receipt_v10 AS SELECT * FROM delivery_receipt;
DROP TABLE delivery;
ALTER TABLE delivery_v10 RENAME TO delivery;
DELETE FROM delivery_receipt;
INSERT INTO delivery_receipt SELECT * FROM temp.receipt_v10;
DROP TABLE temp.receipt_v10;
CREATE INDEX delivery_due ON delivery(send_at) WHERE state IN ('planned', 'retry');
CREATE INDEX delivery_claimed ON delivery(claimed_until) WHERE state = 'claimed';
CREATE INDEX delivery_by_programme ON delivery(programme_id);
CREATE INDEX delivery_by_participant ON delivery(participant_id);
CREATE INDEX delivery_by_session ON delivery(session_id) WHERE session_id IS NOT NULL;
CREATE INDEX delivery_by_appointment ON delivery(appointment_id) WHERE appointment_id IS NOT NULL;
CREATE INDEX delivery_by_provider_id ON delivery(channel, provider_id) WHERE provider_id <> '';
CREATE TABLE follow_up (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    cause TEXT NOT NULL CHECK (cause IN ('absent-without-notice', 'absences-in-a-row', 'no-answers-in-a-row')),
    participant_id TEXT NOT NULL,
    programme_id TEXT NOT NULL,
    session_id INTEGER NOT NULL,
    count INTEGER NOT NULL CHECK (count > 0),
    created_at TEXT NOT NULL,
    done_at TEXT,
    done_by TEXT NOT NULL
);
CREATE INDEX follow_up_by_programme ON follow_up(programme_id);
CREATE INDEX follow_up_by_participant ON follow_up(participant_id);
)sql",
    // 10 → 11: calendar feeds (their tokens hashed, revoked rather than deleted), the
    // lead's messages to her group, and the outbox's `group` kind: one delivery per
    // participant naming the message. As in 7 → 8, the outbox is made anew for its CHECK
    // (with every kind of version 10), its receipts kept aside and put back.
    R"sql(
CREATE TABLE delivery_v11 (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
        CHECK (kind IN ('reminder', 'appointment', 'change', 'alert', 'confirmation', 'answer-alert', 'follow-up',
                        'overview', 'group')),
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
INSERT INTO delivery_v11 SELECT * FROM delivery;
CREATE TEMP TABLE receipt_v11 AS SELECT * FROM delivery_receipt;
DROP TABLE delivery;
ALTER TABLE delivery_v11 RENAME TO delivery;
DELETE FROM delivery_receipt;
INSERT INTO delivery_receipt SELECT * FROM temp.receipt_v11;
DROP TABLE temp.receipt_v11;
CREATE INDEX delivery_due ON delivery(send_at) WHERE state IN ('planned', 'retry');
CREATE INDEX delivery_claimed ON delivery(claimed_until) WHERE state = 'claimed';
CREATE INDEX delivery_by_programme ON delivery(programme_id);
CREATE INDEX delivery_by_participant ON delivery(participant_id);
CREATE INDEX delivery_by_session ON delivery(session_id) WHERE session_id IS NOT NULL;
CREATE INDEX delivery_by_appointment ON delivery(appointment_id) WHERE appointment_id IS NOT NULL;
CREATE INDEX delivery_by_provider_id ON delivery(channel, provider_id) WHERE provider_id <> '';
CREATE TABLE feed_token (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('programme', 'creche', 'participant')),
    programme_id TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX feed_token_by_programme ON feed_token(programme_id);
CREATE TABLE group_message (
    id INTEGER PRIMARY KEY,
    programme_id TEXT NOT NULL,
    texts TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    send_at TEXT NOT NULL
);
)sql",
    // 11 → 12: a receipt's two indexes become one. Each receipt lands on a random page of
    // every index on it (reports arrive in no order of delivery), and with two indexes a
    // commit of a few dozen receipts wrote twice as many pages to the log: most of what a
    // receipt cost. One index on (delivery, key) finds a delivery's receipts and a repeated
    // report alike; the repeat is refused by the read before each insert, in the same write
    // transaction (SQLite has one writer at a time).
    R"sql(
DROP INDEX delivery_receipt_once;
DROP INDEX delivery_receipt_by_delivery;
CREATE INDEX delivery_receipt_by_delivery ON delivery_receipt(delivery_id, report_key);
)sql",
    // 12 → 13: leases on work one daemon does for all that share the database; `until`
    // in UTC seconds, as the outbox keeps its times.
    R"sql(
CREATE TABLE lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until INTEGER NOT NULL
) WITHOUT ROWID;
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

// SQLite's process-wide settings, made once before its first connection. Allocation
// statistics off: with them on, every allocation and free in SQLite takes one global
// mutex, and a receipt's insert allocates dozens of times. ritme never reads them.
void configure_sqlite_library() {
    static const bool configured = [] {
        // SQLITE_MISUSE when another part of the process opened SQLite first: then its
        // defaults stay, which is slower, not wrong.
        return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    }();
    (void)configured;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, int target_version, Threads threads)
    : db_((configure_sqlite_library(), create_private_file(path), path),
          SQLite::OPEN_READWRITE | (threads == Threads::one_at_a_time ? SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_FULLMUTEX)) {
    db_.setBusyTimeout(5000);  // first: another process may be writing while this one opens
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec("PRAGMA secure_delete = ON");
    // Each statement in a long transaction keeps a statement journal to undo itself on a
    // constraint error; in a temporary file that was 28 writes per outbox row planned.
    // In memory it costs no system calls.
    db_.exec("PRAGMA temp_store = MEMORY");
    migrate_to(target_version);
}

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path, Threads threads) {
    return open_at_version(path, current_schema_version, threads);
}

std::unique_ptr<SqliteStore> SqliteStore::open_at_version(const std::string& path, int version, Threads threads) {
    try {
        return std::unique_ptr<SqliteStore>(new SqliteStore(path, version, threads));
    } catch (const SQLite::Exception& e) {
        throw StoreError("cannot open the database " + path + ": " + e.what());
    }
}

int SqliteStore::schema_version() const {
    return sqlite_rows::guarded(db_, "reading the schema version",
                                [&] { return db_.execAndGet("PRAGMA user_version").getInt(); });
}

int SqliteStore::known_schema_version() const {
    const int found = schema_version();
    if (found < 0)
        throw StoreError("the database " + path() + " is not a ritme database: its schema version (user_version) is " +
                         std::to_string(found));
    if (found > current_schema_version)
        throw StoreError("the database " + path() + " has schema version " + std::to_string(found) +
                         ", newer than this ritme (" + std::to_string(current_schema_version) + "); use a newer ritme");
    return found;
}

void SqliteStore::migrate_to(int version) {
    // Most opens find the schema as it should be, and need no write lock for that.
    if (known_schema_version() < version) {
        sqlite_rows::guarded(db_, "migrating the schema", [&] {
            // The version is read again under the write lock: another process may have
            // migrated between the read above and this one, and then there is nothing to do.
            SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
            const int found = known_schema_version();
            if (found == 0 && db_.execAndGet("SELECT COUNT(*) FROM sqlite_master").getInt() > 0)
                throw StoreError("the database " + path() +
                                 " is not a ritme database: it holds tables but no ritme schema version");
            for (int from = found; from < version; ++from) {
                db_.exec(migrations[static_cast<size_t>(from)]);
                db_.exec("PRAGMA user_version = " + std::to_string(from + 1));
            }
            transaction.commit();
        });
    }
    derive_missing_session_identities();
}

void SqliteStore::derive_missing_session_identities() {
    sqlite_rows::guarded(db_, "deriving the sessions' slots and planned dates", [&] {
        const bool has_columns =
            db_.execAndGet("SELECT COUNT(*) FROM pragma_table_info('session') WHERE name = 'planned_date'").getInt() > 0;
        if (!has_columns) return;  // stopped at an older version
        constexpr const char* missing_sql = "SELECT DISTINCT programme_id FROM session WHERE planned_date IS NULL";
        if (!SQLite::Statement(db_, missing_sql).executeStep()) return;  // the usual case, without a write lock

        // Listed under the write lock: another process opening the file may have filled them.
        SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
        std::vector<std::string> programme_ids;
        SQLite::Statement missing(db_, missing_sql);
        while (missing.executeStep()) programme_ids.push_back(missing.getColumn(0).getString());
        SQLite::Statement clear(db_, "UPDATE session SET slot = NULL, planned_date = NULL WHERE programme_id = ?");
        SQLite::Statement fill(db_, "UPDATE session SET slot = ?, planned_date = ? WHERE id = ?");
        for (const auto& id : programme_ids) {
            const auto programme = this->programme(id);
            if (!programme) throw StoreError("sessions of a programme that is not stored: " + id);
            auto sessions = this->sessions(id);
            derive_session_identities(*programme, sessions);
            clear.bind(1, id);
            clear.exec();
            clear.reset();
            for (const auto& s : sessions) {
                fill.bind(1, s.slot);
                fill.bind(2, iso_date(s.planned_date));
                fill.bind(3, static_cast<int64_t>(s.id));
                fill.exec();
                fill.reset();
            }
        }
        transaction.commit();
    });
}

}  // namespace ritme
