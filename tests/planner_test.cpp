// The planner on both stores: offsets, quiet hours, DST nights, moves and cancels,
// enrolment and channels, idempotency, and the rules' fingerprint.

#include "engine/changes/apply.hpp"
#include "engine/changes/session_changes.hpp"
#include "engine/planner/overview_plan.hpp"
#include "engine/planner/planner.hpp"
#include "engine/planner/reminder_timing.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "postgres_test_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

using ritme::test::PostgresFactory;

namespace {

struct MemoryFactory {
    static std::unique_ptr<Store> make() { return std::make_unique<MemoryStore>(); }
};
struct SqliteFactory {
    static std::unique_ptr<Store> make() {
        static int counter = 0;
        const auto dir = fs::temp_directory_path() / ("ritme-planner-test-" + std::to_string(++counter));
        fs::remove_all(dir);
        fs::create_directories(dir);
        return SqliteStore::open((dir / "ritme.db").string());
    }
};

UtcInstant utc(int year, int month, int day, int hour, int minute = 0) {
    return {pt::ptime(make_date(year, month, day), pt::hours(hour) + pt::minutes(minute))};
}

// Before the programme of base_keys starts (Tuesday 3 February 2026).
const UtcInstant january = utc(2026, 1, 20, 12);

ReminderOffset offset(const std::string& text) {
    std::string why;
    const auto parsed = ReminderOffset::parse(text, why);
    REQUIRE_MESSAGE(parsed, text << ": " << why);
    return *parsed;
}

std::vector<ReminderOffset> offsets(const std::vector<std::string>& texts) {
    std::vector<ReminderOffset> parsed;
    for (const auto& text : texts) parsed.push_back(offset(text));
    return parsed;
}

// SMS in waking hours only, e-mail at any time, both with the offsets given.
PlanningRules rules_with(const std::vector<std::string>& texts = {"1d@18:00", "2h"}) {
    PlanningRules rules;
    rules.defaults.session_offsets = offsets(texts);
    rules.defaults.appointment_offsets = offsets(texts);
    rules.defaults.quiet_hours = {TimeOfDay::hm(21, 0), TimeOfDay::hm(8, 0)};
    rules.defaults.min_notice_minutes = 30;
    rules.timezone = "Europe/Amsterdam";
    rules.routes[Medium::sms] = {"sms", true};
    rules.routes[Medium::email] = {"email", false};
    return rules;
}

Participant person(const std::string& id, bool sms, bool email) {
    Participant p;
    p.id = id;
    p.name = "Deelnemer " + id;
    p.phone = "+31612345678";
    p.email = id + "@example.org";
    p.channels = {sms, email};
    return p;
}

const std::string base_keys = "start = 2026-02-02\nregion = \"noord\"";

void apply_text(Store& store, const std::string& toml, UtcInstant at = utc(2026, 1, 10, 9)) {
    const auto plan = test::plan(toml);
    const AuditContext context{at, "lead", "apply"};
    store.write([&] { apply_programme(store, plan, context); });
}

void enrol(Store& store, const Participant& participant, const std::string& programme_id = "test") {
    store.write([&] {
        store.put_participant(participant);
        store.enrol(participant.id, programme_id);
    });
}

PlanResult plan(Store& store, const PlanningRules& rules, UtcInstant now, const std::string& programme_id = "test") {
    PlanResult result;
    store.write([&] { result = plan_programme(store, programme_id, rules, now); });
    return result;
}

PlanResult plan_for(Store& store, const std::string& participant_id, const PlanningRules& rules, UtcInstant now) {
    PlanResult result;
    store.write([&] { result = plan_appointments(store, participant_id, rules, now); });
    return result;
}

// A row named by what it is about, in the words a reader of these tests uses:
// "reminder:test#s3@v1:p-amina:2h:sms" (session by id and the version the row is for),
// "appointment:a7@v1:p-amina:2h:sms", "change:test#s3@v2:p-amina:sms". Keys name a
// session by id and start instead, so that a change undone lands on the same rows.
std::string name_of_row(const Store& /*store*/, const Delivery& row) {
    std::string subject;
    if (row.session_id != 0) {
        subject = row.programme_id + "#s" + std::to_string(row.session_id) + "@v" +
                  std::to_string(row.session_version);
    } else {
        subject = "a" + std::to_string(row.appointment_id) + "@v" + std::to_string(row.appointment_version);
    }
    return std::string(name_of(row.kind)) + ":" + subject + ":" + row.participant_id + ":" +
           (row.offset.empty() ? "" : row.offset + ":") + row.channel;
}

// Every row, in any state, by name_of_row(); of two with the same name, the newest.
std::map<std::string, Delivery> rows(const Store& store) {
    auto all = store.deliveries({});
    std::sort(all.begin(), all.end(), [](const Delivery& a, const Delivery& b) { return a.id < b.id; });
    std::map<std::string, Delivery> by_name;
    for (auto& row : all) by_name.insert_or_assign(name_of_row(store, row), std::move(row));
    return by_name;
}

const Delivery& row(const std::map<std::string, Delivery>& rows, const std::string& key) {
    const auto found = rows.find(key);
    REQUIRE_MESSAGE(found != rows.end(), "no row " << key);
    return found->second;
}

StoredSession session(const Store& store, int number, const std::string& programme_id = "test") {
    for (const auto& s : store.sessions(programme_id))
        if (s.number == number) return s;
    FAIL("no session " << number);
    return {};
}

std::string change_of(const Delivery& row) {
    return nlohmann::json::parse(row.payload).at("change").get<std::string>();
}

// A programme meeting on Mondays 09:30-11:30 for two weeks from `start`.
std::string mondays_from(const std::string& start) {
    return test::programme_toml("start = " + start + "\nweeks = 2\nregion = \"noord\"", R"(
[location.schakel]
name = "Wijkcentrum De Schakel"

[[slot]]
day = "monday"
start = "09:30"
end = "11:30"
)");
}

}  // namespace

TEST_SUITE_BEGIN("planner");

TEST_CASE_TEMPLATE("offsets on a normal day: the day before at 18:00 and two hours before", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", false, true));
    const StoredSession first = session(*store, 1);
    REQUIRE(first.start_utc == utc(2026, 2, 3, 8, 30));  // Tuesday 09:30 CET

    const PlanResult result = plan(*store, rules_with(), january);
    const auto sessions = store->sessions("test").size();
    CHECK(result.added == static_cast<int>(sessions * 2));
    CHECK(result.cancelled == 0);
    CHECK(result.dropped == 0);

    const auto all = rows(*store);
    const Delivery& day_before = row(all, "reminder:test#s1@v1:p-amina:1d@18:00:email");
    CHECK(day_before.kind == DeliveryKind::reminder);
    CHECK(day_before.state == DeliveryState::planned);
    CHECK(day_before.programme_id == "test");
    CHECK(day_before.session_id == first.id);
    CHECK(day_before.session_version == 1);
    CHECK(day_before.participant_id == "p-amina");
    CHECK(day_before.offset == "1d@18:00");
    CHECK(day_before.channel == "email");
    CHECK(day_before.due_at == utc(2026, 2, 2, 17));  // Monday 18:00 CET
    CHECK(day_before.send_at == day_before.due_at);   // e-mail goes at any hour
    CHECK(day_before.expires_at == utc(2026, 2, 3, 8));  // 30 minutes before the start
    CHECK(day_before.updated_at == january);

    const Delivery& two_hours = row(all, "reminder:test#s1@v1:p-amina:2h:email");
    CHECK(two_hours.due_at == utc(2026, 2, 3, 6, 30));
    CHECK(two_hours.send_at == two_hours.due_at);
}

