// Calendar feeds' tokens and the lead's messages to the group in every Store
// implementation (one template case per behaviour, memory and SQLite), and the SQLite
// migrations to version 11 that add them and the outbox's group kind (from 10, and from 9
// through the follow-ups' 10).

#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "postgres_test_store.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>

#include <filesystem>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

using ritme::test::PostgresFactory;

namespace {

fs::path fresh_directory(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("ritme-feed-store-test-" + name);
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

UtcInstant at(int day, int hour) { return {pt::ptime(make_date(2026, 3, day), pt::hours(hour))}; }

FeedToken feed(const std::string& id, FeedKind kind, const std::string& programme, const std::string& participant,
               UtcInstant created) {
    FeedToken t;
    t.id = id;
    t.hash = "hash-" + id;
    t.kind = kind;
    t.programme_id = programme;
    t.participant_id = participant;
    t.created_at = created;
    t.created_by = "Fatima";
    return t;
}

}  // namespace

TEST_SUITE_BEGIN("feed_store");

TEST_CASE_TEMPLATE("feeds round-trip, are found by hash and id, listed per programme oldest first, revoked in place",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    const FeedToken leads = feed("f-2", FeedKind::programme, "almere", "", at(2, 9));
    const FeedToken creche = feed("f-1", FeedKind::creche, "almere", "", at(3, 9));
    const FeedToken hers = feed("f-3", FeedKind::participant, "zeewolde", "p-1", at(1, 9));
    store->write([&] {
        store->put_feed_token(leads);
        store->put_feed_token(creche);
        store->put_feed_token(hers);
    });
    CHECK(store->feed_token("f-1") == creche);
    CHECK(store->feed_token_by_hash("hash-f-3") == hers);
    CHECK_FALSE(store->feed_token_by_hash("hash-none").has_value());
    const auto almere = store->feed_tokens("almere");
    REQUIRE(almere.size() == 2);
    CHECK(almere[0].id == "f-2");
    CHECK(almere[1].id == "f-1");
    CHECK(store->feed_tokens("").size() == 3);

    FeedToken revoked = leads;
    revoked.revoked_at = at(4, 9);
    store->write([&] { store->put_feed_token(revoked); });
    CHECK(store->feed_token("f-2")->revoked_at == at(4, 9));
    CHECK(store->feed_tokens("almere").size() == 2);
}

TEST_CASE_TEMPLATE("erasing a participant removes her feeds, not the programme's", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    Participant p;
    p.id = "p-1";
    p.name = "Amina";
    p.phone = "+31612345678";
    store->write([&] {
        store->put_participant(p);
        store->put_feed_token(feed("f-1", FeedKind::participant, "almere", "p-1", at(1, 9)));
        store->put_feed_token(feed("f-2", FeedKind::programme, "almere", "", at(1, 9)));
    });
    store->write([&] { store->delete_participant("p-1", true); });
    CHECK_FALSE(store->feed_token("f-1").has_value());
    CHECK(store->feed_token("f-2").has_value());
}

TEST_CASE_TEMPLATE("group messages keep their texts per language; Dutch is required and the fallback", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    GroupMessage message;
    message.programme_id = "almere";
    message.texts = {{"nl", "Morgen koffie!"}, {"ar", "قهوة غدا"}};
    message.author = "Fatima";
    message.created_at = at(2, 9);
    message.send_at = at(2, 10);
    int64_t id = 0;
    store->write([&] { id = store->add_group_message(message); });
    CHECK(id > 0);
    const auto stored = store->group_message(id);
    REQUIRE(stored.has_value());
    message.id = id;
    CHECK(*stored == message);
    CHECK(stored->text_for("ar") == "قهوة غدا");
    CHECK(stored->text_for("ar-MA") == "قهوة غدا");
    CHECK(stored->text_for("so") == "Morgen koffie!");
    CHECK_FALSE(store->group_message(id + 1).has_value());

    GroupMessage no_dutch = message;
    no_dutch.texts = {{"en", "Coffee"}};
    CHECK_THROWS_AS(store->write([&] { store->add_group_message(no_dutch); }), StoreError);
}

TEST_CASE_TEMPLATE("a group delivery is stored and claimed like any other", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    Delivery d;
    d.key = "group:1:p-1:sms";
    d.kind = DeliveryKind::group;
    d.programme_id = "almere";
    d.participant_id = "p-1";
    d.channel = "sms";
    d.due_at = at(2, 9);
    d.send_at = at(2, 9);
    d.expires_at = at(4, 9);
    d.updated_at = at(2, 9);
    d.payload = R"({"group":1})";
    store->write([&] { CHECK(store->add_delivery(d) > 0); });
    std::vector<ClaimedDelivery> claimed;
    store->write([&] { claimed = store->claim_due(at(2, 10), 10, "test", at(2, 11)); });
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].delivery.kind == DeliveryKind::group);
    CHECK(claimed[0].subject_current);
}

