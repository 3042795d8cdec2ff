// `ritme tick`, `ritme simulate`, `ritme status` end to end through the CLI on a real
// SQLite file and the outbox adapter; and the daemon's loop: it sends what is due at
// start, wakes when another process writes the database, keeps running on a bad
// reload and stops cleanly on SIGTERM.

#include "adapters/builtin_adapters.hpp"
#include "engine/cli/cli.hpp"
#include "engine/daemon/daemon.hpp"
#include "engine/store/sqlite_store.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

struct Run {
    int status;
    std::string out, err;
};

std::string programme_file_text() { return test::led_programme_toml("tick-test"); }

class Fixture {
public:
    explicit Fixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-daemon-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_ / "programmes");
        std::ofstream(dir_ / "programmes" / "tick-test.toml") << programme_file_text();
        std::ofstream(config()) << R"(database = "ritme.db"
timezone = "Europe/Amsterdam"
programmes = "programmes"
templates = ")" << test::source_path("config/templates") << R"("

[reminders]
offsets = ["1d@18:00", "1h"]
min_notice = "15m"

[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
)";
        register_builtin_adapters(registry_);
    }
    ~Fixture() { fs::remove_all(dir_); }

    Run run(std::vector<std::string> args, UtcInstant now = {pt::ptime(make_date(2026, 1, 20), pt::hours(9))}) {
        std::ostringstream out, err;
        ManualClock clock(now);
        CliContext context{out, err, clock, &registry_};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "-c", config()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

    std::string config() const { return (dir_ / "ritme.toml").string(); }
    fs::path dir() const { return dir_; }
    std::string sent_log() const {
        std::ifstream in(dir_ / "outbox" / "sent.log");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

private:
    fs::path dir_;
    ChannelRegistry registry_;
};

int lines_in(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_SUITE_BEGIN("daemon_cli");

TEST_CASE("config check reads the templates as serve does, catches a typo after a delimiter change, and creates nothing") {
    Fixture f("config-check");
    const Run good = f.run({"config", "check"});
    INFO(good.err);
    CHECK(good.status == 0);
    CHECK(good.out.rfind("config OK: 1 channel (sms via outbox)", 0) == 0);
    CHECK_FALSE(fs::exists(f.dir() / "outbox"));  // serve makes it; check only looks

    fs::copy(test::source_path("config/templates"), f.dir() / "templates", fs::copy_options::recursive);
    std::string config;
    {
        std::ifstream in(f.config());
        config.assign(std::istreambuf_iterator<char>(in), {});
    }
    const std::string shipped = "templates = \"" + test::source_path("config/templates") + "\"";
    REQUIRE(config.find(shipped) != std::string::npos);
    config.replace(config.find(shipped), shipped.size(), "templates = \"templates\"");
    std::ofstream(f.config()) << config;
    const fs::path reminder = f.dir() / "templates" / "nl" / "reminder.mustache";
    struct Case {
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {"{{=<% %>=}}Hallo <% first_name %, tot ziens.\n",
         reminder.string() + ":1:18: error: template does not parse: unclosed tag"},
        // Closed further on: one tag that names nothing ritme knows.
        {"{{=<% %>=}}Hallo <% first_name %, tot <% date %>.\n",
         reminder.string() + ":1:18: error: template names an unknown value <%first_name %, tot <% date%>"},
        {"{{=<% %>=}}Hallo <% frist_name %>, tot <% date %>.\n",
         reminder.string() + ":1:18: error: template names an unknown value <%frist_name%>; did you mean first_name?"},
        {"Hallo {{first_name}}. {{=<% %>=}}<%date%> <%={{ }}=%>{{tiem}}\n",
         reminder.string() + ":1:54: error: template names an unknown value {{tiem}}; did you mean time?"},
    };
    for (const Case& c : cases) {
        std::ofstream(reminder) << c.text;
        INFO(c.text);
        const Run checked = f.run({"config", "check"});
        INFO(checked.err);
        CHECK(checked.status == 2);
        CHECK(checked.out.empty());
        CHECK(checked.err.find(c.expected) != std::string::npos);
        // serve refuses what check refuses, for the same reason.
        const Run served = f.run({"serve"});
        CHECK(served.status == 2);
        CHECK(served.err.find(c.expected) != std::string::npos);
    }
    CHECK_FALSE(fs::exists(f.dir() / "outbox"));
}

TEST_CASE("tick applies the programmes directory, plans and sends what is due, once") {
    Fixture f("tick");
    // Before anything is applied, a participant needs the programme: the first tick applies it.
    CHECK(f.run({"tick"}).status == 0);
    const auto added = f.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678", "--programme",
                              "tick-test"});
    REQUIRE(added.status == 0);

    // Monday 2 February 18:00 local: the day-before reminder for Tuesday's session.
    const auto first = f.run({"tick", "--now", "2026-02-02T18:00"});
    CHECK(first.status == 0);
    CHECK(first.out.find("tick: 1 sent, 0 to retry, 0 failed") != std::string::npos);
    CHECK(lines_in(f.sent_log()) == 1);
    const auto id = f.sent_log().substr(0, f.sent_log().find(' '));
    CHECK(fs::exists(f.dir() / "outbox" / (id + ".txt")));

    const auto again = f.run({"tick", "--now", "2026-02-02T18:00"});
    CHECK(again.out.find("tick: 0 sent") != std::string::npos);
    CHECK(lines_in(f.sent_log()) == 1);

    const auto status = f.run({"status", "--format", "json"});
    REQUIRE(status.status == 0);
    const auto json = nlohmann::json::parse(status.out);
    int sent = 0, planned = 0;
    for (const auto& row : json["counts"]) {
        if (row["state"] == "sent") sent += row["count"].get<int>();
        if (row["state"] == "planned") planned += row["count"].get<int>();
    }
    CHECK(sent == 1);
    CHECK(planned > 60);  // two reminders for each of the other sessions
    // The next reminder (the lead's overview of that morning goes before it).
    const auto next = std::find_if(json["next"].begin(), json["next"].end(),
                                   [](const nlohmann::json& row) { return row["kind"] == "reminder"; });
    REQUIRE(next != json["next"].end());
    CHECK((*next)["send_at"] == "2026-02-03T08:30:00+01:00");
    CHECK((*next)["participant"] == added.out.substr(0, added.out.find('\n')));
}