TEST_CASE_TEMPLATE("quiet hours move an early SMS to their end when that is still in time", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, true));
    plan(*store, rules_with(), january);
    const auto all = rows(*store);

    // 2h before 09:30 is 07:30, inside 21:00-08:00: it goes at 08:00, an hour and a half
    // before the start, more than the minimum notice.
    const Delivery& sms = row(all, "reminder:test#s1@v1:p-amina:2h:sms");
    CHECK(sms.due_at == utc(2026, 2, 3, 6, 30));
    CHECK(sms.send_at == utc(2026, 2, 3, 7));  // Tuesday 08:00 CET
    CHECK(sms.state == DeliveryState::planned);
    CHECK(row(all, "reminder:test#s1@v1:p-amina:1d@18:00:sms").send_at == utc(2026, 2, 2, 17));
    CHECK(row(all, "reminder:test#s1@v1:p-amina:2h:email").send_at == utc(2026, 2, 3, 6, 30));
}

TEST_CASE_TEMPLATE("quiet hours drop a reminder that would go no later than the one before it", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    SUBCASE("the day before at 20:30: the 2h reminder at 08:00 comes long after it and is kept") {
        auto store = Factory::make();
        apply_text(*store, test::programme_toml(base_keys));
        enrol(*store, person("p-amina", true, false));
        const PlanResult result = plan(*store, rules_with({"1d@20:30", "2h"}), january);
        CHECK(result.dropped == 0);
        const auto all = rows(*store);
        CHECK(row(all, "reminder:test#s1@v1:p-amina:1d@20:30:sms").send_at == utc(2026, 2, 2, 19, 30));
        CHECK(row(all, "reminder:test#s1@v1:p-amina:2h:sms").send_at == utc(2026, 2, 3, 7));
    }
    SUBCASE("the day before at 21:00 is itself quiet: both would go at 08:00, the later one is dropped") {
        auto store = Factory::make();
        apply_text(*store, test::programme_toml(base_keys));
        enrol(*store, person("p-amina", true, true));
        const PlanResult result = plan(*store, rules_with({"1d@21:00", "2h"}), january);
        const int sessions = static_cast<int>(store->sessions("test").size());
        CHECK(result.dropped == sessions);           // one per session, on SMS only
        CHECK(result.added == sessions * 3);         // SMS 1d@21:00, e-mail both
        const auto all = rows(*store);
        const Delivery& kept = row(all, "reminder:test#s1@v1:p-amina:1d@21:00:sms");
        CHECK(kept.state == DeliveryState::planned);
        CHECK(kept.send_at == utc(2026, 2, 3, 7));
        const Delivery& dropped = row(all, "reminder:test#s1@v1:p-amina:2h:sms");
        CHECK(dropped.state == DeliveryState::cancelled);
        CHECK(dropped.reason == "quiet hours: would go at the same moment as the 1d@21:00 reminder");
        // E-mail honours no quiet hours: both go at their own moments.
        CHECK(row(all, "reminder:test#s1@v1:p-amina:1d@21:00:email").send_at == utc(2026, 2, 2, 20));
        CHECK(row(all, "reminder:test#s1@v1:p-amina:2h:email").state == DeliveryState::planned);

        // Planning again adds nothing and counts no new drop.
        const PlanResult again = plan(*store, rules_with({"1d@21:00", "2h"}), january);
        CHECK(again.added == 0);
        CHECK(again.dropped == 0);
        CHECK(again.cancelled == 0);
    }
}