TEST_CASE("migrations: a version 10 database gains the feeds, the group messages and the group kind, keeping its "
          "outbox and receipts") {
    const auto path = (fresh_directory("migrate-10") / "ritme.db").string();
    {
        auto old = SqliteStore::open_at_version(path, 10);
        CHECK(old->schema_version() == 10);
        Delivery d;
        d.key = "reminder:x";
        d.kind = DeliveryKind::reminder;
        d.programme_id = "almere";
        d.participant_id = "p-1";
        d.channel = "sms";
        d.due_at = d.send_at = d.updated_at = at(2, 9);
        d.expires_at = at(3, 9);
        old->write([&] {
            const int64_t id = old->add_delivery(d);
            old->add_receipt("sms", {id, at(2, 9), std::string(receipt_status::delivered), "ok", "k1"});
        });
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    const auto rows = store->deliveries({});
    REQUIRE(rows.size() == 1);
    CHECK(store->receipts(rows[0].id).size() == 1);
    store->write([&] { store->put_feed_token(feed("f-1", FeedKind::programme, "almere", "", at(1, 9))); });
    CHECK(store->feed_token("f-1").has_value());
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    // The outbox's CHECK takes the kinds of version 10 and the group kind.
    for (const char* kind : {"group", "follow-up", "overview"})
        CHECK_NOTHROW(db.exec(std::string("INSERT INTO delivery (key, kind, programme_id, session_version, "
                                          "appointment_version, participant_id, reminder_offset, channel, send_at, "
                                          "state, attempts, reason, provider_id, provider_status, claimed_by, payload) "
                                          "VALUES ('k-") +
                              kind + "', '" + kind + "', 'a', 0, 0, 'p', '', 'sms', 0, 'sent', 1, '', '', '', '', '')"));
    CHECK_THROWS(db.exec("INSERT INTO delivery (key, kind, programme_id, session_version, appointment_version, "
                         "participant_id, reminder_offset, channel, send_at, state, attempts, reason, provider_id, "
                         "provider_status, claimed_by, payload) VALUES ('k-x', 'newsletter', 'a', 0, 0, 'p', '', "
                         "'sms', 0, 'sent', 1, '', '', '', '', '')"));
}

TEST_CASE("migrations: a version 9 database passes through 10 to 11, keeping its outbox and receipts, and takes "
          "follow-ups, overviews, feeds and group messages") {
    const auto path = (fresh_directory("migrate-9") / "ritme.db").string();
    Delivery reminder;
    reminder.key = "reminder:x";
    reminder.kind = DeliveryKind::reminder;
    reminder.programme_id = "almere";
    reminder.participant_id = "p-1";
    reminder.channel = "sms";
    reminder.due_at = reminder.send_at = reminder.updated_at = at(2, 9);
    reminder.expires_at = at(3, 9);
    {
        auto old = SqliteStore::open_at_version(path, 9);
        CHECK(old->schema_version() == 9);
        old->write([&] {
            const int64_t id = old->add_delivery(reminder);
            old->add_receipt("sms", {id, at(2, 9), std::string(receipt_status::delivered), "ok", "k1"});
        });
        // Version 9's CHECK knows neither kind.
        for (const auto kind : {DeliveryKind::group, DeliveryKind::overview}) {
            Delivery other = reminder;
            other.key = std::string(name_of(kind)) + ":x";
            other.kind = kind;
            CHECK_THROWS_AS(old->write([&] { old->add_delivery(other); }), StoreError);
        }
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    const auto rows = store->deliveries({});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].key == reminder.key);
    CHECK(store->receipts(rows[0].id).size() == 1);

    StoredFollowUp follow_up;
    follow_up.key = "absences-in-a-row:p-1:almere#s1";
    follow_up.cause = FollowUpCause::absences_in_a_row;
    follow_up.participant_id = "p-1";
    follow_up.programme_id = "almere";
    follow_up.session_id = 7;
    follow_up.count = 2;
    follow_up.created_at = at(2, 10);
    GroupMessage message;
    message.programme_id = "almere";
    message.texts = {{"nl", "Morgen koffie!"}};
    message.author = "Ans";
    message.created_at = at(2, 9);
    message.send_at = at(2, 10);
    int64_t follow_up_id = 0;
    int64_t message_id = 0;
    store->write([&] {
        for (const auto kind : {DeliveryKind::follow_up, DeliveryKind::overview, DeliveryKind::group}) {
            Delivery other = reminder;
            other.key = std::string(name_of(kind)) + ":x";
            other.kind = kind;
            CHECK(store->add_delivery(other) > 0);
        }
        follow_up_id = store->add_follow_up(follow_up);
        message_id = store->add_group_message(message);
        store->put_feed_token(feed("f-1", FeedKind::participant, "almere", "p-1", at(1, 9)));
    });
    CHECK(store->deliveries({}).size() == 4);
    CHECK(store->follow_up(follow_up_id).has_value());
    CHECK(store->group_message(message_id).has_value());
    CHECK(store->feed_token("f-1").has_value());
}

TEST_SUITE_END();
