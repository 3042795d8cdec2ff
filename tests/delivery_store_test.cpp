// The outbox, its receipts, appointments, plan requests and settings of the store: one
// suite for every Store implementation (DESIGN.md rule 8), plus what only the SQLite
// store has: two processes claiming from one file, no trace of an erased participant,
// and the migration that brings receipts.

#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "postgres_test_store.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <thread>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

using ritme::test::PostgresFactory;

namespace {

fs::path fresh_directory(const std::string& name) {
    const auto dir =
        fs::temp_directory_path() / ("ritme-delivery-store-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

struct MemoryFactory {
    static std::unique_ptr<Store> make() { return std::make_unique<MemoryStore>(); }
};
struct SqliteFactory {
    static std::unique_ptr<Store> make() {
        static int counter = 0;
        return SqliteStore::open((fresh_directory("suite-" + std::to_string(++counter)) / "ritme.db").string());
    }
};

UtcInstant at(int day, int hour, int minute = 0) {
    return {pt::ptime(make_date(2026, 3, day), pt::hours(hour) + pt::minutes(minute))};
}

Programme sample_programme(const std::string& id = "test") {
    Programme p = test::load_valid(test::programme_toml("start = 2026-02-02\nregion = \"noord\""));
    p.id = id;
    return p;
}

StoredSession sample_session(int number) {
    StoredSession s;
    s.programme_id = "test";
    s.number = number;
    s.date = make_date(2026, 3, 10 + number);
    s.time = *TimeRange::parse("09:30-11:30");
    s.location = "schakel";
    s.start_utc = {pt::ptime(s.date, pt::hours(8) + pt::minutes(30))};
    s.end_utc = {pt::ptime(s.date, pt::hours(10) + pt::minutes(30))};
    return s;
}

Participant sample_participant(const std::string& id) {
    Participant p;
    p.id = id;
    p.name = "Amina Yusuf";
    p.phone = "+31612345678";
    p.language = "so";
    p.channels = {true, false};
    return p;
}

Appointment sample_appointment(const std::string& participant_id) {
    Appointment a;
    a.participant_id = participant_id;
    a.programme_id = "test";
    a.start_utc = at(20, 13);
    a.duration_minutes = 45;
    a.where = "Stationsstraat 8, Almere";
    a.note = "Bus 4 tot de halte Stadhuis";
    return a;
}

// A reminder for session `session_id`, due and sent at `send_at`.
Delivery reminder(const std::string& key, UtcInstant send_at, int64_t session_id = 0, int session_version = 1) {
    Delivery d;
    d.key = key;
    d.kind = DeliveryKind::reminder;
    d.programme_id = "test";
    d.session_id = session_id;
    d.session_version = session_id ? session_version : 0;
    d.participant_id = "p-1";
    d.offset = "2h";
    d.channel = "sms";
    d.due_at = send_at;
    d.send_at = send_at;
    d.expires_at = {send_at.utc + pt::hours(2)};
    d.updated_at = at(1, 9);
    return d;
}

// A reminder of an appointment (version 1 unless given).
Delivery appointment_reminder(const std::string& key, UtcInstant send_at, int64_t appointment_id, int version = 1) {
    Delivery d = reminder(key, send_at);
    d.kind = DeliveryKind::appointment;
    d.appointment_id = appointment_id;
    d.appointment_version = version;
    return d;
}

// A query with the fields `fill` sets (designated initializers warn about the fields left out).
template <typename Fill>
DeliveryQuery query(Fill fill) {
    DeliveryQuery q;
    fill(q);
    return q;
}

int64_t add(Store& store, const Delivery& delivery) {
    int64_t id = 0;
    store.write([&] { id = store.add_delivery(delivery); });
    return id;
}

std::vector<ClaimedDelivery> claim(Store& store, UtcInstant now, int limit, const std::string& owner = "host:1") {
    std::vector<ClaimedDelivery> claimed;
    store.write([&] { claimed = store.claim_due(now, limit, owner, {now.utc + pt::minutes(5)}); });
    return claimed;
}

std::vector<std::string> keys_of(const std::vector<ClaimedDelivery>& claimed) {
    std::vector<std::string> keys;
    for (const auto& c : claimed) keys.push_back(c.delivery.key);
    return keys;
}

std::vector<std::string> keys_of(const std::vector<Delivery>& deliveries) {
    std::vector<std::string> keys;
    for (const auto& d : deliveries) keys.push_back(d.key);
    return keys;
}

DeliveryOutcome outcome(int64_t id, DeliveryState state, UtcInstant when) {
    return DeliveryOutcome(id, state, when);
}

// Adds `delivery` as claimed and writes it back as sent at `when`, with the gateway's id.
int64_t add_sent(Store& store, Delivery delivery, const std::string& provider_id, UtcInstant when) {
    delivery.state = DeliveryState::claimed;
    delivery.claimed_by = "host:1";
    delivery.claimed_until = {when.utc + pt::minutes(5)};
    delivery.attempts = 1;
    const int64_t id = add(store, delivery);
    DeliveryOutcome sent = outcome(id, DeliveryState::sent, when);
    sent.provider_id = provider_id;
    sent.provider_status = "accepted";
    store.write([&] { store.finish({sent}); });
    return id;
}

DeliveryReceipt receipt(int64_t delivery_id, UtcInstant when, std::string_view status, const std::string& detail) {
    return {delivery_id, when, std::string(status), detail, ""};
}

bool record(Store& store, const DeliveryReceipt& receipt) {
    bool recorded = false;
    store.write([&] { recorded = store.add_receipt("sms", receipt); });
    return recorded;
}

std::vector<std::string> statuses_of(const std::vector<DeliveryReceipt>& receipts) {
    std::vector<std::string> statuses;
    for (const auto& r : receipts) statuses.push_back(r.status);
    return statuses;
}

// Writes `assignment` to one delivery row as another program might: past ritme's
// CHECK constraints, which would refuse it as they refuse ritme's own mistakes.
void damage_delivery(const std::string& path, int64_t id, const std::string& assignment) {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA ignore_check_constraints = ON");
    raw.exec("UPDATE delivery SET " + assignment + " WHERE id = " + std::to_string(id));
}

// A store with programme "test", sessions 1 and 2 and participant p-1 enrolled.
template <typename Factory>
std::unique_ptr<Store> populated(std::vector<int64_t>* session_ids = nullptr) {
    auto store = Factory::make();
    store->write([&] {
        store->put_programme(sample_programme());
        for (int number : {1, 2}) {
            const int64_t id = store->put_session(sample_session(number));
            if (session_ids) session_ids->push_back(id);
        }
        store->put_participant(sample_participant("p-1"));
        store->enrol("p-1", "test");
    });
    return store;
}

}  // namespace

TEST_SUITE_BEGIN("delivery_store");

TEST_CASE("kinds and states are named as the store and status write them") {
    for (auto kind : {DeliveryKind::reminder, DeliveryKind::appointment, DeliveryKind::change, DeliveryKind::alert})
        CHECK(parse_delivery_kind(name_of(kind)) == kind);
    for (auto state : {DeliveryState::planned, DeliveryState::claimed, DeliveryState::sent, DeliveryState::retry,
                       DeliveryState::failed, DeliveryState::expired, DeliveryState::cancelled})
        CHECK(parse_delivery_state(name_of(state)) == state);
    CHECK(name_of(DeliveryState::retry) == "retry");
    CHECK(name_of(DeliveryKind::change) == "change");
    CHECK_FALSE(parse_delivery_state("Sent").has_value());
    CHECK_FALSE(parse_delivery_kind("").has_value());
    CHECK(is_pending(DeliveryState::planned));
    CHECK(is_pending(DeliveryState::retry));
    CHECK(is_pending(DeliveryState::claimed));
    CHECK_FALSE(is_pending(DeliveryState::sent));
    CHECK_FALSE(is_pending(DeliveryState::cancelled));
}

TEST_CASE_TEMPLATE("a delivery round-trips, and its key is planned once whatever its state", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    std::vector<int64_t> sessions;
    auto store = populated<Factory>(&sessions);
    Delivery planned = reminder("reminder:test#1@v1:p-1:2h:sms", at(11, 6, 30), sessions[0]);
    planned.payload = R"({"change":"moved"})";
    const int64_t id = add(*store, planned);
    REQUIRE(id != 0);
    const auto loaded = store->delivery(id);
    REQUIRE(loaded);
    CHECK(loaded->id == id);
    CHECK(loaded->key == planned.key);
    CHECK(loaded->kind == DeliveryKind::reminder);
    CHECK(loaded->programme_id == "test");
    CHECK(loaded->session_id == sessions[0]);
    CHECK(loaded->session_version == 1);
    CHECK(loaded->appointment_id == 0);
    CHECK(loaded->participant_id == "p-1");
    CHECK(loaded->offset == "2h");
    CHECK(loaded->channel == "sms");
    CHECK(loaded->due_at == planned.due_at);
    CHECK(loaded->send_at == planned.send_at);
    CHECK(loaded->expires_at == planned.expires_at);
    CHECK(loaded->updated_at == planned.updated_at);
    CHECK(loaded->state == DeliveryState::planned);
    CHECK(loaded->attempts == 0);
    CHECK(loaded->claimed_until.utc.is_special());
    CHECK_FALSE(loaded->sent_at.has_value());
    CHECK(loaded->payload == planned.payload);
    CHECK_FALSE(store->delivery(id + 100).has_value());

    CHECK(add(*store, planned) == 0);
    Delivery dropped = reminder("reminder:test#1@v1:p-1:1d@18:00:sms", at(10, 17));
    dropped.state = DeliveryState::cancelled;
    dropped.reason = "quiet hours";
    const int64_t dropped_id = add(*store, dropped);
    CHECK(dropped_id > id);
    // Added as cancelled again, a cancelled row stays as it is.
    CHECK(add(*store, dropped) == 0);
    CHECK(store->delivery(dropped_id)->reason == "quiet hours");
    // Wanted again (what cancelled it no longer holds): the same row, planned anew with
    // the fields given.
    dropped.state = DeliveryState::planned;
    dropped.reason.clear();
    dropped.send_at = at(10, 18);
    CHECK(add(*store, dropped) == dropped_id);
    CHECK(store->delivery(dropped_id)->state == DeliveryState::planned);
    CHECK(store->delivery(dropped_id)->reason.empty());
    CHECK(store->delivery(dropped_id)->send_at == at(10, 18));
    // A pending row is not replaced: planning again never plans twice.
    dropped.send_at = at(10, 19);
    CHECK(add(*store, dropped) == 0);
    CHECK(store->delivery(dropped_id)->send_at == at(10, 18));

    CHECK_THROWS_AS(store->add_delivery(reminder("outside", at(11, 7))), StoreError);
    Delivery unsent = reminder("no time", at(11, 7));
    unsent.send_at = {};
    CHECK_THROWS_AS(store->write([&] { store->add_delivery(unsent); }), StoreError);
    CHECK(store->deliveries({}).size() == 2);
}

TEST_CASE_TEMPLATE("claims take due rows earliest first, at most the limit, each with one more attempt", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    add(*store, reminder("c", at(11, 8)));
    add(*store, reminder("a", at(11, 6)));
    add(*store, reminder("b", at(11, 7)));
    add(*store, reminder("later", at(11, 10)));
    Delivery cancelled = reminder("cancelled", at(11, 5));
    cancelled.state = DeliveryState::cancelled;
    add(*store, cancelled);

    CHECK(claim(*store, at(11, 5, 59), 10).empty());
    const auto first = claim(*store, at(11, 9), 2, "host:7");
    CHECK(keys_of(first) == std::vector<std::string>{"a", "b"});
    for (const auto& c : first) {
        CHECK(c.subject_current);
        CHECK(c.delivery.state == DeliveryState::claimed);
        CHECK(c.delivery.claimed_by == "host:7");
        CHECK(c.delivery.claimed_until == UtcInstant{at(11, 9).utc + pt::minutes(5)});
        CHECK(c.delivery.attempts == 1);
        CHECK(c.delivery.updated_at == at(11, 9));
        CHECK(store->delivery(c.delivery.id)->state == DeliveryState::claimed);
    }
    CHECK(keys_of(claim(*store, at(11, 9), 10)) == std::vector<std::string>{"c"});
    CHECK(claim(*store, at(11, 9), 10).empty());
    CHECK(claim(*store, at(11, 9), 0).empty());
    CHECK_THROWS_AS(store->claim_due(at(11, 10), 10, "host:1", at(11, 11)), StoreError);
}

TEST_CASE_TEMPLATE("an abandoned claim is taken again once its lease has run out", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    add(*store, reminder("a", at(11, 6)));
    add(*store, reminder("b", at(11, 7)));
    store->write([&] { store->claim_due(at(11, 6), 1, "crashed", at(11, 6, 5)); });
    CHECK(claim(*store, at(11, 6, 5), 10, "host:2").empty());  // a is leased until then, b not due
    const auto again = claim(*store, at(11, 6, 6), 10, "host:2");
    REQUIRE(again.size() == 1);
    CHECK(again[0].delivery.key == "a");
    CHECK(again[0].delivery.claimed_by == "host:2");
    CHECK(again[0].delivery.attempts == 2);
    store->write([&] { store->finish({outcome(again[0].delivery.id, DeliveryState::sent, at(11, 6, 7))}); });
    CHECK(keys_of(claim(*store, at(11, 7), 10, "host:2")) == std::vector<std::string>{"b"});
}

TEST_CASE_TEMPLATE("a claim ahead takes rows due by its horizon, and other processes' claims only once their lease has run out",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    add(*store, reminder("now", at(11, 6)));
    add(*store, reminder("soon", at(11, 6, 1)));
    add(*store, reminder("later", at(11, 6, 2)));
    add(*store, reminder("leased", at(11, 5)));
    // Another process's claim whose lease ends at 06:01: not yet gone at 06:00.
    store->write([&] { store->claim_due(at(11, 5), 1, "host:9", at(11, 6, 1)); });
    std::vector<ClaimedDelivery> ahead;
    store->write([&] { ahead = store->claim_due_by(at(11, 6), at(11, 6, 1), 10, "host:1", at(11, 11)); });
    CHECK(keys_of(ahead) == std::vector<std::string>{"now", "soon"});
    for (const auto& c : ahead) CHECK(c.delivery.updated_at == at(11, 6));  // claimed now, not at the horizon
    for (const auto& d : store->deliveries({}))
        if (d.key == "leased") CHECK(d.claimed_by == "host:9");
    CHECK_THROWS_AS(store->write([&] { store->claim_due_by(at(11, 6), at(11, 5), 10, "host:1", at(11, 11)); }),
                    StoreError);
    // At the lease's end the other's row comes back, and the horizon's next row with it.
    std::vector<ClaimedDelivery> later;
    store->write([&] { later = store->claim_due_by(at(11, 6, 2), at(11, 6, 2), 10, "host:1", at(11, 11)); });
    CHECK(keys_of(later) == std::vector<std::string>{"leased", "later"});
}

TEST_CASE_TEMPLATE("a claimed reminder says whether its session or appointment is still as planned", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    std::vector<int64_t> sessions;
    auto store = populated<Factory>(&sessions);
    int64_t appointment_id = 0;
    store->write([&] { appointment_id = store->put_appointment(sample_appointment("p-1")); });

    add(*store, reminder("session 1 v1", at(11, 6), sessions[0], 1));
    add(*store, reminder("session 2 v1", at(11, 6), sessions[1], 1));
    add(*store, reminder("unknown session", at(11, 6), sessions[1] + 1000, 1));
    Delivery change = reminder("change session 2 v2", at(11, 6), sessions[1], 2);
    change.kind = DeliveryKind::change;
    change.offset.clear();
    add(*store, change);
    Delivery old_reminder = reminder("session 1 v2", at(11, 6), sessions[0], 2);
    add(*store, old_reminder);
    Delivery appointment = appointment_reminder("appointment v1", at(11, 6), appointment_id);
    add(*store, appointment);
    Delivery appointment_change = appointment;
    appointment_change.key = "appointment change v2";
    appointment_change.kind = DeliveryKind::change;
    appointment_change.appointment_version = 2;
    add(*store, appointment_change);
    add(*store, reminder("no subject", at(11, 6)));

    // Session 2 is cancelled (version 2), the appointment too.
    store->write([&] {
        StoredSession cancelled = *store->session(sessions[1]);
        cancelled.status = SessionStatus::cancelled;
        cancelled.version = 2;
        store->put_session(cancelled);
        Appointment a = *store->appointment(appointment_id);
        a.cancelled = true;
        a.version = 2;
        store->put_appointment(a);
    });

    std::map<std::string, bool> current;
    std::map<std::string, bool> asked_again;  // subject_current(), the check before each send
    for (const auto& c : claim(*store, at(11, 7), 100)) {
        current[c.delivery.key] = c.subject_current;
        asked_again[c.delivery.key] = store->subject_current(c.delivery);
    }
    CHECK(asked_again == current);
    CHECK(current == std::map<std::string, bool>{{"session 1 v1", true},
                                                 {"session 2 v1", false},
                                                 {"unknown session", false},
                                                 {"change session 2 v2", true},
                                                 {"session 1 v2", false},
                                                 {"appointment v1", false},
                                                 {"appointment change v2", true},
                                                 {"no subject", true}});

    // A reminder of the cancelled session's current version is not current either.
    add(*store, reminder("session 2 v2", at(11, 7), sessions[1], 2));
    const auto late = claim(*store, at(11, 7), 10);
    REQUIRE(late.size() == 1);
    CHECK_FALSE(late[0].subject_current);
    CHECK_FALSE(store->subject_current(late[0].delivery));

    // Restored after the claim: the check before the send sees it as it is now.
    Delivery restored_for = late[0].delivery;
    restored_for.session_version = 3;
    CHECK_FALSE(store->subject_current(restored_for));
    store->write([&] {
        StoredSession restored = *store->session(sessions[1]);
        restored.status = SessionStatus::planned;
        restored.version = 3;
        store->put_session(restored);
    });
    CHECK(store->subject_current(restored_for));
    CHECK_FALSE(store->subject_current(late[0].delivery));
}

TEST_CASE_TEMPLATE("the subjects of the sends that start together are read together, as one by one", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    std::vector<int64_t> sessions;
    auto store = populated<Factory>(&sessions);
    int64_t appointment_id = 0;
    store->write([&] { appointment_id = store->put_appointment(sample_appointment("p-1")); });
    add(*store, reminder("session 1", at(11, 6), sessions[0], 1));
    add(*store, reminder("session 2", at(11, 6), sessions[1], 1));
    Delivery appointment = appointment_reminder("appointment", at(11, 6), appointment_id);
    add(*store, appointment);
    add(*store, reminder("no subject", at(11, 6)));
    add(*store, reminder("unknown session", at(11, 6), sessions[1] + 1000, 1));

    const auto claimed = claim(*store, at(11, 7), 100);
    REQUIRE(claimed.size() == 5);
    std::vector<const Delivery*> batch;
    for (const auto& c : claimed) batch.push_back(&c.delivery);
    batch.push_back(&claimed.front().delivery);  // one delivery twice: answered twice
    auto one_by_one = [&] {
        std::vector<bool> out;
        for (const Delivery* d : batch) out.push_back(store->subject_current(*d));
        return out;
    };
    auto current_keys = [&](const std::vector<bool>& current) {
        REQUIRE(current.size() == batch.size());
        std::vector<std::string> keys;
        for (size_t i = 0; i < batch.size(); ++i)
            if (current[i]) keys.push_back(batch[i]->key);
        std::sort(keys.begin(), keys.end());
        return keys;
    };
    CHECK(store->subjects_current({}).empty());
    CHECK(store->subjects_current(batch) == one_by_one());
    CHECK(current_keys(store->subjects_current(batch)) ==
          std::vector<std::string>{"appointment", "no subject", "session 1", "session 1", "session 2"});

    // Committed between the claim and the sends: session 1 moved, session 2 and the
    // appointment cancelled. Read together, those are no longer current, in their places.
    store->write([&] {
        StoredSession moved = *store->session(sessions[0]);
        moved.date = make_date(2026, 3, 20);
        moved.status = SessionStatus::moved;
        moved.version = 2;
        store->put_session(moved);
        StoredSession cancelled = *store->session(sessions[1]);
        cancelled.status = SessionStatus::cancelled;
        cancelled.version = 2;
        store->put_session(cancelled);
        Appointment a = *store->appointment(appointment_id);
        a.cancelled = true;
        a.version = 2;
        store->put_appointment(a);
    });
    CHECK(store->subjects_current(batch) == one_by_one());
    CHECK(current_keys(store->subjects_current(batch)) == std::vector<std::string>{"no subject"});
}

TEST_CASE_TEMPLATE("results are written back only to rows still claimed", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    for (const char* key : {"sent", "retry", "failed", "expired", "released"}) add(*store, reminder(key, at(11, 6)));
    std::map<std::string, int64_t> id;
    for (const auto& c : claim(*store, at(11, 6), 10)) id[c.delivery.key] = c.delivery.id;
    REQUIRE(id.size() == 5);
    store->write([&] { store->release_claims("host:1", at(11, 6, 1), "process stopped"); });
    // Reclaim all but `released`, as another process whose results come back.
    store->write([&] {
        for (const auto& c : store->claim_due(at(11, 6, 1), 4, "host:2", at(11, 6, 6))) CHECK(c.delivery.attempts == 2);
    });

    DeliveryOutcome sent = outcome(id["sent"], DeliveryState::sent, at(11, 6, 2));
    sent.provider_id = "msg-123";
    sent.provider_status = "accepted";
    DeliveryOutcome retry = outcome(id["retry"], DeliveryState::retry, at(11, 6, 2));
    retry.retry_at = at(11, 6, 10);
    retry.reason = "provider busy";
    DeliveryOutcome failed = outcome(id["failed"], DeliveryState::failed, at(11, 6, 2));
    failed.reason = "number unknown";
    DeliveryOutcome expired = outcome(id["expired"], DeliveryState::expired, at(11, 6, 2));
    expired.reason = "missed while down";
    store->write([&] { store->finish({sent, retry, failed, expired}); });

    const auto s = *store->delivery(id["sent"]);
    CHECK(s.state == DeliveryState::sent);
    CHECK(s.sent_at == at(11, 6, 2));
    CHECK(s.provider_id == "msg-123");
    CHECK(s.provider_status == "accepted");
    CHECK(s.updated_at == at(11, 6, 2));
    const auto r = *store->delivery(id["retry"]);
    CHECK(r.state == DeliveryState::retry);
    CHECK(r.send_at == at(11, 6, 10));
    CHECK(r.reason == "provider busy");
    CHECK_FALSE(r.sent_at.has_value());
    CHECK(store->delivery(id["failed"])->reason == "number unknown");
    CHECK(store->delivery(id["failed"])->state == DeliveryState::failed);
    CHECK(store->delivery(id["expired"])->state == DeliveryState::expired);

    // A late result for a row that is no longer claimed (host:1 was taken for stopped)
    // changes nothing, nor does one for a row that is done already.
    REQUIRE(store->delivery(id["released"])->state == DeliveryState::retry);
    store->write([&] {
        store->finish({outcome(id["released"], DeliveryState::sent, at(11, 6, 4)),
                       outcome(id["sent"], DeliveryState::failed, at(11, 6, 4))});
    });
    CHECK(store->delivery(id["released"])->state == DeliveryState::retry);
    CHECK_FALSE(store->delivery(id["released"])->sent_at.has_value());
    CHECK(store->delivery(id["sent"])->state == DeliveryState::sent);

    CHECK_THROWS_AS(store->write([&] { store->finish({outcome(id["retry"], DeliveryState::planned, at(11, 7))}); }),
                    StoreError);
}

TEST_CASE_TEMPLATE("a reminder of what she said she cannot come to is not current, claimed or checked again", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    std::vector<int64_t> sessions;
    auto store = populated<Factory>(&sessions);
    int64_t appointment_id = 0;
    store->write([&] { appointment_id = store->put_appointment(sample_appointment("p-1")); });
    add(*store, reminder("session 1", at(11, 6), sessions[0], 1));
    add(*store, reminder("session 2", at(11, 6), sessions[1], 1));
    Delivery change = reminder("change of session 1", at(11, 6), sessions[0], 1);
    change.kind = DeliveryKind::change;
    change.offset.clear();
    add(*store, change);
    Delivery appointment = appointment_reminder("appointment", at(11, 6), appointment_id);
    add(*store, appointment);

    // Claimed a moment ahead of their time; then she answers that she cannot come to
    // session 1 and to the appointment.
    const auto claimed = claim(*store, at(11, 7), 100);
    REQUIRE(claimed.size() == 4);
    for (const auto& c : claimed) CHECK(c.subject_current);
    store->write([&] {
        store->put_attendance({"p-1", "test", sessions[0], 0, AttendanceStatus::excused, at(11, 6), "sms"});
        store->put_attendance({"p-1", "", 0, appointment_id, AttendanceStatus::excused, at(11, 6), "sms"});
    });
    std::vector<const Delivery*> batch;
    for (const auto& c : claimed) batch.push_back(&c.delivery);
    const std::vector<bool> together = store->subjects_current(batch);
    REQUIRE(together.size() == batch.size());
    std::map<std::string, bool> current;
    for (size_t i = 0; i < batch.size(); ++i) {
        current[batch[i]->key] = together[i];
        CHECK(store->subject_current(*batch[i]) == together[i]);
    }
    // A notice of a change is news to her still; the reminders are not.
    CHECK(current == std::map<std::string, bool>{
                         {"session 1", false}, {"session 2", true}, {"change of session 1", true}, {"appointment", false}});

    // A reminder of session 1 that falls due after her answer is not current at its claim.
    add(*store, reminder("session 1, the next offset", at(11, 7, 1), sessions[0], 1));
    const auto late = claim(*store, at(11, 7, 2), 10);  // the others' claims hold till 07:05
    REQUIRE(late.size() == 1);
    CHECK_FALSE(late[0].subject_current);

    // The lead records her present after all: her reminder is current again.
    store->write([&] {
        store->put_attendance({"p-1", "test", sessions[0], 0, AttendanceStatus::present, at(11, 7), "lead"});
    });
    CHECK(store->subject_current(late[0].delivery));
}

TEST_CASE_TEMPLATE("a batch's results are written as given: any text, an id twice keeps its first, a subject told twice counts both",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    std::vector<int64_t> sessions;
    auto store = populated<Factory>(&sessions);
    std::map<std::string, int64_t> id;
    for (const char* key : {"words", "twice", "told-1", "told-2"}) {
        Delivery d = reminder(key, at(11, 6), sessions[0]);
        // Two messages about session 1, each with what it told her: a move, then a cancel.
        if (std::string(key) == "told-1") d.payload = R"({"told":{"date":"2026-02-05"}})";
        if (std::string(key) == "told-2") d.payload = R"({"told":{"status":"cancelled"}})";
        id[key] = add(*store, d);
    }
    REQUIRE(claim(*store, at(11, 6), 10).size() == 4);
    auto told_about = [](const Store& s, int64_t session) -> std::optional<ToldRecord> {
        for (const auto& record : s.told_about_sessions("test"))
            if (record.session_id == session && record.participant_id == "p-1") return record;
        return std::nullopt;
    };
    const ToldRecord told_before = told_about(*store, sessions[0]).value_or(ToldRecord{"p-1", "test", sessions[0], 0, "", 0});

    // A gateway's words may hold anything a PostgreSQL array or SQL string would quote.
    const std::string words = "refused: \"{a,b}\" \\ NULL, 'x' – ünïcode";
    DeliveryOutcome failed = outcome(id["words"], DeliveryState::failed, at(11, 6, 2));
    failed.reason = words;
    failed.provider_id = "{1,2}";
    failed.provider_status = "NULL";
    DeliveryOutcome first = outcome(id["twice"], DeliveryState::sent, at(11, 6, 2));
    DeliveryOutcome second = outcome(id["twice"], DeliveryState::failed, at(11, 6, 3));
    std::vector<int64_t> written;
    store->write([&] {
        written = store->finish({failed, first, second, outcome(id["told-1"], DeliveryState::sent, at(11, 6, 2)),
                                 outcome(id["told-2"], DeliveryState::sent, at(11, 6, 2))});
    });
    CHECK(written == std::vector<int64_t>{id["words"], id["twice"], id["told-1"], id["told-2"]});
    const auto w = *store->delivery(id["words"]);
    CHECK(w.state == DeliveryState::failed);
    CHECK(w.reason == words);
    CHECK(w.provider_id == "{1,2}");
    CHECK(w.provider_status == "NULL");
    CHECK(store->delivery(id["twice"])->state == DeliveryState::sent);
    const auto told_now = told_about(*store, sessions[0]);
    REQUIRE(told_now.has_value());
    CHECK(told_now->state == R"({"status":"cancelled"})");
    // Told the move, then the cancel: two changes since what she was told before.
    CHECK(told_now->serial == told_before.serial + 2);
}

TEST_CASE_TEMPLATE("only planned and retry rows can be cancelled", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    const int64_t planned = add(*store, reminder("planned", at(11, 6)));
    const int64_t claimed = add(*store, reminder("claimed", at(11, 5)));
    claim(*store, at(11, 5), 1);
    store->write([&] {
        store->cancel_delivery(planned, "session #1 changed", at(11, 5, 30));
        store->cancel_delivery(claimed, "session #1 changed", at(11, 5, 30));
        store->cancel_delivery(planned + claimed + 1, "no such row", at(11, 5, 30));
    });
    const auto p = *store->delivery(planned);
    CHECK(p.state == DeliveryState::cancelled);
    CHECK(p.reason == "session #1 changed");
    CHECK(p.updated_at == at(11, 5, 30));
    CHECK(store->delivery(claimed)->state == DeliveryState::claimed);
    CHECK(claim(*store, at(11, 5, 5), 10).empty());
    CHECK_THROWS_AS(store->cancel_delivery(planned, "outside", at(11, 6)), StoreError);
}

TEST_CASE_TEMPLATE("the next send time: the earliest due row or the first lease to run out", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    CHECK_FALSE(store->next_send_at().has_value());
    Delivery sent = reminder("sent", at(11, 4));
    sent.state = DeliveryState::sent;
    add(*store, sent);
    CHECK_FALSE(store->next_send_at().has_value());
    add(*store, reminder("a", at(11, 6)));
    add(*store, reminder("b", at(11, 9)));
    CHECK(store->next_send_at() == at(11, 6));
    store->write([&] { store->claim_due(at(11, 6), 1, "host:1", at(11, 7)); });
    CHECK(store->next_send_at() == at(11, 7));
    store->write([&] { store->claim_due(at(11, 7, 1), 10, "host:1", at(11, 12)); });  // a, abandoned
    CHECK(store->next_send_at() == at(11, 9));
    store->write([&] { store->release_claims("host:1", at(11, 8), "stopped"); });
    CHECK(store->next_send_at() == at(11, 8));
}

TEST_CASE_TEMPLATE("who holds claims, and giving back the claims of a process that stopped", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    for (const char* key : {"a", "b", "c"}) add(*store, reminder(key, at(11, 6)));
    CHECK(store->claim_owners().empty());
    claim(*store, at(11, 6), 2, "host:9");
    claim(*store, at(11, 6), 2, "host:3");
    CHECK(store->claim_owners() == std::vector<std::string>{"host:3", "host:9"});

    int released = 0;
    store->write([&] { released = store->release_claims("host:9", at(11, 6, 4), "host:9 stopped"); });
    CHECK(released == 2);
    CHECK(store->claim_owners() == std::vector<std::string>{"host:3"});
    const auto retry = query([](auto& q) { q.states = {DeliveryState::retry}; });
    for (const auto& d : store->deliveries(retry)) {
        CHECK(d.send_at == at(11, 6, 4));
        CHECK(d.reason == "host:9 stopped");
        CHECK(d.claimed_by.empty());
    }
    CHECK(store->deliveries(retry).size() == 2);
    store->write([&] { CHECK(store->release_claims("host:9", at(11, 7), "again") == 0); });
    CHECK(keys_of(claim(*store, at(11, 6, 4), 10)) == std::vector<std::string>{"a", "b"});
}

TEST_CASE_TEMPLATE("counts per state and channel", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    add(*store, reminder("a", at(11, 6)));
    add(*store, reminder("b", at(11, 6)));
    Delivery email = reminder("c", at(11, 6));
    email.channel = "email";
    add(*store, email);
    Delivery failed = reminder("d", at(11, 6));
    failed.state = DeliveryState::failed;
    add(*store, failed);
    const auto counts = store->delivery_counts();
    REQUIRE(counts.size() == 3);
    CHECK(counts[0].state == DeliveryState::planned);
    CHECK(counts[0].channel == "email");
    CHECK(counts[0].count == 1);
    CHECK(counts[1].state == DeliveryState::planned);
    CHECK(counts[1].channel == "sms");
    CHECK(counts[1].count == 2);
    CHECK(counts[2].state == DeliveryState::failed);
    CHECK(counts[2].count == 1);
}

TEST_CASE_TEMPLATE("deliveries are listed by subject, kind, state and time", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    std::vector<int64_t> sessions;
    auto store = populated<Factory>(&sessions);
    int64_t appointment_id = 0;
    store->write([&] {
        store->put_programme(sample_programme("other"));
        store->put_participant(sample_participant("p-2"));
        appointment_id = store->put_appointment(sample_appointment("p-2"));
    });
    add(*store, reminder("s1 late", at(11, 8), sessions[0]));
    add(*store, reminder("s1 early", at(11, 6), sessions[0]));
    add(*store, reminder("s2", at(12, 6), sessions[1]));
    Delivery other = reminder("other programme", at(11, 7));
    other.programme_id = "other";
    other.participant_id = "p-2";
    add(*store, other);
    Delivery appointment = appointment_reminder("appointment", at(11, 5), appointment_id);
    appointment.participant_id = "p-2";
    appointment.programme_id = "";
    add(*store, appointment);
    Delivery alert = reminder("alert", at(11, 9));
    alert.kind = DeliveryKind::alert;
    alert.participant_id = "";
    alert.state = DeliveryState::failed;
    alert.updated_at = at(11, 9, 30);
    add(*store, alert);

    using Keys = std::vector<std::string>;
    auto listed = [&](auto fill) { return keys_of(store->deliveries(query(fill))); };
    CHECK(keys_of(store->deliveries({})) ==
          Keys{"appointment", "s1 early", "other programme", "s1 late", "alert", "s2"});
    CHECK(listed([](auto& q) { q.programme_id = "test"; }) == Keys{"s1 early", "s1 late", "alert", "s2"});
    CHECK(listed([](auto& q) { q.participant_id = "p-2"; }) == Keys{"appointment", "other programme"});
    CHECK(listed([&](auto& q) { q.session_id = sessions[0]; }) == Keys{"s1 early", "s1 late"});
    CHECK(listed([](auto& q) { q.session_id = 0; }) == Keys{"appointment", "other programme", "alert"});
    CHECK(listed([&](auto& q) { q.appointment_id = appointment_id; }) == Keys{"appointment"});
    CHECK(listed([](auto& q) { q.kinds = {DeliveryKind::alert, DeliveryKind::appointment}; }) ==
          Keys{"appointment", "alert"});
    CHECK(listed([](auto& q) {
              q.programme_id = "test";
              q.states = {DeliveryState::planned};
              q.limit = 2;
          }) == Keys{"s1 early", "s1 late"});
    CHECK(listed([](auto& q) { q.updated_since = at(11, 9); }) == Keys{"alert"});

    claim(*store, at(11, 6), 1);  // "appointment", updated at 11 March 06:00
    CHECK(listed([](auto& q) {
              q.newest_first = true;
              q.limit = 3;
          }) == Keys{"alert", "appointment", "other programme"});
}

TEST_CASE_TEMPLATE("a write that throws leaves the outbox as it was", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    const int64_t kept = add(*store, reminder("kept", at(11, 6)));
    CHECK_THROWS_AS(store->write([&] {
        store->add_delivery(reminder("lost", at(11, 5)));
        store->claim_due(at(11, 7), 10, "host:1", at(11, 8));
        store->request_plan("programme:lost");
        store->put_setting("planner.rules", "lost");
        throw std::runtime_error("halfway");
    }),
                    std::runtime_error);
    CHECK(keys_of(store->deliveries({})) == std::vector<std::string>{"kept"});
    CHECK(store->delivery(kept)->state == DeliveryState::planned);
    CHECK(store->delivery(kept)->attempts == 0);
    CHECK(store->next_send_at() == at(11, 6));
    CHECK(store->claim_owners().empty());
    CHECK_FALSE(store->setting("planner.rules").has_value());
    const auto requests = store->plan_requests();
    CHECK(std::find(requests.begin(), requests.end(), "programme:lost") == requests.end());
    // The key that was rolled back can be planned again, and claims work as before.
    CHECK(add(*store, reminder("lost", at(11, 5))) > kept);
    CHECK(keys_of(claim(*store, at(11, 7), 10)) == std::vector<std::string>{"lost", "kept"});
}

TEST_CASE_TEMPLATE("receipts are kept in arrival order, and the delivery shows the latest status", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    const int64_t id = add_sent(*store, reminder("a", at(11, 6)), "kannel-1", at(11, 6, 1));
    const Delivery before = *store->delivery(id);
    REQUIRE(before.provider_status == "accepted");
    CHECK(store->receipts(id).empty());

    // Kannel's two reports often arrive within the same second.
    CHECK(record(*store, receipt(id, at(11, 6, 2), receipt_status::accepted_by_smsc, "ACK/")));
    CHECK(store->delivery(id)->provider_status == "accepted by the SMS centre");
    CHECK(record(*store, receipt(id, at(11, 6, 2), receipt_status::not_delivered, "NACK/0x0000000b")));

    const auto receipts = store->receipts(id);
    REQUIRE(receipts.size() == 2);
    CHECK(statuses_of(receipts) == std::vector<std::string>{"accepted by the SMS centre", "not delivered"});
    CHECK(receipts[0].delivery_id == id);
    CHECK(receipts[0].at == at(11, 6, 2));
    CHECK(receipts[0].detail == "ACK/");
    CHECK(receipts[1].detail == "NACK/0x0000000b");

    // "Not delivered" is news for the lead; the message was sent and stays so.
    const Delivery after = *store->delivery(id);
    CHECK(after.provider_status == "not delivered");
    CHECK(after.state == DeliveryState::sent);
    CHECK(after.sent_at == before.sent_at);
    CHECK(after.updated_at == before.updated_at);
    CHECK(after.attempts == before.attempts);
    CHECK(after.reason == before.reason);
    CHECK(after.provider_id == "kannel-1");
    CHECK_FALSE(store->next_send_at().has_value());
    CHECK(claim(*store, at(12, 6), 10).empty());
}

TEST_CASE_TEMPLATE("a report for no delivery writes nothing", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    const int64_t id = add(*store, reminder("a", at(11, 6)));
    CHECK_FALSE(record(*store, receipt(id + 1, at(11, 6), receipt_status::delivered, "")));
    CHECK(store->receipts(id + 1).empty());
    CHECK(store->delivery(id)->provider_status.empty());

    CHECK_THROWS_AS(store->add_receipt("sms", receipt(id, at(11, 6), receipt_status::delivered, "")), StoreError);
    CHECK_THROWS_AS(store->write([&] { store->add_receipt("sms", receipt(id, {}, receipt_status::delivered, "")); }),
                    StoreError);
    CHECK(store->receipts(id).empty());
    CHECK(store->delivery(id)->provider_status.empty());
}

TEST_CASE_TEMPLATE("a report from another channel's gateway never reaches a delivery", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    const int64_t id = add_sent(*store, reminder("a", at(11, 6)), "k-1", at(11, 6));
    bool recorded = true;
    store->write([&] { recorded = store->add_receipt("email", receipt(id, at(11, 6, 1), receipt_status::delivered, "")); });
    CHECK_FALSE(recorded);
    CHECK(store->receipts(id).empty());
    CHECK(store->delivery(id)->provider_status == "accepted");
    CHECK(record(*store, receipt(id, at(11, 6, 1), receipt_status::delivered, "")));
    CHECK(store->delivery(id)->provider_status == receipt_status::delivered);
}

TEST_CASE_TEMPLATE("a provider's id finds its delivery on its channel", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    const int64_t sms = add_sent(*store, reminder("sms", at(11, 6)), "x-1", at(11, 6));
    Delivery email = reminder("email", at(11, 6));
    email.channel = "email";
    const int64_t mail = add_sent(*store, email, "x-1", at(11, 6));
    add(*store, reminder("not sent yet", at(11, 7)));

    CHECK(store->delivery_by_provider_id("sms", "x-1")->id == sms);
    CHECK(store->delivery_by_provider_id("email", "x-1")->id == mail);
    CHECK(store->delivery_by_provider_id("sms", "x-1")->key == "sms");
    CHECK_FALSE(store->delivery_by_provider_id("sms", "x-2").has_value());
    CHECK_FALSE(store->delivery_by_provider_id("whatsapp", "x-1").has_value());
    CHECK_FALSE(store->delivery_by_provider_id("sms", "").has_value());  // rows without an id are no match

    // An id the provider gives out again belongs to its newer message.
    const int64_t later = add_sent(*store, reminder("sms later", at(12, 6)), "x-1", at(12, 6));
    CHECK(store->delivery_by_provider_id("sms", "x-1")->id == later);
}

TEST_CASE_TEMPLATE("a report that arrives before the send's answer is written back keeps its status", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    add(*store, reminder("a", at(11, 6)));
    const auto claimed = claim(*store, at(11, 6), 1);
    REQUIRE(claimed.size() == 1);
    const int64_t id = claimed[0].delivery.id;

    // Kannel's callback names ritme's delivery id, so it finds the row still claimed.
    CHECK(record(*store, receipt(id, at(11, 6, 1), receipt_status::accepted_by_smsc, "ACK/")));
    CHECK(store->delivery(id)->state == DeliveryState::claimed);
    DeliveryOutcome sent = outcome(id, DeliveryState::sent, at(11, 6, 1));
    sent.provider_id = "k-1";
    sent.provider_status = "accepted";
    store->write([&] { store->finish({sent}); });

    const Delivery d = *store->delivery(id);
    CHECK(d.state == DeliveryState::sent);
    CHECK(d.provider_id == "k-1");
    CHECK(d.provider_status == "accepted by the SMS centre");
    CHECK(store->delivery_by_provider_id("sms", "k-1")->id == id);
}

TEST_CASE_TEMPLATE("a write that throws leaves the receipts as they were", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    const int64_t id = add_sent(*store, reminder("a", at(11, 6)), "k-1", at(11, 6));
    CHECK(record(*store, receipt(id, at(11, 6, 1), receipt_status::accepted_by_smsc, "ACK/")));
    int64_t lost = 0;
    CHECK_THROWS_AS(store->write([&] {
        store->add_receipt("sms", receipt(id, at(11, 6, 2), receipt_status::delivered, "DELIVRD"));
        lost = store->add_delivery(reminder("lost", at(11, 5)));
        store->add_receipt("sms", receipt(lost, at(11, 6, 2), receipt_status::not_delivered, ""));
        throw std::runtime_error("halfway");
    }),
                    std::runtime_error);
    CHECK(statuses_of(store->receipts(id)) == std::vector<std::string>{"accepted by the SMS centre"});
    CHECK(store->delivery(id)->provider_status == "accepted by the SMS centre");
    CHECK_FALSE(store->delivery(lost).has_value());
    CHECK(store->receipts(lost).empty());
    // The row planned again in its place starts without reports.
    CHECK(store->receipts(add(*store, reminder("lost", at(11, 5)))).empty());
}

TEST_CASE_TEMPLATE("appointments round-trip and are listed by start", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    Appointment later = sample_appointment("p-1");
    Appointment earlier = sample_appointment("p-1");
    earlier.start_utc = at(15, 9);
    earlier.programme_id.clear();
    int64_t later_id = 0, earlier_id = 0;
    store->write([&] {
        later_id = store->put_appointment(later);
        earlier_id = store->put_appointment(earlier);
    });
    CHECK(later_id != earlier_id);
    const auto loaded = store->appointment(later_id);
    REQUIRE(loaded);
    CHECK(loaded->participant_id == "p-1");
    CHECK(loaded->programme_id == "test");
    CHECK(loaded->start_utc == at(20, 13));
    CHECK(loaded->duration_minutes == 45);
    CHECK(loaded->where == later.where);
    CHECK(loaded->note == later.note);
    CHECK_FALSE(loaded->cancelled);
    CHECK(loaded->version == 1);
    CHECK_FALSE(loaded->changed_at.has_value());
    CHECK(store->appointment(earlier_id)->programme_id.empty());

    Appointment moved = *loaded;
    moved.previous_start_utc = moved.start_utc;
    moved.start_utc = at(21, 13);
    moved.changed_at = at(12, 10);
    moved.version = 2;
    store->write([&] { CHECK(store->put_appointment(moved) == later_id); });
    const auto reloaded = *store->appointment(later_id);
    CHECK(reloaded.start_utc == at(21, 13));
    CHECK(reloaded.previous_start_utc == at(20, 13));
    CHECK(reloaded.changed_at == at(12, 10));
    CHECK(reloaded.version == 2);

    const auto listed = store->appointments("p-1");
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].id == earlier_id);
    CHECK(listed[1].id == later_id);
    CHECK(store->appointments("p-2").empty());
    CHECK_FALSE(store->appointment(later_id + earlier_id).has_value());