TEST_CASE_TEMPLATE("shipped defaults: never two SMS in one evening; an early session gets one, a later one both",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    // Tuesday 08:15, Wednesday 09:15 and Thursday 14:00, from 2 February 2026 (CET).
    apply_text(*store, test::programme_toml(base_keys, R"(
[location.schakel]
name = "Wijkcentrum De Schakel"
[[slot]]
day = "tuesday"
start = "08:15"
end = "09:45"
[[slot]]
day = "wednesday"
start = "09:15"
end = "10:45"
[[slot]]
day = "thursday"
start = "14:00"
end = "15:30"
)"));
    enrol(*store, person("p-amina", true, false));
    PlanningRules rules = rules_with();
    rules.defaults.min_gap_minutes = ReminderRules::defaults().min_gap_minutes;
    REQUIRE(rules.defaults.min_gap_minutes == 360);
    const PlanResult result = plan(*store, rules, january);
    const auto all = rows(*store);

    // 08:15: 2h is 06:15, quiet; 08:00 is within the 30 minutes' notice, so it would go
    // at 20:59 the evening before, under 6h after the 18:00 one: dropped.
    CHECK(row(all, "reminder:test#s1@v1:p-amina:1d@18:00:sms").send_at == utc(2026, 2, 2, 17));
    const Delivery& dropped = row(all, "reminder:test#s1@v1:p-amina:2h:sms");
    CHECK(dropped.state == DeliveryState::cancelled);
    CHECK(dropped.send_at == utc(2026, 2, 2, 19, 59));
    CHECK(dropped.reason == "quiet hours: would go 2h59m after the 1d@18:00 reminder, less than min_gap 6h");
    // 09:15: 2h is 07:15, quiet; it goes at 08:00.
    CHECK(row(all, "reminder:test#s2@v1:p-amina:2h:sms").send_at == utc(2026, 2, 4, 7));
    CHECK(row(all, "reminder:test#s2@v1:p-amina:2h:sms").state == DeliveryState::planned);
    // 14:00: 18:00 the day before and 12:00 on the day.
    CHECK(row(all, "reminder:test#s3@v1:p-amina:1d@18:00:sms").state == DeliveryState::planned);
    CHECK(row(all, "reminder:test#s3@v1:p-amina:2h:sms").send_at == utc(2026, 2, 5, 11));
    CHECK(row(all, "reminder:test#s3@v1:p-amina:2h:sms").state == DeliveryState::planned);

    // No evening (18:00-21:00 local, 17:00-20:00 UTC) holds two planned SMS.
    std::map<Date, int> per_evening;
    for (const auto& [key, r] : all) {
        if (r.state != DeliveryState::planned) continue;
        const auto hour = r.send_at.utc.time_of_day().hours();
        if (hour >= 17 && hour < 20) ++per_evening[r.send_at.utc.date()];
    }
    for (const auto& [day, count] : per_evening) CHECK_MESSAGE(count == 1, iso_date(day));
    CHECK(result.dropped > 0);
}

TEST_CASE("reminder_timings: min_gap 0 keeps an SMS moved before quiet hours; the reason of a drop") {
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    const QuietHours quiet{TimeOfDay::hm(21, 0), TimeOfDay::hm(8, 0)};
    const UtcInstant start = utc(2026, 2, 3, 7, 15);  // 08:15 CET
    const auto gapless = reminder_timings(offsets({"1d@18:00", "2h"}), start, zone, &quiet, january,
                                          pt::minutes(30), pt::minutes(0));
    REQUIRE(gapless.size() == 2);
    CHECK(gapless[1].dropped.empty());
    CHECK(gapless[1].send_at == utc(2026, 2, 2, 19, 59));
    const auto spaced = reminder_timings(offsets({"1d@18:00", "2h"}), start, zone, &quiet, january,
                                         pt::minutes(30), pt::hours(6));
    CHECK(spaced[1].dropped == "quiet hours: would go 2h59m after the 1d@18:00 reminder, less than min_gap 6h");
    // Without quiet hours (e-mail) nothing moves and both go.
    const auto email = reminder_timings(offsets({"1d@18:00", "2h"}), start, zone, nullptr, january,
                                        pt::minutes(30), pt::hours(6));
    CHECK(email[1].dropped.empty());
    CHECK(email[1].send_at == utc(2026, 2, 3, 5, 15));
}

TEST_CASE_TEMPLATE("DST nights: reminders for the Monday after the clocks change", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    SUBCASE("spring: Sunday 29 March 2026") {
        auto store = Factory::make();
        apply_text(*store, mondays_from("2026-03-23"));
        enrol(*store, person("p-amina", true, true));
        plan(*store, rules_with(), utc(2026, 3, 1, 12));
        const StoredSession monday = session(*store, 2);
        REQUIRE(monday.start_utc == utc(2026, 3, 30, 7, 30));  // 09:30 CEST
        const auto all = rows(*store);
        CHECK(row(all, "reminder:test#s2@v1:p-amina:1d@18:00:sms").due_at == utc(2026, 3, 29, 16));  // 18:00 CEST
        const Delivery& two_hours = row(all, "reminder:test#s2@v1:p-amina:2h:sms");
        CHECK(two_hours.due_at == utc(2026, 3, 30, 5, 30));     // 07:30 CEST: quiet
        CHECK(two_hours.send_at == utc(2026, 3, 30, 6));        // 08:00 CEST, when quiet hours end
        // The Monday before the change, in winter time.
        CHECK(row(all, "reminder:test#s1@v1:p-amina:1d@18:00:sms").due_at == utc(2026, 3, 22, 17));
        CHECK(row(all, "reminder:test#s1@v1:p-amina:2h:sms").send_at == utc(2026, 3, 23, 7));  // 08:00 CET
    }
    SUBCASE("autumn: Sunday 25 October 2026") {
        auto store = Factory::make();
        apply_text(*store, mondays_from("2026-10-19"));
        enrol(*store, person("p-amina", true, true));
        plan(*store, rules_with(), utc(2026, 10, 1, 12));
        const StoredSession monday = session(*store, 2);
        REQUIRE(monday.start_utc == utc(2026, 10, 26, 8, 30));  // 09:30 CET
        const auto all = rows(*store);
        CHECK(row(all, "reminder:test#s2@v1:p-amina:1d@18:00:sms").due_at == utc(2026, 10, 25, 17));  // 18:00 CET
        const Delivery& two_hours = row(all, "reminder:test#s2@v1:p-amina:2h:sms");
        CHECK(two_hours.due_at == utc(2026, 10, 26, 6, 30));    // 07:30 CET: quiet
        CHECK(two_hours.send_at == utc(2026, 10, 26, 7));       // 08:00 CET, when quiet hours end
        CHECK(row(all, "reminder:test#s1@v1:p-amina:1d@18:00:sms").due_at == utc(2026, 10, 18, 16));  // 18:00 CEST
    }
}

TEST_CASE_TEMPLATE("DST nights: a 2h appointment reminder across the change", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    const Participant amina = person("p-amina", true, true);
    store->write([&] { store->put_participant(amina); });
    Appointment spring;
    spring.participant_id = amina.id;
    spring.start_utc = utc(2026, 3, 29, 7);  // Sunday 09:00 CEST, the morning after the change
    Appointment autumn = spring;
    autumn.start_utc = utc(2026, 10, 25, 8);  // Sunday 09:00 CET
    Appointment night = spring;
    night.start_utc = utc(2026, 3, 29, 1, 30);  // Sunday 03:30 CEST, just after the clocks skipped an hour
    store->write([&] {
        spring.id = store->put_appointment(spring);
        autumn.id = store->put_appointment(autumn);
        night.id = store->put_appointment(night);
    });
    const PlanningRules rules = rules_with({"2h"});
    const PlanResult result = plan_for(*store, amina.id, rules, utc(2026, 3, 1, 12));
    CHECK(result.added == 6);
    const auto all = rows(*store);
    const std::string a = "appointment:a";

    // 2h before is 07:00 local both times, quiet until 08:00 local, still 60 minutes
    // before the start: in summer time after the spring change, in winter time after the
    // autumn one.
    const Delivery& in_spring = row(all, a + std::to_string(spring.id) + "@v1:p-amina:2h:sms");
    CHECK(in_spring.kind == DeliveryKind::appointment);
    CHECK(in_spring.appointment_id == spring.id);
    CHECK(in_spring.appointment_version == 1);
    CHECK(in_spring.session_id == 0);
    CHECK(in_spring.due_at == utc(2026, 3, 29, 5));
    CHECK(in_spring.send_at == utc(2026, 3, 29, 6));  // Sunday 08:00 CEST
    CHECK(in_spring.expires_at == utc(2026, 3, 29, 6, 30));
    const Delivery& in_autumn = row(all, a + std::to_string(autumn.id) + "@v1:p-amina:2h:sms");
    CHECK(in_autumn.due_at == utc(2026, 10, 25, 6));
    CHECK(in_autumn.send_at == utc(2026, 10, 25, 7));  // Sunday 08:00 CET

    // Two hours are two hours, though the clock shows 00:30 CET before 03:30 CEST.
    CHECK(row(all, a + std::to_string(night.id) + "@v1:p-amina:2h:email").due_at == utc(2026, 3, 28, 23, 30));
}

TEST_CASE_TEMPLATE("planning twice adds nothing the second time", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, true));
    enrol(*store, person("p-bilal", true, false));
    const PlanResult first = plan(*store, rules_with(), january);
    CHECK(first.added > 0);
    const auto before = rows(*store);
    const PlanResult second = plan(*store, rules_with(), january);
    CHECK(second.added == 0);
    CHECK(second.cancelled == 0);
    CHECK(second.dropped == 0);
    CHECK(rows(*store).size() == before.size());
}