TEST_CASE("a new closed day: apply cancels that one session, tick sends one notice to each of its participants") {
    Fixture f("closed-day");
    REQUIRE(f.run({"tick"}).status == 0);
    REQUIRE(f.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678", "--programme",
                   "tick-test"}).status == 0);
    REQUIRE(f.run({"participant", "add", "--name", "Sara Ahmed", "--phone", "0687654321", "--programme",
                   "tick-test"}).status == 0);
    REQUIRE(f.run({"tick", "--now", "2026-01-20T10:00"}).status == 0);
    CHECK(lines_in(f.sent_log()) == 0);

    std::string text = programme_file_text();
    const std::string region = "region = \"noord\"";
    text.insert(text.find(region) + region.size(), "\nclosed = [{ date = 2026-03-17, reason = \"gebouw dicht\" }]");
    const auto file = (f.dir() / "programmes" / "tick-test.toml").string();
    std::ofstream(file) << text;
    const auto applied = f.run({"apply", file});
    CHECK(applied.status == 0);
    // The session changes, then what they send: a notice to each of the two, nothing else.
    CHECK(applied.out.starts_with("tick-test: definition updated, 1 session change\n"
                                  "  cancelled #11: Tue 2026-03-17 09:30-11:30 at schakel\n"
                                  "  renumbered: 23 sessions got a new number\n"
                                  "messages: 2 to go, 4 cancelled\n"
                                  "  2 change notices by sms to 2 participants: Amina Yusuf, Sara Ahmed; "));
    CHECK(applied.out.find("  4 reminders cancelled: session #11 changed\n") != std::string::npos);

    // 12:00 local, outside quiet hours: the two notices go, nothing else.
    const auto tick = f.run({"tick", "--now", "2026-01-20T12:00"});
    CHECK(tick.status == 0);
    CHECK(tick.out.find("tick: 2 sent, 0 to retry, 0 failed") != std::string::npos);
    CHECK(lines_in(f.sent_log()) == 2);

    auto store = SqliteStore::open((f.dir() / "ritme.db").string());
    int64_t closed_id = 0;
    for (const auto& s : store->sessions("tick-test")) {
        if (s.date == make_date(2026, 3, 17)) {
            CHECK(s.status == SessionStatus::cancelled);
            closed_id = s.id;
        } else {
            CHECK(s.version == 1);
        }
    }
    REQUIRE(closed_id != 0);
    DeliveryQuery notices;
    notices.kinds = {DeliveryKind::change};
    const auto rows = store->deliveries(notices);
    CHECK(rows.size() == 2);
    for (const auto& row : rows) {
        CHECK(row.session_id == closed_id);
        CHECK(row.state == DeliveryState::sent);
    }
}

TEST_CASE("serve and tick refuse to start with no config or no channels, and leave the database alone") {
    Fixture f("no-channels");
    REQUIRE(f.run({"tick"}).status == 0);
    REQUIRE(f.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678", "--programme",
                   "tick-test"}).status == 0);
    REQUIRE(f.run({"tick", "--now", "2026-01-20T10:00"}).status == 0);
    const std::string db = (f.dir() / "ritme.db").string();
    const auto counts = [&] {
        std::map<std::string, int> by_state;
        for (const auto& row : SqliteStore::open(db)->delivery_counts()) by_state[std::string(name_of(row.state))] += row.count;
        return by_state;
    };
    const auto before = counts();
    REQUIRE(before.at("planned") > 60);

    const auto without = [&](std::vector<std::string> args) {
        std::ostringstream out, err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 20), pt::hours(9))});
        ChannelRegistry registry;
        register_builtin_adapters(registry);
        CliContext context{out, err, clock, &registry};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", db});
        const int status = run_cli(args, context);
        return Run{status, out.str(), err.str()};
    };
    const char* saved = std::getenv("RITME_CONFIG");
    ::unsetenv("RITME_CONFIG");
    REQUIRE_FALSE(fs::exists("/etc/ritme/ritme.toml"));
    for (const char* verb : {"tick", "serve"}) {
        const Run run = without({verb});
        CHECK(run.status == 2);
        CHECK(run.err.find("ritme " + std::string(verb) + ": no config file (-c FILE, RITME_CONFIG or "
                           "/etc/ritme/ritme.toml), so no channels: nothing could be sent") == 0);
        CHECK(run.out.empty());
    }
    const Run check = without({"config", "check"});
    CHECK(check.status == 2);
    CHECK(check.err.find("error: no config file (-c FILE, RITME_CONFIG or /etc/ritme/ritme.toml), so no channels: "
                         "nothing could be sent") != std::string::npos);
    if (saved) ::setenv("RITME_CONFIG", saved, 1);

    // A config with no channels: the same.
    std::ofstream(f.dir() / "empty.toml") << "database = \"ritme.db\"\ntimezone = \"Europe/Amsterdam\"\n";
    const std::string empty = (f.dir() / "empty.toml").string();
    for (const char* verb : {"tick", "serve"}) {
        const Run run = without({"-c", empty, verb});
        CHECK(run.status == 2);
        CHECK(run.err.find("has no channels: nothing could be sent") != std::string::npos);
    }
    const Run empty_check = without({"-c", empty, "config", "check"});
    CHECK(empty_check.status == 2);
    CHECK(empty_check.err.find("has no channels: nothing could be sent") != std::string::npos);
    CHECK(counts() == before);
}

