// What only the PostgreSQL store has: its URL and password file, its schema versioning,
// and claims by several daemons at once on one database. The shared store suite runs
// against it in store_test.cpp and the others (PostgresFactory).

#include "engine/store/postgres_change_listener.hpp"
#include "engine/store/postgres_connection.hpp"
#include "engine/store/postgres_store.hpp"
#include "engine/cli/cli.hpp"
#include "engine/daemon/leased_work.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/store/store_registry.hpp"
#include "engine/time/clock.hpp"
#include "postgres_test_store.hpp"
#include "test_support.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>
#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <poll.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

UtcInstant at(int day, int hour, int minute = 0) {
    return {pt::ptime(make_date(2026, 3, day), pt::hours(hour) + pt::minutes(minute))};
}

std::string written_file(const std::string& name, const std::string& text, mode_t mode) {
    const auto dir = fs::temp_directory_path() / ("ritme-postgres-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto path = (dir / name).string();
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
}

Delivery due_alert(int n, UtcInstant send_at) {
    Delivery d;
    d.key = "alert:" + std::to_string(n);
    d.kind = DeliveryKind::alert;
    d.programme_id = "test";
    d.participant_id = "p-1";
    d.channel = "sms";
    d.due_at = send_at;
    d.send_at = send_at;
    d.expires_at = {send_at.utc + pt::hours(2)};
    d.updated_at = send_at;
    return d;
}

}  // namespace

TEST_SUITE_BEGIN("postgres_connection");

TEST_CASE("a database URL with a password is refused, with where the password goes instead") {
    const std::string problem = postgres_url_problem("postgresql://ritme:geheim@db.example/ritme");
    CHECK(problem.find("holds a password") != std::string::npos);
    CHECK(problem.find("password_file") != std::string::npos);
    CHECK(problem.find("PGPASSFILE") != std::string::npos);
    CHECK(problem.find("geheim") == std::string::npos);
    CHECK_NE(postgres_url_problem("postgresql://db.example/ritme?password=geheim"), "");
    CHECK_THROWS_AS(postgres_connection_string({"postgresql://ritme:geheim@db.example/ritme", ""}), StoreError);
}

TEST_CASE("a database URL libpq cannot read is refused with the form it takes") {
    CHECK(postgres_url_problem("postgresql://db.example/ritme?sslmod=require").find("cannot be read") !=
          std::string::npos);
    CHECK(postgres_url_problem("/var/lib/ritme/ritme.db").find("not a PostgreSQL URL") != std::string::npos);
    CHECK(is_postgres_url("postgres://db.example/ritme"));
    CHECK_FALSE(is_postgres_url("var/ritme.db"));
}

TEST_CASE("TLS and other parameters pass through; the password comes from its file, quoted") {
    const std::string file = written_file("password", "it's a \\secret\n", 0600);
    const std::string connection = postgres_connection_string(
        {"postgresql://ritme@db.example:5433/ritme?sslmode=verify-full&sslrootcert=/etc/ritme/ca.pem", file});
    CHECK(connection.find("sslmode='verify-full'") != std::string::npos);
    CHECK(connection.find("sslrootcert='/etc/ritme/ca.pem'") != std::string::npos);
    CHECK(connection.find("host='db.example'") != std::string::npos);
    CHECK(connection.find("port='5433'") != std::string::npos);
    CHECK(connection.find("password='it\\'s a \\\\secret'") != std::string::npos);  // no newline
}

TEST_CASE("the URL may name the password file itself; libpq never sees that parameter") {
    const std::string file = written_file("named", "geheim\n", 0600);
    std::string encoded;
    for (const char c : file) encoded += c == '/' ? std::string("%2F") : std::string(1, c);
    const std::string url = "postgresql://ritme@db.example/ritme?sslmode=require&password_file=" + encoded;
    CHECK_EQ(postgres_url_problem(url), "");
    const std::string connection = postgres_connection_string({url, ""});
    CHECK(connection.find("password='geheim'") != std::string::npos);
    CHECK(connection.find("password_file") == std::string::npos);
    CHECK(connection.find("sslmode='require'") != std::string::npos);
}