TEST_CASE_TEMPLATE("a new closed day cancels the session on it: one notice to each, no other session changes",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, true));
    enrol(*store, person("p-sara", true, false));
    plan(*store, rules_with(), january);
    const auto before = rows(*store);

    // Session 11 (id 11) meets on Tuesday 17 March. The lead closes that day at 22:00 CET:
    // the SMS notices wait for the end of quiet hours.
    const UtcInstant applied_at = utc(2026, 1, 20, 21);
    apply_text(*store, test::programme_toml(base_keys + "\nclosed = [{ date = 2026-03-17, reason = \"gebouw dicht\" }]"),
               applied_at);
    const StoredSession closed = *store->session(11);
    REQUIRE(closed.date == make_date(2026, 3, 17));
    REQUIRE(closed.status == SessionStatus::cancelled);
    REQUIRE(closed.version == 2);
    for (const auto& s : store->sessions("test"))
        if (s.id != closed.id) CHECK(s.version == 1);

    const UtcInstant now = utc(2026, 1, 20, 21, 5);
    const PlanResult result = plan(*store, rules_with(), now);
    CHECK(result.cancelled == 2 * 2 + 2);  // that session's reminders: Amina on both channels, Sara by SMS
    CHECK(result.added == 3);              // its cancel notice, once per person and channel

    const auto after = rows(*store);
    CHECK(after.size() == before.size() + 3);
    int notices = 0;
    for (const auto& [key, r] : after) {
        if (r.kind == DeliveryKind::change) {
            ++notices;
            CHECK(r.session_id == closed.id);
            CHECK(change_of(r) == "cancelled");
        }
        if (r.session_id != closed.id) CHECK(r.state == DeliveryState::planned);
    }
    CHECK(notices == 3);
    CHECK(row(after, "change:test#s11@v2:p-amina:sms").send_at == utc(2026, 1, 21, 7));  // 08:00 CET
    CHECK(row(after, "change:test#s11@v2:p-amina:email").send_at ==
          UtcInstant{applied_at.utc + pt::minutes(10)});  // held for notice_delay
    CHECK(row(after, "change:test#s11@v2:p-sara:sms").state == DeliveryState::planned);
    CHECK(row(after, "reminder:test#s11@v1:p-amina:1d@18:00:email").reason == "session #11 changed");
    CHECK(after.count("reminder:test#s11@v2:p-amina:2h:sms") == 0);
    CHECK(plan(*store, rules_with(), now).added == 0);

    // Taking the closed day out again before the notices went: she was told the session
    // as it is again, so every notice is withdrawn and no "restored" goes; the reminders
    // of before are planned again, on the same rows.
    apply_text(*store, test::programme_toml(base_keys), utc(2026, 1, 21, 10));
    for (const auto& s : store->sessions("test"))
        if (s.id != closed.id) CHECK(s.version == 1);
    plan(*store, rules_with(), utc(2026, 1, 21, 10, 5));
    const auto restored = rows(*store);
    CHECK(restored.count("change:test#s11@v3:p-amina:sms") == 0);
    CHECK(row(restored, "reminder:test#s11@v3:p-amina:2h:sms").state == DeliveryState::planned);
    CHECK(row(restored, "reminder:test#s11@v3:p-amina:2h:sms").id ==
          row(before, "reminder:test#s11@v1:p-amina:2h:sms").id);
    const Delivery& withdrawn = row(restored, "change:test#s11@v2:p-amina:sms");
    CHECK(withdrawn.state == DeliveryState::cancelled);
    CHECK(withdrawn.reason == "nothing left to tell: she knows it as it is");
    for (const auto& [name, r] : restored)
        if (r.kind == DeliveryKind::change) CHECK_MESSAGE(r.state == DeliveryState::cancelled, name);
}

TEST_CASE_TEMPLATE("a changed slot time replaces its sessions' reminders and announces the move", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, true));
    plan(*store, rules_with(), january);

    const UtcInstant applied_at = utc(2026, 1, 20, 21);
    apply_text(*store, test::programme_toml(base_keys, test::tuesday_at_ten), applied_at);
    const StoredSession moved = *store->session(11);
    REQUIRE(moved.version == 2);
    REQUIRE(moved.status == SessionStatus::moved);
    REQUIRE(moved.date == make_date(2026, 3, 17));
    REQUIRE(moved.changed_at == applied_at);

    const UtcInstant now = utc(2026, 1, 20, 21, 5);
    const PlanResult result = plan(*store, rules_with(), now);
    CHECK(result.cancelled == 17 * 2 * 2);           // the v1 reminders of the Tuesdays, both channels
    CHECK(result.added == 17 * 2 * 2 + 17 * 2);      // their v2 reminders, and a notice per channel

    const auto after = rows(*store);
    const Delivery& stale = row(after, "reminder:test#s11@v1:p-amina:2h:sms");
    CHECK(stale.state == DeliveryState::cancelled);
    CHECK(stale.reason == "session #11 changed");
    CHECK(row(after, "reminder:test#s12@v1:p-amina:2h:sms").state == DeliveryState::planned);
    const Delivery& fresh = row(after, "reminder:test#s11@v2:p-amina:2h:sms");
    CHECK(fresh.state == DeliveryState::planned);
    CHECK(fresh.session_version == 2);
    CHECK(fresh.due_at == UtcInstant{moved.start_utc.utc - pt::hours(2)});
    const Delivery& notice = row(after, "change:test#s11@v2:p-amina:sms");
    CHECK(notice.kind == DeliveryKind::change);
    CHECK(notice.offset.empty());
    CHECK(change_of(notice) == "moved");
    const UtcInstant held_until{applied_at.utc + pt::minutes(10)};  // notice_delay
    CHECK(notice.due_at == held_until);
    CHECK(notice.send_at == utc(2026, 1, 21, 7));  // 08:00 CET, when quiet hours end
    CHECK(notice.expires_at == moved.start_utc);
    CHECK(row(after, "change:test#s11@v2:p-amina:email").send_at == held_until);
    CHECK(plan(*store, rules_with(), now).added == 0);
}

TEST_CASE_TEMPLATE("a session cancelled by the lead gets a cancel notice and no reminders", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, false));
    plan(*store, rules_with(), january);

    StoredSession fifth = session(*store, 5);
    fifth.previous = PreviousSlot{fifth.date, fifth.time, fifth.location, fifth.start_utc};
    fifth.status = SessionStatus::cancelled;
    fifth.version += 1;
    fifth.changed_at = utc(2026, 1, 21, 9);
    store->write([&] { store->put_session(fifth); });

    const PlanResult result = plan(*store, rules_with(), utc(2026, 1, 21, 9, 1));
    CHECK(result.cancelled == 2);
    CHECK(result.added == 1);
    const auto all = rows(*store);
    const Delivery& notice = row(all, "change:test#s5@v2:p-amina:sms");
    CHECK(change_of(notice) == "cancelled");
    CHECK(notice.send_at == utc(2026, 1, 21, 9, 10));  // held for notice_delay
    CHECK(notice.expires_at == fifth.start_utc);
    CHECK(row(all, "reminder:test#s5@v1:p-amina:2h:sms").reason == "session #5 changed");
    CHECK(all.count("reminder:test#s5@v2:p-amina:2h:sms") == 0);
}