    CHECK_THROWS_AS(store->write([&] { store->put_appointment(sample_appointment("p-9")); }), StoreError);
    Appointment elsewhere = sample_appointment("p-1");
    elsewhere.programme_id = "missing";
    CHECK_THROWS_AS(store->write([&] { store->put_appointment(elsewhere); }), StoreError);
    Appointment unknown = sample_appointment("p-1");
    unknown.id = later_id + earlier_id;
    CHECK_THROWS_AS(store->write([&] { store->put_appointment(unknown); }), StoreError);
    CHECK_THROWS_AS(store->put_appointment(sample_appointment("p-1")), StoreError);
}

TEST_CASE_TEMPLATE("every change reminders depend on files a plan request, once", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    CHECK(store->plan_requests().empty());
    store->write([&] { store->put_programme(sample_programme()); });
    CHECK(store->plan_requests() == std::vector<std::string>{"programme:test"});
    store->write([&] { store->clear_plan_request("programme:test"); });
    CHECK(store->plan_requests().empty());

    store->write([&] { store->put_session(sample_session(1)); });
    CHECK(store->plan_requests() == std::vector<std::string>{"programme:test"});
    store->write([&] {
        store->clear_plan_request("programme:test");
        store->put_participant(sample_participant("p-1"));
    });
    CHECK(store->plan_requests() == std::vector<std::string>{"participant:p-1"});
    store->write([&] {
        store->clear_plan_request("participant:p-1");
        store->enrol("p-1", "test");
    });
    CHECK(store->plan_requests() == std::vector<std::string>{"programme:test"});
    store->write([&] {
        store->clear_plan_request("programme:test");
        store->unenrol("p-1", "test");
    });
    CHECK(store->plan_requests() == std::vector<std::string>{"programme:test"});
    store->write([&] {
        store->put_appointment(sample_appointment("p-1"));
        store->request_plan("programme:test");
        store->request_plan("participant:p-1");
    });
    CHECK(store->plan_requests() == std::vector<std::string>{"participant:p-1", "programme:test"});
    CHECK_THROWS_AS(store->request_plan("programme:x"), StoreError);
    CHECK_THROWS_AS(store->clear_plan_request("programme:test"), StoreError);
}

