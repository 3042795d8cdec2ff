#include "engine/changes/apply.hpp"
#include "engine/cli/cli.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

const AuditContext audit_context{{pt::ptime(make_date(2026, 1, 10), pt::hours(9))}, "lead", "apply"};

const std::string base_keys = "start = 2026-02-02\nregion = \"noord\"";

ApplyResult apply_text(Store& store, const std::string& toml) {
    ApplyResult result;
    const auto plan = test::plan(toml);
    store.write([&] { result = apply_programme(store, plan, audit_context); });
    return result;
}

const StoredSession& session(const std::vector<StoredSession>& sessions, int number) {
    for (const auto& s : sessions)
        if (s.number == number) return s;
    FAIL("no session " << number);
    return sessions.front();
}

}  // namespace

TEST_SUITE_BEGIN("apply");

TEST_CASE("a new programme stores every session; applying it again changes nothing") {
    MemoryStore store;
    const auto first = apply_text(store, test::programme_toml(base_keys));
    CHECK(first.created);
    CHECK(first.changes.size() == 34);
    CHECK(store.sessions("test").size() == 34);
    const auto audit_after_first = store.audit().size();
    CHECK(audit_after_first == 1 + 34);  // programme.created, then one entry per session

    const auto second = apply_text(store, test::programme_toml(base_keys));
    CHECK_FALSE(second.changed());
    CHECK(store.audit().size() == audit_after_first);
    for (const auto& s : store.sessions("test")) CHECK(s.version == 1);
}

TEST_CASE("an edited file moves and cancels sessions by number, keeping their ids") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    const auto before = store.sessions("test");

    // 34 sessions (lost: voorjaarsvakantie 2, meivakantie 2, Bevrijdingsdag, Hemelvaartsdag).
    // A closed day on Tuesday 17 March takes session 11's date: sessions 11..33 each move
    // one slot later, and the last one, #34 on 18 June, has no date left.
    const auto result = apply_text(store, test::programme_toml(base_keys + "\nclosed = [2026-03-17]"));
    CHECK_FALSE(result.created);
    CHECK(result.definition_changed);
    const auto after = store.sessions("test");
    REQUIRE(after.size() == 34);
    int moved = 0, cancelled = 0;
    for (const auto& change : result.changes) {
        moved += change.kind == SessionChange::Kind::moved;
        cancelled += change.kind == SessionChange::Kind::cancelled;
    }
    CHECK(moved == 23);  // #11..#33
    CHECK(cancelled == 1);
    CHECK(result.changes.size() == 24);

    const StoredSession& s11 = session(after, 11);
    CHECK(s11.id == session(before, 11).id);
    CHECK(s11.date == make_date(2026, 3, 19));
    CHECK(s11.status == SessionStatus::moved);
    CHECK(s11.version == 2);
    CHECK(session(after, 10).status == SessionStatus::planned);
    CHECK(session(after, 10).version == 1);
    CHECK(session(after, 34).status == SessionStatus::cancelled);
    CHECK(session(after, 34).id == session(before, 34).id);

    CHECK(describe(result.changes.front()) ==
          "moved #11: Tue 2026-03-17 09:30-11:30 at schakel -> Thu 2026-03-19 09:30-11:30 at schakel");
    const auto audit = store.audit();
    CHECK(audit.back().action == "session.cancelled");
    CHECK(audit.back().subject == "test#34");
    CHECK(audit.back().actor == "lead");
    CHECK(audit.back().command == "apply");
}

TEST_CASE("taking the closed day out again restores the cancelled session") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    apply_text(store, test::programme_toml(base_keys + "\nclosed = [2026-03-17]"));
    const auto result = apply_text(store, test::programme_toml(base_keys));
    int restored = 0, moved = 0;
    for (const auto& change : result.changes) {
        restored += change.kind == SessionChange::Kind::restored;
        moved += change.kind == SessionChange::Kind::moved;
    }
    CHECK(restored == 1);
    CHECK(moved == 23);
    const auto after = store.sessions("test");
    CHECK(session(after, 34).status == SessionStatus::planned);
    CHECK(session(after, 34).version == 3);
    CHECK(session(after, 11).date == make_date(2026, 3, 17));
}

