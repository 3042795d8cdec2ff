// Leads and their sign-in tokens in every Store implementation (the shared store suite's
// way: one template case per behaviour, run against the memory and the SQLite store),
// and the SQLite migration that adds them.

#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "postgres_test_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

using ritme::test::PostgresFactory;

namespace {

fs::path fresh_directory(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("ritme-lead-store-test-" + name);
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

LeadToken token(const std::string& hash, LeadTokenKind kind, const std::string& lead_id, UtcInstant created) {
    LeadToken t;
    t.hash = hash;
    t.kind = kind;
    t.lead_id = lead_id;
    t.created_at = created;
    t.last_used_at = created;
    t.expires_at = {created.utc + pt::hours(24)};
    return t;
}

}  // namespace

TEST_SUITE_BEGIN("lead_store");

TEST_CASE_TEMPLATE("leads round-trip with the programmes they lead, sorted, and put replaces", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    const StoredLead fatima{"l-1", "Fatima", "fatima@example.org", "+31612345678", {"zeewolde", "almere"}};
    const StoredLead ans{"l-2", "Ans", "", "+31687654321", {}};
    store->write([&] {
        store->put_lead(fatima);
        store->put_lead(ans);
    });
    const auto read = store->lead("l-1");
    REQUIRE(read);
    CHECK(read->name == "Fatima");
    CHECK(read->email == "fatima@example.org");
    CHECK(read->mobile == "+31612345678");
    CHECK(read->programmes == std::vector<std::string>{"almere", "zeewolde"});
    CHECK(read->leads("almere"));
    CHECK_FALSE(read->leads("lelystad"));
    CHECK_FALSE(store->lead("l-3"));
    REQUIRE(store->leads().size() == 2);
    CHECK(store->leads()[1] == ans);

    StoredLead changed = *read;
    changed.mobile.clear();
    changed.programmes = {"lelystad"};
    store->write([&] { store->put_lead(changed); });
    CHECK(store->lead("l-1")->programmes == std::vector<std::string>{"lelystad"});
    CHECK(store->lead("l-1")->mobile.empty());
}

TEST_CASE_TEMPLATE("sign-in tokens are found by hash, updated in place, listed per lead oldest first", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    store->write([&] {
        store->put_lead({"l-1", "Fatima", "", "+31612345678", {}});
        store->put_lead({"l-2", "Ans", "ans@example.org", "", {}});
        store->put_lead_token(token("h-late", LeadTokenKind::session, "l-1", at(3, 10)));
        store->put_lead_token(token("h-early", LeadTokenKind::signin, "l-1", at(2, 9)));
        store->put_lead_token(token("h-other", LeadTokenKind::signin, "l-2", at(2, 9)));
    });
    auto link = store->lead_token("h-early");
    REQUIRE(link);
    CHECK(link->kind == LeadTokenKind::signin);
    CHECK(link->expires_at == at(3, 9));
    CHECK_FALSE(link->used_at);
    CHECK_FALSE(store->lead_token("h-none"));

    link->used_at = at(2, 10);
    link->revoked_at = at(2, 11);
    store->write([&] { store->put_lead_token(*link); });
    CHECK(*store->lead_token("h-early") == *link);

    const auto tokens = store->lead_tokens("l-1");
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].hash == "h-early");
    CHECK(tokens[1].hash == "h-late");
    CHECK(tokens[1].kind == LeadTokenKind::session);
}

TEST_CASE_TEMPLATE("deleting a lead takes her programmes and tokens along, and nobody else's", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    store->write([&] {
        store->put_lead({"l-1", "Fatima", "", "+31612345678", {"almere"}});
        store->put_lead({"l-2", "Ans", "ans@example.org", "", {"almere"}});
        store->put_lead_token(token("h-1", LeadTokenKind::session, "l-1", at(2, 9)));
        store->put_lead_token(token("h-2", LeadTokenKind::session, "l-2", at(2, 9)));
    });
    store->write([&] { store->delete_lead("l-1"); });
    CHECK_FALSE(store->lead("l-1"));
    CHECK_FALSE(store->lead_token("h-1"));
    CHECK(store->lead_tokens("l-1").empty());
    CHECK(store->lead_token("h-2"));
    CHECK(store->lead("l-2")->programmes == std::vector<std::string>{"almere"});
}

TEST_CASE_TEMPLATE("a write that throws leaves no lead or token behind; changes outside write() are refused", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    CHECK_THROWS_AS(store->write([&] {
        store->put_lead({"l-1", "Fatima", "", "+31612345678", {"almere"}});
        store->put_lead_token(token("h-1", LeadTokenKind::signin, "l-1", at(2, 9)));
        throw std::runtime_error("boom");
    }),
                    std::runtime_error);
    CHECK_FALSE(store->lead("l-1"));
    CHECK_FALSE(store->lead_token("h-1"));
    CHECK_THROWS_AS(store->put_lead({"l-1", "Fatima", "", "+31612345678", {}}), StoreError);
    CHECK_THROWS_AS(store->put_lead_token(token("h-1", LeadTokenKind::signin, "l-1", at(2, 9))), StoreError);
}

TEST_CASE("migrations: a version 8 database gains the lead tables and keeps its data") {
    const auto path = (fresh_directory("migrate-8") / "ritme.db").string();
    {
        auto old = SqliteStore::open_at_version(path, 8);
        CHECK(old->schema_version() == 8);
        old->write([&] { old->put_setting("k", "v"); });
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    CHECK(store->setting("k") == "v");
    store->write([&] { store->put_lead({"l-1", "Fatima", "", "+31612345678", {"almere"}}); });
    CHECK(store->lead("l-1")->programmes == std::vector<std::string>{"almere"});
}

TEST_SUITE_END();