TEST_CASE_TEMPLATE("settings keep one value per key", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    CHECK_FALSE(store->setting("planner.rules").has_value());
    store->write([&] { store->put_setting("planner.rules", "a1"); });
    store->write([&] { store->put_setting("planner.rules", "b2"); });
    CHECK(store->setting("planner.rules") == "b2");
    CHECK_THROWS_AS(store->put_setting("planner.rules", "c3"), StoreError);
}

TEST_CASE_TEMPLATE("erasing a participant removes their appointments and messages", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    int64_t appointment_id = 0;
    store->write([&] {
        store->put_participant(sample_participant("p-2"));
        appointment_id = store->put_appointment(sample_appointment("p-1"));
    });
    const int64_t own = add_sent(*store, reminder("for p-1", at(11, 6)), "gw-1", at(11, 6));
    Delivery alert = reminder("alert about the appointment", at(11, 6));
    alert.kind = DeliveryKind::alert;
    alert.participant_id = "";
    alert.appointment_id = appointment_id;
    alert.appointment_version = 1;
    const int64_t about = add_sent(*store, alert, "gw-2", at(11, 6));
    Delivery other = reminder("for p-2", at(11, 6));
    other.participant_id = "p-2";
    const int64_t kept = add_sent(*store, other, "gw-3", at(11, 6));
    for (const int64_t id : {own, about, kept})
        CHECK(record(*store, receipt(id, at(11, 6, 1), receipt_status::delivered, "DELIVRD")));

    store->write([&] { store->delete_participant("p-1", true); });
    CHECK(store->appointments("p-1").empty());
    CHECK_FALSE(store->appointment(appointment_id).has_value());
    CHECK(keys_of(store->deliveries({})) == std::vector<std::string>{"for p-2"});
    CHECK(store->receipts(own).empty());
    CHECK(store->receipts(about).empty());
    CHECK_FALSE(store->delivery_by_provider_id("sms", "gw-1").has_value());
    CHECK_FALSE(store->delivery_by_provider_id("sms", "gw-2").has_value());
    CHECK(store->receipts(kept).size() == 1);
    CHECK(store->delivery_by_provider_id("sms", "gw-3")->id == kept);
    CHECK(store->deliveries(query([](auto& q) { q.participant_id = "p-1"; })).empty());
    const auto requests = store->plan_requests();
    CHECK(std::find(requests.begin(), requests.end(), "participant:p-1") == requests.end());
    CHECK(store->anonymous_enrolments("test") == 1);
}

