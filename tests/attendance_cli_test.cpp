// `ritme attendance mark|list|export` end to end, on a real SQLite file, in Dutch and in
// English as LANG says. Every refused command leaves the database as it was, byte for byte.

#include "engine/cli/cli.hpp"
#include "engine/store/sqlite_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

const std::string almere = "almere-vrouwen-2026";

struct Run {
    int status;
    std::string out, err;
};

// One locale variable set for a test, the others cleared; what was there is put back.
class Locale {
public:
    explicit Locale(const char* lang, const char* sudo_user = nullptr) {
        for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG", "SUDO_USER"}) {
            const char* old = std::getenv(name);
            saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
            ::unsetenv(name);
        }
        if (lang) ::setenv("LANG", lang, 1);
        if (sudo_user) ::setenv("SUDO_USER", sudo_user, 1);
    }
    ~Locale() {
        for (const auto& [name, value] : saved_) value ? ::setenv(name, value->c_str(), 1) : ::unsetenv(name);
    }

private:
    std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

// The Almere programme applied (Tue and Thu 09:30-11:30 from 2026-02-03) with two participants
// enrolled and one not; the clock during its fourth session.
class Fixture {
public:
    explicit Fixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-attendance-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        REQUIRE(run({"apply", test::source_path("config/programmes/" + almere + ".toml")}).status == 0);
        amina = add({"--name", "Amina Yusuf", "--phone", "06-12345678", "--programme", almere});
        bea = add({"--name", "Bea de Vries, \"B\"", "--phone", "06-12345679", "--programme", almere});
        chaima = add({"--name", "Chaima", "--phone", "06-12345670"});
        now = {session(4).start_utc.utc + pt::minutes(30)};
    }

    Run run(std::vector<std::string> args) const {
        std::ostringstream out, err;
        ManualClock clock(now);
        CliContext context{out, err, clock};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", database()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

    std::string add(std::vector<std::string> fields) const {
        fields.insert(fields.begin(), {"participant", "add"});
        const Run added = run(fields);
        REQUIRE(added.status == 0);
        return added.out.substr(0, added.out.find('\n'));
    }

    std::string database() const { return (dir_ / "ritme.db").string(); }
    fs::path dir() const { return dir_; }

    StoredSession session(int number) const {
        const auto sessions = SqliteStore::open(database())->sessions(almere);
        const auto found = std::find_if(sessions.begin(), sessions.end(),
                                        [&](const StoredSession& s) { return s.number == number; });
        REQUIRE(found != sessions.end());
        return *found;
    }

    std::string database_bytes() const {
        std::string bytes;
        for (const auto& path : {database(), database() + "-wal"}) {
            std::ifstream in(path, std::ios::binary);
            bytes.append(std::istreambuf_iterator<char>(in), {});
        }
        return bytes;
    }

    std::string amina, bea, chaima;
    UtcInstant now{pt::ptime(make_date(2026, 1, 10), pt::hours(9))};

private:
    fs::path dir_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string line_with(const std::string& text, const std::string& part) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (contains(line, part)) return line;
    return {};
}

void check_refused(const Fixture& db, const std::vector<std::string>& args, int status, const std::string& expected) {
    CAPTURE(args);
    const std::string before = db.database_bytes();
    const Run run = db.run(args);
    CHECK(run.status == status);
    CHECK_MESSAGE(contains(run.err, expected), run.err);
    CHECK(run.out.empty());
    CHECK(db.database_bytes() == before);
}

}  // namespace

