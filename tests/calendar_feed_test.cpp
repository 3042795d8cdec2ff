// Calendar feeds end to end in process: made with add_feed, fetched through the daemon's
// routes at /feed/TOKEN.ics. A VEVENT per session with a stable UID, SEQUENCE up after a
// move, STATUS:CANCELLED after a cancellation, VALARMs, the ETag's 304, 404 after revoking,
// and what each subscriber may see (no phone numbers; the crèche sees first names and
// counts only). Then `ritme feed add|list|revoke` on a real database.

#include "adapters/builtin_adapters.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/calendar_feeds.hpp"
#include "engine/changes/session_changes.hpp"
#include "engine/cli/cli.hpp"
#include "engine/http/http_routes.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

UtcInstant utc(int month, int day, int hour) { return {pt::ptime(make_date(2026, month, day), pt::hours(hour))}; }

size_t count_of(const std::string& text, std::string_view part) {
    size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string header_of(const HttpAnswer& answer, std::string_view name) {
    for (const auto& [header, value] : answer.headers)
        if (header == name) return value;
    return {};
}

// The VEVENT block with this UID.
std::string event_of(const std::string& ics, const std::string& uid) {
    const size_t at = ics.find("UID:" + uid + "\r\n");
    if (at == std::string::npos) return {};
    const size_t begin = ics.rfind("BEGIN:VEVENT", at);
    return ics.substr(begin, ics.find("END:VEVENT", at) - begin);
}

// The led almere programme (Tuesday and Thursday 09:30 from 3 February 2026, its lead's
// phone in the file), Amina (2 children), Bea (1 child, excused for session 1) and Chloe
// (none) enrolled.
struct Feeds {
    MemoryStore store;
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, [] { return std::string("T"); }};
    MetricsRegistry metrics;
    HttpRoutes routes{store, log, metrics, [](auto&&...) {}, [](auto&&...) {}};
    std::vector<StoredSession> sessions;

    Feeds() {
        const auto plan = test::plan(test::led_programme_toml("almere"));
        store.write([&] { apply_programme(store, plan, {utc(1, 10, 9), "operator", "apply"}); });
        add("p-amina", "Amina Yusuf", "+31611111111", 2);
        add("p-bea", "Bea Bakker", "+31622222222", 1);
        add("p-chloe", "Chloe Smit", "+31633333333", 0);
        sessions = store.sessions("almere");
        store.write([&] {
            store.put_attendance(
                {"p-bea", "almere", sessions.front().id, 0, AttendanceStatus::excused, utc(2, 1, 9), "sms"});
        });
    }

    void add(const std::string& id, const std::string& name, const std::string& phone, int children) {
        Participant p;
        p.id = id;
        p.name = name;
        p.phone = phone;
        p.channels = {true, false};
        p.children_in_care = children;
        store.write([&] {
            store.put_participant(p);
            store.enrol(id, "almere");
        });
    }

    // A new feed's token (the URL's last segment without .ics).
    std::string make(FeedRequest request) {
        const auto made = add_feed(store, request, "https://ritme.example.nl/", {utc(1, 20, 9), "Fatima", "feed add"});
        REQUIRE(made.ok());
        const std::string& url = made.value.url;
        REQUIRE(url.starts_with("https://ritme.example.nl/feed/"));
        REQUIRE(url.ends_with(".ics"));
        return url.substr(url.rfind('/') + 1, url.size() - url.rfind('/') - 5);
    }

    HttpAnswer get(const std::string& token, const std::string& if_none_match = {}) {
        CallbackRequest r;
        r.method = "GET";
        r.path = r.target = "/feed/" + token + ".ics";
        r.received_at = utc(2, 1, 12);
        if (!if_none_match.empty()) r.headers.emplace_back("if-none-match", if_none_match);
        return routes.answer(r);
    }
};

}  // namespace

TEST_SUITE_BEGIN("calendar_feed");