TEST_CASE("a password file others may read, an empty one or a missing one is refused") {
    const std::string url = "postgresql://db.example/ritme";
    try {
        postgres_connection_string({url, written_file("open", "geheim\n", 0644)});
        FAIL("a password file readable by others was accepted");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("chmod 600") != std::string::npos);
        CHECK(std::string(e.what()).find("geheim") == std::string::npos);
    }
    CHECK_THROWS_AS(postgres_connection_string({url, written_file("empty", "\n", 0600)}), StoreError);
    CHECK_THROWS_AS(postgres_connection_string({url, "/nonexistent/ritme-password"}), StoreError);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("postgres_store");

TEST_CASE("the schema is versioned, opened again as it is, and migrated once by daemons starting together") {
    const std::string url = test::fresh_postgres_schema_url();
    std::vector<std::unique_ptr<PostgresStore>> stores(4);
    std::vector<std::thread> openers;
    std::vector<std::string> errors(stores.size());
    for (size_t i = 0; i < stores.size(); ++i)
        openers.emplace_back([&, i] {
            try {
                stores[i] = PostgresStore::open({url, ""});
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    for (auto& t : openers) t.join();
    for (const auto& error : errors) CHECK_MESSAGE(error.empty(), error);
    REQUIRE(stores[0]);
    CHECK_EQ(stores[0]->schema_version(), PostgresStore::current_schema_version);
    pqxx::connection admin(url);
    CHECK_EQ(pqxx::nontransaction(admin).exec("SELECT count(*) FROM schema_migration")[0][0].as<int>(),
             PostgresStore::current_schema_version);

    stores[0]->write([&] { stores[0]->put_setting("rules", "v1"); });
    stores.clear();
    auto again = PostgresStore::open({url, ""});
    CHECK_EQ(again->setting("rules").value_or(""), "v1");
}

TEST_CASE("a schema with another program's tables, or a newer ritme's, is refused and left as it is") {
    const std::string foreign = test::fresh_postgres_schema_url();
    {
        pqxx::connection admin(foreign);
        pqxx::nontransaction(admin).exec("CREATE TABLE invoice (id integer)");
    }
    try {
        PostgresStore::open({foreign, ""});
        FAIL("a schema with another program's tables was taken");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("not a ritme database") != std::string::npos);
    }
    const std::string newer = test::fresh_postgres_schema_url();
    PostgresStore::open({newer, ""});
    {
        pqxx::connection admin(newer);
        pqxx::nontransaction(admin).exec("INSERT INTO schema_migration (version) VALUES (99)");
    }
    try {
        PostgresStore::open({newer, ""});
        FAIL("a newer schema was taken");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("newer than this ritme") != std::string::npos);
    }
}

TEST_CASE("errors name the database by its URL and what was being done") {
    auto store = test::fresh_postgres_store();
    try {
        store->write([&] { store->enrol("p-nobody", "no-programme"); });
        FAIL("an enrolment without participant or programme was stored");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("no such participant or programme") != std::string::npos);
    }
    try {
        PostgresStore::open({"postgresql:///ritme?host=/nonexistent-ritme-socket-dir", ""});
        FAIL("a database that is not there was opened");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("postgresql:///ritme?host=/nonexistent-ritme-socket-dir: connecting") !=
              std::string::npos);
    }
}

TEST_CASE("three daemons claiming at once take every due row once, none waiting for another") {
    const std::string url = test::fresh_postgres_schema_url();
    constexpr int rows = 600;
    {
        auto store = PostgresStore::open({url, ""});
        store->write([&] {
            for (int i = 0; i < rows; ++i) store->add_delivery(due_alert(i, at(5, 9, i % 60)));
        });
    }
    std::vector<std::vector<int64_t>> claimed(3);
    std::vector<std::string> errors(claimed.size());
    std::vector<std::thread> daemons;
    for (size_t d = 0; d < claimed.size(); ++d)
        daemons.emplace_back([&, d] {
            try {
                auto store = PostgresStore::open({url, ""});
                const std::string owner = "daemon-" + std::to_string(d);
                for (;;) {
                    std::vector<ClaimedDelivery> batch;
                    store->write([&] { batch = store->claim_due(at(5, 10), 7, owner, at(5, 10, 5)); });
                    if (batch.empty()) break;
                    for (const auto& c : batch) claimed[d].push_back(c.delivery.id);
                }
            } catch (const std::exception& e) {
                errors[d] = e.what();
            }
        });
    for (auto& t : daemons) t.join();
    for (const auto& error : errors) CHECK_MESSAGE(error.empty(), error);
    std::multiset<int64_t> all;
    for (const auto& ids : claimed) all.insert(ids.begin(), ids.end());
    CHECK_EQ(all.size(), static_cast<size_t>(rows));
    CHECK_EQ(std::set<int64_t>(all.begin(), all.end()).size(), static_cast<size_t>(rows));  // none twice
}