TEST_CASE_TEMPLATE("a new participant gets reminders; one no longer enrolled loses hers", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, false));
    const PlanResult first = plan(*store, rules_with(), january);
    const int per_person = first.added;
    CHECK(per_person > 0);

    enrol(*store, person("p-bilal", true, false));
    CHECK(plan(*store, rules_with(), january).added == per_person);
    CHECK(row(rows(*store), "reminder:test#s1@v1:p-bilal:1d@18:00:sms").state == DeliveryState::planned);

    store->write([&] { store->unenrol("p-amina", "test"); });
    const PlanResult after = plan(*store, rules_with(), january);
    CHECK(after.cancelled == per_person);
    CHECK(after.added == 0);
    const auto all = rows(*store);
    const Delivery& gone = row(all, "reminder:test#s1@v1:p-amina:1d@18:00:sms");
    CHECK(gone.state == DeliveryState::cancelled);
    CHECK(gone.reason == "no longer enrolled");
}

TEST_CASE_TEMPLATE("opted-out numbers and missing phones get no SMS", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    Participant opted_out = person("p-amina", true, true);
    opted_out.sms_opt_out = true;
    Participant no_phone = person("p-bilal", true, false);
    no_phone.phone.clear();
    Participant both = person("p-chana", true, true);
    enrol(*store, opted_out);
    enrol(*store, no_phone);
    enrol(*store, both);
    plan(*store, rules_with(), january);

    std::map<std::string, int> per_participant_channel;
    for (const auto& [key, r] : rows(*store)) ++per_participant_channel[r.participant_id + " " + r.channel];
    const int sessions = static_cast<int>(store->sessions("test").size());
    CHECK(per_participant_channel.count("p-amina sms") == 0);
    CHECK(per_participant_channel["p-amina email"] == sessions * 2);
    CHECK(per_participant_channel.count("p-bilal sms") == 0);
    CHECK(per_participant_channel.count("p-bilal email") == 0);  // e-mail is not among her channels
    CHECK(per_participant_channel["p-chana sms"] == sessions * 2);

    // Opting out later withdraws the SMS reminders that have not gone yet.
    both.sms_opt_out = true;
    store->write([&] { store->put_participant(both); });
    const PlanResult after = plan(*store, rules_with(), january);
    CHECK(after.cancelled == sessions * 2);
    CHECK(row(rows(*store), "reminder:test#s3@v1:p-chana:2h:sms").reason == "opted out of SMS");
    CHECK(row(rows(*store), "reminder:test#s3@v1:p-chana:2h:email").state == DeliveryState::planned);
}

TEST_CASE_TEMPLATE("a sent or claimed row is never planned again nor cancelled", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, false));
    plan(*store, rules_with(), january);

    // Session 1's 1d@18:00 goes first; the 2h reminder is claimed, mid-send.
    const UtcInstant sent_at = utc(2026, 2, 2, 17);
    store->write([&] {
        const auto claimed = store->claim_due(sent_at, 1, "test", UtcInstant{sent_at.utc + pt::minutes(5)});
        REQUIRE(claimed.size() == 1);
        store->finish({DeliveryOutcome(claimed.front().delivery.id, DeliveryState::sent, sent_at)});
    });
    const UtcInstant morning = utc(2026, 2, 3, 7);  // 08:00 CET, when quiet hours end
    store->write([&] {
        REQUIRE(store->claim_due(morning, 1, "test", UtcInstant{morning.utc + pt::minutes(5)}).size() == 1);
    });
    CHECK(row(rows(*store), "reminder:test#s1@v1:p-amina:1d@18:00:sms").state == DeliveryState::sent);
    CHECK(row(rows(*store), "reminder:test#s1@v1:p-amina:2h:sms").state == DeliveryState::claimed);

    CHECK(plan(*store, rules_with(), morning).added == 0);

    // Leaving the programme cancels what is pending, but not what went or is going.
    store->write([&] { store->unenrol("p-amina", "test"); });
    const PlanResult result = plan(*store, rules_with(), morning);
    const auto all = rows(*store);
    CHECK(result.cancelled == static_cast<int>(all.size()) - 2);
    CHECK(row(all, "reminder:test#s1@v1:p-amina:1d@18:00:sms").state == DeliveryState::sent);
    CHECK(row(all, "reminder:test#s1@v1:p-amina:2h:sms").state == DeliveryState::claimed);
}

TEST_CASE_TEMPLATE("a session starting within the minimum notice gets nothing new", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, false));
    const UtcInstant start = session(*store, 1).start_utc;

    SUBCASE("20 minutes before: nothing for session 1") {
        plan(*store, rules_with(), UtcInstant{start.utc - pt::minutes(20)});
        const auto all = rows(*store);
        CHECK(all.count("reminder:test#s1@v1:p-amina:2h:sms") == 0);
        CHECK(all.count("reminder:test#s1@v1:p-amina:1d@18:00:sms") == 0);
        CHECK(all.count("reminder:test#s2@v1:p-amina:2h:sms") == 1);
    }
    SUBCASE("40 minutes before: only the latest reminder whose moment has passed, to go at once") {
        const PlanResult result = plan(*store, rules_with(), UtcInstant{start.utc - pt::minutes(40)});
        const auto all = rows(*store);
        CHECK(all.count("reminder:test#s1@v1:p-amina:1d@18:00:sms") == 0);
        CHECK(row(all, "reminder:test#s1@v1:p-amina:2h:sms").state == DeliveryState::planned);
        // Once planned, the passed reminder is neither added later nor cancelled.
        const PlanResult again = plan(*store, rules_with(), UtcInstant{start.utc - pt::minutes(35)});
        CHECK(again.added == 0);
        CHECK(again.cancelled == 0);
        CHECK(result.added > 0);
    }
}

TEST_CASE_TEMPLATE("a programme's own offsets replace the default ones", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", false, true));
    plan(*store, rules_with(), january);

    Programme programme = *store->programme("test");
    programme.reminder_offsets = offsets({"3h"});
    store->write([&] { store->put_programme(programme); });
    const PlanResult result = plan(*store, rules_with(), january);
    const int sessions = static_cast<int>(store->sessions("test").size());
    CHECK(result.added == sessions);
    CHECK(result.cancelled == sessions * 2);
    const auto all = rows(*store);
    CHECK(row(all, "reminder:test#s1@v1:p-amina:3h:email").due_at == utc(2026, 2, 3, 5, 30));
    CHECK(row(all, "reminder:test#s1@v1:p-amina:2h:email").reason == "the reminder rules changed");
}