TEST_CASE("shipped reminder defaults through tick: one SMS the evening before an 08:15 session, both for 14:00") {
    Fixture f("quiet-gap");
    // The shipped [reminders] defaults: no [reminders] table.
    std::ofstream(f.config()) << R"(database = "ritme.db"
timezone = "Europe/Amsterdam"
programmes = "programmes"
templates = ")" << test::source_path("config/templates") << R"("

[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
)";
    std::ofstream(f.dir() / "programmes" / "tick-test.toml") << test::programme_toml("start = 2026-02-02\nregion = \"noord\"", R"(
[school_hours]
tuesday = "08:00-13:45"
thursday = "08:30-15:45"
travel_margin = "15m"

[location.schakel]
name = "Wijkcentrum De Schakel"
[[slot]]
day = "tuesday"
start = "08:15"
end = "09:45"
[[slot]]
day = "thursday"
start = "14:00"
end = "15:30"
)", "tick-test");
    REQUIRE(f.run({"tick"}).status == 0);
    REQUIRE(f.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678", "--programme",
                   "tick-test"}).status == 0);
    const auto sent_at = [&](const char* now) {
        const auto run = f.run({"tick", "--now", now});
        CHECK(run.status == 0);
        return lines_in(f.sent_log());
    };
    // Monday evening before the 08:15 Tuesday session: 18:00 goes, nothing at 20:59, nothing at 08:00.
    CHECK(sent_at("2026-02-02T17:59") == 0);
    CHECK(sent_at("2026-02-02T18:00") == 1);
    CHECK(sent_at("2026-02-02T20:59") == 1);
    CHECK(sent_at("2026-02-03T08:00") == 1);
    // The 14:00 Thursday session: 18:00 on Wednesday and 12:00 on the day.
    CHECK(sent_at("2026-02-04T18:00") == 2);
    CHECK(sent_at("2026-02-05T12:00") == 3);

    auto store = SqliteStore::open((f.dir() / "ritme.db").string());
    DeliveryQuery dropped;
    dropped.states = {DeliveryState::cancelled};
    const auto rows = store->deliveries(dropped);
    REQUIRE_FALSE(rows.empty());
    for (const auto& row : rows) {
        CHECK(row.offset == "2h");
        CHECK(row.reason == "quiet hours: would go 2h59m after the 1d@18:00 reminder, less than min_gap 6h");
    }
}

// A lead's quick undo sends nothing: the notice waits notice_delay (10 minutes by
// default) after the change, and once the session is as she was told, there is no notice.
TEST_CASE("tick: a cancel undone within the notice delay sends nothing; one left standing goes") {
    Fixture f("notice-delay");
    CHECK(f.run({"tick"}).status == 0);
    REQUIRE(f.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678", "--programme",
                   "tick-test"})
                .status == 0);
    const auto at = [](int hour, int minute) { return UtcInstant{pt::ptime(make_date(2026, 1, 20), pt::hours(hour) + pt::minutes(minute))}; };
    REQUIRE(f.run({"session", "cancel", "tick-test#5", "--reason", "docent ziek"}, at(9, 0)).status == 0);
    // 10:05 local: planned, held until 10:10.
    CHECK(f.run({"tick", "--now", "2026-01-20T10:05"}).out.find("tick: 0 sent") != std::string::npos);

    SUBCASE("restored at 10:07: nothing goes, then or later") {
        REQUIRE(f.run({"session", "restore", "tick-test#5"}, at(9, 7)).status == 0);
        CHECK(f.run({"tick", "--now", "2026-01-20T10:15"}).out.find("tick: 0 sent") != std::string::npos);
        CHECK(f.run({"tick", "--now", "2026-01-20T12:00"}).out.find("tick: 0 sent") != std::string::npos);
        CHECK(lines_in(f.sent_log()) == 0);
    }
    SUBCASE("left cancelled: the notice goes once the delay is over") {
        CHECK(f.run({"tick", "--now", "2026-01-20T10:09"}).out.find("tick: 0 sent") != std::string::npos);
        CHECK(f.run({"tick", "--now", "2026-01-20T10:11"}).out.find("tick: 1 sent") != std::string::npos);
        CHECK(lines_in(f.sent_log()) == 1);
    }
}

