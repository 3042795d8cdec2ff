#include "engine/cli/cli.hpp"
#include "engine/store/memory_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

struct Run {
    int status;
    std::string out, err;
};

Run ritme_cli(std::vector<std::string> args) {
    std::ostringstream out, err;
    ManualClock clock({pt::ptime(make_date(2026, 3, 5), pt::hours(9))});
    CliContext context{out, err, clock};
    args.insert(args.begin(), {"--holidays", test::source_path("config/holidays")});
    const int status = run_cli(args, context);
    return {status, out.str(), err.str()};
}

const std::string almere = test::source_path("config/programmes/almere-vrouwen-2026.toml");
const std::string eindhoven = test::source_path("config/programmes/eindhoven-samen-2027.toml");

std::string temp_file(const std::string& name, const std::string& content) {
    const auto path = std::filesystem::temp_directory_path() / ("ritme-cli-test-" + name);
    std::ofstream(path) << content;
    return path.string();
}

// Starts 45 minutes before school hours plus travel margin allow.
const std::string early_programme = test::programme_toml("start = 2026-02-02\nregion = \"noord\"", R"(
[location.a]
name = "A"
[[slot]]
day = "tuesday"
start = "08:30"
end = "10:30"
)");

int count_lines_starting(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line.rfind(prefix, 0) == 0;
    return n;
}

}  // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("check: exit 0 for clean files, with one summary line per file") {
    const Run run = ritme_cli({"check", almere, eindhoven});
    CHECK(run.status == 0);
    CHECK(run.out.find(almere + ": 0 errors, 1 warning; 33 of 40 sessions, 2026-02-02 to 2026-06-21\n") !=
          std::string::npos);
    CHECK(count_lines_starting(run.out, eindhoven + ": 0 errors") == 1);
}

TEST_CASE("check: exit 1 when a file has errors, still summarising every file") {
    const auto early = temp_file("early.toml", early_programme);
    const Run run = ritme_cli({"check", early, almere});
    CHECK(run.status == 1);
    CHECK(run.out.find(early + ":9:1: error: slot 1 (tuesday 08:30-10:30) starts 45 minutes too early") !=
          std::string::npos);
    CHECK(count_lines_starting(run.out, early + ": 1 error") == 1);
    CHECK(count_lines_starting(run.out, almere + ": 0 errors") == 1);
}

TEST_CASE("check: exit 2 when a file cannot be read or parsed") {
    const Run run = ritme_cli({"check", test::data_path("broken/not-toml.toml"), almere});
    CHECK(run.status == 2);
    CHECK(run.out.find("not-toml.toml: cannot be read") != std::string::npos);
    CHECK(run.out.find(almere + ": 0 errors") != std::string::npos);
    CHECK(ritme_cli({"check", "/nonexistent/programme.toml"}).status == 2);
    // Invalid content, but well-formed TOML: errors, exit 1.
    CHECK(ritme_cli({"check", test::data_path("broken/typo-weekday.toml")}).status == 1);
}

