// One suite for every Store implementation (DESIGN.md rule 8), plus what only the
// SQLite store has: the file's mode, migrations, and no trace of deleted data.

#include "engine/store/memory_store.hpp"
#include "engine/store/programme_record.hpp"
#include "engine/store/sqlite_change_watch.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/store/told.hpp"
#include "postgres_test_store.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

using ritme::test::PostgresFactory;

namespace {

fs::path fresh_directory(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("ritme-store-test-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

struct MemoryFactory {
    static std::unique_ptr<Store> make() { return std::make_unique<MemoryStore>(); }
};
struct SqliteFactory {
    static std::unique_ptr<Store> make() {
        static int counter = 0;
        return SqliteStore::open((fresh_directory("suite-" + std::to_string(++counter)) / "ritme.db").string());
    }
};

Programme sample_programme(const std::string& id = "test") {
    Programme p = test::load_valid(test::programme_toml(
        "start = 2026-02-02\nregion = \"noord\"\nclosed = [{ from = 2026-06-01, to = 2026-06-02, reason = \"studiedagen\" }]"));
    p.id = id;
    return p;
}

StoredSession sample_session(const std::string& programme_id, int number) {
    StoredSession s;
    s.programme_id = programme_id;
    s.number = number;
    s.date = make_date(2026, 2, 3) + boost::gregorian::days(7 * number);
    s.time = *TimeRange::parse("09:30-11:30");
    s.location = "schakel";
    s.start_utc = {pt::ptime(s.date, pt::hours(8) + pt::minutes(30))};
    s.end_utc = {pt::ptime(s.date, pt::hours(10) + pt::minutes(30))};
    return s;
}

Participant sample_participant(const std::string& id) {
    Participant p;
    p.id = id;
    p.name = "Amina Yusuf";
    p.phone = "+31612345678";
    p.email = "amina@example.org";
    p.language = "so";
    p.channels = {true, false};
    p.children_in_care = 2;
    p.school_calendar = "noord";
    p.commitments.push_back({Weekday::monday, std::nullopt, *TimeRange::parse("09:00-12:00"), "taalles"});
    p.commitments.push_back({std::nullopt, make_date(2026, 3, 10), *TimeRange::parse("13:00-14:00"), "tandarts"});
    return p;
}

AuditEntry sample_entry(const std::string& action) {
    return {0, {pt::ptime(make_date(2026, 1, 5), pt::hours(9))}, "lead", "test", action, "test", "details"};
}

// Rows as an older ritme wrote them: its store code is gone, so plain SQL.
void insert_v1_rows(SQLite::Database& db) {
    SQLite::Statement programme(db, "INSERT INTO programme (id, definition) VALUES ('test', ?)");
    programme.bind(1, programme_record(sample_programme()).dump());
    programme.exec();
    db.exec("INSERT INTO session (programme_id, number, date, start_time, end_time, location, start_utc, end_utc, "
            "status, version) VALUES ('test', 1, '2026-02-10', '09:30', '11:30', 'schakel', '2026-02-10T08:30:00Z', "
            "'2026-02-10T10:30:00Z', 'moved', 2)");
    db.exec("INSERT INTO audit (at, actor, command, action, subject, details) "
            "VALUES ('2026-01-05T09:00:00Z', 'lead', 'apply', 'before', 'test', '')");
}

void insert_v2_rows(SQLite::Database& db) {
    insert_v1_rows(db);
    db.exec("INSERT INTO participant (id, name, phone, email, language, channel_sms, channel_email, sms_opt_out, "
            "children_in_care, school_calendar) VALUES ('p-1', 'Amina Yusuf', '+31612345678', '', 'so', 1, 0, 0, 2, "
            "'noord')");
    db.exec("INSERT INTO commitment (participant_id, position, weekday, date, start_time, end_time, label) "
            "VALUES ('p-1', 0, 0, NULL, '09:00', '12:00', 'taalles')");
    db.exec("INSERT INTO enrolment (participant_id, programme_id) VALUES ('p-1', 'test')");
}

}  // namespace

TEST_SUITE_BEGIN("store");

TEST_CASE_TEMPLATE("programmes round-trip through the store", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    const Programme original = sample_programme();
    store->write([&] { store->put_programme(original); });
    const auto loaded = store->programme("test");
    REQUIRE(loaded);
    CHECK(loaded->name == original.name);
    CHECK(loaded->start == original.start);
    CHECK(loaded->closures.region == Region::noord);
    REQUIRE(loaded->closures.closed.size() == 1);
    CHECK(loaded->closures.closed[0].reason == "studiedagen");
    REQUIRE(loaded->slots.size() == 2);
    CHECK(loaded->slots[1].day == Weekday::thursday);
    CHECK(loaded->slots[1].time.str() == "09:30-11:30");
    CHECK(loaded->school_hours.window[index_of(Weekday::wednesday)]->str() == "09:00-11:30");
    CHECK(store->programme_ids() == std::vector<std::string>{"test"});
    CHECK_FALSE(store->programme("other").has_value());
}

TEST_CASE_TEMPLATE("sessions keep their id when updated, and are listed by number", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    int64_t first_id = 0;
    store->write([&] {
        store->put_programme(sample_programme());
        store->put_session(sample_session("test", 2));
        first_id = store->put_session(sample_session("test", 1));
    });
    auto sessions = store->sessions("test");
    REQUIRE(sessions.size() == 2);
    CHECK(sessions[0].number == 1);
    CHECK(sessions[0].id == first_id);
    CHECK(sessions[0].start_utc == sample_session("test", 1).start_utc);
    StoredSession moved = sessions[0];
    moved.date += boost::gregorian::days(2);
    moved.status = SessionStatus::moved;
    moved.version = 2;
    store->write([&] { CHECK(store->put_session(moved) == first_id); });
    sessions = store->sessions("test");
    CHECK(sessions[0].id == first_id);
    CHECK(sessions[0].date == moved.date);
    CHECK(sessions[0].status == SessionStatus::moved);
    CHECK(sessions[0].version == 2);
    CHECK_THROWS_AS(store->write([&] { store->put_session(sample_session("missing", 1)); }), StoreError);
}

TEST_CASE_TEMPLATE("a session is its slot on its planned date; numbers are labels that may change and repeat",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    StoredSession first = sample_session("test", 1);
    first.slot = 1;
    first.planned_date = first.date;
    StoredSession second = sample_session("test", 2);
    second.slot = 1;
    second.planned_date = second.date;
    store->write([&] {
        store->put_programme(sample_programme());
        first.id = store->put_session(first);
        second.id = store->put_session(second);
    });
    // Renumbering: both may carry the same number on the way, and swap.
    std::swap(first.number, second.number);
    store->write([&] {
        store->put_session(first);
        store->put_session(second);
    });
    auto sessions = store->sessions("test");
    REQUIRE(sessions.size() == 2);
    CHECK(sessions[0].id == second.id);
    CHECK(sessions[0].number == 1);
    CHECK(sessions[0].slot == 1);
    CHECK(sessions[0].planned_date == second.date);
    CHECK(store->session(first.id)->planned_date == first.date);

    // A move changes the date, not the planned date.
    StoredSession moved = first;
    moved.date += boost::gregorian::days(1);
    store->write([&] { store->put_session(moved); });
    CHECK(store->session(first.id)->planned_date == first.date);
    CHECK(store->session(first.id)->date == moved.date);

    // Another session of the same slot on the same planned date is refused, with any number.
    StoredSession twin = sample_session("test", 3);
    twin.slot = 1;
    twin.planned_date = first.date;
    CHECK_THROWS_AS(store->write([&] { store->put_session(twin); }), StoreError);
    twin.slot = 2;
    store->write([&] { CHECK(store->put_session(twin) != 0); });
    // Not given, the planned date is the date.
    StoredSession plain = sample_session("test", 4);
    int64_t plain_id = 0;
    store->write([&] { plain_id = store->put_session(plain); });
    CHECK(store->session(plain_id)->planned_date == plain.date);
}

TEST_CASE_TEMPLATE("sessions by id keep when and how they last changed, and whether the lead set them", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    int64_t id = 0;
    store->write([&] {
        store->put_programme(sample_programme());
        id = store->put_session(sample_session("test", 1));
    });
    const auto fresh = store->session(id);
    REQUIRE(fresh);
    CHECK(fresh->number == 1);
    CHECK(fresh->programme_id == "test");
    CHECK(fresh->time.str() == "09:30-11:30");
    CHECK(fresh->end_utc == sample_session("test", 1).end_utc);
    CHECK_FALSE(fresh->changed_at.has_value());
    CHECK_FALSE(fresh->previous.has_value());
    CHECK_FALSE(fresh->lead_override);
    CHECK_FALSE(store->session(id + 1).has_value());

    StoredSession moved = *fresh;
    moved.previous = PreviousSlot{fresh->date, fresh->time, fresh->location, fresh->start_utc};
    moved.date += boost::gregorian::days(1);
    moved.time = *TimeRange::parse("10:00-12:00");
    moved.location = "bibliotheek";
    moved.status = SessionStatus::moved;
    moved.version = 2;
    moved.changed_at = UtcInstant{pt::ptime(make_date(2026, 2, 1), pt::hours(14) + pt::minutes(5))};
    moved.lead_override = true;
    store->write([&] { store->put_session(moved); });
    for (const auto& loaded : {*store->session(id), store->sessions("test").at(0)}) {
        CHECK(loaded.date == moved.date);
        CHECK(loaded.location == "bibliotheek");
        CHECK(loaded.version == 2);
        CHECK(loaded.changed_at == moved.changed_at);
        REQUIRE(loaded.previous);
        CHECK(loaded.previous->date == fresh->date);
        CHECK(loaded.previous->time == fresh->time);
        CHECK(loaded.previous->location == "schakel");
        CHECK(loaded.previous->start_utc == fresh->start_utc);
        CHECK(loaded.lead_override);
    }

    StoredSession restored = moved;
    restored.previous.reset();
    restored.changed_at.reset();
    restored.lead_override = false;
    store->write([&] { store->put_session(restored); });
    CHECK_FALSE(store->session(id)->previous.has_value());
    CHECK_FALSE(store->session(id)->changed_at.has_value());
    CHECK_FALSE(store->session(id)->lead_override);
}

TEST_CASE_TEMPLATE("a write that throws leaves nothing behind", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    store->write([&] { store->put_programme(sample_programme("kept")); });
    CHECK_THROWS_AS(store->write([&] {
        store->put_programme(sample_programme("lost"));
        store->put_session(sample_session("lost", 1));
        store->record(sample_entry("lost"));
        throw std::runtime_error("halfway");
    }),
                    std::runtime_error);
    CHECK(store->programme_ids() == std::vector<std::string>{"kept"});
    CHECK(store->sessions("lost").empty());
    CHECK(store->audit().empty());
}

TEST_CASE_TEMPLATE("changes outside write() are refused", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    CHECK_THROWS_AS(store->put_programme(sample_programme()), StoreError);
    CHECK_THROWS_AS(store->record(sample_entry("x")), StoreError);
    CHECK(store->programme_ids().empty());
}

TEST_CASE_TEMPLATE("participants with commitments and enrolments", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    store->write([&] {
        store->put_programme(sample_programme("a"));
        store->put_programme(sample_programme("b"));
        store->put_participant(sample_participant("p-2"));
        store->put_participant(sample_participant("p-1"));
        store->enrol("p-1", "a");
        store->enrol("p-1", "b");
        store->enrol("p-2", "a");
        store->enrol("p-2", "a");  // twice is once
    });
    const auto loaded = store->participant("p-1");
    REQUIRE(loaded);
    CHECK(loaded->name == "Amina Yusuf");
    CHECK(loaded->phone == "+31612345678");
    CHECK(loaded->language == "so");
    CHECK(loaded->channels == Channels{true, false});
    CHECK(loaded->children_in_care == 2);
    CHECK(loaded->commitments == sample_participant("p-1").commitments);
    CHECK(store->participants().size() == 2);
    CHECK(store->participants()[0].id == "p-1");
    CHECK(store->programmes_of("p-1") == std::vector<std::string>{"a", "b"});
    CHECK(store->participants_of("a") == std::vector<std::string>{"p-1", "p-2"});

    Participant edited = *loaded;
    edited.commitments.pop_back();
    edited.sms_opt_out = true;
    store->write([&] {
        store->put_participant(edited);
        store->unenrol("p-1", "b");
    });
    CHECK(store->participant("p-1")->commitments.size() == 1);
    CHECK(store->participant("p-1")->sms_opt_out);
    CHECK(store->programmes_of("p-1") == std::vector<std::string>{"a"});
    CHECK_THROWS_AS(store->write([&] { store->enrol("p-9", "a"); }), StoreError);
}

TEST_CASE_TEMPLATE("deleting a participant keeps anonymous counts only when asked", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    store->write([&] {
        store->put_programme(sample_programme("a"));
        store->put_participant(sample_participant("p-1"));
        store->put_participant(sample_participant("p-2"));
        store->enrol("p-1", "a");
        store->enrol("p-2", "a");
    });
    store->write([&] { store->delete_participant("p-1", true); });
    store->write([&] { store->delete_participant("p-2", false); });
    CHECK_FALSE(store->participant("p-1").has_value());
    CHECK(store->participants_of("a").empty());
    CHECK(store->anonymous_enrolments("a") == 1);
    CHECK_THROWS_AS(store->write([&] { store->delete_participant("p-1", true); }), StoreError);
}

TEST_CASE_TEMPLATE("the audit trail keeps entries in order", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    store->write([&] {
        store->record(sample_entry("first"));
        store->record(sample_entry("second"));
    });
    const auto audit = store->audit();
    REQUIRE(audit.size() == 2);
    CHECK(audit[0].action == "first");
    CHECK(audit[1].action == "second");
    CHECK(audit[0].at == sample_entry("x").at);
    CHECK(audit[0].actor == "lead");
    CHECK(audit[0].id < audit[1].id);
}

TEST_CASE("a new database file is created 0600, with its directory") {
    const auto dir = fresh_directory("mode");
    const auto path = dir / "nested" / "ritme.db";
    {
        auto store = SqliteStore::open(path.string());
        store->write([&] { store->put_programme(sample_programme()); });
        struct stat info {};
        REQUIRE(::stat((path.string() + "-wal").c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);
    }
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
}

TEST_CASE("migrations: an empty file reaches the current schema") {
    const auto path = fresh_directory("empty") / "ritme.db";
    auto store = SqliteStore::open(path.string());
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    SQLite::Database db(path.string());
    CHECK(db.tableExists("programme"));
    CHECK(db.tableExists("participant"));
    CHECK(db.execAndGet("PRAGMA foreign_keys").getInt() == 0);  // per connection; ritme's own has them on
}

TEST_CASE("migrations: a version 1 database keeps its programmes and sessions") {
    const auto path = (fresh_directory("v1") / "ritme.db").string();
    {
        auto v1 = SqliteStore::open_at_version(path, 1);
        CHECK(v1->schema_version() == 1);
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        CHECK_FALSE(raw.tableExists("participant"));
        insert_v1_rows(raw);
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    CHECK(store->programme("test").has_value());
    CHECK(store->sessions("test").size() == 1);
    CHECK(store->audit().size() == 1);
    store->write([&] {
        store->put_participant(sample_participant("p-1"));
        store->enrol("p-1", "test");
    });
    CHECK(store->participants_of("test") == std::vector<std::string>{"p-1"});
}

TEST_CASE("migrations: a version 2 database keeps its data and gains the outbox") {
    const auto path = (fresh_directory("v2") / "ritme.db").string();
    {
        auto v2 = SqliteStore::open_at_version(path, 2);
        CHECK(v2->schema_version() == 2);
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        CHECK_FALSE(raw.tableExists("delivery"));
        insert_v2_rows(raw);
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    REQUIRE(store->programme("test").has_value());
    const auto sessions = store->sessions("test");
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0].status == SessionStatus::moved);
    CHECK(sessions[0].version == 2);
    CHECK(sessions[0].date == make_date(2026, 2, 10));
    CHECK_FALSE(sessions[0].changed_at.has_value());
    CHECK_FALSE(sessions[0].previous.has_value());
    CHECK_FALSE(sessions[0].lead_override);
    CHECK(store->session(sessions[0].id)->number == 1);
    const auto participant = store->participant("p-1");
    REQUIRE(participant);
    CHECK(participant->phone == "+31612345678");
    REQUIRE(participant->commitments.size() == 1);
    CHECK(participant->commitments[0].label == "taalles");
    CHECK(store->participants_of("test") == std::vector<std::string>{"p-1"});
    CHECK(store->audit().size() == 1);
    CHECK(store->plan_requests().empty());

    Delivery reminder;
    reminder.key = "reminder:test#1@v2:p-1:2h:sms";
    reminder.programme_id = "test";
    reminder.session_id = sessions[0].id;
    reminder.session_version = 2;
    reminder.participant_id = "p-1";
    reminder.send_at = sessions[0].start_utc;
    int64_t appointment_id = 0;
    store->write([&] {
        CHECK(store->add_delivery(reminder) != 0);
        Appointment intake;
        intake.participant_id = "p-1";
        intake.start_utc = sessions[0].start_utc;
        appointment_id = store->put_appointment(intake);
    });
    CHECK(store->next_send_at() == sessions[0].start_utc);
    CHECK(store->appointment(appointment_id).has_value());
}

namespace {

// Rows as version 4 kept them, for a programme of Tuesdays and Thursdays from 2 February
// 2026: the file's sessions by number, one the lead moved, one the lead cancelled, and
// one an apply cancelled whose place a later session took. The calendar runs:
// #1 Tue 3 Feb, #2 Thu 5 Feb, #3 Tue 10 Feb, #4 Thu 12 Feb, #5 Tue 17 Feb, …
void insert_v4_sessions(SQLite::Database& db) {
    SQLite::Statement programme(db, "INSERT INTO programme (id, definition) VALUES ('test', ?)");
    programme.bind(1, programme_record(sample_programme()).dump());
    programme.exec();
    const auto add = [&](int number, const char* date, const char* start, const char* end, const char* status,
                         int version, int lead_override, const char* previous_date) {
        SQLite::Statement insert(db,
                                 "INSERT INTO session (programme_id, number, date, start_time, end_time, location, "
                                 "start_utc, end_utc, status, version, previous_date, previous_start, previous_end, "
                                 "previous_location, previous_start_utc, lead_override) VALUES ('test', ?, ?, ?, ?, "
                                 "'schakel', '2026-02-03T08:30:00Z', '2026-02-03T10:30:00Z', ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, number);
        insert.bind(2, date);
        insert.bind(3, start);
        insert.bind(4, end);
        insert.bind(5, status);
        insert.bind(6, version);
        if (previous_date) {
            insert.bind(7, previous_date);
            insert.bind(8, "09:30");
            insert.bind(9, "11:30");
            insert.bind(10, "schakel");
            insert.bind(11, "2026-02-03T08:30:00Z");
        } else {
            for (int column = 7; column <= 11; ++column) insert.bind(column);
        }
        insert.bind(12, lead_override);
        insert.exec();
    };
    add(1, "2026-02-03", "09:30", "11:30", "planned", 1, 0, nullptr);
    add(2, "2026-02-06", "10:00", "12:00", "moved", 2, 1, "2026-02-05");     // the lead moved it to Friday
    add(3, "2026-02-10", "09:30", "11:30", "cancelled", 2, 1, "2026-02-10");  // the lead cancelled it
    add(4, "2026-02-12", "09:30", "11:30", "planned", 1, 0, nullptr);
    add(5, "2026-02-17", "09:30", "11:30", "moved", 2, 0, "2026-02-19");     // an apply moved it here
    add(6, "2026-02-17", "09:30", "11:30", "cancelled", 2, 0, "2026-02-17");  // an apply cancelled it here
}

}  // namespace

TEST_CASE("migrations: a version 4 database gets each session's slot and planned date") {
    const auto path = (fresh_directory("v4") / "ritme.db").string();
    {
        auto v4 = SqliteStore::open_at_version(path, 4);
        CHECK(v4->schema_version() == 4);
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        insert_v4_sessions(raw);
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    const auto sessions = store->sessions("test");
    REQUIRE(sessions.size() == 6);
    const auto of = [&](int id) { return *store->session(id); };
    CHECK(of(1).slot == 1);
    CHECK(of(1).planned_date == make_date(2026, 2, 3));
    // The lead's: between their neighbours, where they were before the lead's change.
    CHECK(of(2).slot == 2);
    CHECK(of(2).planned_date == make_date(2026, 2, 5));
    CHECK(of(2).date == make_date(2026, 2, 6));
    CHECK(of(3).slot == 1);
    CHECK(of(3).planned_date == make_date(2026, 2, 10));
    CHECK(of(4).slot == 2);
    CHECK(of(4).planned_date == make_date(2026, 2, 12));
    CHECK(of(5).slot == 1);
    CHECK(of(5).planned_date == make_date(2026, 2, 17));
    // Its place taken: no slot generates it any more.
    CHECK(of(6).slot == 0);
    CHECK(of(6).planned_date == make_date(2026, 2, 17));
    CHECK(of(6).status == SessionStatus::cancelled);
    CHECK(of(2).lead_override);
    CHECK(of(2).version == 2);

    // Numbers no longer have to be unique; slot and planned date do.
    StoredSession renumbered = of(4);
    renumbered.number = 1;
    store->write([&] { store->put_session(renumbered); });
    StoredSession twin = of(4);
    twin.id = 0;
    CHECK_THROWS_AS(store->write([&] { store->put_session(twin); }), StoreError);
}

TEST_CASE("migrations: whoever is enrolled in a version 4 database was told the calendar, or what a pending notice changes") {
    const auto path = (fresh_directory("v4-told") / "ritme.db").string();
    {
        auto v4 = SqliteStore::open_at_version(path, 4);
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        insert_v4_sessions(raw);
        raw.exec("INSERT INTO participant (id, name, phone, email, language, channel_sms, channel_email, sms_opt_out, "
                 "children_in_care, school_calendar) VALUES ('p-amina', 'Amina', '+31612345678', '', 'nl', 1, 0, 0, 0, "
                 "'noord')");
        raw.exec("INSERT INTO enrolment (participant_id, programme_id) VALUES ('p-amina', 'test')");
        // The lead's move of #2 was still to be announced to her.
        raw.exec("INSERT INTO delivery (key, kind, programme_id, session_id, session_version, appointment_version, "
                 "participant_id, reminder_offset, channel, send_at, state, attempts, reason, provider_id, "
                 "provider_status, claimed_by, payload) VALUES ('change:test#2@v2:p-amina:sms', 'change', 'test', 2, 2, "
                 "0, 'p-amina', '', 'sms', 0, 'planned', 0, '', '', '', '', '')");
    }
    auto store = SqliteStore::open(path);
    std::map<int64_t, std::string> told;
    for (const auto& record : store->told_about_sessions("test")) {
        CHECK(record.participant_id == "p-amina");
        told[record.session_id] = record.state;
    }
    REQUIRE(told.size() == 6);
    // As told_state() writes it, so that nothing differs where nothing changed.
    for (const int64_t id : {1, 3, 4, 5, 6}) CHECK(told[id] == told_state(*store->session(id)));
    StoredSession before_the_move = *store->session(2);
    before_the_move.date = make_date(2026, 2, 5);
    before_the_move.time = {TimeOfDay::hm(9, 30), TimeOfDay::hm(11, 30)};
    before_the_move.status = SessionStatus::planned;
    CHECK(told[2] == told_state(before_the_move));
    CHECK(told[2] != told_state(*store->session(2)));
}

TEST_CASE("a database newer than this ritme is refused") {
    const auto path = (fresh_directory("newer") / "ritme.db").string();
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec("PRAGMA user_version = 99");
    }
    CHECK_THROWS_WITH_AS(SqliteStore::open(path), doctest::Contains("newer than this ritme"), StoreError);
}

TEST_CASE("a negative schema version, or another program's tables, is not a ritme database") {
    const auto path = (fresh_directory("not-ritme") / "ritme.db").string();
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec("PRAGMA user_version = -1");
    }
    const std::string negative = test::store_error_of([&] { SqliteStore::open(path); });
    CHECK(negative == "the database " + path + " is not a ritme database: its schema version (user_version) is -1");
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA user_version = 0");
        raw.exec("CREATE TABLE contacts (name TEXT)");
    }
    CHECK_THROWS_WITH_AS(SqliteStore::open(path), doctest::Contains("is not a ritme database: it holds tables"),
                         StoreError);
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    CHECK_FALSE(raw.tableExists("programme"));  // nothing was added to it
}

TEST_CASE("migrations: processes opening an old database at once migrate it once, and none fails") {
    // Each thread its own connection, as a daemon and a command starting together.
    constexpr int tries = 30;
    constexpr int openers = 6;
    int failures = 0;
    std::string first_failure;
    for (int attempt = 0; attempt < tries; ++attempt) {
        const auto path = (fresh_directory("race") / "ritme.db").string();
        {
            auto v1 = SqliteStore::open_at_version(path, 1);
            SQLite::Database raw(path, SQLite::OPEN_READWRITE);
            insert_v1_rows(raw);
        }
        std::atomic<bool> go{false};
        std::vector<std::string> errors(openers);
        std::vector<std::thread> threads;
        for (int i = 0; i < openers; ++i)
            threads.emplace_back([&, i] {
                while (!go) std::this_thread::yield();
                try {
                    SqliteStore::open(path);
                } catch (const std::exception& e) {
                    errors[static_cast<size_t>(i)] = e.what();
                }
            });
        go = true;
        for (auto& thread : threads) thread.join();
        for (const auto& error : errors)
            if (!error.empty() && failures++ == 0) first_failure = error;
        auto store = SqliteStore::open(path);
        CHECK(store->schema_version() == SqliteStore::current_schema_version);
        CHECK(store->sessions("test").size() == 1);
    }
    INFO(first_failure);
    CHECK(failures == 0);
}

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("sqlite: a number that is text, text that is not UTF-8, an outbox time that is no time: errors naming the row") {
    const auto path = (fresh_directory("damaged-values") / "ritme.db").string();
    auto store = SqliteStore::open(path);
    int64_t session = 0, delivery = 0;
    store->write([&] {
        store->put_programme(sample_programme());
        session = store->put_session(sample_session("test", 1));
        store->put_participant(sample_participant("p-1"));
        Delivery d;
        d.key = "reminder:test#1@v1:p-1:2h:sms";
        d.kind = DeliveryKind::reminder;
        d.programme_id = "test";
        d.participant_id = "p-1";
        d.offset = "2h";
        d.channel = "sms";
        d.send_at = d.due_at = {pt::ptime(make_date(2026, 2, 10), pt::hours(6))};
        d.expires_at = {pt::ptime(make_date(2026, 2, 10), pt::hours(8))};
        delivery = store->add_delivery(d);
    });
    const auto damage = [&](const std::string& sql) {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA ignore_check_constraints = ON");
        raw.exec(sql);
    };
    const std::string in_file = "database " + path + ": ";

    // One flipped byte turns 2 into "2" with a letter: SQLite keeps it as text.
    damage("UPDATE session SET version = '1x' WHERE id = " + std::to_string(session));
    const std::string version = test::store_error_of([&] { store->sessions("test"); });
    CHECK(contains(version, in_file + "reading sessions: "));
    CHECK(contains(version, "table session, row " + std::to_string(session) + ": version '1x' is not a whole number"));
    damage("UPDATE session SET version = 1 WHERE id = " + std::to_string(session));
    CHECK(store->sessions("test").size() == 1);

    // A name is shown by neither the error nor the log: only which column it was.
    damage("UPDATE participant SET name = CAST(X'416D696E61C328' AS TEXT) WHERE id = 'p-1'");
    const std::string name = test::store_error_of([&] { store->participants(); });
    CHECK(contains(name, in_file + "listing participants: table participant, row p-1: name is not UTF-8 text"));
    CHECK_FALSE(contains(name, "Amina"));
    damage("UPDATE participant SET name = 'Amina Yusuf', children_in_care = 'twee' WHERE id = 'p-1'");
    CHECK(contains(test::store_error_of([&] { store->participant("p-1"); }), "children_in_care 'twee'"));
    damage("UPDATE participant SET children_in_care = 2 WHERE id = 'p-1'");
    CHECK(store->participant("p-1").has_value());

    // An outbox time is seconds since 1970: text there was read as 0, due at once.
    const std::string row = "table delivery, row " + std::to_string(delivery);
    damage("UPDATE delivery SET send_at = '17706O0800' WHERE id = " + std::to_string(delivery));
    const std::string next = test::store_error_of([&] { store->next_send_at(); });
    CHECK(contains(next, in_file + "finding the next send time: " + row + ": send_at '17706O0800' is not a whole number"));
    CHECK(contains(test::store_error_of([&] { store->delivery(delivery); }), row + ": send_at"));
    CHECK(store->integrity_problems() == std::vector<std::string>{row + ": a time that is not seconds since 1970"});
    damage("UPDATE delivery SET send_at = 9223372036854775807 WHERE id = " + std::to_string(delivery));
    CHECK(contains(test::store_error_of([&] { store->next_send_at(); }), "is not a time ritme can hold"));
    damage("UPDATE delivery SET send_at = 1770703200, state = 'plannef' WHERE id = " + std::to_string(delivery));
    CHECK(contains(test::store_error_of([&] { store->delivery_counts(); }), row + ": state 'plannef' is not one ritme knows"));
    damage("UPDATE delivery SET state = 'planned' WHERE id = " + std::to_string(delivery));
    CHECK(store->next_send_at() == UtcInstant{pt::ptime(make_date(2026, 2, 10), pt::hours(6))});
    CHECK(store->integrity_problems().empty());
}

TEST_CASE("sqlite: a corrupt page is an error that names the file, and integrity_problems() lists it") {
    const auto path = (fresh_directory("corrupt-page") / "ritme.db").string();
    {
        auto store = SqliteStore::open(path);
        store->write([&] {
            store->put_programme(sample_programme());
            for (int i = 0; i < 20; ++i) store->put_participant(sample_participant("p-" + std::to_string(i)));
        });
        REQUIRE(store->checkpoint());
    }
    // Garbage over the participant table's first page, as a disk or a copy gone wrong leaves it.
    int64_t page = 0, page_size = 0;
    {
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        page = raw.execAndGet("SELECT rootpage FROM sqlite_master WHERE name = 'participant'").getInt64();
        page_size = raw.execAndGet("PRAGMA page_size").getInt64();
    }
    REQUIRE(page > 1);
    {
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(static_cast<std::streamoff>((page - 1) * page_size));
        const std::string garbage(static_cast<size_t>(page_size), '\x5a');
        file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    auto store = SqliteStore::open(path);  // the schema on page 1 is whole
    CHECK_FALSE(store->integrity_problems().empty());
    CHECK(store->programme("test").has_value());  // what lies elsewhere can still be read
    const std::string read = test::store_error_of([&] { store->participants(); });
    CHECK(contains(read, "database " + path + ": listing participants: database disk image is malformed"));
}

namespace {

// Plain SQL on a store's database, past its rules, as a disk fault or a hand might write it.
void damage_database(const Store& store, const std::string& sql) {
    if (is_postgres_url(store.location())) {
        pqxx::connection raw(postgres_connection_string({store.location(), ""}));
        pqxx::nontransaction(raw).exec(sql);
        return;
    }
    SQLite::Database raw(store.location(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA ignore_check_constraints = ON");
    raw.exec(sql);
}

}  // namespace

TEST_CASE_TEMPLATE("integrity_problems names an outbox time ritme cannot hold and a claim no daemon would take over",
                   Factory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    const UtcInstant now{pt::ptime(make_date(2026, 2, 10), pt::hours(6))};
    std::vector<int64_t> ids;
    store->write([&] {
        store->put_programme(sample_programme());
        store->put_participant(sample_participant("p-1"));
        for (const char* offset : {"2h", "1d"}) {
            Delivery d;
            d.key = std::string("reminder:test#1@v1:p-1:") + offset + ":sms";
            d.kind = DeliveryKind::reminder;
            d.programme_id = "test";
            d.participant_id = "p-1";
            d.offset = offset;
            d.channel = "sms";
            d.send_at = d.due_at = now;
            d.expires_at = {now.utc + pt::hours(2)};
            ids.push_back(store->add_delivery(d));
        }
        // The first row, claimed; the second stays planned.
        CHECK(store->claim_due_by(now, now, 1, "host:1:1", {now.utc + pt::minutes(5)}).size() == 1);
    });
    const int64_t claimed = ids.at(0), planned = ids.at(1);
    CHECK(store->integrity_problems().empty());

    // A lease without its end: the claim would never lapse, the message never go.
    damage_database(*store, "UPDATE delivery SET claimed_until = NULL WHERE id = " + std::to_string(claimed));
    // Seconds past the year 9999: every read of the row fails.
    damage_database(*store, "UPDATE delivery SET expires_at = 999999999999 WHERE id = " + std::to_string(planned));
    const std::string claim_row = "table delivery, row " + std::to_string(claimed) + ": ";
    const std::string time_row = "table delivery, row " + std::to_string(planned) + ": ";
    CHECK(store->integrity_problems() ==
          std::vector<std::string>{time_row + "a time ritme cannot hold (outside the years 1400 to 9999)",
                                   claim_row + "claimed without a holder or the end of its lease, so no daemon would "
                                               "take it over"});
    CHECK(store->integrity_problems(1).size() == 1);
    damage_database(*store, "UPDATE delivery SET claimed_until = 1770703500, claimed_by = '' WHERE id = " +
                                std::to_string(claimed));
    CHECK(store->integrity_problems().size() == 2);

    damage_database(*store, "UPDATE delivery SET claimed_by = 'host:1:1' WHERE id = " + std::to_string(claimed));
    damage_database(*store, "UPDATE delivery SET expires_at = 1770710400 WHERE id = " + std::to_string(planned));
    CHECK(store->integrity_problems().empty());
}

TEST_CASE("sqlite: a session status, date or definition ritme cannot read is an error that names the row") {
    const auto path = (fresh_directory("unreadable") / "ritme.db").string();
    auto store = SqliteStore::open(path);
    int64_t second = 0;
    store->write([&] {
        store->put_programme(sample_programme());
        store->put_session(sample_session("test", 1));
        second = store->put_session(sample_session("test", 2));
    });
    // Written as another program might, past the CHECK constraints that refuse it from ritme.
    const auto damage = [&](const std::string& sql) {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA ignore_check_constraints = ON");
        raw.exec(sql);
    };
    const std::string row = "table session, row " + std::to_string(second);

    damage("UPDATE session SET status = 'postponed' WHERE id = " + std::to_string(second));
    const std::string status = test::store_error_of([&] { store->sessions("test"); });
    CHECK(contains(status, "database " + path + ": reading sessions: "));
    CHECK(contains(status, row + ": status 'postponed' is not one ritme knows"));
    CHECK(contains(test::store_error_of([&] { store->session(second); }), "'postponed'"));

    damage("UPDATE session SET status = 'planned', date = '2026-02-30' WHERE id = " + std::to_string(second));
    CHECK(contains(test::store_error_of([&] { store->session(second); }), row + ": date '2026-02-30' is not a date"));
    damage("UPDATE session SET date = '2026-02-24', start_time = 'half ten' WHERE id = " + std::to_string(second));
    CHECK(contains(test::store_error_of([&] { store->session(second); }), row + ": start_time 'half ten'"));
    damage("UPDATE session SET start_time = '09:30', start_utc = 'soon' WHERE id = " + std::to_string(second));
    CHECK(contains(test::store_error_of([&] { store->session(second); }), row + ": start_utc 'soon' is not a UTC time"));
    damage("UPDATE session SET start_utc = '2026-02-24T08:30:00Z' WHERE id = " + std::to_string(second));
    CHECK(store->sessions("test").size() == 2);

    // A definition holds words too: a holiday rule it does not know is no "extend".
    auto record = programme_record(sample_programme());
    record["on_holiday"] = "sometimes";
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        SQLite::Statement update(raw, "UPDATE programme SET definition = ? WHERE id = 'test'");
        update.bind(1, record.dump());
        update.exec();
    }
    const std::string definition = test::store_error_of([&] { store->programme("test"); });
    CHECK(contains(definition, "database " + path + ": reading a programme: "));
    CHECK(contains(definition, "table programme, row test: definition on_holiday 'sometimes' is not one ritme knows"));
    damage("UPDATE programme SET definition = '{\"id\": ' WHERE id = 'test'");
    CHECK(contains(test::store_error_of([&] { store->programme("test"); }), "table programme, row test: definition is not JSON"));
}

TEST_CASE("the stored programme record refuses words it does not know") {
    auto record = programme_record(sample_programme());
    auto closures = record["closures"];
    record["closures"]["good_friday"] = "half";
    CHECK_THROWS_WITH_AS(programme_from_record(record), doctest::Contains("good_friday 'half'"), StoreError);
    record["closures"] = closures;
    record["closures"]["liberation_day"] = "sometimes";
    CHECK_THROWS_WITH_AS(programme_from_record(record), doctest::Contains("liberation_day 'sometimes'"), StoreError);
    record["closures"] = closures;
    record["closures"]["region"] = "oost";
    CHECK_THROWS_WITH_AS(programme_from_record(record), doctest::Contains("region 'oost'"), StoreError);
    record["closures"] = closures;
    record["slots"][0]["day"] = "someday";
    CHECK_THROWS_WITH_AS(programme_from_record(record), doctest::Contains("day 'someday'"), StoreError);
}

// --- Follow-ups ------------------------------------------------------------------------

namespace {

StoredFollowUp sample_follow_up(const std::string& key, const std::string& participant_id,
                                const std::string& programme_id = "test") {
    StoredFollowUp f;
    f.key = key;
    f.cause = FollowUpCause::absences_in_a_row;
    f.participant_id = participant_id;
    f.programme_id = programme_id;
    f.session_id = 7;
    f.count = 2;
    f.created_at = {pt::ptime(make_date(2026, 2, 10), pt::hours(10))};
    return f;
}

}  // namespace

TEST_CASE_TEMPLATE("follow-ups round-trip; a key is stored once; closing keeps who and when", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    int64_t first = 0, again = 0, other = 0;
    store->write([&] {
        first = store->add_follow_up(sample_follow_up("absences-in-a-row:p-1:test#s1", "p-1"));
        again = store->add_follow_up(sample_follow_up("absences-in-a-row:p-1:test#s1", "p-1"));
        other = store->add_follow_up(sample_follow_up("absences-in-a-row:p-2:elsewhere#s1", "p-2", "elsewhere"));
    });
    CHECK(first > 0);
    CHECK(again == 0);
    CHECK(other > 0);
    auto stored = store->follow_up(first);
    REQUIRE(stored);
    StoredFollowUp expected = sample_follow_up("absences-in-a-row:p-1:test#s1", "p-1");
    expected.id = first;
    CHECK(*stored == expected);
    CHECK(store->follow_ups("test", true).size() == 1);
    CHECK(store->follow_ups("", true).size() == 2);

    const UtcInstant done_at{pt::ptime(make_date(2026, 2, 11), pt::hours(9))};
    bool closed = false, twice = true;
    store->write([&] {
        closed = store->close_follow_up(first, "Fatima", done_at);
        twice = store->close_follow_up(first, "Ans", done_at);
    });
    CHECK(closed);
    CHECK_FALSE(twice);
    stored = store->follow_up(first);
    CHECK(stored->done_at == done_at);
    CHECK(stored->done_by == "Fatima");
    CHECK(store->follow_ups("test", true).empty());
    CHECK(store->follow_ups("test", false).size() == 1);
    // Done, its key still holds: the same cause never opens it again.
    store->write([&] { CHECK(store->add_follow_up(sample_follow_up("absences-in-a-row:p-1:test#s1", "p-1")) == 0); });
}

TEST_CASE_TEMPLATE("erasing a participant erases her follow-ups", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    store->write([&] {
        store->put_programme(sample_programme());
        store->put_participant(sample_participant("p-1"));
        store->put_participant(sample_participant("p-2"));
        store->add_follow_up(sample_follow_up("a:p-1", "p-1"));
        store->add_follow_up(sample_follow_up("a:p-2", "p-2"));
    });
    store->write([&] { store->delete_participant("p-1", false); });
    const auto left = store->follow_ups("", false);
    REQUIRE(left.size() == 1);
    CHECK(left.front().participant_id == "p-2");
}

TEST_CASE("migrations: a version 9 database keeps its outbox and receipts, and takes follow-ups and overviews") {
    const auto path = (fresh_directory("migrate-9") / "ritme.db").string();
    Delivery sent;
    sent.key = "reminder:test#1@v1:p-1:2h:sms";
    sent.programme_id = "test";
    sent.participant_id = "p-1";
    sent.channel = "sms";
    sent.send_at = {pt::ptime(make_date(2026, 2, 10), pt::hours(6))};
    sent.due_at = sent.send_at;
    sent.expires_at = {pt::ptime(make_date(2026, 2, 10), pt::hours(8))};
    sent.updated_at = sent.send_at;
    sent.state = DeliveryState::sent;
    sent.sent_at = sent.send_at;
    int64_t id = 0;
    {
        auto old = SqliteStore::open_at_version(path, 9);
        old->write([&] { id = old->add_delivery(sent); });
        DeliveryReceipt receipt;
        receipt.delivery_id = id;
        receipt.at = sent.send_at;
        receipt.status = std::string(receipt_status::delivered);
        receipt.detail = "DELIVRD";
        old->write([&] { CHECK(old->add_receipt("sms", receipt)); });
        // The old kinds' CHECK refuses an overview.
        Delivery overview = sent;
        overview.key = "overview:l-1:2026-02-11";
        overview.kind = DeliveryKind::overview;
        CHECK_THROWS_AS(old->write([&] { old->add_delivery(overview); }), StoreError);
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    REQUIRE(store->delivery(id));
    CHECK(store->delivery(id)->key == sent.key);
    REQUIRE(store->receipts(id).size() == 1);
    CHECK(store->receipts(id).front().detail == "DELIVRD");
    Delivery overview = sent;
    overview.key = "overview:l-1:2026-02-11";
    overview.kind = DeliveryKind::overview;
    overview.state = DeliveryState::planned;
    overview.sent_at.reset();
    store->write([&] {
        CHECK(store->add_delivery(overview) > 0);
        CHECK(store->add_follow_up(sample_follow_up("k", "p-1")) > 0);
    });
    DeliveryQuery query;
    query.kinds = {DeliveryKind::overview};
    CHECK(store->deliveries(query).size() == 1);
}

// --- Leases on work one daemon does for all ----------------------------------------------

namespace {

UtcInstant lease_time(int hour, int minute = 0) {
    return {pt::ptime(make_date(2026, 3, 2), pt::hours(hour) + pt::minutes(minute))};
}

}  // namespace

TEST_CASE_TEMPLATE("a lease is one holder's until its term ends; the holder extends it, others wait", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    Lease lease;
    store->write([&] { lease = store->take_lease("overview", "host-a:1", lease_time(9), lease_time(9, 1)); });
    CHECK(lease.name == "overview");
    CHECK(lease.held_by("host-a:1"));
    CHECK(lease.until == lease_time(9, 1));

    // Another holder gets the lease as it stands: whose it is and until when.
    store->write([&] { lease = store->take_lease("overview", "host-b:2", lease_time(9, 0), lease_time(9, 2)); });
    CHECK(lease.held_by("host-a:1"));
    CHECK(lease.until == lease_time(9, 1));
    // Other work's lease is its own.
    store->write([&] { lease = store->take_lease("plan", "host-b:2", lease_time(9), lease_time(9, 2)); });
    CHECK(lease.held_by("host-b:2"));

    // The holder extends its term, and others still wait for it.
    store->write([&] { lease = store->take_lease("overview", "host-a:1", lease_time(9), lease_time(9, 5)); });
    CHECK(lease.held_by("host-a:1"));
    CHECK(lease.until == lease_time(9, 5));
    store->write([&] { lease = store->take_lease("overview", "host-b:2", lease_time(9, 4), lease_time(9, 6)); });
    CHECK(lease.held_by("host-a:1"));

    // A holder that stopped renewing loses it once its term has ended, at that second.
    store->write([&] { lease = store->take_lease("overview", "host-b:2", lease_time(9, 5), lease_time(9, 7)); });
    CHECK(lease.held_by("host-b:2"));
    CHECK(lease.until == lease_time(9, 7));
    store->write([&] { lease = store->take_lease("overview", "host-a:1", lease_time(9, 6), lease_time(9, 8)); });
    CHECK(lease.held_by("host-b:2"));
}

TEST_CASE_TEMPLATE("a lease given back is free at once; only its holder gives it back", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    store->write([&] { store->take_lease("plan", "host-a:1", lease_time(9), lease_time(10)); });
    store->write([&] { store->release_lease("plan", "host-b:2"); });  // not hers: nothing
    Lease lease;
    store->write([&] { lease = store->take_lease("plan", "host-b:2", lease_time(9), lease_time(10)); });
    CHECK(lease.held_by("host-a:1"));
    store->write([&] { store->release_lease("plan", "host-a:1"); });
    store->write([&] { lease = store->take_lease("plan", "host-b:2", lease_time(9), lease_time(10)); });
    CHECK(lease.held_by("host-b:2"));
    store->write([&] { store->release_lease("nothing", "host-b:2"); });  // no such lease: nothing
}

TEST_CASE_TEMPLATE("leases are taken and given back inside write(), and roll back with it", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    CHECK_THROWS_AS(store->take_lease("plan", "host-a:1", lease_time(9), lease_time(10)), StoreError);
    CHECK_THROWS_AS(store->release_lease("plan", "host-a:1"), StoreError);
    CHECK_THROWS(store->write([&] {
        store->take_lease("plan", "host-a:1", lease_time(9), lease_time(10));
        throw std::runtime_error("the work failed");
    }));
    Lease lease;
    store->write([&] { lease = store->take_lease("plan", "host-b:2", lease_time(9), lease_time(10)); });
    CHECK(lease.held_by("host-b:2"));
}

TEST_CASE("sqlite: two processes taking one lease at once: exactly one gets it") {
    const auto path = (fresh_directory("lease-race") / "ritme.db").string();
    SqliteStore::open(path);
    constexpr int takers = 4;
    std::atomic<int> taken{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < takers; ++i)
        threads.emplace_back([&, i] {
            auto store = SqliteStore::open(path);  // a connection of its own, as another process has
            while (!go) std::this_thread::yield();
            Lease lease;
            store->write([&] {
                lease = store->take_lease("overview", "taker-" + std::to_string(i), lease_time(9), lease_time(10));
            });
            if (lease.held_by("taker-" + std::to_string(i))) ++taken;
        });
    go = true;
    for (auto& thread : threads) thread.join();
    CHECK(taken == 1);
}

TEST_CASE("migrations: a version 12 database keeps its settings and gains the leases") {
    const auto path = (fresh_directory("migrate-12") / "ritme.db").string();
    {
        auto old = SqliteStore::open_at_version(path, 12);
        CHECK(old->schema_version() == 12);
        old->write([&] { old->put_setting("rules", "fingerprint"); });
        CHECK_THROWS_AS(old->write([&] { old->take_lease("plan", "host-a:1", lease_time(9), lease_time(10)); }),
                        StoreError);
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    CHECK(store->setting("rules") == "fingerprint");
    Lease lease;
    store->write([&] { lease = store->take_lease("plan", "host-a:1", lease_time(9), lease_time(10)); });
    CHECK(lease.held_by("host-a:1"));
}

TEST_CASE("a memory store's change watch never calls: no other process writes it") {
    MemoryStore store;
    boost::asio::io_context io;
    int calls = 0;
    auto watch = store.watch_changes(io, [&] { ++calls; });
    store.write([&] { store.put_setting("k", "v"); });
    io.poll();
    CHECK(calls == 0);
    watch->stop();
    watch->stop();
}

TEST_CASE("sqlite: the change watch calls for another connection's commit, not for its own") {
    const auto path = (fresh_directory("change-watch") / "ritme.db").string();
    auto store = SqliteStore::open(path);
    auto other = SqliteStore::open(path);
    boost::asio::io_context io;
    int calls = 0;
    auto watch = store->watch_changes(io, [&] {
        ++calls;
        io.stop();
    });
    // Its own commit makes inotify events, which data_version tells apart.
    store->write([&] { store->put_setting("own", "1"); });
    io.poll();
    CHECK(calls == 0);
    other->write([&] { other->put_setting("other", "1"); });
    io.restart();
    io.run_for(std::chrono::seconds(10));  // returns at the call; the bound only keeps a failure from hanging
    CHECK(calls == 1);
    watch->stop();
}

TEST_CASE("sqlite: a commit published after its last event is still seen, by looking again after the burst") {
    // Another process writes its log frames (events), then publishes the commit in the
    // shared-memory index (no event). Here the version moves only after the event was read.
    const auto dir = fresh_directory("late-commit");
    const auto database = dir / "ritme.db";
    std::ofstream(database) << "";
    uint64_t version = 1;
    int looks = 0;
    boost::asio::io_context io;
    int calls = 0;
    SqliteChangeWatch watch(
        io, database,
        [&] {
            ++looks;
            return version;
        },
        [&] {
            ++calls;
            io.stop();
        });
    std::ofstream(dir / "ritme.db-wal", std::ios::app) << "frame";
    // The event is read while the version is still the old one.
    io.run_one_for(std::chrono::seconds(10));
    CHECK(calls == 0);
    CHECK(looks == 2);  // once at the start, once at the event
    version = 2;        // the commit shows, with no event of its own
    io.run_for(std::chrono::seconds(10));  // returns at the call; the bound only keeps a failure from hanging
    CHECK(calls == 1);
    CHECK(looks == 3);
    // Nothing more: the looks after a burst end when a change was seen.
    io.restart();
    io.poll();
    CHECK(calls == 1);
    watch.stop();
}

TEST_CASE("sqlite: after a burst that changed nothing, the watch looks three times and then waits for an event") {
    const auto dir = fresh_directory("own-burst");
    const auto database = dir / "ritme.db";
    std::ofstream(database) << "";
    int looks = 0;
    boost::asio::io_context io;
    int calls = 0;
    SqliteChangeWatch watch(
        io, database,
        [&] {
            ++looks;
            return uint64_t{7};
        },
        [&] { ++calls; });
    std::ofstream(dir / "ritme.db-wal", std::ios::app) << "own frame";
    // The event, then the three looks; each bound only keeps a failure from hanging.
    while (looks < 5 && io.run_one_for(std::chrono::seconds(5)) > 0) {
    }
    CHECK(calls == 0);
    CHECK(looks == 5);  // the start, the event, 50 ms, 250 ms and 1 s after it
    CHECK(io.poll() == 0);  // then nothing is armed: only the next event wakes it
    watch.stop();
}

TEST_CASE("sqlite: a database in a directory that cannot be watched is a StoreError that names it") {
    const auto dir = fresh_directory("unwatchable");
    auto store = SqliteStore::open((dir / "ritme.db").string());
    fs::remove_all(dir);
    boost::asio::io_context io;
    try {
        store->watch_changes(io, [] {});
        FAIL("no error");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("ritme-store-test-unwatchable") != std::string::npos);
    }
}

TEST_SUITE_END();
