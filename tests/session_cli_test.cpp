// The session and appointment verbs end to end, on a real SQLite file: a lead's cancel,
// move and restore of one session, and individual appointments. Every refused command
// leaves the database as it was, byte for byte.

#include "engine/calendar/calendar.hpp"
#include "engine/cli/cli.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/time/local_time_text.hpp"
#include "engine/time/time_zone.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

// LANG set for a test, LC_ALL and LC_MESSAGES cleared; what was there is put back.
class LangSet {
public:
    explicit LangSet(const char* lang) {
        for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            const char* old = std::getenv(name);
            saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
            ::unsetenv(name);
        }
        ::setenv("LANG", lang, 1);
    }
    ~LangSet() {
        for (const auto& [name, value] : saved_) value ? ::setenv(name, value->c_str(), 1) : ::unsetenv(name);
    }

private:
    std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};


const std::string almere = "almere-vrouwen-2026";

struct Run {
    int status;
    std::string out, err;
};

// A database with the Almere programme applied, and a clock at 2026-01-10 09:00 UTC,
// before its first session.
class Fixture {
public:
    explicit Fixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-session-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        REQUIRE(apply_almere().status == 0);
    }

    Run run(std::vector<std::string> args) const {
        std::ostringstream out, err;
        ManualClock clock(now);
        CliContext context{out, err, clock};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", database()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

    Run apply_almere() const { return run({"apply", test::source_path("config/programmes/almere-vrouwen-2026.toml")}); }

    std::string database() const { return (dir_ / "ritme.db").string(); }

    std::string file(const std::string& name, const std::string& content) const {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }

    StoredSession session(const std::string& programme, int number) const {
        const auto sessions = SqliteStore::open(database())->sessions(programme);
        const auto found = std::find_if(sessions.begin(), sessions.end(),
                                        [&](const StoredSession& s) { return s.number == number; });
        REQUIRE(found != sessions.end());
        return *found;
    }

    std::vector<AuditEntry> audit(const std::string& action) const {
        std::vector<AuditEntry> entries;
        for (auto& entry : SqliteStore::open(database())->audit())
            if (entry.action == action) entries.push_back(std::move(entry));
        return entries;
    }

    // The database and its write-ahead log, byte for byte.
    std::string database_bytes() const {
        std::string bytes;
        for (const auto& path : {database(), database() + "-wal"}) {
            std::ifstream in(path, std::ios::binary);
            bytes.append(std::istreambuf_iterator<char>(in), {});
        }
        return bytes;
    }

    // A participant added through the CLI; its id.
    std::string add_participant(const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> args{"participant", "add", "--name", "Amina Yusuf", "--phone", "06-12345678"};
        args.insert(args.end(), extra.begin(), extra.end());
        const Run added = run(args);
        REQUIRE(added.status == 0);
        return added.out.substr(0, added.out.find('\n'));
    }

    const UtcInstant now{pt::ptime(make_date(2026, 1, 10), pt::hours(9))};

private:
    fs::path dir_;
};

UtcInstant amsterdam(int year, int month, int day, int hour, int minute) {
    return *TimeZone::load("Europe/Amsterdam")
                .to_utc({make_date(year, month, day), TimeOfDay::hm(hour, minute)}, session_time_policy)
                .instant;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The first line of `text` that contains `part`.
std::string line_with(const std::string& text, const std::string& part) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (contains(line, part)) return line;
    return {};
}

// A refused command: the exit status, a message naming `expected`, and no change.
void check_refused(const Fixture& db, const std::vector<std::string>& args, int status, const std::string& expected) {
    CAPTURE(args.back());
    const std::string before = db.database_bytes();
    const Run run = db.run(args);
    CHECK(run.status == status);
    CHECK_MESSAGE(contains(run.err, expected), run.err);
    CHECK(run.out.empty());
    CHECK(db.database_bytes() == before);
}

int appointment_id(const std::string& out) {
    REQUIRE(out.rfind("appointment ", 0) == 0);
    return std::stoi(out.substr(std::string("appointment ").size()));
}

}  // namespace