TEST_CASE_TEMPLATE("appointments: reminders for one person, replaced on a move, a notice on a cancel", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    const Participant amina = person("p-amina", true, false);
    enrol(*store, amina);
    Appointment visit;
    visit.participant_id = amina.id;
    visit.programme_id = "test";
    visit.start_utc = utc(2026, 2, 10, 13);  // Tuesday 14:00 CET
    visit.where = "Stadhuisplein 1, Almere";
    store->write([&] { visit.id = store->put_appointment(visit); });
    const std::string a = "a" + std::to_string(visit.id);
    CHECK(plan_for(*store, amina.id, rules_with(), january).added == 2);
    auto all = rows(*store);
    const Delivery& first = row(all, "appointment:" + a + "@v1:p-amina:2h:sms");
    CHECK(first.programme_id == "test");
    CHECK(first.send_at == utc(2026, 2, 10, 11));

    // She was told of it (a reminder went, say): a change from then on is news to her.
    store->write([&] { store->put_told({amina.id, "test", 0, visit.id, told_state(visit)}); });
    const UtcInstant moved_at = utc(2026, 1, 22, 9);
    visit.previous_start_utc = visit.start_utc;
    visit.start_utc = utc(2026, 2, 12, 13);
    visit.version = 2;
    visit.changed_at = moved_at;
    store->write([&] { store->put_appointment(visit); });
    const PlanResult moved = plan_for(*store, amina.id, rules_with(), moved_at);
    CHECK(moved.cancelled == 2);
    CHECK(moved.added == 3);
    all = rows(*store);
    CHECK(row(all, "appointment:" + a + "@v1:p-amina:2h:sms").reason == "appointment " + a + " changed");
    CHECK(row(all, "appointment:" + a + "@v2:p-amina:2h:sms").send_at == utc(2026, 2, 12, 11));
    const Delivery& notice = row(all, "change:" + a + "@v2:p-amina:sms");
    CHECK(notice.appointment_id == visit.id);
    CHECK(notice.appointment_version == 2);
    CHECK(change_of(notice) == "moved");

    visit.cancelled = true;
    visit.version = 3;
    visit.changed_at = utc(2026, 1, 23, 9);
    store->write([&] { store->put_appointment(visit); });
    // The notice not yet sent now says "cancelled": one notice, from what she was told.
    const PlanResult cancelled = plan_for(*store, amina.id, rules_with(), utc(2026, 1, 23, 9));
    CHECK(cancelled.cancelled == 2);
    CHECK(cancelled.replanned == 1);
    CHECK(cancelled.added == 0);
    all = rows(*store);
    CHECK(change_of(row(all, "change:" + a + "@v3:p-amina:sms")) == "cancelled");
    CHECK(all.count("appointment:" + a + "@v3:p-amina:2h:sms") == 0);
}

TEST_CASE_TEMPLATE("plan_requested works through the requests and replans everything when the rules change",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, false));
    const auto requested = [&](const PlanningRules& rules) {
        PlanResult result;
        store->write([&] { result = plan_requested(*store, rules, january); });
        return result;
    };
    const int sessions = static_cast<int>(store->sessions("test").size());

    CHECK(requested(rules_with()).added == sessions * 2);
    CHECK(store->plan_requests().empty());
    CHECK(store->setting("planner.rules") == rules_with().fingerprint());
    CHECK(requested(rules_with()).added == 0);

    // A participant's request plans the programmes she is in.
    enrol(*store, person("p-bilal", true, false));
    CHECK_FALSE(store->plan_requests().empty());
    CHECK(requested(rules_with()).added == sessions * 2);
    CHECK(store->plan_requests().empty());

    // New rules: everything is planned again, whatever was requested.
    const PlanResult replanned = requested(rules_with({"1d@18:00", "3h"}));
    CHECK(replanned.added == sessions * 2);
    CHECK(replanned.cancelled == sessions * 2);
    CHECK(row(rows(*store), "reminder:test#s1@v1:p-bilal:2h:sms").reason == "the reminder rules changed");
    CHECK(store->setting("planner.rules") == rules_with({"1d@18:00", "3h"}).fingerprint());
}

TEST_CASE("the rules' fingerprint changes with every rule and only then") {
    const PlanningRules base = rules_with();
    CHECK(base.fingerprint() == rules_with().fingerprint());
    std::vector<PlanningRules> changed(9, base);
    changed[0].defaults.session_offsets = offsets({"1d@18:00", "3h"});
    changed[1].defaults.appointment_offsets = offsets({"2h"});
    changed[2].defaults.quiet_hours = {TimeOfDay::hm(22, 0), TimeOfDay::hm(8, 0)};
    changed[3].defaults.min_notice_minutes = 15;
    changed[4].timezone = "Europe/Brussels";
    changed[5].routes[Medium::email].quiet_hours = true;
    changed[6].routes.erase(Medium::sms);
    changed[7].defaults.min_gap_minutes = 120;
    changed[8].defaults.notice_delay_minutes = 20;
    for (std::size_t i = 0; i < changed.size(); ++i)
        for (std::size_t j = 0; j < changed.size(); ++j) {
            CAPTURE(i);
            CAPTURE(j);
            CHECK((changed[i].fingerprint() == changed[j].fingerprint()) == (i == j));
            CHECK(changed[i].fingerprint() != base.fingerprint());
        }
}

// How fast planning is belongs in bench/, not here: a time limit fails on a busy machine.
TEST_CASE("25 participants, 40 sessions, 2 offsets and 2 channels are planned once on SQLite") {
    auto store = SqliteFactory::make();
    apply_text(*store, test::programme_toml(base_keys + "\non_holiday = \"extend\""));
    REQUIRE(store->sessions("test").size() == 40);
    for (int i = 0; i < 25; ++i) enrol(*store, person("p-" + std::to_string(100 + i), true, true));

    CHECK(plan(*store, rules_with(), january).added == 25 * 40 * 2 * 2);
    CHECK(plan(*store, rules_with(), january).added == 0);
}


TEST_CASE_TEMPLATE("someone who chose SMS but has no phone number is reached through the channel's fallback", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    Participant amina = person("p-amina", true, false);
    amina.phone.clear();
    enrol(*store, amina);

    PlanningRules without = rules_with();
    CHECK(plan(*store, without, january).added == 0);

    PlanningRules with = rules_with();
    with.fallbacks[Medium::sms] = {Medium::email, {"email", false}};
    CHECK(with.fingerprint() != without.fingerprint());
    const PlanResult result = plan(*store, with, january);
    CHECK(result.added == static_cast<int>(store->sessions("test").size() * 2));
    const Delivery day_before = row(rows(*store), "reminder:test#s1@v1:p-amina:1d@18:00:email");
    CHECK(day_before.channel == "email");
    CHECK(day_before.send_at == day_before.due_at);  // the e-mail route's own rule: any hour

    // An opt-out is her choice: no fallback for it.
    Participant opted = person("p-opted", true, false);
    opted.sms_opt_out = true;
    enrol(*store, opted);
    plan(*store, with, january);
    for (const auto& [key, r] : rows(*store)) CHECK(r.participant_id != "p-opted");
}

// --- Planning follows the facts: a change undone restores the rows of before ---------