TEST_CASE("sqlite: an erased participant leaves no trace in the file") {
    const auto path = fresh_directory("erase") / "ritme.db";
    {
        auto store = SqliteStore::open(path.string());
        store->write([&] {
            store->put_programme(sample_programme());
            store->put_participant(sample_participant("p-erase-me"));
            store->enrol("p-erase-me", "test");
            store->put_appointment(sample_appointment("p-erase-me"));
        });
        Delivery d = reminder("reminder:test#1@v1:p-erase-me:2h:sms", at(11, 6));
        d.participant_id = "p-erase-me";
        const int64_t id = add_sent(*store, d, "provider-id-of-the-erased", at(11, 6));
        CHECK(record(*store, receipt(id, at(11, 6, 1), receipt_status::not_delivered, "words-about-the-erased")));
        store->checkpoint();
        store->write([&] { store->delete_participant("p-erase-me", true); });
        store->checkpoint();
    }
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    CHECK(bytes.find("p-erase-me") == std::string::npos);
    CHECK(bytes.find("Stationsstraat") == std::string::npos);
    CHECK(bytes.find("+31612345678") == std::string::npos);
    CHECK(bytes.find("provider-id-of-the-erased") == std::string::npos);
    CHECK(bytes.find("words-about-the-erased") == std::string::npos);
}

