// `ritme backup`: a copy of a database another connection is writing, as one commit left it;
// 0600, one file, never over an existing one; a restored copy serves (claims what was due).

#include "engine/store/sqlite_backup.hpp"
#include "engine/store/sqlite_store.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

fs::path fresh_directory(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("ritme-backup-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

UtcInstant at(int day, int hour) { return {pt::ptime(make_date(2026, 3, day), pt::hours(hour))}; }

Delivery reminder(const std::string& participant, UtcInstant send_at) {
    Delivery d;
    d.key = "reminder:a1@v1:" + participant + ":2h:sms";
    d.kind = DeliveryKind::reminder;
    d.participant_id = participant;
    d.offset = "2h";
    d.channel = "sms";
    d.due_at = d.send_at = send_at;
    d.expires_at = {send_at.utc + pt::hours(2)};
    d.updated_at = at(1, 9);
    return d;
}

Participant participant(const std::string& id) {
    Participant p;
    p.id = id;
    p.name = "Deelnemer " + id;
    p.phone = "+31612345678";
    p.language = "nl";
    p.channels = {true, false};
    return p;
}

// A database with a participant and her reminder due on 10 March at 09:00.
std::unique_ptr<SqliteStore> populated(const fs::path& path) {
    auto store = SqliteStore::open(path.string());
    store->write([&] {
        store->put_participant(participant("p-1"));
        store->add_delivery(reminder("p-1", at(10, 9)));
    });
    return store;
}

std::string bytes_of(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("a backup taken while another connection writes is the database as its last commit left it") {
    const auto dir = fresh_directory("consistent");
    auto store = populated(dir / "ritme.db");

    // Another process is in the middle of a write: its rows are not committed yet.
    SQLite::Database writer((dir / "ritme.db").string(), SQLite::OPEN_READWRITE);
    writer.setBusyTimeout(5000);
    writer.exec("BEGIN IMMEDIATE");
    writer.exec("UPDATE participant SET name = 'half-way' WHERE id = 'p-1'");

    const BackupSummary copy = backup_database((dir / "ritme.db").string(), (dir / "copy.db").string());
    writer.exec("COMMIT");  // the writer was not held up, and goes on
    CHECK(copy.schema_version == SqliteStore::current_schema_version);
    CHECK(copy.participants == 1);
    CHECK(copy.deliveries == 1);
    CHECK(copy.bytes == fs::file_size(dir / "copy.db"));

    // Personal data: 0600, like the database. One file: no log or partial copy beside it.
    struct stat info {};
    REQUIRE(::stat((dir / "copy.db").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir)) files.push_back(entry.path().filename().string());
    std::sort(files.begin(), files.end());
    for (const auto& name : files) CHECK_MESSAGE((name.rfind("copy.db", 0) != 0 || name == "copy.db"), name);
    for (const auto& name : files) CHECK_MESSAGE(name.find("partial") == std::string::npos, name);

    auto restored = SqliteStore::open((dir / "copy.db").string());
    CHECK(restored->participant("p-1")->name == "Deelnemer p-1");
    CHECK(store->participant("p-1")->name == "half-way");
}

TEST_CASE("a restored backup serves: it claims what was due, as the database did") {
    const auto dir = fresh_directory("restore");
    {
        auto store = populated(dir / "ritme.db");
        backup_database((dir / "ritme.db").string(), (dir / "copy.db").string());
        // After the backup the daemon sent the reminder; the backup does not know.
        store->write([&] { CHECK(store->claim_due(at(10, 9), 10, "host:1", at(10, 10)).size() == 1); });
    }
    // Restoring: the copy over the database, without the old log.
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(dir / (std::string("ritme.db") + suffix));
    fs::copy_file(dir / "copy.db", dir / "ritme.db");
    auto store = SqliteStore::open((dir / "ritme.db").string());
    CHECK(store->integrity_problems().empty());
    std::vector<ClaimedDelivery> claimed;
    store->write([&] { claimed = store->claim_due(at(10, 9), 10, "host:2", at(10, 10)); });
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].delivery.participant_id == "p-1");
}

TEST_CASE("a backup never overwrites a file, and leaves nothing when it cannot be made") {
    const auto dir = fresh_directory("refused");
    populated(dir / "ritme.db");
    {
        std::ofstream(dir / "earlier.db") << "an earlier backup";
    }
    CHECK_THROWS_WITH_AS(backup_database((dir / "ritme.db").string(), (dir / "earlier.db").string()),
                         doctest::Contains("exists already"), StoreError);
    CHECK(bytes_of(dir / "earlier.db") == "an earlier backup");

    CHECK_THROWS_WITH_AS(backup_database((dir / "ritme.db").string(), (dir / "no-folder" / "copy.db").string()),
                         doctest::Contains("create it first"), StoreError);
    CHECK_THROWS_WITH_AS(backup_database((dir / "absent.db").string(), (dir / "copy.db").string()),
                         doctest::Contains("no database at"), StoreError);
    CHECK_FALSE(fs::exists(dir / "absent.db"));
    CHECK_FALSE(fs::exists(dir / "copy.db"));

    // Not a database: refused, and nothing is left at the target.
    {
        std::ofstream(dir / "garbage.db") << std::string(8192, 'x');
    }
    CHECK_THROWS_AS(backup_database((dir / "garbage.db").string(), (dir / "copy.db").string()), StoreError);
    CHECK_FALSE(fs::exists(dir / "copy.db"));
    for (const auto& entry : fs::directory_iterator(dir))
        CHECK_MESSAGE(entry.path().filename().string().find("partial") == std::string::npos, entry.path());
}