// The planned rows, as the messages they are: kind, subject, participant, offset,
// channel, send time and state.
std::multiset<std::string> planned_messages(const Store& store) {
    DeliveryQuery query;
    query.states = {DeliveryState::planned, DeliveryState::retry};
    std::multiset<std::string> out;
    for (const auto& r : store.deliveries(query))
        out.insert(std::string(name_of(r.kind)) + " s" + std::to_string(r.session_id) + " a" +
                   std::to_string(r.appointment_id) + " " + r.participant_id + " " + r.offset + " " + r.channel +
                   " " + r.send_at.iso() + " " + std::string(name_of(r.state)));
    return out;
}

TEST_CASE_TEMPLATE("a change and its undo leave the planned messages as they were", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    Participant amina = person("p-amina", true, true);
    enrol(*store, amina);
    enrol(*store, person("p-bilal", true, false));
    const PlanningRules rules = rules_with();
    plan(*store, rules, january);
    const auto before = planned_messages(*store);
    REQUIRE(before.size() > 100);
    const UtcInstant later = utc(2026, 1, 21, 12);

    SUBCASE("planned once with no channels: everything cancelled, then planned again") {
        PlanningRules no_channels = rules;
        no_channels.routes.clear();
        CHECK(plan(*store, no_channels, later).cancelled == static_cast<int>(before.size()));
        CHECK(planned_messages(*store).empty());
        CHECK(plan(*store, rules, later).added == static_cast<int>(before.size()));
    }
    SUBCASE("offsets changed and changed back") {
        Programme programme = *store->programme("test");
        programme.reminder_offsets = offsets({"3h"});
        store->write([&] { store->put_programme(programme); });
        plan(*store, rules, later);
        CHECK(planned_messages(*store) != before);
        programme.reminder_offsets.reset();
        store->write([&] { store->put_programme(programme); });
        plan(*store, rules, later);
    }
    SUBCASE("SMS opt-out, then opt-in") {
        amina.sms_opt_out = true;
        store->write([&] { store->put_participant(amina); });
        CHECK(plan(*store, rules, later).cancelled > 0);
        amina.sms_opt_out = false;
        store->write([&] { store->put_participant(amina); });
        CHECK(plan(*store, rules, later).added > 0);
    }
    SUBCASE("channels e-mail only, then SMS and e-mail again") {
        amina.channels = {false, true};
        store->write([&] { store->put_participant(amina); });
        CHECK(plan(*store, rules, later).cancelled > 0);
        amina.channels = {true, true};
        store->write([&] { store->put_participant(amina); });
        CHECK(plan(*store, rules, later).added > 0);
    }
    SUBCASE("unenrolled, then enrolled again") {
        store->write([&] { store->unenrol("p-bilal", "test"); });
        CHECK(plan(*store, rules, later).cancelled > 0);
        store->write([&] { store->enrol("p-bilal", "test"); });
        CHECK(plan(*store, rules, later).added > 0);
    }
    SUBCASE("a session moved, then moved back") {
        StoredSession third = session(*store, 3);
        const StoredSession original = third;
        third.start_utc.utc += pt::hours(24);
        third.end_utc.utc += pt::hours(24);
        third.date += boost::gregorian::days(1);
        third.status = SessionStatus::moved;
        third.version += 1;
        third.changed_at = later;
        store->write([&] { store->put_session(third); });
        plan(*store, rules, later);
        third = original;
        third.version += 2;
        third.changed_at = UtcInstant{later.utc + pt::minutes(2)};
        store->write([&] { store->put_session(third); });
        plan(*store, rules, UtcInstant{later.utc + pt::minutes(2)});
        // The rows it has are for the session as it is now: the dispatcher's check holds.
        for (const auto& r : store->deliveries({}))
            if (r.session_id == third.id && is_pending(r.state)) CHECK(r.session_version == third.version);
    }
    CHECK(planned_messages(*store) == before);
    CHECK(plan(*store, rules, later).added == 0);
}

TEST_CASE_TEMPLATE("a reminder sent for a start is not sent again after a move and its undo", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, false));
    plan(*store, rules_with(), january);
    const UtcInstant evening = utc(2026, 2, 2, 17);  // session 1's day-before reminder
    store->write([&] {
        const auto claimed = store->claim_due(evening, 1, "test", UtcInstant{evening.utc + pt::minutes(5)});
        REQUIRE(claimed.size() == 1);
        store->finish({DeliveryOutcome(claimed.front().delivery.id, DeliveryState::sent, evening)});
    });
    StoredSession first = session(*store, 1);
    const StoredSession original = first;
    first.start_utc.utc += pt::hours(1);
    first.version += 1;
    first.changed_at = UtcInstant{evening.utc + pt::minutes(1)};
    store->write([&] { store->put_session(first); });
    plan(*store, rules_with(), UtcInstant{evening.utc + pt::minutes(1)});
    first = original;
    first.version += 2;
    first.changed_at = UtcInstant{evening.utc + pt::minutes(2)};
    store->write([&] { store->put_session(first); });
    plan(*store, rules_with(), UtcInstant{evening.utc + pt::minutes(2)});

    DeliveryQuery query;
    query.session_id = first.id;
    query.kinds = {DeliveryKind::reminder};
    int day_before_pending = 0, day_before_sent = 0;
    for (const auto& r : store->deliveries(query)) {
        if (r.offset != "1d@18:00") continue;
        day_before_pending += is_pending(r.state);
        day_before_sent += r.state == DeliveryState::sent;
    }
    CHECK(day_before_sent == 1);
    CHECK(day_before_pending == 0);
}

// --- What she was told: a notice tells the difference, and only when there is one ------

std::vector<Delivery> notices(const Store& store, bool pending_only = true) {
    DeliveryQuery query;
    query.kinds = {DeliveryKind::change};
    if (pending_only) query.states = {DeliveryState::planned, DeliveryState::retry};
    return store.deliveries(query);
}