// Problem 2 through the CLI: a participant unenrolled and enrolled again gets her
// reminders back, on the same rows.
TEST_CASE("tick: unenrolled and enrolled again, her reminders are planned again") {
    Fixture f("re-enrol");
    CHECK(f.run({"tick"}).status == 0);
    const auto added = f.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678", "--programme",
                              "tick-test"});
    REQUIRE(added.status == 0);
    const std::string id = added.out.substr(0, added.out.find('\n'));
    // Her planned messages (the lead's overviews stay planned whoever is enrolled).
    const auto planned = [&] {
        SQLite::Database raw((f.dir() / "ritme.db").string(), SQLite::OPEN_READONLY);
        return raw.execAndGet("SELECT COUNT(*) FROM delivery WHERE state = 'planned' AND kind <> 'overview'").getInt();
    };
    const auto first = f.run({"tick", "--now", "2026-01-21T10:00"});
    CHECK(first.status == 0);
    const int before = planned();
    REQUIRE(before > 60);
    REQUIRE(f.run({"participant", "edit", id, "--unenrol", "tick-test"}).status == 0);
    CHECK(f.run({"tick", "--now", "2026-01-21T10:01"}).status == 0);
    CHECK(planned() == 0);
    REQUIRE(f.run({"participant", "edit", id, "--enrol", "tick-test"}).status == 0);
    CHECK(f.run({"tick", "--now", "2026-01-21T10:02"}).status == 0);
    CHECK(planned() == before);
}

TEST_CASE("tick refuses a --now it cannot read, and sends nothing") {
    Fixture f("tick-bad");
    const auto run = f.run({"tick", "--now", "tomorrow"});
    CHECK(run.status == 2);
    CHECK(run.err.find("--now \"tomorrow\" is not a time") != std::string::npos);
    // Years Boost holds but ritme does not (9999 ran into bad_year ten years on), and
    // offsets no clock has.
    for (const std::string now : {"9999-12-31T10:00", "1026-02-02T10:00", "2026-02-02T10:00+99:99",
                                  "2026-02-02T10:00+19:00", "2026-02-02T10:00-01:60", "2026-02-02T10:00+-1:00"}) {
        CAPTURE(now);
        const auto refused = f.run({"tick", "--now", now});
        CHECK(refused.status == 2);
        CHECK(refused.err.find("is not a time") != std::string::npos);
        CHECK(refused.err.find("from 1970-01-01 to 2200-12-31") != std::string::npos);
    }
    CHECK(f.sent_log().empty());
    CHECK(f.run({"tick", "--now", "2026-02-02T10:00+14:00"}).status == 0);
}

TEST_CASE("simulate refuses a --from or --until outside the supported dates") {
    Fixture f("simulate-far");
    const std::string programme = (f.dir() / "programmes" / "tick-test.toml").string();
    REQUIRE(f.run({"apply", programme}).status == 0);
    for (const std::string option : {"--until", "--from"}) {
        const auto run = f.run({"simulate", "tick-test", option, "9999-12-31"});
        CHECK(run.status == 2);
        CHECK(run.err.find("from 1970-01-01 to 2200-12-31") != std::string::npos);
    }
}

TEST_CASE("tick skips a programme or school file with errors, sends the others' reminders and exits 1") {
    Fixture f("bad-files");
    REQUIRE(f.run({"tick"}).status == 0);
    REQUIRE(f.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678", "--programme",
                   "tick-test"})
                .status == 0);
    // A year typo, and a school calendar whose event repeats every second without end.
    std::ofstream(f.dir() / "programmes" / "typo.toml")
        << test::programme_toml("start = 1026-02-02\nregion = \"noord\"", test::tuesday_at_ten, "typo");
    std::ofstream(f.dir() / "programmes" / "school.toml")
        << "[school]\nid = \"de-regenboog\"\nname = \"De Regenboog\"\nregion = \"noord\"\n"
           "closed_ics = \"regenboog.ics\"\n";
    std::ofstream(f.dir() / "programmes" / "regenboog.ics")
        << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//agenda//NL\r\nBEGIN:VEVENT\r\nUID:s\r\n"
           "DTSTART:20260105T080000\r\nRRULE:FREQ=SECONDLY\r\nSUMMARY:Studiedag\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    const std::string typo = (f.dir() / "programmes" / "typo.toml").string();
    const std::string school = (f.dir() / "programmes" / "school.toml").string();
    const std::string typo_error =
        typo + ":4:9: error: [programme]: `start = 1026-02-02` is outside the dates ritme supports";
    const std::string school_error =
        school + ":5:14: error: [school] closed_ics \"regenboog.ics\": line 7: an RRULE repeating within a day";

    const auto tick = f.run({"tick", "--now", "2026-02-02T18:00"});
    CHECK(tick.status == 1);
    CHECK(tick.out.find("tick: 1 sent, 0 to retry, 0 failed") != std::string::npos);
    CHECK_MESSAGE(tick.err.find(typo_error) != std::string::npos, tick.err);
    CHECK_MESSAGE(tick.err.find(school_error) != std::string::npos, tick.err);
    CHECK(tick.err.find(typo + ": warning: skipped for the errors above") != std::string::npos);
    CHECK(tick.err.find("ritme tick: 2 files skipped") != std::string::npos);
    CHECK(lines_in(f.sent_log()) == 1);

    // config check says what the daemon would skip; apply stays strict and changes nothing.
    const auto check = f.run({"config", "check"});
    CHECK_MESSAGE(check.status == 2, (check.out + check.err));
    CHECK(check.err.find(typo_error) != std::string::npos);
    CHECK(check.err.find(school_error) != std::string::npos);
    CHECK(check.err.find("2 files in the schools and programmes directories would be skipped") != std::string::npos);
    CHECK(check.out.find("config OK") == std::string::npos);
    const auto apply = f.run({"apply", typo});
    CHECK(apply.status == 2);
    CHECK(f.run({"session", "list", "typo"}).status == 2);  // never stored
}