TEST_CASE("the programme feed: a VEVENT per session with a stable UID, VALARMs, no phone numbers; the token is "
          "stored hashed") {
    Feeds f;
    const std::string token = f.make({"almere", "", false});
    CHECK(token.size() == 64);  // 256 random bits
    const auto stored = f.store.feed_tokens("almere");
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].hash != token);
    CHECK_FALSE(has(stored[0].hash, token));

    const HttpAnswer answer = f.get(token);
    REQUIRE(answer.status == 200);
    CHECK(answer.content_type.starts_with("text/calendar"));
    const std::string& ics = answer.body;
    CHECK(count_of(ics, "BEGIN:VEVENT") == f.sessions.size());
    for (const auto& s : f.sessions) CHECK_FALSE(event_of(ics, "almere-s" + std::to_string(s.id) + "@ritme").empty());
    CHECK(count_of(ics, "BEGIN:VALARM") == 2 * f.sessions.size());
    CHECK(has(ics, "TRIGGER:-P1D"));
    CHECK(has(ics, "TRIGGER:-PT2H"));
    CHECK(has(ics, "Wijkcentrum De Schakel"));
    // No phone number of anyone: the lead's in the programme file, the participants'.
    CHECK_FALSE(std::regex_search(ics, std::regex(R"(\+31\s?6|\b06[- ]?\d{8})")));
    CHECK_FALSE(has(ics, "Amina"));
    // A log line names the feed's path without its secret.
    CHECK(path_for_log("/feed/" + token + ".ics") == "/feed/...");
}

TEST_CASE("a move raises the SEQUENCE of the same UID; a cancellation is STATUS:CANCELLED; the ETag changes with "
          "it and a 304 answers the ETag of the calendar as it is") {
    Feeds f;
    const std::string token = f.make({"almere", "", false});
    const HttpAnswer before = f.get(token);
    const std::string etag = header_of(before, "ETag");
    REQUIRE_FALSE(etag.empty());

    // The same calendar: the same ETag, and 304 without a body for it.
    CHECK(header_of(f.get(token), "ETag") == etag);
    const HttpAnswer unchanged = f.get(token, etag);
    CHECK(unchanged.status == 304);
    CHECK(unchanged.body.empty());

    const StoredSession& third = f.sessions[2];
    const std::string uid = "almere-s" + std::to_string(third.id) + "@ritme";
    CHECK(has(event_of(before.body, uid), "SEQUENCE:0"));
    const auto moved = move_session(f.store, test::shipped_school_holidays(),
                                    {{"almere", third.number}, {third.date, TimeOfDay::hm(10, 0)}, "", false},
                                    {utc(1, 21, 9), "Fatima", "session move"});
    REQUIRE(moved.ok());
    const StoredSession& fourth = f.sessions[3];
    REQUIRE(cancel_session(f.store, {"almere", fourth.number}, "ziek", {utc(1, 21, 9), "Fatima", "session cancel"})
                .ok());

    const HttpAnswer after = f.get(token, etag);
    REQUIRE(after.status == 200);
    CHECK(header_of(after, "ETag") != etag);
    const std::string moved_event = event_of(after.body, uid);
    CHECK(has(moved_event, "SEQUENCE:1"));
    CHECK(has(moved_event, "T100000"));
    const std::string cancelled = event_of(after.body, "almere-s" + std::to_string(fourth.id) + "@ritme");
    CHECK(has(cancelled, "STATUS:CANCELLED"));
    CHECK_FALSE(has(cancelled, "BEGIN:VALARM"));  // no reminder for what does not take place
    CHECK(count_of(after.body, "BEGIN:VEVENT") == f.sessions.size());
}

TEST_CASE("a revoked feed, an unknown token and a path without .ics are 404") {
    Feeds f;
    const std::string token = f.make({"almere", "", false});
    REQUIRE(f.get(token).status == 200);
    const auto id = f.store.feed_tokens("almere").front().id;
    REQUIRE(revoke_feed(f.store, id, {utc(1, 22, 9), "Fatima", "feed revoke"}).ok());
    CHECK(f.get(token).status == 404);
    CHECK(f.get(std::string(64, 'a')).status == 404);
    CHECK(f.get("").status == 404);
    CHECK(revoke_feed(f.store, id, {utc(1, 22, 9), "Fatima", "feed revoke"}).errors.front().kind ==
          ChangeError::Kind::conflict);
    CHECK_FALSE(revoke_feed(f.store, "f-none", {utc(1, 22, 9), "Fatima", "feed revoke"}).ok());
}