TEST_CASE("check: a file with a typo key and a slot too early reports both, in file order") {
    // The unknown key makes the file invalid; the slot checks still run on the slots that read.
    const auto path = temp_file("typo-and-early.toml", test::programme_toml("start = 2026-02-02\nregion = \"noord\"\nwekes = 20", R"(
[location.a]
name = "A"
[[slot]]
day = "tuesday"
start = "08:00"
end = "10:00"
)"));
    const Run run = ritme_cli({"check", path});
    CHECK(run.status == 1);
    CHECK(run.out == path + ":6:1: error: [programme]: unknown key `wekes`; did you mean weeks?\n" + path +
                         ":10:1: error: slot 1 (tuesday 08:00-10:00) starts 75 minutes too early: school hours on "
                         "tuesday are 09:00-13:45, so with 15m travel margin a session fits in 09:15-13:30; start at "
                         "09:15 or later\n" +
                         path + ": 2 errors, 0 warnings; no calendar\n");
}

TEST_CASE("check: a directory cannot be read, exit 2") {
    const auto directory = std::filesystem::temp_directory_path().string();
    const Run run = ritme_cli({"check", directory});
    CHECK(run.status == 2);
    CHECK(run.out.find(directory + ": error: cannot read the file: it is a directory") != std::string::npos);
    CHECK(run.out.find(directory + ": cannot be read\n") != std::string::npos);
}

TEST_CASE("calendar --format json has the documented shape") {
    const Run run = ritme_cli({"calendar", almere, "--format", "json"});
    REQUIRE(run.status == 0);
    const auto json = nlohmann::json::parse(run.out);
    CHECK(json["programme"]["id"] == "almere-vrouwen-2026");
    CHECK(json["programme"]["region"] == "noord");
    CHECK(json["programme"]["timezone"] == "Europe/Amsterdam");
    REQUIRE(json["sessions"].size() == 33);
    const auto& first = json["sessions"][0];
    CHECK(first["number"] == 1);
    CHECK(first["date"] == "2026-02-03");
    CHECK(first["weekday"] == "tuesday");
    CHECK(first["start"] == "09:30");
    CHECK(first["end"] == "11:30");
    CHECK(first["start_utc"] == "2026-02-03T08:30:00Z");
    CHECK(first["end_utc"] == "2026-02-03T10:30:00Z");
    CHECK(first["location"] == "schakel");
    CHECK(first["status"] == "planned");
    REQUIRE(json["skipped"].size() == 7);
    CHECK(json["skipped"][0]["date"] == "2026-02-24");
    CHECK(json["skipped"][0]["slot"] == 1);
    CHECK(json["skipped"][0]["reason"] == "voorjaarsvakantie (noord)");
    REQUIRE(json["problems"].size() == 1);
    CHECK(json["problems"][0]["severity"] == "warning");
    // The unconfirmed meivakantie: the lead's programme, pointing at ritme's data in the hint.
    CHECK(json["problems"][0]["where"] == almere + ":5:1");
    CHECK(json["problems"][0]["hint"].get<std::string>().find("2025-2026.toml:33)") != std::string::npos);
}

TEST_CASE("calendar -o writes the file and reports the problems on stderr") {
    const auto output = std::filesystem::temp_directory_path() / "ritme-cli-test-calendar.ics";
    std::filesystem::remove(output);
    const Run run = ritme_cli({"calendar", almere, "--format", "ics", "-o", output.string()});
    CHECK(run.status == 0);
    CHECK(run.out.empty());
    CHECK(run.err.find("meivakantie (noord) 2026-04-25 to 2026-05-03 is not confirmed yet") != std::string::npos);
    std::ifstream in(output);
    const std::string ics((std::istreambuf_iterator<char>(in)), {});
    CHECK(count_lines_starting(ics, "BEGIN:VEVENT") == 33);
    CHECK_FALSE(std::filesystem::exists(output.string() + ".tmp"));
}

namespace {

// A fresh directory for one test, removed after it.
struct ScratchDirectory {
    std::filesystem::path path;
    explicit ScratchDirectory(const std::string& name)
        : path(std::filesystem::temp_directory_path() / ("ritme-cli-test-" + name)) {
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~ScratchDirectory() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

std::string text_of_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

TEST_CASE("calendar -o never writes through a symlink planted beside the target, nor leaves a file behind") {
    const ScratchDirectory scratch("calendar-links");
    const auto victim = scratch.path / "victim.txt";
    std::ofstream(victim) << "not yours";
    const auto output = scratch.path / "calendar.ics";
    // The old fixed temporary name, and the target itself, pointing at someone else's file.
    std::filesystem::create_symlink(victim, output.string() + ".tmp");
    std::filesystem::create_symlink(victim, output);

    const Run run = ritme_cli({"calendar", almere, "--format", "ics", "-o", output.string()});
    CHECK(run.status == 0);
    CHECK(text_of_file(victim) == "not yours");
    CHECK(std::filesystem::is_regular_file(std::filesystem::symlink_status(output)));
    CHECK(text_of_file(output).starts_with("BEGIN:VCALENDAR"));
    int entries = 0;
    for (const auto& entry : std::filesystem::directory_iterator(scratch.path)) {
        ++entries;
        CHECK(entry.path().filename().string().find(".XXXXXX") == std::string::npos);
    }
    CHECK(entries == 3);  // victim, calendar.ics, the planted calendar.ics.tmp: no temporary left
}

TEST_CASE("calendar -o keeps the permissions of the file it replaces, and makes a new one 0644") {
    const ScratchDirectory scratch("calendar-modes");
    namespace fs = std::filesystem;
    const auto existing = scratch.path / "existing.ics";
    std::ofstream(existing) << "old";
    fs::permissions(existing, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    CHECK(ritme_cli({"calendar", almere, "--format", "ics", "-o", existing.string()}).status == 0);
    CHECK(fs::status(existing).permissions() == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
    CHECK(text_of_file(existing) != "old");

    const auto fresh = scratch.path / "fresh.ics";
    CHECK(ritme_cli({"calendar", almere, "--format", "ics", "-o", fresh.string()}).status == 0);
    CHECK(fs::status(fresh).permissions() == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                              fs::perms::others_read));
}

TEST_CASE("calendar -o refuses a target that is a directory, a fifo or a symlink to one, with exit 2") {
    const ScratchDirectory scratch("calendar-targets");
    namespace fs = std::filesystem;
    const auto directory = scratch.path / "a-directory";
    fs::create_directory(directory);
    const auto fifo = scratch.path / "a-fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto link = scratch.path / "a-link";
    fs::create_symlink(fifo, link);

    for (const auto& [target, kind] : {std::pair{directory, "is a directory"}, std::pair{fifo, "is a fifo"},
                                       std::pair{link, "is a fifo"}}) {
        CAPTURE(target);
        const Run run = ritme_cli({"calendar", almere, "--format", "ics", "-o", target.string()});
        CHECK(run.status == 2);
        CHECK(run.err.find(target.string() + ": " + kind + ", not a regular file") != std::string::npos);
    }
    CHECK(fs::is_directory(directory));
    CHECK(fs::is_fifo(fs::symlink_status(fifo)));
    CHECK(fs::is_symlink(fs::symlink_status(link)));
}

TEST_CASE("calendar on a programme with errors writes the calendar and exits 1; bad input exits 2") {
    const Run run = ritme_cli({"calendar", test::data_path("broken/typo-weekday.toml")});
    CHECK(run.status == 2);
    CHECK(run.err.find("did you mean thursday?") != std::string::npos);
    CHECK(run.out.empty());
    const auto early = temp_file("early2.toml", early_programme);
    const Run with_errors = ritme_cli({"calendar", early});
    CHECK(with_errors.status == 1);
    CHECK(with_errors.out.find("#1  Tue 2026-02-03  08:30-10:30") != std::string::npos);
    CHECK(with_errors.out.find("error: slot 1 (tuesday 08:30-10:30) starts 45 minutes too early") != std::string::npos);
    CHECK(ritme_cli({"calendar", almere, "--format", "pdf"}).status == 2);
    CHECK(ritme_cli({"calendar", almere, "--today", "5 maart"}).status == 2);
}

TEST_CASE("holidays without a region: the public holidays, each once, Good Friday and Liberation Day named") {
    const Run run = ritme_cli({"holidays", "2026", "--format", "json"});
    REQUIRE(run.status == 0);
    const auto json = nlohmann::json::parse(run.out);
    REQUIRE(json.size() == 11);
    std::map<std::string, std::string> by_name;
    for (const auto& entry : json) {
        CHECK(entry["kind"] == "public");
        CHECK(entry["confirmed"] == true);
        CHECK_FALSE(entry.contains("from"));
        CHECK(by_name.emplace(entry["name"], entry["date"]).second);  // each once
    }
    CHECK(by_name["Goede Vrijdag"] == "2026-04-03");
    CHECK(by_name["Bevrijdingsdag"] == "2026-05-05");
    CHECK(by_name["Koningsdag"] == "2026-04-27");
}

TEST_CASE("holidays with a region adds its school holidays, marked confirmed or not") {
    const Run run = ritme_cli({"holidays", "2026", "--region", "zuid", "--format", "json"});
    REQUIRE(run.status == 0);
    const auto json = nlohmann::json::parse(run.out);
    int school = 0;
    for (const auto& entry : json) {
        if (entry["kind"] != "school") continue;
        ++school;
        CHECK(entry.contains("from"));
        CHECK(entry.contains("to"));
        CHECK_FALSE(entry.contains("date"));
        if (entry["name"] == "meivakantie (zuid)") CHECK(entry["confirmed"] == false);
        if (entry["name"] == "zomervakantie (zuid)") {
            CHECK(entry["from"] == "2026-07-11");
            CHECK(entry["to"] == "2026-08-23");
        }
    }
    // kerst 2025-26, voorjaar, mei, zomer, herfst, kerst 2026-27
    CHECK(school == 6);
    const Run text = ritme_cli({"holidays", "2026", "--region", "zuid"});
    CHECK(text.out.find("2026-04-25 za - 2026-05-03   school  meivakantie (zuid)  (to be checked)") != std::string::npos);
}

TEST_CASE("--help on every verb, and bad verbs and options are bad input") {
    for (const char* verb : {"check", "calendar", "holidays"}) {
        CAPTURE(verb);
        const Run run = ritme_cli({verb, "--help"});
        CHECK(run.status == 0);
        CHECK(run.out.find(verb) != std::string::npos);
        CHECK(run.out.find("--help") != std::string::npos);
    }
    CHECK(ritme_cli({"--help"}).status == 0);
    CHECK(ritme_cli({"frobnicate"}).status == 2);
    CHECK(ritme_cli({}).status == 2);
    CHECK(ritme_cli({"holidays", "twenty"}).status == 2);
    CHECK(ritme_cli({"holidays", "2026", "--region", "oost"}).status == 2);
}

TEST_CASE("the database is a path or a URL of a known store; an unknown scheme lists the known ones, never the URL") {
    const Run mysql = ritme_cli({"--db", "mysql://ritme:geheim@db.example/ritme", "status"});
    CHECK(mysql.status == 1);
    CHECK(mysql.err.find("the database is a mysql://… URL, which this ritme has no store for; it knows a file path "
                         "(SQLite") != std::string::npos);
    CHECK(mysql.err.find("geheim") == std::string::npos);
    // Without a PostgreSQL store registered, its URL says so in the same words.
    const Run postgres = ritme_cli({"--db", "postgresql://ritme@db.example/ritme", "participant", "list"});
    CHECK(postgres.status == 1);
    CHECK(postgres.err.find("the database is a postgresql://… URL, which this ritme has no store for") !=
          std::string::npos);
    // A registry that has the scheme opens it with the whole URL.
    StoreRegistry registry;
    std::string opened;
    registry.add("memory", "memory://NAME", [&](const std::string& database) -> std::unique_ptr<Store> {
        opened = database;
        return std::make_unique<MemoryStore>();
    });
    CHECK(registry.open("MEMORY://one") != nullptr);
    CHECK(opened == "MEMORY://one");
    CHECK(StoreRegistry::scheme_of("var/ritme.db") == StoreRegistry::file_scheme);
    CHECK(StoreRegistry::scheme_of("/srv/a://b") == StoreRegistry::file_scheme);
    CHECK(StoreRegistry::scheme_of("postgresql://host/db") == "postgresql");
    CHECK_THROWS_AS(registry.open("var/ritme.db"), StoreError);  // no SQLite in this one
}

TEST_SUITE_END();