TEST_CASE("a changed slot time moves every session; a longer track adds sessions") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    const auto later = apply_text(store, test::programme_toml(base_keys, R"(
[location.schakel]
name = "Wijkcentrum De Schakel"
[[slot]]
day = "tuesday"
start = "10:00"
end = "12:00"
[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)"));
    CHECK(later.changes.size() == 17);  // the Tuesday sessions
    const auto longer = apply_text(store, test::programme_toml(base_keys + "\nweeks = 21", R"(
[location.schakel]
name = "Wijkcentrum De Schakel"
[[slot]]
day = "tuesday"
start = "10:00"
end = "12:00"
[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)"));
    REQUIRE(longer.changes.size() == 2);
    CHECK(longer.changes[0].kind == SessionChange::Kind::added);
    CHECK(longer.changes[0].after.date == make_date(2026, 6, 23));
}

TEST_CASE("a moved, cancelled or restored session remembers when, and where it was before") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    const auto before = store.sessions("test");
    CHECK_FALSE(session(before, 11).changed_at.has_value());
    CHECK_FALSE(session(before, 11).previous.has_value());

    apply_text(store, test::programme_toml(base_keys + "\nclosed = [2026-03-17]"));
    auto after = store.sessions("test");
    const StoredSession& moved = session(after, 11);
    CHECK(moved.changed_at == audit_context.at);
    REQUIRE(moved.previous);
    CHECK(moved.previous->date == session(before, 11).date);
    CHECK(moved.previous->time == session(before, 11).time);
    CHECK(moved.previous->location == session(before, 11).location);
    CHECK(moved.previous->start_utc == session(before, 11).start_utc);
    const StoredSession& cancelled = session(after, 34);
    CHECK(cancelled.changed_at == audit_context.at);
    REQUIRE(cancelled.previous);
    CHECK(cancelled.previous->date == session(before, 34).date);
    CHECK_FALSE(session(after, 10).changed_at.has_value());

    const auto cancelled_date = cancelled.date;
    apply_text(store, test::programme_toml(base_keys));
    after = store.sessions("test");
    REQUIRE(session(after, 34).previous);
    CHECK(session(after, 34).previous->date == cancelled_date);
    CHECK(session(after, 34).status == SessionStatus::planned);
    CHECK(session(after, 11).previous->date == make_date(2026, 3, 19));
}

TEST_CASE("a session the lead moved or cancelled stays as the lead set it") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    auto sessions = store.sessions("test");
    // As `ritme session move` and `ritme session cancel` leave them.
    StoredSession lead_moved = session(sessions, 11);
    lead_moved.date = make_date(2026, 3, 18);
    lead_moved.status = SessionStatus::moved;
    lead_moved.version = 2;
    lead_moved.lead_override = true;
    StoredSession lead_cancelled = session(sessions, 12);
    lead_cancelled.status = SessionStatus::cancelled;
    lead_cancelled.version = 2;
    lead_cancelled.lead_override = true;
    StoredSession lead_moved_last = session(sessions, 34);
    lead_moved_last.date = make_date(2026, 6, 19);
    lead_moved_last.status = SessionStatus::moved;
    lead_moved_last.version = 2;
    lead_moved_last.lead_override = true;
    store.write([&] {
        for (const auto& s : {lead_moved, lead_cancelled, lead_moved_last}) store.put_session(s);
    });
    const auto audit_before = store.audit().size();

    // The unchanged file would put #11 and #12 back; the lead's word holds.
    const auto same = apply_text(store, test::programme_toml(base_keys));
    CHECK_FALSE(same.changed());
    REQUIRE(same.changes.size() == 3);
    for (const auto& change : same.changes) CHECK(change.kind == SessionChange::Kind::kept);
    CHECK(describe(same.changes[0]) ==
          "kept #11 as the lead moved it: Wed 2026-03-18 09:30-11:30 at schakel "
          "(the file: Tue 2026-03-17 09:30-11:30 at schakel)");
    CHECK(describe(same.changes[1]) ==
          "kept #12 as the lead cancelled it: Thu 2026-03-19 09:30-11:30 at schakel "
          "(the file: Thu 2026-03-19 09:30-11:30 at schakel)");
    CHECK(store.audit().size() == audit_before);

    // An edited file moves the others; #34, gone from the file, stays as the lead moved it.
    const auto edited = apply_text(store, test::programme_toml(base_keys + "\nclosed = [2026-03-17]"));
    CHECK(edited.changed());
    int kept = 0, moved = 0, cancelled = 0;
    for (const auto& change : edited.changes) {
        kept += change.kind == SessionChange::Kind::kept;
        moved += change.kind == SessionChange::Kind::moved;
        cancelled += change.kind == SessionChange::Kind::cancelled;
    }
    CHECK(kept == 3);
    CHECK(moved == 21);  // #13..#33
    CHECK(cancelled == 0);
    CHECK(describe(edited.changes.back()) ==
          "kept #34 as the lead moved it: Fri 2026-06-19 09:30-11:30 at schakel (not in the file)");
    sessions = store.sessions("test");
    CHECK(session(sessions, 11).date == make_date(2026, 3, 18));
    CHECK(session(sessions, 11).version == 2);
    CHECK(session(sessions, 12).status == SessionStatus::cancelled);
    CHECK(session(sessions, 12).version == 2);
    CHECK(session(sessions, 34).date == make_date(2026, 6, 19));
    CHECK(session(sessions, 13).status == SessionStatus::moved);
    for (const auto& entry : store.audit()) CHECK(entry.action != "session.kept");

    // Applying the edited file again stores nothing more.
    const auto again = apply_text(store, test::programme_toml(base_keys + "\nclosed = [2026-03-17]"));
    CHECK_FALSE(again.changed());
    CHECK(again.changes.size() == 3);
}

TEST_CASE("ritme apply with one bad file stores nothing from any file") {
    const auto dir = fs::temp_directory_path() / "ritme-apply-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto db = (dir / "ritme.db").string();
    auto run = [&](std::vector<std::string> args) {
        std::ostringstream out, err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 10), pt::hours(9))});
        CliContext context{out, err, clock};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "--db", db});
        const int status = run_cli(args, context);  // before reading what it wrote
        return std::make_tuple(status, out.str(), err.str());
    };
    const std::string almere = test::source_path("config/programmes/almere-vrouwen-2026.toml");
    const std::string eindhoven = test::source_path("config/programmes/eindhoven-samen-2027.toml");
    {
        const auto [status, out, err] = run({"apply", almere});
        CHECK(status == 0);
        CHECK(out == "almere-vrouwen-2026: new, 33 sessions\n"
                     "messages: planned when the daemon runs (no daemon config here); to preview them, "
                     "give the daemon's config: -c CONFIG\n");
    }
    const auto audit_before = SqliteStore::open(db)->audit().size();

    const auto [status, out, err] = run({"apply", eindhoven, test::data_path("broken/typo-weekday.toml")});
    CHECK(status == 2);
    CHECK(out.empty());
    CHECK(err.find("did you mean thursday?") != std::string::npos);
    CHECK(err.find("nothing stored") != std::string::npos);
    auto store = SqliteStore::open(db);
    CHECK(store->programme_ids() == std::vector<std::string>{"almere-vrouwen-2026"});
    CHECK(store->audit().size() == audit_before);

    const auto [again, again_out, again_err] = run({"apply", almere, eindhoven});
    CHECK(again == 0);
    CHECK(again_out == "almere-vrouwen-2026: no changes\neindhoven-samen-2027: new, 40 sessions\n"
                       "messages: planned when the daemon runs (no daemon config here); to preview them, "
                       "give the daemon's config: -c CONFIG\n");
}

TEST_CASE("a programme whose slots do not fit is not stored") {
    const auto dir = fs::temp_directory_path() / "ritme-apply-test-misfit";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto file = dir / "early.toml";
    std::ofstream(file) << test::programme_toml(base_keys, R"(
[location.a]
name = "A"
[[slot]]
day = "tuesday"
start = "08:00"
end = "10:00"
)");
    std::ostringstream out, err;
    ManualClock clock({pt::ptime(make_date(2026, 1, 10), pt::hours(9))});
    CliContext context{out, err, clock};
    const auto db = (dir / "ritme.db").string();
    CHECK(run_cli({"--holidays", test::source_path("config/holidays"), "--db", db, "apply", file.string()}, context) == 1);
    CHECK(err.str().find("starts 75 minutes too early") != std::string::npos);
    CHECK(SqliteStore::open(db)->programme_ids().empty());
}

TEST_SUITE_END();