TEST_CASE("sqlite: a version 3 database keeps its outbox and gains receipts") {
    const auto path = (fresh_directory("v3") / "ritme.db").string();
    int64_t sent_id = 0;
    {
        auto v3 = SqliteStore::open_at_version(path, 3);
        REQUIRE(v3->schema_version() == 3);
        v3->write([&] {
            v3->put_programme(sample_programme());
            v3->put_participant(sample_participant("p-1"));
        });
        {
            // Enrolled as a version 3 ritme did: today's enrol also writes the told table.
            SQLite::Database raw(path, SQLite::OPEN_READWRITE);
            raw.exec("INSERT INTO enrolment (participant_id, programme_id) VALUES ('p-1', 'test')");
        }
        Delivery sent = reminder("reminder:test#1@v1:p-1:2h:sms", at(11, 6));
        sent.state = DeliveryState::sent;
        sent.attempts = 1;
        sent.sent_at = at(11, 6);
        sent.provider_id = "cm-77";
        sent.provider_status = "accepted";
        sent_id = add(*v3, sent);
        add(*v3, reminder("reminder:test#2@v1:p-1:2h:sms", at(12, 6)));
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        CHECK_FALSE(raw.tableExists("delivery_receipt"));
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    CHECK(keys_of(store->deliveries({})) ==
          std::vector<std::string>{"reminder:test#1@v1:p-1:2h:sms", "reminder:test#2@v1:p-1:2h:sms"});
    CHECK(store->participants_of("test") == std::vector<std::string>{"p-1"});
    CHECK(store->next_send_at() == at(12, 6));

    const auto found = store->delivery_by_provider_id("sms", "cm-77");
    REQUIRE(found);
    CHECK(found->id == sent_id);
    CHECK(found->state == DeliveryState::sent);
    CHECK(found->provider_status == "accepted");
    CHECK(store->receipts(sent_id).empty());
    CHECK(record(*store, receipt(sent_id, at(11, 6, 1), receipt_status::delivered, "DELIVRD")));
    CHECK(store->delivery(sent_id)->provider_status == "delivered");

    // A provider's callback is looked up by its index, not by reading the whole outbox.
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    SQLite::Statement plan(raw,
                           "EXPLAIN QUERY PLAN SELECT id FROM delivery "
                           "WHERE channel = 'sms' AND provider_id = 'cm-77' AND provider_id <> ''");
    std::string steps;
    while (plan.executeStep()) steps += plan.getColumn(3).getString() + "\n";
    CHECK(steps.find("delivery_by_provider_id") != std::string::npos);
}

TEST_CASE("sqlite: a version 6 database keeps its receipts, which have no key, and gains the report key") {
    const auto path = (fresh_directory("v6") / "ritme.db").string();
    int64_t sent_id = 0;
    {
        auto v6 = SqliteStore::open_at_version(path, 6);
        v6->write([&] {
            v6->put_programme(sample_programme());
            v6->put_participant(sample_participant("p-1"));
        });
        Delivery sent = reminder("reminder:test#1@v1:p-1:2h:sms", at(11, 6));
        sent.state = DeliveryState::sent;
        sent.sent_at = at(11, 6);
        sent_id = add(*v6, sent);
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("INSERT INTO delivery_receipt (delivery_id, at, status, detail) VALUES (" + std::to_string(sent_id) +
                 ", 1773208800, 'accepted by the SMS centre', 'ACK/')");
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    auto kept = store->receipts(sent_id);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].detail == "ACK/");
    CHECK(kept[0].report_key.empty());
    DeliveryReceipt delivered = receipt(sent_id, at(11, 6, 2), receipt_status::delivered, "DELIVRD");
    delivered.report_key = "kannel:1";
    CHECK(record(*store, delivered));
    CHECK_FALSE(record(*store, delivered));
    CHECK(store->receipts(sent_id).size() == 2);
}