TEST_CASE("every verb that reads the daemon config exits 2 when it has errors, and changes nothing") {
    Fixture f("bad-config");
    const std::string programme = (f.dir() / "programmes" / "tick-test.toml").string();
    REQUIRE(f.run({"apply", programme}).status == 0);
    std::ofstream(f.config(), std::ios::app) << "\n[dispatch]\nworkers = 0\n";
    const std::vector<std::vector<std::string>> verbs = {
        {"serve"},
        {"tick"},
        {"status"},
        {"simulate", "tick-test"},
        {"config", "check"},
        {"config", "dump"},
        {"session", "list", "tick-test"},
        {"appointment", "list"},
        {"participant", "list"},
        {"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678", "--programme", "tick-test"},
        {"apply", programme},
        {"fit", "tick-test"},
        {"suggest", "tick-test"},
        {"check", programme},
        {"check", programme, "--participants"},
    };
    for (const auto& verb : verbs) {
        const Run run = f.run(verb);
        INFO(verb.front(), " ", verb.size() > 1 ? verb[1] : "", ": ", run.err);
        CHECK(run.status == 2);
        CHECK(run.err.find("ritme.toml:16:11: error: [dispatch]: `workers = 0`") != std::string::npos);
        CHECK(run.err.find("ritme: the daemon config has the errors above\n") != std::string::npos);
    }
    // The database was read by none of them: still the one applied programme and no participant.
    const auto store = SqliteStore::open((f.dir() / "ritme.db").string());
    CHECK(store->participants().empty());
}

TEST_CASE("an error no verb expects ends the command with 1 and one line, never std::terminate") {
    Fixture f("internal-error");
    const fs::path database = f.dir() / "broken.db";
    SqliteStore::open(database.string());
    SQLite::Database(database.string(), SQLite::OPEN_READWRITE).exec("DROP TABLE delivery");
    const Run run = f.run({"--db", database.string(), "status"});
    CHECK(run.status == 1);
    CHECK(run.err.rfind("ritme: ", 0) == 0);
    CHECK(lines_in(run.err) == 1);
    CHECK(run.err.find("delivery") != std::string::npos);  // what went wrong, from SQLite
}