TEST_SUITE("attendance_cli") {
    TEST_CASE("attendance mark: in Dutch under LANG=nl, audited with the operator (SUDO_USER when set)") {
        Locale dutch("nl_NL.UTF-8", "fatima");
        Fixture db("mark");
        const Run run = db.run({"attendance", "mark", almere, "1", db.amina, "aanwezig"});
        REQUIRE_MESSAGE(run.status == 0, run.err);
        CHECK(run.out == almere + " #1 (di 3 feb 09:30): Amina Yusuf is aanwezig\n");

        const Run again = db.run({"attendance", "mark", almere, "#1", db.amina, "present"});
        REQUIRE(again.status == 0);
        CHECK(contains(again.out, "Amina Yusuf was al aanwezig; niets veranderd"));

        const Run changed = db.run({"attendance", "mark", almere, almere + "#1", db.amina, "afwezig"});
        REQUIRE(changed.status == 0);
        CHECK(contains(changed.out, "Amina Yusuf is afwezig (was aanwezig)"));

        const auto audit = SqliteStore::open(db.database())->audit();
        std::vector<AuditEntry> marks;
        std::copy_if(audit.begin(), audit.end(), std::back_inserter(marks),
                     [](const AuditEntry& e) { return e.action == "attendance.marked"; });
        REQUIRE(marks.size() == 2);
        CHECK(marks[0].actor == "fatima");
        CHECK(marks[0].command == "attendance mark");
        CHECK(marks[0].subject == almere + "#1");
        CHECK(marks[1].details == db.amina + " absent (was present, by lead)");
    }

    TEST_CASE("followup list|done: absences open follow-ups, listed in Dutch, marked done with the operator as actor") {
        Locale dutch("nl_NL.UTF-8", "fatima");
        Fixture db("followup");
        const Run first = db.run({"attendance", "mark", almere, "1", db.amina, "afwezig"});
        REQUIRE_MESSAGE(first.status == 0, first.err);
        CHECK(contains(first.out, "opvolging #1 geopend: Amina Yusuf was er niet (di 3 feb) en had zich niet afgemeld"));
        const Run second = db.run({"attendance", "mark", almere, "2", db.amina, "afwezig"});
        REQUIRE(second.status == 0);
        CHECK(contains(second.out, "Amina Yusuf was 2 keer achter elkaar afwezig (t/m do 5 feb)"));

        const Run list = db.run({"followup", "list", almere});
        REQUIRE_MESSAGE(list.status == 0, list.err);
        CHECK(contains(list.out, "#1"));
        CHECK(contains(list.out, "#3"));
        const Run json = db.run({"followup", "list", "--format", "json"});
        REQUIRE(json.status == 0);
        const auto rows = nlohmann::json::parse(json.out);
        REQUIRE(rows.size() == 3);
        CHECK(rows[2]["cause"] == "absences-in-a-row");
        CHECK(rows[2]["count"] == 2);

        const Run done = db.run({"followup", "done", "3"});
        REQUIRE_MESSAGE(done.status == 0, done.err);
        CHECK(contains(done.out, "Opvolging #3 afgehandeld"));
        const auto store = SqliteStore::open(db.database());
        CHECK(store->follow_up(3)->done_by == "fatima");
        CHECK(store->audit().back().action == "follow-up.done");
        CHECK(store->audit().back().actor == "fatima");
        CHECK(store->follow_ups(almere, true).size() == 2);

        check_refused(db, {"followup", "done", "3"}, 1, "marked done already, by fatima");
        check_refused(db, {"followup", "done", "99"}, 2, "no follow-up 99");
        check_refused(db, {"followup", "done", "drie"}, 2, "not a follow-up number");
        check_refused(db, {"followup", "list", "almere"}, 2, "almere");
    }

    TEST_CASE("attendance mark: English without a Dutch LANG; bad words exit 2 with a did-you-mean, nothing stored") {
        Locale english("C.UTF-8");
        Fixture db("refused");
        const Run run = db.run({"attendance", "mark", almere, "2", db.bea, "excused"});
        REQUIRE(run.status == 0);
        CHECK(run.out == almere + " #2 (Thu, 5 Feb 09:30): Bea de Vries, \"B\" marked excused\n");

        check_refused(db, {"attendance", "mark", almere, "2", db.amina, "aanwezg"}, 2, "did you mean aanwezig?");
        check_refused(db, {"attendance", "mark", almere, "2", db.amina, "ziek"}, 2,
                      "write present, absent, excused, aanwezig, afwezig or afgemeld");
        check_refused(db, {"attendance", "mark", almere, "x2", db.amina, "present"}, 2, "is not a session number");
        check_refused(db, {"attendance", "mark", almere, "other#2", db.amina, "present"}, 2, "another programme");
        check_refused(db, {"attendance", "mark", almere, "99", db.amina, "present"}, 2, "has no session #99");
        check_refused(db, {"attendance", "mark", "almere-vrouwen-2027", "2", db.amina, "present"}, 2,
                      "did you mean almere-vrouwen-2026?");
        check_refused(db, {"attendance", "mark", almere, "2", db.chaima, "present"}, 2,
                      db.chaima + " is not enrolled in " + almere);
        check_refused(db, {"attendance", "mark", almere, "2", "p-nobody", "present"}, 2, "no participant p-nobody");
        // The state does not allow it: exit 1.
        check_refused(db, {"attendance", "mark", almere, "9", db.amina, "present"}, 1, "has not begun yet");
        REQUIRE(db.run({"session", "cancel", almere + "#3", "--reason", "docent ziek"}).status == 0);
        check_refused(db, {"attendance", "mark", almere, "3", db.amina, "absent"}, 1, "is cancelled");

        const Run help = db.run({"attendance", "mark", "--help"});
        CHECK(help.status == 0);
        CHECK(contains(help.out, "PARTICIPANT"));
    }

    TEST_CASE("attendance list: held sessions × participants, counts and the percentage; JSON too") {
        Locale dutch("nl_NL.UTF-8");
        Fixture db("list");
        for (const auto& [number, id, status] :
             {std::tuple{"1", db.amina, "aanwezig"}, std::tuple{"2", db.amina, "aanwezig"},
              std::tuple{"4", db.amina, "afwezig"}, std::tuple{"1", db.bea, "afgemeld"},
              std::tuple{"10", db.bea, "afgemeld"}})
            REQUIRE(db.run({"attendance", "mark", almere, number, id, status}).status == 0);

        const Run text = db.run({"attendance", "list", almere});
        REQUIRE(text.status == 0);
        CHECK(contains(text.out, almere + ": 4 van "));
        CHECK(contains(text.out, "bijeenkomsten gehouden"));
        const std::string header = line_with(text.out, "deelnemer");
        CHECK(contains(header, "#1 #2 #3 #4"));
        CHECK_FALSE(contains(header, "#5"));
        CHECK(contains(header, "aanwezig  afwezig  afgemeld  onbekend"));
        const std::string amina = line_with(text.out, "Amina Yusuf");
        CHECK(contains(amina, "+  +  .  -"));
        CHECK(contains(amina, " 50%"));
        const std::string bea = line_with(text.out, "Bea de Vries");
        CHECK(contains(bea, "/  .  .  ."));
        CHECK(contains(bea, "  0%"));
        CHECK_FALSE(contains(text.out, "Chaima"));
        CHECK(contains(text.out, "+ aanwezig, - afwezig, / afgemeld, . onbekend"));
        CHECK(contains(text.out, "Vooraf afgemeld voor #10 (do 12 mrt 09:30): Bea de Vries"));

        const Run json_run = db.run({"attendance", "list", almere, "--format", "json"});
        REQUIRE(json_run.status == 0);
        const auto json = nlohmann::json::parse(json_run.out);
        CHECK(json["programme"] == almere);
        CHECK(json["sessions"][0]["held"] == true);
        CHECK(json["sessions"][4]["held"] == false);
        const auto& first = json["participants"][0];
        CHECK(first["id"] == db.amina);
        CHECK(first["marks"][0] == "present");
        CHECK(first["marks"][2].is_null());
        CHECK(first["held"] == 4);
        CHECK(first["present"] == 2);
        CHECK(first["percent"] == 50);

        check_refused(db, {"attendance", "list", "almere-vrouwen-2027"}, 2, "did you mean almere-vrouwen-2026?");
    }

    TEST_CASE("attendance export: the presentielijst as CSV, to standard output or a new file only its owner reads") {
        Locale dutch("nl_NL.UTF-8");
        Fixture db("export");
        REQUIRE(db.run({"attendance", "mark", almere, "1", db.amina, "aanwezig"}).status == 0);
        REQUIRE(db.run({"attendance", "mark", almere, "1", db.bea, "afwezig"}).status == 0);
        const Run run = db.run({"attendance", "export", almere});
        REQUIRE(run.status == 0);
        const std::string first = iso_date(db.session(1).date);
        CHECK(run.out.rfind("datum,bijeenkomst,deelnemer,status\r\n" + first + ",1,Amina Yusuf,aanwezig\r\n" + first +
                                ",1,\"Bea de Vries, \"\"B\"\"\",afwezig\r\n",
                            0) == 0);
        CHECK(std::count(run.out.begin(), run.out.end(), '\n') == 1 + 4 * 2);  // 4 sessions held, 2 participants

        const auto file = (db.dir() / "presentielijst.csv").string();
        const Run to_file = db.run({"attendance", "export", almere, "--output", file});
        REQUIRE(to_file.status == 0);
        CHECK(to_file.out.empty());
        std::ifstream in(file, std::ios::binary);
        CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == run.out);
        struct stat info {};
        REQUIRE(::stat(file.c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);

        Locale english("en_GB.UTF-8");
        const Run in_english = db.run({"attendance", "export", almere});
        CHECK(in_english.out.rfind("date,session,participant,status\r\n" + first + ",1,Amina Yusuf,present\r\n", 0) ==
              0);
        check_refused(db, {"attendance", "export", almere, "--output", db.dir().string()}, 2, "not a regular file");
    }
}