TEST_CASE_TEMPLATE("a report with a key the delivery has already is not stored again; no key is never a repeat",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    std::vector<int64_t> sessions;
    auto store = populated<Factory>(&sessions);
    const int64_t id = add(*store, reminder("reminder:test#1@v1:p-1:2h:sms", at(11, 6), sessions[0]));
    const int64_t other = add(*store, reminder("reminder:test#2@v1:p-1:2h:sms", at(12, 6), sessions[0]));
    DeliveryReceipt accepted = receipt(id, at(11, 6, 1), receipt_status::accepted_by_smsc, "ACK/");
    accepted.report_key = "k8";
    CHECK(record(*store, accepted));
    CHECK_FALSE(record(*store, accepted));
    accepted.delivery_id = other;  // the same key on another delivery is another report
    CHECK(record(*store, accepted));
    const DeliveryReceipt unkeyed = receipt(id, at(11, 6, 2), receipt_status::delivered, "DELIVRD");
    CHECK(record(*store, unkeyed));
    CHECK(record(*store, unkeyed));
    CHECK(store->receipts(id).size() == 3);
    CHECK(store->receipts(other).size() == 1);
}

TEST_CASE_TEMPLATE("a final failure report fails a sent delivery; other states stay as they are", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    std::vector<int64_t> sessions;
    auto store = populated<Factory>(&sessions);
    Delivery sent = reminder("reminder:test#1@v1:p-1:2h:sms", at(11, 6), sessions[0]);
    sent.state = DeliveryState::sent;
    sent.sent_at = at(11, 6);
    const int64_t sent_id = add(*store, sent);
    const int64_t planned_id = add(*store, reminder("reminder:test#2@v1:p-1:2h:sms", at(12, 6), sessions[0]));
    bool failed = false, planned = true;
    store->write([&] {
        failed = store->mark_undelivered(sent_id, "the gateway reported it not delivered", at(11, 7));
        planned = store->mark_undelivered(planned_id, "no", at(11, 7));
    });
    CHECK(failed);
    CHECK_FALSE(planned);
    CHECK(store->delivery(sent_id)->state == DeliveryState::failed);
    CHECK(store->delivery(sent_id)->reason == "the gateway reported it not delivered");
    CHECK(store->delivery(planned_id)->state == DeliveryState::planned);
    bool again = true;
    store->write([&] { again = store->mark_undelivered(sent_id, "again", at(11, 8)); });
    CHECK_FALSE(again);
    CHECK_THROWS_AS(store->mark_undelivered(sent_id, "outside write", at(11, 8)), StoreError);
}

