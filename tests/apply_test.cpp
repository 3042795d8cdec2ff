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

TEST_CASE("a new closed day cancels only the session on it; later sessions only get a new number") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    const auto before = store.sessions("test");
    REQUIRE(before.size() == 34);
    const auto audit_before = store.audit().size();

    // 34 sessions (lost: voorjaarsvakantie 2, meivakantie 2, Bevrijdingsdag, Hemelvaartsdag).
    // Closing Tuesday 17 March takes #11; #12..#34 become #11..#33 and stay where they are.
    const std::string closed = base_keys + "\nclosed = [{ date = 2026-03-17, reason = \"gebouw dicht\" }]";
    const auto result = apply_text(store, test::programme_toml(closed));
    CHECK(result.definition_changed);
    REQUIRE(result.changes.size() == 1);
    CHECK(result.changes[0].kind == SessionChange::Kind::cancelled);
    CHECK(describe(result.changes[0]) == "cancelled #11: Tue 2026-03-17 09:30-11:30 at schakel");
    CHECK(result.renumbered == 23);

    const auto after = store.sessions("test");
    REQUIRE(after.size() == 34);
    for (const auto& b : before) {
        const auto* a = &after.front();
        for (const auto& s : after)
            if (s.id == b.id) a = &s;
        REQUIRE(a->id == b.id);
        CHECK(a->slot == b.slot);
        CHECK(a->planned_date == b.planned_date);
        CHECK(a->date == b.date);
        CHECK(a->time == b.time);
        if (b.date == make_date(2026, 3, 17)) {
            CHECK(a->status == SessionStatus::cancelled);
            CHECK(a->version == 2);
            CHECK(a->number == 11);
            continue;
        }
        CHECK(a->status == SessionStatus::planned);
        CHECK(a->version == 1);
        CHECK_FALSE(a->changed_at.has_value());
        CHECK(a->number == (b.date < make_date(2026, 3, 17) ? b.number : b.number - 1));
    }

    // The audit trail: the programme's update and the one cancel; no entry per new number.
    const auto audit = store.audit();
    REQUIRE(audit.size() == audit_before + 2);
    CHECK(audit.back().action == "session.cancelled");
    CHECK(audit.back().subject == "test#11");
    CHECK(audit.back().actor == "lead");
    CHECK(audit.back().command == "apply");

    const auto again = apply_text(store, test::programme_toml(closed));
    CHECK_FALSE(again.changed());
    CHECK(again.renumbered == 0);
    CHECK(store.audit().size() == audit_before + 2);
}

TEST_CASE("taking the closed day out again restores the session on it and nothing else") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    const auto before = store.sessions("test");
    apply_text(store, test::programme_toml(base_keys + "\nclosed = [2026-03-17]"));
    const auto result = apply_text(store, test::programme_toml(base_keys));
    REQUIRE(result.changes.size() == 1);
    CHECK(result.changes[0].kind == SessionChange::Kind::restored);
    CHECK(result.changes[0].after.date == make_date(2026, 3, 17));
    CHECK(result.changes[0].after.version == 3);
    CHECK(result.renumbered == 23);
    const auto after = store.sessions("test");
    REQUIRE(after.size() == before.size());
    for (size_t i = 0; i < before.size(); ++i) {
        CHECK(after[i].id == before[i].id);
        CHECK(after[i].number == before[i].number);
        CHECK(after[i].status == SessionStatus::planned);
    }
}

TEST_CASE("extend mode: a new closed day cancels the session on it and adds one at the end") {
    MemoryStore store;
    const std::string keys = base_keys + "\non_holiday = \"extend\"";
    apply_text(store, test::programme_toml(keys));
    const auto before = store.sessions("test");
    REQUIRE(before.size() == 40);
    const auto result = apply_text(store, test::programme_toml(keys + "\nclosed = [2026-03-17]"));
    REQUIRE(result.changes.size() == 2);
    CHECK(result.changes[0].kind == SessionChange::Kind::cancelled);
    CHECK(result.changes[0].after.date == make_date(2026, 3, 17));
    CHECK(result.changes[1].kind == SessionChange::Kind::added);
    CHECK(before.back().date < result.changes[1].after.date);
    CHECK(result.changes[1].after.number == 40);
    for (const auto& s : store.sessions("test"))
        if (s.date != make_date(2026, 3, 17)) CHECK(s.version == 1);
}

TEST_CASE("a changed slot time moves its sessions on their planned dates; a longer track adds sessions") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    const auto before = store.sessions("test");
    const std::string& ten_on_tuesdays = test::tuesday_at_ten;
    const auto later = apply_text(store, test::programme_toml(base_keys, ten_on_tuesdays));
    CHECK(later.changes.size() == 17);  // the Tuesday sessions
    for (const auto& change : later.changes) {
        CHECK(change.kind == SessionChange::Kind::moved);
        CHECK(change.after.time.str() == "10:00-12:00");
        CHECK(change.after.date == change.before->date);
        CHECK(change.after.planned_date == change.before->planned_date);
        CHECK(change.after.id == change.before->id);
    }
    CHECK(later.renumbered == 0);
    const auto longer = apply_text(store, test::programme_toml(base_keys + "\nweeks = 21", ten_on_tuesdays));
    REQUIRE(longer.changes.size() == 2);
    CHECK(longer.changes[0].kind == SessionChange::Kind::added);
    CHECK(longer.changes[0].after.date == make_date(2026, 6, 23));
}