TEST_CASE("the crèche feed: sessions with children, the mothers' first names and the count; who said she cannot "
          "come is left out") {
    Feeds f;
    const HttpAnswer answer = f.get(f.make({"almere", "", true}));
    REQUIRE(answer.status == 200);
    const std::string& ics = answer.body;
    CHECK(count_of(ics, "BEGIN:VEVENT") == f.sessions.size());  // every session has Amina's two
    const std::string first = event_of(ics, "almere-s" + std::to_string(f.sessions[0].id) + "-creche@ritme");
    CHECK(has(first, "Opvang: 2 kinderen"));  // Bea excused herself
    CHECK(has(first, "Amina (2)"));
    CHECK_FALSE(has(first, "Bea"));
    const std::string second = event_of(ics, "almere-s" + std::to_string(f.sessions[1].id) + "-creche@ritme");
    CHECK(has(second, "Opvang: 3 kinderen"));
    CHECK(has(second, "Bea (1)"));
    for (const char* never : {"Yusuf", "Bakker", "Chloe", "+316"}) CHECK_FALSE(has(ics, never));
}

TEST_CASE("a participant's feed: her programme's sessions and her appointments, without the programme's name") {
    Feeds f;
    Appointment visit;
    visit.participant_id = "p-amina";
    visit.start_utc = utc(2, 12, 13);
    visit.duration_minutes = 90;
    visit.where = "Stadhuisplein 1";
    f.store.write([&] { f.store.put_appointment(visit); });
    CHECK_FALSE(add_feed(f.store, {"almere", "p-nobody", false}, "http://x", {utc(1, 20, 9), "op", "feed add"}).ok());
    CHECK_FALSE(add_feed(f.store, {"almere", "p-amina", true}, "http://x", {utc(1, 20, 9), "op", "feed add"}).ok());
    const HttpAnswer answer = f.get(f.make({"almere", "p-amina", false}));
    REQUIRE(answer.status == 200);
    CHECK(count_of(answer.body, "BEGIN:VEVENT") == f.sessions.size() + 1);
    CHECK(has(answer.body, "Stadhuisplein 1"));
    CHECK(has(answer.body, "SUMMARY:Afspraak"));
    CHECK_FALSE(has(answer.body, "SUMMARY:Vrouwen"));
    CHECK_FALSE(has(answer.body, f.store.programme("almere")->name));
}

TEST_CASE("ritme feed add prints the URL once; list shows ids and kinds, never a URL; revoke; bad input is exit 2") {
    const fs::path dir = fs::temp_directory_path() / "ritme-feed-cli-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    ChannelRegistry registry;
    register_builtin_adapters(registry);
    auto run = [&](std::vector<std::string> args) {
        std::ostringstream out, err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 10), pt::hours(9))});
        CliContext context{out, err, clock, &registry};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", (dir / "ritme.db").string()});
        const int status = run_cli(args, context);
        return std::tuple{status, out.str(), err.str()};
    };
    REQUIRE(std::get<0>(run({"apply", test::source_path("config/programmes/almere-vrouwen-2026.toml")})) == 0);

    const auto [status, out, err] = run({"feed", "add", "almere-vrouwen-2026", "--creche"});
    REQUIRE(status == 0);
    CHECK(has(out, "/feed/"));
    CHECK(has(out, ".ics"));
    const std::string token = out.substr(out.find("/feed/") + 6, 64);
    const auto [listed, list_out, list_err] = run({"feed", "list"});
    CHECK(listed == 0);
    CHECK(has(list_out, "creche"));
    CHECK_FALSE(has(list_out, token));
    const std::string id = list_out.substr(0, list_out.find(' '));
    CHECK(id.starts_with("f-"));

    CHECK(std::get<0>(run({"feed", "add", "nowhere"})) == 2);
    CHECK(std::get<0>(run({"feed", "revoke", "f-none"})) == 2);
    const auto [revoked, revoke_out, revoke_err] = run({"feed", "revoke", id});
    CHECK(revoked == 0);
    CHECK(has(std::get<1>(run({"feed", "list", "almere-vrouwen-2026"})), "revoked"));
    CHECK(std::get<0>(run({"feed", "revoke", id})) == 1);  // revoked already: a conflict
    auto store = SqliteStore::open((dir / "ritme.db").string());
    CHECK_FALSE(feed_file(*store, token).has_value());
}

TEST_SUITE_END();