TEST_SUITE("session_cli") {
    TEST_CASE("session list: every stored session with its date, time, place, status and version") {
        Fixture db("list");
        const auto stored = SqliteStore::open(db.database())->sessions(almere);
        REQUIRE(stored.size() > 10);

        const Run json_run = db.run({"session", "list", almere, "--format", "json"});
        REQUIRE(json_run.status == 0);
        const auto json = nlohmann::json::parse(json_run.out);
        REQUIRE(json.size() == stored.size());
        CHECK(json[0]["number"] == stored[0].number);
        CHECK(json[0]["date"] == iso_date(stored[0].date));
        CHECK(json[0]["start"] == stored[0].time.start.str());
        CHECK(json[0]["location"] == stored[0].location);
        CHECK(json[0]["status"] == "planned");
        CHECK(json[0]["version"] == 1);
        CHECK(json[0]["lead_override"] == false);

        REQUIRE(db.run({"session", "cancel", almere + "#3", "--reason", "docent ziek"}).status == 0);
        const Run text = db.run({"session", "list", almere});
        REQUIRE(text.status == 0);
        const std::string third = line_with(text.out, "#3 ");
        CHECK(contains(third, iso_date(stored[2].date) + " " + stored[2].time.str()));
        CHECK(contains(third, "cancelled"));
        CHECK(contains(third, "v2"));
        CHECK(contains(third, "(set by lead)"));
        CHECK_FALSE(contains(line_with(text.out, "#4 "), "(set by lead)"));

        check_refused(db, {"session", "list", "almere-vrouwen-2027"}, 2, "did you mean almere-vrouwen-2026?");
    }

    TEST_CASE("session cancel: cancelled by the lead, one version up, how it was kept, the reason only in the audit") {
        Fixture db("cancel");
        const StoredSession before = db.session(almere, 10);
        const Run run = db.run({"session", "cancel", almere + "#10", "--reason", "studiedag docenten"});
        REQUIRE(run.status == 0);
        CHECK(contains(run.out, "cancelled #10"));
        CHECK_FALSE(contains(run.out + run.err, "studiedag docenten"));

        const StoredSession after = db.session(almere, 10);
        CHECK(after.id == before.id);
        CHECK(after.status == SessionStatus::cancelled);
        CHECK(after.version == before.version + 1);
        CHECK(after.changed_at == std::optional(db.now));
        REQUIRE(after.previous.has_value());
        CHECK(after.previous->date == before.date);
        CHECK(after.previous->time == before.time);
        CHECK(after.previous->location == before.location);
        CHECK(after.previous->start_utc == before.start_utc);
        CHECK(after.lead_override);

        const auto entries = db.audit("session.cancelled");
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].subject == almere + "#10");
        CHECK(entries[0].command == "session cancel");
        CHECK(entries[0].at == db.now);
        CHECK(contains(entries[0].details, "studiedag docenten"));

        check_refused(db, {"session", "cancel", almere + "#10", "--reason", "again"}, 1, "cancelled already");
        check_refused(db, {"session", "cancel", almere + "#11", "--reason", "  "}, 2, "--reason");
    }

    TEST_CASE("a session is named PROGRAMME#N; anything else is refused with what to write") {
        Fixture db("names");
        const std::vector<std::pair<std::string, std::string>> bad{
            {"almere#x", "\"x\" after # is not a session number"},
            {"almere-vrouwen-2026#0", "\"0\" after # is not a session number"},
            {"#3", "no programme id before #"},
            {"almere-vrouwen-2026", "write PROGRAMME#N"},
            {"almere-vrouwen-2027#3",
             "no programme \"almere-vrouwen-2027\" in the database; did you mean almere-vrouwen-2026?"},
            {"elsewhere#3", "apply its file first"},
            {"almere-vrouwen-2026#999", "almere-vrouwen-2026 has no session #999; its sessions are #1-#"},
        };
        for (const auto& [name, expected] : bad) {
            check_refused(db, {"session", "cancel", name, "--reason", "r"}, 2, expected);
            check_refused(db, {"session", "move", name, "--to", "2026-03-11T09:30"}, 2, expected);
            check_refused(db, {"session", "restore", name}, 2, expected);
        }
    }

    TEST_CASE("session move: the new local time in the programme's zone, the same length, set by the lead") {
        Fixture db("move");
        const StoredSession before = db.session(almere, 10);
        // A Wednesday inside this programme's Wednesday school hours (08:30-12:15); its crèche is closed then.
        const Run run = db.run({"session", "move", almere + "#10", "--to", "2026-03-11T09:45"});
        REQUIRE(run.status == 0);
        CHECK(run.err == "ritme session move: warning: the crèche is closed on wednesday, when #10 (Wed 2026-03-11 "
                         "09:45-11:45) meets; add wednesday to [childcare] open\n");
        CHECK(contains(run.out, "moved #10"));
        CHECK(contains(run.out, "Wed 2026-03-11"));

        const StoredSession after = db.session(almere, 10);
        CHECK(after.id == before.id);
        CHECK(after.date == make_date(2026, 3, 11));
        CHECK(after.time.start == TimeOfDay::hm(9, 45));
        CHECK(after.time.length_minutes() == before.time.length_minutes());
        CHECK(after.start_utc == amsterdam(2026, 3, 11, 9, 45));
        CHECK(after.end_utc.utc - after.start_utc.utc == before.end_utc.utc - before.start_utc.utc);
        CHECK(after.location == before.location);
        CHECK(after.status == SessionStatus::moved);
        CHECK(after.version == before.version + 1);
        CHECK(after.changed_at == std::optional(db.now));
        REQUIRE(after.previous.has_value());
        CHECK(after.previous->date == before.date);
        CHECK(after.previous->start_utc == before.start_utc);
        CHECK(after.lead_override);

        const auto entries = db.audit("session.moved");
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].subject == almere + "#10");
        CHECK(entries[0].command == "session move");
        CHECK(contains(entries[0].details, "2026-03-11"));
    }

    TEST_CASE("session move to another location of the programme") {
        Fixture db("location");
        const std::string file = db.file("twee.toml", R"(
[programme]
id = "twee-plekken"
name = "Twee plekken"
start = 2026-02-02
weeks = 4
region = "noord"

[location.schakel]
name = "Wijkcentrum De Schakel"

[location.bieb]
name = "Bibliotheek"

[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"
location = "schakel"
)");
        REQUIRE(db.run({"apply", file}).status == 0);
        const Run run = db.run({"session", "move", "twee-plekken#2", "--to", "2026-02-12T10:00", "--location", "bieb"});
        REQUIRE(run.status == 0);
        const StoredSession after = db.session("twee-plekken", 2);
        CHECK(after.location == "bieb");
        CHECK(after.start_utc == amsterdam(2026, 2, 12, 10, 0));
        check_refused(db, {"session", "move", "twee-plekken#1", "--to", "2026-02-12T10:00", "--location", "biebb"}, 2,
                      "did you mean bieb?");
    }

    TEST_CASE("session move refuses a bad time, a past time or an unknown place, and changes nothing") {
        Fixture db("move-refused");
        const std::string ten = almere + "#10";
        check_refused(db, {"session", "move", ten, "--to", "2026-03-11 9"}, 2, "write it as YYYY-MM-DDTHH:MM");
        check_refused(db, {"session", "move", ten, "--to", "2026-02-30T10:00"}, 2, "write it as YYYY-MM-DDTHH:MM");
        check_refused(db, {"session", "move", ten, "--to", "11-03-2026T10:00"}, 2, "write it as YYYY-MM-DDTHH:MM");
        check_refused(db, {"session", "move", ten, "--to", "2026-03-11T25:00"}, 2, "write it as YYYY-MM-DDTHH:MM");
        // Years Boost.DateTime holds, or nearly, but ritme does not: a clear refusal, never bad_year.
        for (const std::string far : {"9999-12-31T10:00", "1026-03-11T10:00", "0000-01-01T10:00", "2201-01-01T10:00"})
            check_refused(db, {"session", "move", ten, "--to", far}, 2, "from 1970-01-01 to 2200-12-31");
        // 09:30 in Amsterdam is 08:30 UTC, half an hour before the clock.
        check_refused(db, {"session", "move", ten, "--to", "2026-01-10T09:30"}, 2, "is in the past");
        check_refused(db, {"session", "move", ten, "--to", "2026-03-11T23:00"}, 2, "would end after midnight");
        check_refused(db, {"session", "move", ten, "--to", "2026-03-11T09:30", "--location", "schakl"}, 2,
                      "has no location \"schakl\"; did you mean schakel?");
        check_refused(db, {"session", "move", ten, "--to", "2026-03-11T09:30", "--location", "stadhuis"}, 2,
                      "its locations are schakel");

        REQUIRE(db.run({"session", "cancel", ten, "--reason", "r"}).status == 0);
        check_refused(db, {"session", "move", ten, "--to", "2026-03-11T09:30"}, 1, "ritme session restore " + ten);
    }

    TEST_CASE("session move warns of a closed day and of a time outside school hours, and still moves") {
        Fixture db("move-warns");
        // Friday 2026-03-20 is a closed day of the programme; Friday school hours end at 11:15.
        const Run closed = db.run({"session", "move", almere + "#10", "--to", "2026-03-20T09:30"});
        CHECK(closed.status == 0);
        CHECK(contains(closed.err, "warning: Fri 2026-03-20 is closed for this programme"));
        CHECK(contains(closed.err, "warning: 09:30-11:30 is outside school hours on friday"));
        CHECK(db.session(almere, 10).date == make_date(2026, 3, 20));

        const Run saturday = db.run({"session", "move", almere + "#11", "--to", "2026-03-21T10:00"});
        CHECK(saturday.status == 0);
        CHECK(contains(saturday.err, "warning: there is no school on saturday"));
        CHECK(db.session(almere, 11).date == make_date(2026, 3, 21));

        // Inside school hours and crèche hours, on a school day, not closed, clear of the other sessions:
        // no warning. (Later the same Thursday: a session does not overlap itself.)
        const Run fine = db.run({"session", "move", almere + "#12", "--to", "2026-03-19T09:45"});
        CHECK(fine.status == 0);
        CHECK(fine.err.empty());
    }

    TEST_CASE("session move warns when the crèche is closed, outside crèche hours, or another session meets then") {
        Fixture db("move-creche");
        // The crèche opens on Tuesday and Thursday only, 09:00-12:00, with a 10m margin.
        const Run closed = db.run({"session", "move", almere + "#10", "--to", "2026-03-11T09:45"});
        CHECK(closed.status == 0);
        CHECK(contains(closed.err, "ritme session move: warning: the crèche is closed on wednesday, when #10 (Wed "
                                   "2026-03-11 09:45-11:45) meets"));
        CHECK(db.session(almere, 10).date == make_date(2026, 3, 11));

        // Thursday 2026-03-26 is #14's day; 10:00-12:00 ends after 11:50.
        const Run late = db.run({"session", "move", almere + "#11", "--to", "2026-03-26T10:00"});
        CHECK(late.status == 0);
        CHECK(contains(late.err, "warning: #11 (Thu 2026-03-26 10:00-12:00) ends 10 minutes too late for the "
                                 "crèche: the crèche is open 09:00-12:00 on thursday and must be open 09:50-12:10 "
                                 "(10m margin); end at 11:50 or earlier, or keep the crèche open longer"));
        CHECK(contains(late.err, "warning: #11 (Thu 2026-03-26 10:00-12:00) overlaps #14 (Thu 2026-03-26 "
                                 "09:30-11:30); a group cannot meet twice at once; move one of them"));
        CHECK(contains(late.out, "moved #11"));

        // Inside the crèche's hours and school hours, but on #15's Tuesday at its time.
        const Run overlap = db.run({"session", "move", almere + "#12", "--to", "2026-03-31T09:30"});
        CHECK(overlap.status == 0);
        CHECK(overlap.err == "ritme session move: warning: #12 (Tue 2026-03-31 09:30-11:30) overlaps #15 (Tue "
                             "2026-03-31 09:30-11:30); a group cannot meet twice at once; move one of them\n");
        CHECK(db.session(almere, 12).date == make_date(2026, 3, 31));
    }

    TEST_CASE("a lead's move holds when the unchanged file is applied again; restore takes the file's time back") {
        Fixture db("restore");
        const StoredSession planned = db.session(almere, 10);
        REQUIRE(db.run({"session", "move", almere + "#10", "--to", "2026-03-11T09:45"}).status == 0);
        const StoredSession moved = db.session(almere, 10);

        const Run again = db.apply_almere();
        REQUIRE(again.status == 0);
        CHECK(contains(again.out, "no changes"));
        const StoredSession kept = db.session(almere, 10);
        CHECK(kept.start_utc == moved.start_utc);
        CHECK(kept.version == moved.version);
        CHECK(kept.lead_override);

        const Run restored = db.run({"session", "restore", almere + "#10"});
        REQUIRE(restored.status == 0);
        CHECK(contains(restored.out, "follows the programme file again"));
        const StoredSession back = db.session(almere, 10);
        CHECK(back.id == planned.id);
        CHECK(back.date == planned.date);
        CHECK(back.time == planned.time);
        CHECK(back.start_utc == planned.start_utc);
        CHECK_FALSE(back.lead_override);
        CHECK(back.version > moved.version);
        REQUIRE(back.previous.has_value());
        CHECK(back.previous->start_utc == moved.start_utc);

        const auto restores = db.audit("session.restored");
        REQUIRE(restores.size() == 1);
        CHECK(restores[0].subject == almere + "#10");
        CHECK(restores[0].command == "session restore");
        const auto moves = db.audit("session.moved");
        REQUIRE(moves.size() == 2);  // the lead's move, then apply's move back to the file's time
        CHECK(moves[1].command == "session restore");
        CHECK(moves[1].subject == almere + "#10");

        CHECK(contains(db.apply_almere().out, "no changes"));
        check_refused(db, {"session", "restore", almere + "#10"}, 1, "already follows the programme file");
    }

    TEST_CASE("restore brings back a session the lead cancelled, and a cancel holds against apply") {
        Fixture db("restore-cancel");
        const StoredSession planned = db.session(almere, 5);
        REQUIRE(db.run({"session", "cancel", almere + "#5", "--reason", "r"}).status == 0);
        REQUIRE(db.apply_almere().status == 0);
        CHECK(db.session(almere, 5).status == SessionStatus::cancelled);

        REQUIRE(db.run({"session", "restore", almere + "#5"}).status == 0);
        const StoredSession back = db.session(almere, 5);
        CHECK(back.status == SessionStatus::planned);
        CHECK(back.start_utc == planned.start_utc);
        CHECK_FALSE(back.lead_override);
        check_refused(db, {"session", "restore", almere + "#6"}, 1, "already follows the programme file");
    }

    TEST_CASE("appointment add: local time of the config's zone, printed with its id; no address in the audit") {
        Fixture db("appointment");
        const std::string participant = db.add_participant({"--programme", almere});
        const Run run = db.run({"appointment", "add", "--participant", participant, "--at", "2026-03-05T10:00",
                                "--duration", "1h", "--where", "Stationsplein 1, Almere", "--note",
                                "Take bus 4 to the stop Stadhuis", "--programme", almere});
        REQUIRE(run.status == 0);
        const int id = appointment_id(run.out);
        CHECK(run.out ==
              "appointment " + std::to_string(id) + " for " + participant + " on Thu 2026-03-05 10:00-11:00\n");

        const auto stored = SqliteStore::open(db.database())->appointment(id);
        REQUIRE(stored.has_value());
        CHECK(stored->participant_id == participant);
        CHECK(stored->programme_id == almere);
        CHECK(stored->start_utc == amsterdam(2026, 3, 5, 10, 0));
        CHECK(stored->duration_minutes == 60);
        CHECK(stored->where == "Stationsplein 1, Almere");
        CHECK(stored->note == "Take bus 4 to the stop Stadhuis");
        CHECK_FALSE(stored->cancelled);
        CHECK(stored->version == 1);

        const auto entries = db.audit("appointment.added");
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].subject == "a" + std::to_string(id));
        CHECK(entries[0].command == "appointment add");
        CHECK(contains(entries[0].details, participant));
        for (const auto& entry : SqliteStore::open(db.database())->audit()) {
            CHECK_FALSE(contains(entry.details, "Stationsplein"));
            CHECK_FALSE(contains(entry.details, "bus 4"));
        }

        const Run short_one = db.run({"appointment", "add", "--participant", participant, "--at", "2026-03-06T14:15",
                                      "--duration", "45m", "--where", "Stadhuis"});
        REQUIRE(short_one.status == 0);
        CHECK(contains(short_one.out, "on Fri 2026-03-06 14:15-15:00"));
    }

    TEST_CASE("appointment add refuses what does not fit, and changes nothing") {
        Fixture db("appointment-refused");
        const std::string enrolled = db.add_participant({"--programme", almere});
        const std::string other = db.add_participant({"--email", "other@example.org"});
        auto add = [&](const std::string& who, const std::string& at, const std::string& duration,
                       const std::string& where) {
            std::vector<std::string> args{"appointment", "add", "--participant", who, "--at", at};
            args.insert(args.end(), {"--duration", duration});
            if (!where.empty()) args.insert(args.end(), {"--where", where});
            return args;
        };
        check_refused(db, add("p-nobody12345", "2026-03-05T10:00", "1h", "Stadhuis"), 2,
                      "no participant p-nobody12345");
        check_refused(db, add(enrolled, "2026-03-05 10", "1h", "Stadhuis"), 2, "write it as YYYY-MM-DDTHH:MM");
        check_refused(db, add(enrolled, "9999-12-31T23:00", "1h", "Stadhuis"), 2, "from 1970-01-01 to 2200-12-31");
        check_refused(db, add(enrolled, "2026-01-10T09:30", "1h", "Stadhuis"), 2, "is in the past");
        check_refused(db, add(enrolled, "2026-03-05T10:00", "1x", "Stadhuis"), 2, "--duration: \"1x\"");
        check_refused(db, add(enrolled, "2026-03-05T10:00", "0m", "Stadhuis"), 2, "--duration: \"0m\"");
        check_refused(db, add(enrolled, "2026-03-05T10:00", "1h", " "), 2, "--where is empty");
        check_refused(db, add(enrolled, "2026-03-05T10:00", "1h", ""), 2, "--where is required");

        auto with_programme = add(other, "2026-03-05T10:00", "1h", "Stadhuis");
        with_programme.insert(with_programme.end(), {"--programme", almere});
        check_refused(db, with_programme, 2, other + " is not enrolled in " + almere);
        auto unknown_programme = add(enrolled, "2026-03-05T10:00", "1h", "Stadhuis");
        unknown_programme.insert(unknown_programme.end(), {"--programme", "almere-vrouwen-2027"});
        check_refused(db, unknown_programme, 2, "did you mean almere-vrouwen-2026?");
    }

    TEST_CASE("appointment list, move and cancel: each change raises the version and keeps the start before it") {
        Fixture db("appointment-changes");
        const std::string participant = db.add_participant();
        const std::string other = db.add_participant({"--email", "other@example.org"});
        const int id = appointment_id(db.run({"appointment", "add", "--participant", participant, "--at",
                                              "2026-03-05T10:00", "--duration", "90m", "--where", "Stadhuis"})
                                          .out);
        REQUIRE(
            db.run({"appointment", "add", "--participant", other, "--at", "2026-03-04T10:00", "--where", "Werkplein"})
                .status == 0);
        const auto first = *SqliteStore::open(db.database())->appointment(id);

        const Run moved = db.run({"appointment", "move", std::to_string(id), "--to", "2026-03-12T13:30"});
        REQUIRE(moved.status == 0);
        CHECK(contains(moved.out, "Thu 2026-03-05 10:00-11:30 -> Thu 2026-03-12 13:30-15:00"));
        const auto after_move = *SqliteStore::open(db.database())->appointment(id);
        CHECK(after_move.start_utc == amsterdam(2026, 3, 12, 13, 30));
        CHECK(after_move.duration_minutes == 90);
        CHECK(after_move.version == first.version + 1);
        CHECK(after_move.changed_at == std::optional(db.now));
        CHECK(after_move.previous_start_utc == std::optional(first.start_utc));
        CHECK(db.audit("appointment.moved").at(0).subject == "a" + std::to_string(id));

        const Run all = db.run({"appointment", "list", "--format", "json"});
        REQUIRE(all.status == 0);
        const auto json = nlohmann::json::parse(all.out);
        REQUIRE(json.size() == 2);
        CHECK(json[0]["participant"] == other);  // by start: 4 March before 12 March
        CHECK(json[1]["id"] == id);
        CHECK(json[1]["status"] == "moved");
        CHECK(json[1]["date"] == "2026-03-12");
        CHECK(json[1]["start"] == "13:30");
        const Run mine = db.run({"appointment", "list", "--participant", participant});
        CHECK(contains(mine.out, "Thu 2026-03-12 13:30-15:00"));
        CHECK_FALSE(contains(mine.out, "Werkplein"));

        const Run cancelled = db.run({"appointment", "cancel", "a" + std::to_string(id)});
        REQUIRE(cancelled.status == 0);
        const auto after_cancel = *SqliteStore::open(db.database())->appointment(id);
        CHECK(after_cancel.cancelled);
        CHECK(after_cancel.version == after_move.version + 1);
        CHECK(after_cancel.previous_start_utc == std::optional(after_move.start_utc));
        CHECK(db.audit("appointment.cancelled").at(0).subject == "a" + std::to_string(id));

        check_refused(db, {"appointment", "cancel", std::to_string(id)}, 1, "is cancelled already");
        check_refused(db, {"appointment", "move", std::to_string(id), "--to", "2026-03-19T10:00"}, 1, "is cancelled");
        check_refused(db, {"appointment", "cancel", "a999"}, 2, "no appointment 999");
        check_refused(db, {"appointment", "cancel", "seven"}, 2, "\"seven\" is not an appointment id");
        check_refused(db, {"appointment", "move", "a999", "--to", "2026-03-19T10:00"}, 2, "no appointment 999");
    }

    TEST_CASE("session move warns, as `check` does, of a place away from the crèche and of too few crèche places") {
        Fixture db("move-creche-place");
        // The Almere programme with a second location, applied again: its sessions stay.
        std::ifstream in(test::source_path("config/programmes/almere-vrouwen-2026.toml"));
        std::stringstream text;
        text << in.rdbuf() << "\n[location.stadhuis]\nname = \"Stadhuis\"\n";
        REQUIRE(db.run({"apply", db.file("almere-vrouwen-2026.toml", text.str())}).status == 0);

        // Thursday 2026-03-12 is #10's own day and time: only the place differs.
        const Run away = db.run({"session", "move", almere + "#10", "--to", "2026-03-12T09:30", "--location", "stadhuis"});
        CHECK(away.status == 0);
        CHECK(away.err ==
              "ritme session move: warning: #10 (Thu 2026-03-12 09:30-11:30) meets at Stadhuis but the crèche is at "
              "Wijkcentrum De Schakel; parents then take their children to another address first; check that this is "
              "intended\n");

        // Nine children for eight places.
        for (const char* children : {"3", "3", "3"}) db.add_participant({"--programme", almere, "--children", children});
        const Run full = db.run({"session", "move", almere + "#11", "--to", "2026-03-17T09:45"});
        CHECK(full.status == 0);
        CHECK(full.err ==
              "ritme session move: warning: #11 (Tue 2026-03-17 09:45-11:45): 9 children need a crèche place, the "
              "crèche has 8; not every mother can come; find more places for that time\n");
    }

    TEST_CASE("session move says its warnings in the language of LANG: Dutch under nl_NL.UTF-8, English under C") {
        Fixture db("move-lang");
        // Saturday 21 March: no school, so the children are at home.
        const Phrase warning =
            phrase("there is no school on {1}, so the children are at home", {weekday_phrase(Weekday::saturday)});
        REQUIRE(warning.in(Language::nl) != warning.english());
        {
            const LangSet lang("nl_NL.UTF-8");
            const Run dutch = db.run({"session", "move", almere + "#10", "--to", "2026-03-21T09:30", "--dry-run"});
            CHECK(dutch.status == 0);
            CHECK(contains(dutch.err,
                           "ritme session move: " + tr(Language::nl, "warning: {1}", {warning.in(Language::nl)})));
            CHECK_FALSE(contains(dutch.err, warning.english()));
        }
        {
            const LangSet lang("C");
            const Run english = db.run({"session", "move", almere + "#10", "--to", "2026-03-21T09:30", "--dry-run"});
            CHECK(english.status == 0);
            CHECK(contains(english.err, "ritme session move: warning: " + warning.english() + "\n"));
        }
    }

    TEST_CASE("session move --strict refuses a move with warnings: the warnings printed, nothing stored, exit 1") {
        Fixture db("move-strict");
        const StoredSession before = db.session(almere, 10);
        const std::string bytes = db.database_bytes();
        const Run refused = db.run({"session", "move", almere + "#10", "--to", "2026-03-20T09:30", "--strict"});
        CHECK(refused.status == 1);
        CHECK(refused.out.empty());
        CHECK(contains(refused.err, "ritme session move: warning: Fri 2026-03-20 is closed for this programme"));
        CHECK(contains(refused.err, "ritme session move: warning: 09:30-11:30 is outside school hours on friday"));
        CHECK(contains(refused.err, "ritme session move: --strict refuses a change with warnings: 3 warnings, nothing "
                                    "changed; choose another time, or leave out --strict to make the change all the "
                                    "same"));
        CHECK(db.database_bytes() == bytes);
        CHECK(db.session(almere, 10).start_utc == before.start_utc);

        // Without a warning --strict moves as usual.
        const Run fine = db.run({"session", "move", almere + "#12", "--to", "2026-03-19T09:45", "--strict"});
        CHECK(fine.status == 0);
        CHECK(fine.err.empty());
        CHECK(db.session(almere, 12).time.start == TimeOfDay::hm(9, 45));
    }

    TEST_CASE("appointment add warns of her commitments, the night hours, her sessions and the programme's closed days") {
        Fixture db("appointment-warns");
        const std::string amina =
            db.add_participant({"--programme", almere, "--commitment", "ma 09:00-12:00 taalles"});
        auto add = [&](const std::string& at, std::vector<std::string> extra = {}) {
            std::vector<std::string> args{"appointment", "add", "--participant", amina, "--at", at, "--where", "Stadhuis"};
            args.insert(args.end(), extra.begin(), extra.end());
            return db.run(args);
        };
        const Run commitment = add("2026-03-09T10:00");
        CHECK(commitment.status == 0);
        CHECK(commitment.err ==
              "ritme appointment add: warning: the appointment (Mon 2026-03-09 10:00-11:00) overlaps the "
              "participant's own commitment \"taalles\" (mondays 09:00-12:00); she cannot be in two places; choose "
              "another time\n");

        const Run night = add("2026-03-10T02:00");
        CHECK(night.status == 0);
        CHECK(night.err ==
              "ritme appointment add: warning: the appointment (Tue 2026-03-10 02:00-03:00) falls in the night hours, "
              "21:00-08:00 (the quiet hours, when no SMS goes out); check the time; she cannot be reminded at night\n");

        const Run session = add("2026-03-10T11:00");
        CHECK(session.status == 0);
        CHECK(session.err == "ritme appointment add: warning: the appointment (Tue 2026-03-10 11:00-12:00) overlaps "
                             "session almere-vrouwen-2026#9 (Tue 2026-03-10 09:30-11:30); she would miss that "
                             "session; choose another time\n");

        // With its programme: Friday 2026-03-20 is a closed day of it.
        const Run closed = add("2026-03-20T10:00", {"--programme", almere});
        CHECK(closed.status == 0);
        CHECK(closed.err == "ritme appointment add: warning: Fri 2026-03-20 is closed for this programme: gesloten; "
                            "choose a day the programme meets on\n");
        // Before school (08:45 with a 15m margin) counts only with the programme.
        CHECK(contains(add("2026-03-11T08:30", {"--programme", almere}).err, "starts 15 minutes too early"));
        CHECK(add("2026-03-11T08:30").err.empty());
        CHECK(SqliteStore::open(db.database())->appointments(amina).size() == 6);
    }

    TEST_CASE("appointment add and move --strict refuse with warnings, storing nothing; move without it warns") {
        Fixture db("appointment-strict");
        const std::string amina = db.add_participant({"--programme", almere});
        check_refused(db,
                      {"appointment", "add", "--participant", amina, "--at", "2026-03-10T02:00", "--where", "Stadhuis",
                       "--strict"},
                      1, "--strict refuses a change with warnings: 1 warning, nothing changed");
        const Run refused = db.run(
            {"appointment", "add", "--participant", amina, "--at", "2026-03-10T02:00", "--where", "Stadhuis", "--strict"});
        CHECK(contains(refused.err, "ritme appointment add: warning: the appointment (Tue 2026-03-10 02:00-03:00) "
                                    "falls in the night hours"));
        CHECK(SqliteStore::open(db.database())->appointments(amina).empty());

        const Run added = db.run({"appointment", "add", "--participant", amina, "--at", "2026-03-09T14:00", "--where",
                                  "Stadhuis", "--strict"});
        REQUIRE(added.status == 0);
        CHECK(added.err.empty());
        const std::string id = std::to_string(appointment_id(added.out));
        check_refused(db, {"appointment", "move", id, "--to", "2026-03-12T10:00", "--strict"}, 1,
                      "ritme appointment move: warning: the appointment (Thu 2026-03-12 10:00-11:00) overlaps session "
                      "almere-vrouwen-2026#10");
        const Run moved = db.run({"appointment", "move", id, "--to", "2026-03-12T10:00"});
        CHECK(moved.status == 0);
        CHECK(contains(moved.err, "warning: the appointment (Thu 2026-03-12 10:00-11:00) overlaps session"));
        CHECK(contains(moved.out, "-> Thu 2026-03-12 10:00-11:00"));
    }
}