TEST_CASE("sqlite: two processes claiming from one file never get the same row") {
    const auto path = (fresh_directory("concurrent") / "ritme.db").string();
    constexpr int rows = 600;
    {
        auto store = SqliteStore::open(path);
        store->write([&] {
            store->put_programme(sample_programme());
            store->put_participant(sample_participant("p-1"));
            for (int i = 0; i < rows; ++i)
                store->add_delivery(reminder("r" + std::to_string(i), {at(11, 6).utc + pt::seconds(i % 7)}));
        });
    }
    // Each worker has its own connection, as a second daemon or a tick would.
    auto work = [&](const std::string& owner, std::vector<int64_t>& claimed) {
        auto store = SqliteStore::open(path);
        for (;;) {
            std::vector<ClaimedDelivery> batch;
            store->write([&] { batch = store->claim_due(at(11, 7), 7, owner, at(11, 8)); });
            if (batch.empty()) return;
            std::vector<DeliveryOutcome> done;
            for (const auto& c : batch) {
                claimed.push_back(c.delivery.id);
                done.push_back(outcome(c.delivery.id, DeliveryState::sent, at(11, 7)));
            }
            store->write([&] { store->finish(done); });
        }
    };
    std::vector<int64_t> first, second;
    std::thread one(work, "host:1", std::ref(first));
    std::thread two(work, "host:2", std::ref(second));
    one.join();
    two.join();
    std::set<int64_t> all(first.begin(), first.end());
    for (const int64_t id : second) CHECK(all.insert(id).second);
    CHECK(all.size() == rows);
    auto store = SqliteStore::open(path);
    REQUIRE(store->delivery_counts().size() == 1);
    CHECK(store->delivery_counts()[0].state == DeliveryState::sent);
    CHECK(store->delivery_counts()[0].count == rows);
}


TEST_CASE_TEMPLATE("a slow batch renews its claims, and a row claimed by another process meanwhile stays theirs",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = populated<Factory>();
    const int64_t slow = add(*store, reminder("slow", at(11, 6)));
    const int64_t taken = add(*store, reminder("taken", at(11, 6)));
    REQUIRE(claim(*store, at(11, 6), 10, "host:1").size() == 2);  // leased until 06:05

    // host:1 renews only what it still holds, and only its own.
    int renewed = 0;
    store->write([&] { renewed = store->renew_claims("host:2", {slow}, at(11, 7)); });
    CHECK(renewed == 0);
    store->write([&] { renewed = store->renew_claims("host:1", {slow}, at(11, 6, 20)); });
    CHECK(renewed == 1);
    CHECK(store->delivery(slow)->claimed_until == at(11, 6, 20));

    // At 06:10 the lease of `taken` has run out and host:2 claims it; `slow` is still held.
    const auto second = claim(*store, at(11, 6, 10), 10, "host:2");
    REQUIRE(second.size() == 1);
    CHECK(second.front().delivery.id == taken);

    // host:1's late results: only the row it still holds is written.
    DeliveryOutcome slow_sent = outcome(slow, DeliveryState::sent, at(11, 6, 12));
    DeliveryOutcome taken_failed = outcome(taken, DeliveryState::failed, at(11, 6, 12));
    slow_sent.claimed_by = taken_failed.claimed_by = "host:1";
    std::vector<int64_t> written;
    store->write([&] { written = store->finish({slow_sent, taken_failed}); });
    CHECK(written == std::vector<int64_t>{slow});
    CHECK(store->delivery(slow)->state == DeliveryState::sent);
    CHECK(store->delivery(taken)->state == DeliveryState::claimed);
    CHECK(store->delivery(taken)->claimed_by == "host:2");
}