TEST_CASE_TEMPLATE("notices: cancel then restore before it went, nothing; moved twice, one from the first",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, false));
    const PlanningRules rules = rules_with();
    plan(*store, rules, january);
    const AuditContext lead{utc(2026, 1, 21, 9), "lead", "session"};

    SUBCASE("cancelled, then restored before the notice went") {
        REQUIRE(cancel_session(*store, {"test", 5}, "ziek", lead).ok());
        plan(*store, rules, utc(2026, 1, 21, 9, 1));
        REQUIRE(notices(*store).size() == 1);
        CHECK(change_of(notices(*store).front()) == "cancelled");
        const AuditContext undo{utc(2026, 1, 21, 9, 5), "lead", "session"};
        REQUIRE(restore_session(*store, test::shipped_school_holidays(), {"test", 5}, undo).ok());
        plan(*store, rules, utc(2026, 1, 21, 9, 6));
        CHECK(notices(*store).empty());
    }
    SUBCASE("moved twice: one notice, from what she was told to the last") {
        const StoredSession original = session(*store, 5);
        SessionMove move{{"test", 5}, {original.date + boost::gregorian::days(1), TimeOfDay::hm(10, 0)}, ""};
        REQUIRE(move_session(*store, test::shipped_school_holidays(), move, lead).ok());
        plan(*store, rules, utc(2026, 1, 21, 9, 1));
        move.to = {original.date + boost::gregorian::days(2), TimeOfDay::hm(13, 0)};
        const AuditContext again{utc(2026, 1, 21, 9, 3), "lead", "session"};
        REQUIRE(move_session(*store, test::shipped_school_holidays(), move, again).ok());
        plan(*store, rules, utc(2026, 1, 21, 9, 4));
        const auto pending = notices(*store);
        REQUIRE(pending.size() == 1);
        const auto payload = nlohmann::json::parse(pending.front().payload);
        CHECK(payload["change"] == "moved");
        CHECK(payload["from"]["date"] == iso_date(original.date));
        CHECK(payload["from"]["start"] == original.time.start.str());
        CHECK(payload["told"]["date"] == iso_date(original.date + boost::gregorian::days(2)));
        CHECK(payload["told"]["start"] == "13:00");
        CHECK(pending.front().session_version == session(*store, 5).version);
        CHECK(pending.front().due_at == utc(2026, 1, 21, 9, 13));  // notice_delay after the last move

        // Moved back where she was told it is: nothing to tell.
        move.to = {original.date, original.time.start};
        const AuditContext back{utc(2026, 1, 21, 9, 6), "lead", "session"};
        REQUIRE(move_session(*store, test::shipped_school_holidays(), move, back).ok());
        plan(*store, rules, utc(2026, 1, 21, 9, 7));
        CHECK(notices(*store).empty());
    }
}

TEST_CASE_TEMPLATE("notices: an appointment she never heard of, added and cancelled, tells her nothing", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    const Participant amina = person("p-amina", true, true);
    store->write([&] { store->put_participant(amina); });
    Appointment visit;
    visit.participant_id = amina.id;
    visit.start_utc = utc(2026, 2, 10, 13);
    store->write([&] { visit.id = store->put_appointment(visit); });
    plan_for(*store, amina.id, rules_with(), january);
    visit.cancelled = true;
    visit.version = 2;
    visit.changed_at = utc(2026, 1, 21, 9);
    store->write([&] { store->put_appointment(visit); });
    plan_for(*store, amina.id, rules_with(), utc(2026, 1, 21, 9, 1));
    CHECK(notices(*store, false).empty());
    CHECK(planned_messages(*store).empty());
}

TEST_CASE_TEMPLATE("a notice due within the hour of a reminder goes in it; what went is what she was told",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    apply_text(*store, test::programme_toml(base_keys));
    enrol(*store, person("p-amina", true, false));
    REQUIRE(store->told_about_sessions("test").size() == store->sessions("test").size());
    plan(*store, rules_with(), january);
    // The lead moves session 1 quietly in the store; the reminder that goes says where it is now.
    StoredSession first = session(*store, 1);
    first.location = "elders";
    first.version += 1;
    first.changed_at = utc(2026, 2, 2, 16);
    store->write([&] { store->put_session(first); });
    plan(*store, rules_with(), utc(2026, 2, 2, 16));
    // The notice (due 17:10 CET) and the 1d@18:00 reminder (17:00 UTC) are one message.
    CHECK(notices(*store).empty());
    const auto all = notices(*store, false);
    REQUIRE(all.size() == 1);
    CHECK(all.front().state == DeliveryState::cancelled);
    CHECK(all.front().reason == "joined with the 1d@18:00 reminder");
    const UtcInstant evening = utc(2026, 2, 2, 17);
    store->write([&] {
        const auto claimed = store->claim_due(evening, 1, "test", UtcInstant{evening.utc + pt::minutes(5)});
        REQUIRE(claimed.size() == 1);
        const Delivery& joined = claimed.front().delivery;
        CHECK(joined.kind == DeliveryKind::reminder);
        CHECK(joined.offset == "1d@18:00");
        CHECK(joined.send_at == evening);
        CHECK(change_of(joined) == "moved");
        CHECK(claimed.front().subject_current);
        store->finish({DeliveryOutcome(joined.id, DeliveryState::sent, evening)});
    });
    for (const auto& record : store->told_about_sessions("test"))
        if (record.session_id == first.id) {
            CHECK(record.state == told_state(first));
            CHECK(record.serial == 2);
        }
    plan(*store, rules_with(), evening);
    CHECK(notices(*store).empty());

    store->write([&] { store->delete_participant("p-amina", true); });
    CHECK(store->told_about_sessions("test").empty());
}

TEST_CASE("overviews: one row per lead and day, by e-mail when she has an address, else SMS; none without a way") {
    MemoryStore store;
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    OverviewRules rules{*TimeOfDay::parse("07:30"), "email", "sms"};
    store.write([&] {
        store.put_lead({"l-mail", "Fatima", "fatima@example.nl", "+31687654321", {"almere"}});
        store.put_lead({"l-sms", "Ans", "", "+31612345678", {"zeewolde"}});
        store.put_lead({"l-none", "Bo", "", "", {"almere"}});     // no way to reach her
        store.put_lead({"l-idle", "Cor", "cor@example.nl", "", {}});  // leads nothing
    });
    // Tuesday 10 February 2026, 07:00 local: today's at 07:30 is still to come.
    const UtcInstant morning = utc(2026, 2, 10, 6, 0);
    int added = 0;
    store.write([&] { added = plan_overviews(store, rules, zone, morning); });
    CHECK(added == 4);  // two leads × today and tomorrow
    DeliveryQuery query;
    query.kinds = {DeliveryKind::overview};
    auto rows = store.deliveries(query);
    std::map<std::string, Delivery> by_key;
    for (const auto& row : rows) by_key[row.key] = row;
    REQUIRE(by_key.count("overview:l-mail:2026-02-10"));
    CHECK(by_key["overview:l-mail:2026-02-10"].channel == "email");
    CHECK(by_key["overview:l-mail:2026-02-10"].send_at == utc(2026, 2, 10, 6, 30));
    REQUIRE(by_key.count("overview:l-sms:2026-02-11"));
    CHECK(by_key["overview:l-sms:2026-02-11"].channel == "sms");
    CHECK(by_key["overview:l-sms:2026-02-11"].send_at == utc(2026, 2, 11, 6, 30));
    const auto subject = overview_subject(by_key["overview:l-sms:2026-02-11"]);
    REQUIRE(subject);
    CHECK(subject->lead_id == "l-sms");
    CHECK(subject->day == make_date(2026, 2, 11));

    // Planning again, and after 07:30 the same day, adds nothing new for those days.
    store.write([&] { added = plan_overviews(store, rules, zone, morning); });
    CHECK(added == 0);
    store.write([&] { added = plan_overviews(store, rules, zone, utc(2026, 2, 10, 9, 0)); });
    CHECK(added == 0);
    CHECK(store.deliveries(query).size() == 4);
}

TEST_SUITE_END();