TEST_CASE("a slot moved to another weekday moves its sessions within their week") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    const auto mondays = test::programme_toml(base_keys, R"(
[location.schakel]
name = "Wijkcentrum De Schakel"
[[slot]]
day = "monday"
start = "09:30"
end = "11:30"
[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)");
    const auto result = apply_text(store, mondays);
    int moved = 0;
    for (const auto& change : result.changes) {
        // Holidays differ by weekday: a Tuesday lost to one, a Monday gained, or the other way.
        if (change.kind != SessionChange::Kind::moved) {
            CHECK((change.kind == SessionChange::Kind::added || change.kind == SessionChange::Kind::cancelled));
            continue;
        }
        ++moved;
        CHECK(change.after.date == change.before->date - boost::gregorian::days(1));
        CHECK(change.after.planned_date == change.after.date);
        CHECK(change.after.slot == 1);
    }
    CHECK(moved >= 14);
    for (const auto& s : store.sessions("test"))
        if (s.slot == 2) CHECK(s.version == 1);
    CHECK_FALSE(apply_text(store, mondays).changed());
}

TEST_CASE("a moved, cancelled or restored session remembers when, and where it was before") {
    MemoryStore store;
    apply_text(store, test::programme_toml(base_keys));
    const auto before = store.sessions("test");
    CHECK_FALSE(session(before, 11).changed_at.has_value());
    CHECK_FALSE(session(before, 11).previous.has_value());

    apply_text(store, test::programme_toml(base_keys, test::tuesday_at_ten));
    auto after = store.sessions("test");
    const StoredSession& moved = session(after, 11);
    CHECK(moved.changed_at == audit_context.at);
    REQUIRE(moved.previous);
    CHECK(moved.previous->date == session(before, 11).date);
    CHECK(moved.previous->time == session(before, 11).time);
    CHECK(moved.previous->location == session(before, 11).location);
    CHECK(moved.previous->start_utc == session(before, 11).start_utc);
    CHECK_FALSE(session(after, 12).changed_at.has_value());

    apply_text(store, test::programme_toml(base_keys + "\nclosed = [2026-03-19]"));
    after = store.sessions("test");
    const StoredSession& cancelled = session(after, 12);
    CHECK(cancelled.status == SessionStatus::cancelled);
    CHECK(cancelled.changed_at == audit_context.at);
    REQUIRE(cancelled.previous);
    CHECK(cancelled.previous->date == session(before, 12).date);

    apply_text(store, test::programme_toml(base_keys));
    after = store.sessions("test");
    REQUIRE(session(after, 12).previous);
    CHECK(session(after, 12).previous->date == make_date(2026, 3, 19));
    CHECK(session(after, 12).status == SessionStatus::planned);
    CHECK(session(after, 11).previous->time.str() == "10:00-12:00");
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

    // A closed day on #11's planned date, and a later slot time: the lead's sessions stay
    // as the lead set them, renumbered; the other Tuesdays move.
    const auto edited =
        apply_text(store, test::programme_toml(base_keys + "\nclosed = [2026-03-17]", test::tuesday_at_ten));
    CHECK(edited.changed());
    int kept = 0, moved = 0, cancelled = 0;
    for (const auto& change : edited.changes) {
        kept += change.kind == SessionChange::Kind::kept;
        moved += change.kind == SessionChange::Kind::moved;
        cancelled += change.kind == SessionChange::Kind::cancelled;
    }
    CHECK(kept == 3);     // #11 on the closed day, #12 cancelled, #34 moved by the lead
    CHECK(moved == 16);   // the Tuesdays but 17 March
    CHECK(cancelled == 0);
    sessions = store.sessions("test");
    const auto by_id = [&](int64_t id) {
        for (const auto& s : sessions)
            if (s.id == id) return s;
        FAIL("no session " << id);
        return sessions.front();
    };
    CHECK(by_id(lead_moved.id).date == make_date(2026, 3, 18));
    CHECK(by_id(lead_moved.id).version == 2);
    CHECK(by_id(lead_moved.id).lead_override);
    CHECK(by_id(lead_cancelled.id).status == SessionStatus::cancelled);
    CHECK(by_id(lead_cancelled.id).version == 2);
    CHECK(by_id(lead_cancelled.id).number == 11);
    CHECK(by_id(lead_moved_last.id).date == make_date(2026, 6, 19));
    CHECK(by_id(lead_moved_last.id).number == 33);
    for (const auto& entry : store.audit()) CHECK(entry.action != "session.kept");
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