namespace {

// Garbage over the first page of `table`, as a failing disk or a copy gone wrong leaves it.
void corrupt_page_of(const fs::path& database, const std::string& table) {
    SqliteStore::open(database.string())->checkpoint();  // everything in the file itself
    int64_t page = 0, page_size = 0;
    {
        SQLite::Database raw(database.string(), SQLite::OPEN_READONLY);
        SQLite::Statement root(raw, "SELECT rootpage FROM sqlite_master WHERE name = ?");
        root.bind(1, table);
        REQUIRE(root.executeStep());
        page = root.getColumn(0).getInt64();
        page_size = raw.execAndGet("PRAGMA page_size").getInt64();
    }
    std::fstream file(database, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>((page - 1) * page_size));
    const std::string garbage(static_cast<size_t>(page_size), '\x5a');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

}  // namespace

TEST_CASE("a damaged database: each verb names the file and exits 1, never an internal error; status checks it") {
    // One flipped byte in a row, written past the CHECK constraints, or a page of garbage.
    const std::vector<std::pair<std::string, std::string>> damages = {
        {"a session status", "UPDATE session SET status = 'plannef' WHERE id = (SELECT min(id) FROM session)"},
        {"a session version", "UPDATE session SET version = '1x' WHERE id = (SELECT min(id) FROM session)"},
        {"a session time", "UPDATE session SET start_utc = '2026-02-03T0%:30:00Z' WHERE id = (SELECT min(id) FROM session)"},
        {"an outbox time", "UPDATE delivery SET send_at = '17706O0800' WHERE id = (SELECT min(id) FROM delivery)"},
        {"a delivery kind", "UPDATE delivery SET kind = 'remindes' WHERE id = (SELECT min(id) FROM delivery)"},
        {"a name", "UPDATE participant SET name = CAST(X'416D696E61C328' AS TEXT)"},
        {"the participant table's page", ""},
        {"the delivery table's page", ""},
    };
    const fs::path programme = fs::path("programmes") / "tick-test.toml";
    int case_number = 0;
    for (const auto& [what, sql] : damages) {
        Fixture f("damaged-" + std::to_string(++case_number));
        const fs::path database = f.dir() / "ritme.db";
        REQUIRE(f.run({"tick", "--now", "2026-01-20T09:00"}).status == 0);
        const std::string added = f.run({"participant", "add", "--name", "Amina Yusuf", "--phone", "0612345678",
                                         "--programme", "tick-test"})
                                      .out;
        const std::string id = added.substr(0, added.find('\n'));
        REQUIRE(f.run({"tick", "--now", "2026-01-20T09:01"}).status == 0);  // plans her reminders
        if (sql.empty()) {
            corrupt_page_of(database, what.find("participant") != std::string::npos ? "participant" : "delivery");
        } else {
            SQLite::Database raw(database.string(), SQLite::OPEN_READWRITE);
            raw.exec("PRAGMA ignore_check_constraints = ON");
            raw.exec(sql);
        }
        const std::vector<std::vector<std::string>> verbs = {
            {"status"},
            {"status", "--format", "json"},
            {"tick", "--now", "2026-02-02T18:00"},
            {"participant", "list"},
            {"participant", "export", id},
            {"session", "list", "tick-test"},
            {"appointment", "list"},
            {"calendar", "tick-test"},
            {"simulate", "tick-test"},
            {"apply", (f.dir() / programme).string()},
        };
        int failed = 0;
        for (const auto& verb : verbs) {
            const Run run = f.run(verb);
            INFO(what, ": ", verb.front(), " ", verb.size() > 1 ? verb[1] : "", " exit ", run.status, ": ", run.err);
            CHECK((run.status == 0 || run.status == 1));
            if (run.status == 0) continue;
            ++failed;
            CHECK(run.err.find(database.string()) != std::string::npos);
            CHECK(run.err.find("internal error") == std::string::npos);
            CHECK(run.err.find("Amina") == std::string::npos);
        }
        INFO(what);
        CHECK(failed > 0);
        // SQLite's check sees the pages and the CHECK constraints, and status looks at the
        // outbox's times; a number stored as text elsewhere is found by the verbs that read it.
        if (what.find("page") != std::string::npos || what.find("status") != std::string::npos ||
            what.find("kind") != std::string::npos || what.find("outbox") != std::string::npos) {
            const Run status = f.run({"status"});
            CHECK(status.status == 1);
            CHECK(status.err.find("ritme status: the database " + database.string() +
                                  " is damaged (PRAGMA integrity_check):") != std::string::npos);
            CHECK(status.err.find("restore the database from a backup") != std::string::npos);
        }
    }
}

TEST_CASE("a reminder whose kind was damaged holds back no other reminder") {
    Fixture f("damaged-kind-alone");
    REQUIRE(f.run({"tick"}).status == 0);
    for (const char* phone : {"0612345678", "0687654321"})
        REQUIRE(f.run({"participant", "add", "--name", "Deelnemer", "--phone", phone, "--programme", "tick-test"})
                    .status == 0);
    REQUIRE(f.run({"tick", "--now", "2026-01-20T09:00"}).status == 0);  // plans their reminders
    {
        // One of the two day-before reminders for Tuesday's session gets a flipped byte in its kind.
        SQLite::Database raw((f.dir() / "ritme.db").string(), SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA ignore_check_constraints = ON");
        raw.exec("UPDATE delivery SET kind = 'remindes' WHERE id = (SELECT id FROM delivery WHERE kind = 'reminder' "
                 "ORDER BY send_at, id LIMIT 1)");
    }
    const Run tick = f.run({"tick", "--now", "2026-02-02T18:00"});
    CHECK(tick.status == 0);
    CHECK(tick.out.find("tick: 1 sent, 0 to retry, 0 failed") != std::string::npos);
    CHECK(lines_in(f.sent_log()) == 1);
    const Run status = f.run({"status"});
    CHECK(status.status == 1);
    CHECK(status.err.find("is damaged (PRAGMA integrity_check):") != std::string::npos);
}

TEST_CASE("status says the database passed its integrity check") {
    Fixture f("status-integrity");
    REQUIRE(f.run({"tick", "--now", "2026-01-20T09:00"}).status == 0);
    const Run text = f.run({"status"});
    CHECK(text.status == 0);
    CHECK(text.out.rfind("database: " + (f.dir() / "ritme.db").string() + " (integrity check: ok)\n", 0) == 0);
    const auto json = nlohmann::json::parse(f.run({"status", "--format", "json"}).out);
    CHECK(json["database"]["integrity"] == "ok");
}

TEST_CASE("status on a database that is not there says so and exits 1, and creates nothing") {
    Fixture f("status-missing");
    const fs::path missing = f.dir() / "typo" / "ritme.db";
    const Run status = f.run({"status", "--db", missing.string()});
    CHECK(status.status == 1);
    CHECK(status.err.find("there is no database " + missing.string()) != std::string::npos);
    CHECK(status.err.find("`ritme apply` creates it") != std::string::npos);
    CHECK_FALSE(fs::exists(missing));
    CHECK_FALSE(fs::exists(missing.parent_path()));
}

TEST_CASE("status lists the answers the lead has not heard of, without her words") {
    Fixture f("status-answers");
    REQUIRE(f.run({"tick", "--now", "2026-01-20T09:00"}).status == 0);
    CHECK(f.run({"status"}).out.find("answers waiting for the lead:\n  none\n") != std::string::npos);
    CHECK(f.run({"status"}).out.find("texts from unknown numbers: 0") != std::string::npos);
    {
        auto store = SqliteStore::open((f.dir() / "ritme.db").string());
        StoredAnswer answer;
        answer.participant_id = "p-sample1";
        answer.received_at = {pt::ptime(make_date(2026, 1, 20), pt::hours(8))};
        answer.channel = "sms";
        answer.words = "ik ben ziek";
        answer.reading = AnswerReading::free_text;
        answer.for_lead = true;  // and no message to the lead could be made
        StoredAnswer coming = answer;
        coming.participant_id = "p-sample2";
        coming.reading = AnswerReading::coming;
        coming.for_lead = false;
        store->write([&] {
            store->add_answer(answer);
            store->add_answer(coming);
        });
    }
    const Run text = f.run({"status"});
    CHECK(text.status == 0);
    const auto at = text.out.find("answers waiting for the lead:\n");
    REQUIRE(at != std::string::npos);
    const std::string waiting = text.out.substr(at);
    CHECK(waiting.find("p-sample1") != std::string::npos);
    CHECK(waiting.find("free_text") != std::string::npos);
    CHECK(waiting.find("no lead to tell") != std::string::npos);
    CHECK(waiting.find("p-sample2") == std::string::npos);  // "I come" is for no one
    CHECK(text.out.find("ziek") == std::string::npos);
    const auto json = nlohmann::json::parse(f.run({"status", "--format", "json"}).out);
    REQUIRE(json["answers_waiting"].size() == 1);
    CHECK(json["answers_waiting"][0]["participant"] == "p-sample1");
    CHECK(json["answers_waiting"][0]["read_as"] == "free_text");
}

TEST_CASE("simulate prints every message of the track as JSON lines, and changes nothing") {
    Fixture f("simulate");
    REQUIRE(f.run({"apply", (f.dir() / "programmes" / "tick-test.toml").string()}).status == 0);
    const auto run = f.run({"simulate", "tick-test", "--format", "jsonl", "--language", "nl,pl"});
    REQUIRE(run.status == 0);
    std::istringstream lines(run.out);
    int count = 0, second = 0;
    for (std::string line; std::getline(lines, line);) {
        const auto json = nlohmann::json::parse(line);
        ++count;
        for (const char* key : {"send_at", "due_at", "kind", "programme", "session", "participant", "channel",
                                "language", "segments", "text"})
            CHECK_MESSAGE(json.contains(key), key);
        CHECK(json["kind"] == "reminder");
        CHECK(json["programme"] == "tick-test");
        // Local time with its UTC offset: "2026-02-02T18:00:00+01:00".
        const std::string send_at = json["send_at"];
        CHECK(send_at.size() == 25);
        CHECK((send_at.substr(19) == "+01:00" || send_at.substr(19) == "+02:00"));
        CHECK(json["segments"].get<int>() >= 1);
        if (json["participant"] == "p-sample2") {
            ++second;
            // Polish has no templates: the Dutch text, then the English.
            CHECK(json["language"] == "nl+en");
        }
    }
    const int sessions = 34;  // the programme's sessions (see the apply tests)
    CHECK(count == sessions * 2 * 2);  // two offsets, two sample participants
    CHECK(second == sessions * 2);
    // Nothing was planned or sent in the database.
    const auto status = f.run({"status", "--format", "json"});
    CHECK(nlohmann::json::parse(status.out)["counts"].empty());
}

TEST_CASE("the daemon sends what is due, wakes for another process's write, and stops on SIGTERM") {
    Fixture f("serve");
    const fs::path database = f.dir() / "ritme.db";
    SystemClock clock;
    const UtcInstant now = clock.now();

    // A participant with an appointment three hours from now; the reminder rule "3h"
    // makes its reminder due at once.
    auto store = SqliteStore::open(database.string());
    Participant amina;
    amina.id = "p-amina";
    amina.name = "Amina";
    amina.phone = "+31612345678";
    amina.channels.sms = true;
    auto appointment_at = [&](int seconds_later) {
        Appointment appointment;
        appointment.participant_id = amina.id;
        appointment.start_utc = {now.utc + pt::hours(3) + pt::seconds(seconds_later)};
        appointment.where = "Stationsplein 1";
        return appointment;
    };
    store->write([&] {
        store->put_participant(amina);
        store->put_appointment(appointment_at(0));
    });

    // The daemon's setup, with a channel that tells the test what it sent.
    struct Recorder final : Channel {
        std::mutex mutex;
        std::condition_variable changed;
        std::vector<int64_t> ids;
        std::vector<std::chrono::system_clock::time_point> times;
        SendResult send(const OutgoingMessage& message) override {
            std::lock_guard lock(mutex);
            ids.push_back(message.delivery_id);
            times.push_back(std::chrono::system_clock::now());
            changed.notify_all();
            return SendResult::accepted();
        }
        bool wait_for(size_t count) {
            std::unique_lock lock(mutex);
            return changed.wait_for(lock, std::chrono::seconds(20), [&] { return ids.size() >= count; });
        }
    };
    DaemonSetup setup;
    setup.config.timezone = "Europe/Amsterdam";
    setup.config.templates = test::source_path("config/templates");
    setup.config.listen = "127.0.0.1:0";  // any free port: tests run side by side
    ChannelConfig sms;
    sms.name = "sms";
    sms.adapter = "recorder";
    sms.medium = Medium::sms;
    sms.quiet_hours = false;
    setup.config.channels["sms"] = sms;
    std::string why;
    setup.config.reminders.appointment_offsets = {*ReminderOffset::parse("3h", why)};
    Diagnostics problems;
    setup.renderer = MessageRenderer::load(setup.config.templates, problems);
    REQUIRE(setup.renderer);
    auto recorder = std::make_unique<Recorder>();
    Recorder* sent = recorder.get();
    setup.channels.add(sms, std::move(recorder));
    setup.rules = planning_rules(setup.config);

    // systemd's notify socket, as systemd would give it, with the watchdog on.
    const std::string notify_path = (f.dir() / "notify.sock").string();
    const int notify = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(notify >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", notify_path.c_str());
    REQUIRE(::bind(notify, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    ::setenv("NOTIFY_SOCKET", notify_path.c_str(), 1);
    ::setenv("WATCHDOG_USEC", "200000", 1);
    // systemd reads its notify socket at once; so does this thread. Unread, the watchdog's
    // pings fill the socket's queue (net.unix.max_dgram_qlen, often 10) and the daemon's
    // next sd_notify blocks its loop.
    std::mutex notices_mutex;
    std::vector<std::string> notices;
    std::atomic<bool> reading_notices{true};
    std::thread notice_reader([&] {
        while (reading_notices) {
            pollfd ready{notify, POLLIN, 0};
            if (::poll(&ready, 1, 50) <= 0) continue;
            char buffer[256];
            const auto size = ::recv(notify, buffer, sizeof buffer, 0);
            const std::lock_guard lock(notices_mutex);
            if (size > 0) notices.emplace_back(buffer, static_cast<size_t>(size));
        }
    });
    struct StopReading {
        std::atomic<bool>& reading;
        std::thread& reader;
        ~StopReading() {
            reading = false;
            if (reader.joinable()) reader.join();
        }
    } stop_reading{reading_notices, notice_reader};
    auto wait_for_notice = [&](const std::string& wanted) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < give_up) {
            {
                const std::lock_guard lock(notices_mutex);
                for (const auto& notice : notices)
                    if (notice.find(wanted) != std::string::npos) return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return false;
    };

    std::ostringstream log_text;
    Log log(log_text, LogLevel::debug, iso_timestamps(clock));
    int reloads = 0;
    Daemon daemon(
        *store, clock, log, std::move(setup),
        [&]() -> std::optional<DaemonSetup> {
            ++reloads;
            return std::nullopt;  // a config with errors: the daemon keeps the old one
        },
        HttpLimits{}, Daemon::serve_claim_ahead);
    int status = -1;
    std::thread loop([&] { status = daemon.run(); });

    CHECK(sent->wait_for(1));  // planned at start, due at once
    CHECK(wait_for_notice("READY=1"));
    CHECK(wait_for_notice("WATCHDOG=1"));  // every 100 ms: half of WATCHDOG_USEC

    // Another process (here: another connection) adds an appointment, as `ritme
    // appointment add` does; inotify wakes the daemon, which plans and sends it.
    {
        auto other = SqliteStore::open(database.string());
        other->write([&] { other->put_appointment(appointment_at(1)); });
    }
    CHECK(sent->wait_for(2));
    CHECK(daemon.wakeups().database >= 1);

    // One due two seconds from now: the loop claims and renders it a moment ahead, and
    // sends it at its time, not before.
    {
        auto other = SqliteStore::open(database.string());
        other->write([&] {
            Appointment soon = appointment_at(0);
            soon.start_utc = {clock.now().utc + pt::hours(3) + pt::seconds(2)};
            other->put_appointment(soon);
        });
    }
    CHECK(sent->wait_for(3));
    {
        std::lock_guard lock(sent->mutex);
        for (size_t i = 0; i < sent->ids.size(); ++i) {
            const auto row = store->delivery(sent->ids[i]);
            REQUIRE(row);
            const auto send_at = std::chrono::system_clock::from_time_t(pt::to_time_t(row->send_at.utc));
            CHECK(sent->times[i] >= send_at);
        }
    }

    std::raise(SIGHUP);  // a bad reload is reported and the daemon goes on
    std::raise(SIGTERM);
    loop.join();
    CHECK(status == 0);
    CHECK(wait_for_notice("RELOADING=1"));
    CHECK(wait_for_notice("STOPPING=1"));
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    reading_notices = false;
    notice_reader.join();
    ::close(notify);
    CHECK(reloads == 1);
    CHECK(log_text.str().find("keeping the old one") != std::string::npos);
    CHECK(log_text.str().find("stopped") != std::string::npos);
    CHECK(log_text.str().find("+31612345678") == std::string::npos);
}

TEST_SUITE_END();
