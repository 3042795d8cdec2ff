// The calendar of a stored programme as it is (`ritme calendar PROGRAMME-ID`): the lead's
// moves and cancellations in every format, ICS UIDs that follow the stored session, and
// SEQUENCE raised with each change.

#include "engine/changes/session_changes.hpp"
#include "engine/changes/stored_calendar.hpp"
#include "engine/cli/cli.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/time/weekday.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <libical/ical.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <filesystem>
#include <fstream>
#include <map>
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
const std::string almere_file = "config/programmes/almere-vrouwen-2026.toml";

struct Run {
    int status;
    std::string out, err;
};

// The Almere programme applied to a fresh database; #10 (Thu 2026-03-12 09:30) moved by
// the lead to Wednesday 2026-03-11 09:45 and #12 (Thu 2026-03-19) cancelled.
class Fixture {
public:
    explicit Fixture(const std::string& name) : dir_(fs::temp_directory_path() / ("ritme-stored-calendar-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        REQUIRE(run({"apply", test::source_path(almere_file)}).status == 0);
        REQUIRE(run({"session", "move", almere + "#10", "--to", "2026-03-11T09:45"}).status == 0);
        REQUIRE(run({"session", "cancel", almere + "#12", "--reason", "docent ziek"}).status == 0);
    }

    Run run(std::vector<std::string> args) const {
        std::ostringstream out, err;
        ManualClock clock(now);
        CliContext context{out, err, clock};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", database()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

    Run calendar(const std::string& format) const { return run({"calendar", almere, "--format", format}); }

    std::string database() const { return (dir_ / "ritme.db").string(); }

    StoredSession session(int number) const {
        const auto sessions = SqliteStore::open(database())->sessions(almere);
        const auto found = std::find_if(sessions.begin(), sessions.end(),
                                        [&](const StoredSession& s) { return s.number == number; });
        REQUIRE(found != sessions.end());
        return *found;
    }

    const UtcInstant now{pt::ptime(make_date(2026, 1, 10), pt::hours(9))};

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

struct Event {
    std::string uid;
    int sequence = -1;
    icalproperty_status status = ICAL_STATUS_NONE;
    icaltimetype start{};
    std::string description;
};

// The events of an ICS file by UID, read back with libical.
std::map<std::string, Event> events_of(const std::string& ics) {
    icalcomponent* root = icalparser_parse_string(ics.c_str());
    REQUIRE(root != nullptr);
    CHECK(icalcomponent_count_errors(root) == 0);
    std::map<std::string, Event> events;
    for (icalcomponent* e = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
        Event event;
        event.uid = icalcomponent_get_uid(e);
        event.sequence = icalcomponent_get_sequence(e);
        event.status = icalcomponent_get_status(e);
        event.start = icalcomponent_get_dtstart(e);
        if (const char* description = icalcomponent_get_description(e)) event.description = description;
        events[event.uid] = event;
    }
    icalcomponent_free(root);
    return events;
}

std::string uid_of(const StoredSession& session) {
    return almere + "-s" + std::to_string(session.id) + "@ritme";
}

}  // namespace

TEST_SUITE("stored_calendar") {
    TEST_CASE("text: the moved session where it is now and where it was planned; the cancelled one marked") {
        Fixture db("text");
        const Run run = db.calendar("text");
        CHECK(run.status == 0);
        CHECK(contains(run.out, "1 moved, 1 cancelled"));
        CHECK(line_with(run.out, "#10").ends_with(
            "#10  Wed 2026-03-11  09:45-11:45  Wijkcentrum De Schakel  moved (planned Thu 2026-03-12 09:30-11:30)"));
        CHECK(contains(line_with(run.out, "#12"), "Thu 2026-03-19  09:30-11:30  Wijkcentrum De Schakel  cancelled"));
        CHECK_FALSE(contains(line_with(run.out, "#11"), "moved"));
        // The lead's move is checked as `session move` checked it: the crèche is closed on Wednesdays.
        CHECK(contains(run.out, "moved by the lead: the crèche is closed on wednesday, when #10"));
    }

    TEST_CASE("JSON: status, version and the planned slot of every stored session") {
        Fixture db("json");
        const Run run = db.calendar("json");
        REQUIRE(run.status == 0);
        const auto json = nlohmann::json::parse(run.out);
        std::map<int, nlohmann::json> by_number;
        for (const auto& s : json["sessions"]) by_number[s["number"].get<int>()] = s;
        REQUIRE(by_number.size() == SqliteStore::open(db.database())->sessions(almere).size());
        CHECK(by_number[10]["status"] == "moved");
        CHECK(by_number[10]["date"] == "2026-03-11");
        CHECK(by_number[10]["start"] == "09:45");
        CHECK(by_number[10]["version"] == 2);
        CHECK(by_number[10]["planned"] ==
              nlohmann::json{{"date", "2026-03-12"}, {"start", "09:30"}, {"end", "11:30"}, {"location", "schakel"}});
        CHECK(by_number[12]["status"] == "cancelled");
        CHECK(by_number[12]["version"] == 2);
        CHECK(by_number[12]["planned"].is_null());
        CHECK(by_number[11]["status"] == "planned");
        CHECK(by_number[11]["version"] == 1);
        CHECK(by_number[11]["planned"].is_null());
        // In date order: the moved #10 (Wednesday 2026-03-11) stays between #9 (Tuesday) and #11.
        std::vector<int> numbers;
        for (const auto& s : json["sessions"]) numbers.push_back(s["number"].get<int>());
        CHECK(std::is_sorted(numbers.begin(), numbers.end()));
    }

    TEST_CASE("ICS: a UID per stored session, SEQUENCE version - 1, the cancelled one STATUS:CANCELLED") {
        Fixture db("ics");
        const Run run = db.calendar("ics");
        REQUIRE(run.status == 0);
        const auto events = events_of(run.out);
        CHECK(events.size() == SqliteStore::open(db.database())->sessions(almere).size());

        const auto moved = events.find(uid_of(db.session(10)));
        REQUIRE(moved != events.end());
        CHECK(moved->second.sequence == 1);
        CHECK(moved->second.status == ICAL_STATUS_CONFIRMED);
        CHECK(moved->second.start.day == 11);
        CHECK(moved->second.start.hour == 9);
        CHECK(moved->second.start.minute == 45);
        CHECK(moved->second.description == "verplaatst; gepland op do 2026-03-12 09:30-11:30");

        const auto cancelled = events.find(uid_of(db.session(12)));
        REQUIRE(cancelled != events.end());
        CHECK(cancelled->second.sequence == 1);
        CHECK(cancelled->second.status == ICAL_STATUS_CANCELLED);

        const auto planned = events.find(uid_of(db.session(11)));
        REQUIRE(planned != events.end());
        CHECK(planned->second.sequence == 0);
        CHECK(planned->second.status == ICAL_STATUS_CONFIRMED);

        // Moved again: the same UID, SEQUENCE up once more.
        REQUIRE(db.run({"session", "move", almere + "#10", "--to", "2026-03-12T09:45"}).status == 0);
        const auto again = events_of(db.calendar("ics").out);
        REQUIRE(again.count(uid_of(db.session(10))) == 1);
        CHECK(again.at(uid_of(db.session(10))).sequence == 2);
        CHECK(again.at(uid_of(db.session(10))).start.day == 12);
    }

    TEST_CASE("ICS: the UID does not change when the session's number does") {
        Fixture db("renumbered");
        const StoredSession before = db.session(10);
        const auto first = events_of(db.calendar("ics").out);
        REQUIRE(first.count(uid_of(before)) == 1);
        {
            auto store = SqliteStore::open(db.database());
            StoredSession renumbered = before;
            renumbered.number = 99;
            store->write([&] { store->put_session(renumbered); });
        }
        const Run run = db.calendar("ics");
        const auto second = events_of(run.out);
        REQUIRE(second.count(uid_of(before)) == 1);
        CHECK(second.at(uid_of(before)).sequence == first.at(uid_of(before)).sequence);
        CHECK(second.at(uid_of(before)).start.day == 11);
        CHECK(contains(run.out, "(99/"));
    }

    TEST_CASE("HTML: the moved session marked with where it was planned, the cancelled one as cancelled") {
        Fixture db("html");
        const Run run = db.run({"calendar", almere, "--format", "html", "--today", "2026-03-01"});
        REQUIRE(run.status == 0);
        CHECK(contains(run.out, "<b class=\"time\">#10 <span class=\"range\">09:45-11:45</span></b> <em "
                                "class=\"status\">verplaatst</em> <span class=\"planned\">(gepland do 2026-03-12 "
                                "09:30-11:30)</span>"));
        CHECK(contains(run.out, "<p class=\"session cancelled\"><b class=\"time\">#12 <span "
                                "class=\"range\">09:30-11:30</span></b> <em class=\"status\">afgelast</em>"));
    }

    TEST_CASE("HTML: the calendar's problems in the language of LANG, the moved session's crèche problem too") {
        Fixture db("html-lang");
        // #10 moved to Wednesday 11 March, when the crèche is closed.
        const std::string dutch_prefix = tr(Language::nl, "moved by the lead: {1}", {""});
        REQUIRE(dutch_prefix != "moved by the lead: ");
        {
            const LangSet lang("nl_NL.UTF-8");
            const Run run = db.run({"calendar", almere, "--format", "html", "--today", "2026-03-01"});
            REQUIRE(run.status == 0);
            const size_t at = run.out.find("<p lang=\"nl\">" + dutch_prefix);
            REQUIRE(at != std::string::npos);
            const std::string problem = run.out.substr(at, run.out.find("</p>", at) - at);
            CHECK(contains(problem, tr(Language::nl, "wednesday")));
            CHECK(contains(problem, "#10 (" + std::string(dutch_abbreviation_of(Weekday::wednesday)) + " 2026-03-11"));
            CHECK_FALSE(contains(run.out, "moved by the lead"));
        }
        {
            const LangSet lang("C");
            const Run run = db.run({"calendar", almere, "--format", "html", "--today", "2026-03-01"});
            REQUIRE(run.status == 0);
            CHECK(contains(run.out, "<p lang=\"en\">moved by the lead: the crèche is closed on wednesday, when #10 "
                                    "(Wed 2026-03-11 09:45-11:45) meets</p>"));
        }
    }

    TEST_CASE("an id that is no stored programme gets a did-you-mean; an existing file stays a file") {
        Fixture db("unknown");
        const Run typo = db.run({"calendar", "almere-vrouwen-2027"});
        CHECK(typo.status == 2);
        CHECK(typo.out.empty());
        CHECK(contains(typo.err, "ritme calendar: almere-vrouwen-2027 is no file, and no programme "
                                 "\"almere-vrouwen-2027\" in the database; did you mean almere-vrouwen-2026?"));

        const Run file = db.run({"calendar", test::source_path(almere_file)});
        CHECK(file.status == 0);
        CHECK_FALSE(contains(file.out, "moved"));
        CHECK_FALSE(contains(file.out, "cancelled"));
    }

    TEST_CASE("stored_programme_calendar: planned slots for moved sessions only, in date order") {
        MemoryStore store;
        std::ifstream in(test::source_path(almere_file));
        std::stringstream text;
        text << in.rdbuf();
        const auto plan = test::plan(text.str());
        const AuditContext lead{{pt::ptime(make_date(2026, 1, 10), pt::hours(9))}, "fatima", "session move"};
        store.write([&] { apply_programme(store, plan, lead); });
        // #3 (Tue 2026-02-10) after #4 (Thu 2026-02-12).
        REQUIRE(move_session(store, test::shipped_school_holidays(),
                             {{almere, 3}, {make_date(2026, 2, 13), TimeOfDay::hm(9, 30)}, {}}, lead)
                    .ok());
        const ProgrammeCalendar calendar =
            stored_programme_calendar(store, *store.programme(almere), test::shipped_school_holidays());
        const auto& sessions = calendar.calendar.sessions;
        REQUIRE(sessions.size() == plan.calendar.sessions.size());
        CHECK(sessions[2].number == 4);
        CHECK(sessions[3].number == 3);
        CHECK(sessions[3].status == SessionStatus::moved);
        REQUIRE(sessions[3].planned);
        CHECK(sessions[3].planned->date == make_date(2026, 2, 10));
        CHECK(sessions[3].version == 2);
        CHECK(sessions[3].stored_id != 0);
        CHECK_FALSE(sessions[2].planned);
        // Friday is no crèche day, and school ends at 11:15 then: the move's warnings, for the lead.
        CHECK(calendar.problems.warning_count() > plan.problems.warning_count());
    }
}