TEST_CASE("sqlite: a delivery state or kind ritme does not know is an error that names the table, row and word") {
    const auto path = (fresh_directory("unknown-words") / "ritme.db").string();
    auto store = SqliteStore::open(path);
    const int64_t sending = add(*store, reminder("sending", at(11, 6)));
    const int64_t postcard = add(*store, reminder("postcard", at(11, 7)));
    damage_delivery(path, sending, "state = 'sending'");

    const std::string by_id = test::store_error_of([&] { store->delivery(sending); });
    CHECK(by_id.find(path) != std::string::npos);
    CHECK(by_id.find("reading a delivery") != std::string::npos);
    CHECK(by_id.find("table delivery, row " + std::to_string(sending)) != std::string::npos);
    CHECK(by_id.find("state 'sending'") != std::string::npos);
    CHECK(test::store_error_of([&] { store->deliveries({}); }).find("'sending'") != std::string::npos);
    CHECK(test::store_error_of([&] { store->delivery_counts(); }).find("state 'sending'") != std::string::npos);
    CHECK(store->delivery(postcard)->state == DeliveryState::planned);  // the other row reads as before

    // A kind it does not know, on a row that is due: the claim leaves that row where it
    // is (status reports it) rather than sending it as a reminder, and claims the others.
    const int64_t letter = add(*store, reminder("letter", at(11, 7)));
    damage_delivery(path, postcard, "kind = 'postcard'");
    const auto claimed = claim(*store, at(11, 8), 10);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed.front().delivery.id == letter);
    CHECK(test::store_error_of([&] { store->delivery(postcard); }).find("kind 'postcard'") != std::string::npos);
    damage_delivery(path, postcard, "kind = 'reminder'");
    CHECK(store->delivery(postcard)->state == DeliveryState::planned);
    CHECK(store->delivery(postcard)->attempts == 0);
}

TEST_CASE("sqlite: a read that fails half-way leaves the store reading what is current") {
    const auto path = (fresh_directory("half-way") / "ritme.db").string();
    auto store = SqliteStore::open(path);
    add(*store, reminder("first", at(11, 6)));
    const int64_t second = add(*store, reminder("second", at(11, 7)));
    damage_delivery(path, second, "state = 'sending'");
    // The first row reads, the second does not: the statement stops on a row.
    CHECK_FALSE(test::store_error_of([&] { store->deliveries({}); }).empty());
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("INSERT INTO setting (key, value) VALUES ('written.elsewhere', 'yes')");
    }
    CHECK(store->setting("written.elsewhere") == "yes");
}

TEST_CASE("sqlite: reads and writes on a damaged database are StoreErrors that name the file and the work") {
    const auto path = (fresh_directory("damaged") / "ritme.db").string();
    int64_t id = 0;
    {
        auto store = SqliteStore::open(path);
        id = add_sent(*store, reminder("sent", at(11, 6)), "gateway-1", at(11, 6));
        // A table gone behind the store's back, then back.
        {
            SQLite::Database raw(path, SQLite::OPEN_READWRITE);
            raw.exec("ALTER TABLE delivery_receipt RENAME TO receipt_aside");
        }
        const std::string reading = test::store_error_of([&] { store->receipts(id); });
        CHECK(reading.find("database " + path + ": reading receipts: no such table") != std::string::npos);
        const std::string writing =
            test::store_error_of([&] { record(*store, receipt(id, at(11, 7), receipt_status::delivered, "")); });
        CHECK(writing.find("database " + path + ": adding a receipt: no such table") != std::string::npos);
        {
            SQLite::Database raw(path, SQLite::OPEN_READWRITE);
            raw.exec("ALTER TABLE receipt_aside RENAME TO delivery_receipt");
        }
        CHECK(store->delivery(id)->provider_status == "accepted");  // the failed write left nothing
        CHECK(store->receipts(id).empty());
    }
    // The outbox's page overwritten on disk.
    int page_size = 0;
    int delivery_page = 0;
    {
        SQLite::Database raw(path, SQLite::OPEN_READONLY);
        page_size = raw.execAndGet("PRAGMA page_size").getInt();
        delivery_page = raw.execAndGet("SELECT rootpage FROM sqlite_schema WHERE name = 'delivery'").getInt();
    }
    const auto overwrite = [&](int from_page, int pages) {
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        const std::string garbage(static_cast<size_t>(page_size * pages), '\xa5');
        file.seekp(static_cast<std::streamoff>(page_size) * (from_page - 1));
        file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    };
    overwrite(delivery_page, 1);
    {
        auto store = SqliteStore::open(path);
        const std::string listing = test::store_error_of([&] { store->deliveries({}); });
        CHECK(listing.find("database " + path + ": listing deliveries: database disk image is malformed") !=
              std::string::npos);
        CHECK(test::store_error_of([&] { store->delivery(id); }).find("reading a delivery") != std::string::npos);
        CHECK(test::store_error_of([&] { add(*store, reminder("later", at(11, 8))); }).find("adding a delivery") !=
              std::string::npos);
    }
    // And the schema's pages: the file no longer opens.
    overwrite(2, static_cast<int>(fs::file_size(path)) / page_size - 1);
    CHECK(test::store_error_of([&] { SqliteStore::open(path); }).find("cannot open the database " + path) !=
          std::string::npos);
}

TEST_CASE("sqlite: a file that is no database is a StoreError that names it") {
    const auto path = (fresh_directory("not-a-database") / "ritme.db").string();
    {
        std::ofstream file(path, std::ios::binary);
        file << std::string(8192, 'x');
    }
    CHECK(test::store_error_of([&] { SqliteStore::open(path); }).find("cannot open the database " + path) != std::string::npos);
}

TEST_SUITE_END();

TEST_CASE("sqlite: a version 11 database keeps its receipts in one index, which still refuses a repeated report") {
    const auto path = (fresh_directory("v11") / "ritme.db").string();
    int64_t sent_id = 0;
    {
        auto v11 = SqliteStore::open_at_version(path, 11);
        v11->write([&] {
            v11->put_programme(sample_programme());
            v11->put_participant(sample_participant("p-1"));
        });
        Delivery sent = reminder("reminder:test#1@v1:p-1:2h:sms", at(11, 6));
        sent.state = DeliveryState::sent;
        sent.sent_at = at(11, 6);
        sent_id = add(*v11, sent);
        DeliveryReceipt accepted = receipt(sent_id, at(11, 6, 1), receipt_status::accepted_by_smsc, "ACK/");
        accepted.report_key = "kannel:8";
        CHECK(record(*v11, accepted));
        CHECK(record(*v11, receipt(sent_id, at(11, 6, 1), receipt_status::accepted_by_smsc, "no key")));
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    auto kept = store->receipts(sent_id);
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].report_key == "kannel:8");
    CHECK(kept[1].report_key.empty());

    // The same report again is refused; another report, and a report without a key, are kept.
    DeliveryReceipt accepted = receipt(sent_id, at(11, 6, 2), receipt_status::accepted_by_smsc, "ACK/");
    accepted.report_key = "kannel:8";
    CHECK_FALSE(record(*store, accepted));
    DeliveryReceipt delivered = receipt(sent_id, at(11, 6, 3), receipt_status::delivered, "DELIVRD");
    delivered.report_key = "kannel:1";
    CHECK(record(*store, delivered));
    CHECK(record(*store, receipt(sent_id, at(11, 6, 3), receipt_status::delivered, "no key")));
    CHECK(store->receipts(sent_id).size() == 4);
    CHECK(store->delivery(sent_id)->provider_status == receipt_status::delivered);

    // One index on the receipts, used for the repeat and for the delivery's latest report.
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    std::vector<std::string> indexes;
    SQLite::Statement list(raw, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'delivery_receipt'");
    while (list.executeStep()) indexes.push_back(list.getColumn(0).getString());
    CHECK(indexes == std::vector<std::string>{"delivery_receipt_by_delivery"});
    for (const char* query : {"SELECT 1 FROM delivery_receipt WHERE delivery_id = 1 AND report_key = 'k' AND report_key <> ''",
                              "SELECT status FROM delivery_receipt WHERE delivery_id = 1 ORDER BY id DESC LIMIT 1"}) {
        SQLite::Statement plan(raw, std::string("EXPLAIN QUERY PLAN ") + query);
        std::string steps;
        while (plan.executeStep()) steps += plan.getColumn(3).getString() + "\n";
        CHECK_MESSAGE(steps.find("delivery_receipt_by_delivery") != std::string::npos, query, "\n", steps);
    }
}