TEST_CASE("a daemon that stops renewing loses its claims when the lease ends, and its late result is not written") {
    const std::string url = test::fresh_postgres_schema_url();
    auto first = PostgresStore::open({url, ""});
    auto second = PostgresStore::open({url, ""});
    first->write([&] { first->add_delivery(due_alert(1, at(5, 9))); });
    std::vector<ClaimedDelivery> held;
    first->write([&] { held = first->claim_due(at(5, 9), 10, "host-a:1", at(5, 9, 5)); });
    REQUIRE_EQ(held.size(), 1u);
    std::vector<ClaimedDelivery> taken;
    second->write([&] { taken = second->claim_due(at(5, 9, 4), 10, "host-b:1", at(5, 9, 9)); });
    CHECK(taken.empty());  // the lease still runs
    second->write([&] { taken = second->claim_due(at(5, 9, 6), 10, "host-b:1", at(5, 9, 11)); });
    REQUIRE_EQ(taken.size(), 1u);
    CHECK_EQ(taken[0].delivery.attempts, 2);
    std::vector<int64_t> written;
    DeliveryOutcome late(held[0].delivery.id, DeliveryState::sent, at(5, 9, 7));
    late.provider_id = "gw-1";
    late.claimed_by = "host-a:1";
    first->write([&] { written = first->finish({late}); });
    CHECK(written.empty());
    CHECK_EQ(second->delivery(held[0].delivery.id)->claimed_by, "host-b:1");
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("postgres_store");

TEST_CASE("planning that outlasts its lease keeps it: a daemon taking the lease meanwhile waits and finds it held") {
    const std::string url = test::fresh_postgres_schema_url();
    auto planner = PostgresStore::open({url, ""});
    auto other = PostgresStore::open({url, ""});
    pqxx::connection watcher(url);
    // Whether the other daemon's taking of the lease waits for a lock held by the planning.
    auto other_waits = [&] {
        return pqxx::nontransaction(watcher)
                   .exec("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                         "AND query LIKE 'INSERT INTO lease%'")[0][0]
                   .as<int>() > 0;
    };
    const auto term = std::chrono::seconds(600);
    LeasedWork leased(*planner, "host-a:1");
    std::optional<Lease> seen;
    std::string error;
    bool waited = false;
    const auto held = leased.run("plan", at(5, 9), term, [&] {
        std::thread taker;
        // The planning transaction begins at 9:15, when the first term has 5 minutes to
        // run, and is still open at 9:20, when the other daemon looks: the term counts from
        // its beginning.
        planner->write([&] {
            CHECK(leased.renew("plan", at(5, 9, 15), term));
            taker = std::thread([&] {
                try {
                    other->write([&] { seen = other->take_lease("plan", "host-b:2", at(5, 9, 20), at(5, 9, 30)); });
                } catch (const std::exception& e) {
                    error = e.what();
                }
            });
            for (int i = 0; i < 2000 && !waited; ++i) {
                waited = other_waits();
                if (!waited) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        });
        taker.join();
    });
    CHECK_FALSE(held);
    CHECK(waited);  // it waited for the planning's commit, rather than taking the lease beside it
    CHECK_MESSAGE(error.empty(), error);
    REQUIRE(seen);
    CHECK(seen->held_by("host-a:1"));
    CHECK(seen->until == at(5, 9, 25));
}

TEST_CASE("an SQLite installation is copied into an empty PostgreSQL database with its ids, audit included") {
    const auto dir = fs::temp_directory_path() / ("ritme-postgres-copy-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::string sqlite_path = (dir / "ritme.db").string();
    int64_t session_id = 0, delivery_id = 0;
    {
        auto sqlite = SqliteStore::open(sqlite_path);
        sqlite->write([&] {
            Programme programme = test::load_valid(test::programme_toml("start = 2026-02-02\nregion = \"noord\""));
            sqlite->put_programme(programme);
            StoredSession s;
            s.programme_id = "test";
            s.number = 1;
            s.slot = 1;
            s.date = s.planned_date = make_date(2026, 3, 10);
            s.time = *TimeRange::parse("09:30-11:30");
            s.location = "schakel";
            s.start_utc = at(10, 8, 30);
            s.end_utc = at(10, 10, 30);
            // A gap in the ids, as deletions leave: the copy keeps them.
            StoredSession gap = s;
            gap.slot = 2;
            sqlite->put_session(gap);
            session_id = sqlite->put_session(s);
            Participant p;
            p.id = "p-1";
            p.name = "Amina";
            p.phone = "+31612345678";
            p.language = "so";
            sqlite->put_participant(p);
            sqlite->enrol("p-1", "test");
            Delivery d = due_alert(1, at(10, 6));
            d.kind = DeliveryKind::reminder;
            d.session_id = session_id;
            d.session_version = 1;
            delivery_id = sqlite->add_delivery(d);
            sqlite->add_receipt("sms", {delivery_id, at(10, 6, 1), "delivered", "", "1"});
            sqlite->record({0, at(1, 9), "lead", "apply", "programme.applied", "test", ""});
        });
    }
    auto target = test::fresh_postgres_store();
    const auto copied = target->copy_from_sqlite(sqlite_path);
    const auto rows_of = [&](const std::string& table) {
        for (const auto& t : copied)
            if (t.table == table) return t.rows;
        return int64_t{-1};
    };
    CHECK_EQ(rows_of("session"), 2);
    CHECK_EQ(rows_of("audit"), 1);
    CHECK_EQ(rows_of("told"), 2);
    REQUIRE(target->session(session_id));
    CHECK_EQ(target->session(session_id)->slot, 1);
    CHECK_EQ(target->participants_of("test"), std::vector<std::string>{"p-1"});
    CHECK_EQ(target->delivery(delivery_id)->provider_status, "delivered");
    CHECK_EQ(target->receipts(delivery_id).size(), 1u);
    CHECK_EQ(target->audit().at(0).action, "programme.applied");
    // Ids go on after the copied ones.
    int64_t next = 0;
    target->write([&] { next = target->add_delivery(due_alert(2, at(10, 7))); });
    CHECK_GT(next, delivery_id);

    // Into a database with data: refused, and it stays as it is.
    try {
        target->copy_from_sqlite(sqlite_path);
        FAIL("a copy into a database with data went ahead");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("holds data already") != std::string::npos);
    }
    CHECK_EQ(target->sessions("test").size(), 2u);
    CHECK_THROWS_AS(target->copy_from_sqlite((dir / "missing.db").string()), StoreError);
    CHECK_FALSE(fs::exists(dir / "missing.db"));
    fs::remove_all(dir);
}

TEST_SUITE_END();

namespace {

// Waits, at most 10 seconds, until the listener's socket has something to read; then
// takes what arrived. Adds up until `expected` changes are counted or nothing more comes.
int changes_until(PostgresChangeListener& listener, int expected) {
    int taken = 0;
    while (taken < expected) {
        pollfd fd{listener.socket(), POLLIN, 0};
        if (::poll(&fd, 1, 10000) <= 0) break;
        taken += listener.take_changes();
    }
    return taken;
}

}  // namespace

TEST_SUITE_BEGIN("postgres_store");

TEST_CASE("a committed change wakes the other daemons once per transaction; its own, a read or another schema none") {
    const std::string url = test::fresh_postgres_schema_url();
    auto own = PostgresStore::open({url, ""});
    auto other = PostgresStore::open({url, ""});
    auto elsewhere = test::fresh_postgres_store();
    PostgresChangeListener listener({url, ""}, [&] { return own->backend_pid(); });

    own->write([&] { own->add_delivery(due_alert(1, at(5, 9))); });                     // its own: no news
    other->write([&] {                                                                    // 50 rows, one change
        for (int i = 2; i < 52; ++i) other->add_delivery(due_alert(i, at(5, 9)));
    });
    other->write([&] { other->claim_due(at(5, 8), 10, "b", at(5, 8, 5)); });           // nothing claimed
    elsewhere->write([&] { elsewhere->put_setting("rules", "x"); });                    // another installation
    other->write([&] { other->put_setting("rules", "v2"); });                            // the last change
    CHECK_EQ(listener.take_changes_committed_so_far(), 2);
}

TEST_CASE("a listening connection that broke is made again, counts as a change and hears the next one") {
    const std::string url = test::fresh_postgres_schema_url();
    auto store = PostgresStore::open({url, ""});
    PostgresChangeListener listener({url, ""}, {});
    const int before = listener.backend_pid();
    {
        pqxx::connection admin(url);
        pqxx::nontransaction(admin).exec("SELECT pg_terminate_backend(" + std::to_string(before) + ")");
    }
    CHECK_EQ(changes_until(listener, 1), 1);
    CHECK_NE(listener.backend_pid(), before);
    store->write([&] { store->put_setting("rules", "v3"); });
    CHECK_EQ(changes_until(listener, 1), 1);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("postgres_store");

TEST_CASE("a store whose connection was cut says so once, as busy, and connects again for the next call") {
    const std::string url = test::fresh_postgres_schema_url();
    auto store = PostgresStore::open({url, ""});
    store->write([&] { store->put_setting("rules", "v1"); });
    {
        pqxx::connection admin(url);
        pqxx::nontransaction(admin).exec("SELECT pg_terminate_backend(" + std::to_string(store->backend_pid()) + ")");
    }
    // The cut may surface in the call after it, as StoreBusy: nothing was written.
    try {
        store->write([&] { store->put_setting("rules", "v2"); });
    } catch (const StoreBusy&) {
        store->write([&] { store->put_setting("rules", "v2"); });
    }
    CHECK_EQ(store->setting("rules").value_or(""), "v2");
    CHECK_EQ(store->sessions("none").size(), 0u);  // prepared statements prepared again
}

TEST_SUITE_END();

namespace {

struct CliRun {
    int status;
    std::string out;
    std::string err;
};

CliRun cli(std::vector<std::string> args, const std::string& database) {
    std::ostringstream out, err;
    ManualClock clock({pt::ptime(make_date(2026, 1, 10), pt::hours(9))});
    StoreRegistry stores;
    register_sqlite_store(stores);
    register_postgres_store(stores);
    CliContext context{out, err, clock, nullptr, &stores};
    args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", database});
    const int status = run_cli(args, context);
    return {status, out.str(), err.str()};
}

}  // namespace

TEST_SUITE_BEGIN("postgres_store");

TEST_CASE("ritme migrate --to copies an applied installation, and the verbs then run on PostgreSQL") {
    const auto dir = fs::temp_directory_path() / ("ritme-postgres-migrate-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string sqlite_path = (dir / "ritme.db").string();
    REQUIRE_EQ(cli({"apply", test::source_path("config/programmes/almere-vrouwen-2026.toml")}, sqlite_path).status, 0);
    const std::string url = test::fresh_postgres_schema_url();

    const auto copied = cli({"migrate", "--to", url}, sqlite_path);
    CHECK_MESSAGE(copied.status == 0, copied.err);
    CHECK(copied.out.find("session: ") != std::string::npos);
    CHECK(copied.out.find("the same count in each table on both sides") != std::string::npos);

    // The calendar as stored, from either database, is the same.
    const auto from_sqlite = cli({"calendar", "almere-vrouwen-2026", "--format", "json"}, sqlite_path);
    const auto from_postgres = cli({"calendar", "almere-vrouwen-2026", "--format", "json"}, url);
    CHECK_EQ(from_sqlite.status, 0);
    CHECK_EQ(from_postgres.status, from_sqlite.status);
    CHECK_EQ(from_postgres.out, from_sqlite.out);

    const auto again = cli({"migrate", "--to", url}, sqlite_path);
    CHECK_EQ(again.status, 1);
    CHECK(again.err.find("holds data already") != std::string::npos);
    const auto with_password = cli({"migrate", "--to", "postgresql://ritme:geheim@db.example/ritme"}, sqlite_path);
    CHECK_EQ(with_password.status, 2);
    CHECK(with_password.err.find("geheim") == std::string::npos);
    fs::remove_all(dir);
}

TEST_CASE("the change watch calls back on the daemon's loop when another process commits") {
    const std::string url = test::fresh_postgres_schema_url();
    auto daemon_store = PostgresStore::open({url, ""});
    auto other = PostgresStore::open({url, ""});
    boost::asio::io_context io;
    int calls = 0;
    auto watch = daemon_store->watch_changes(io, [&] {
        ++calls;
        io.stop();
    });
    other->write([&] { other->put_setting("rules", "theirs"); });
    io.run_for(std::chrono::seconds(10));  // ends at the call
    CHECK_EQ(calls, 1);
    watch->stop();
}

TEST_SUITE_END();
