// The lead changes: add, edit, remove, the one-time sign-in link, signing in and out,
// revoking, the programme file's [lead], and who the audit trail names.

#include "engine/base/secret_token.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/lead_changes.hpp"
#include "engine/store/memory_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

UtcInstant at(int day, int hour) { return {pt::ptime(make_date(2026, 3, day), pt::hours(hour))}; }

AuditContext cli(UtcInstant when = at(2, 9)) { return {when, "operator", "lead add"}; }

std::string token_of(const std::string& url) { return url.substr(url.find("token=") + 6); }

// A store with the programmes "almere" and "zeewolde" applied.
struct Fixture {
    MemoryStore store;
    Fixture() {
        for (const std::string id : {"almere", "zeewolde"}) {
            const auto plan = test::plan(test::led_programme_toml(id));
            store.write([&] { apply_programme(store, plan, cli()); });
        }
    }
};

void apply_lead(Store& store, const std::string& id, const std::string& lead_toml) {
    std::string toml = test::led_programme_toml(id);
    const auto from = toml.find("[lead]");
    const auto to = toml.find("[[slot]]");
    toml.replace(from, to - from, lead_toml);
    const auto plan = test::plan(toml);
    store.write([&] { apply_programme(store, plan, cli()); });
}

}  // namespace

TEST_SUITE_BEGIN("lead_changes");

TEST_CASE("add normalises the mobile number and links her programmes; the audit names her by id") {
    Fixture f;
    const auto added = add_lead(f.store, {"Ans de Vries", "Ans@Example.org", "06-11223344"}, {"almere"}, cli());
    REQUIRE(added.ok());
    const auto lead = f.store.lead(added.value.id);
    REQUIRE(lead);
    CHECK(lead->id.starts_with("l-"));
    CHECK(lead->mobile == "+31611223344");
    CHECK(lead->email == "Ans@example.org");
    CHECK(lead->programmes == std::vector<std::string>{"almere"});
    const auto audit = f.store.audit();
    CHECK(audit[audit.size() - 2].action == "lead.added");
    CHECK(audit.back().action == "lead.linked");
    CHECK(audit.back().actor == "operator");
    for (const auto& entry : audit) CHECK(entry.details.find("11223344") == std::string::npos);
}

TEST_CASE("add refuses a bad number, no way to reach her, or an unknown programme, and stores nothing") {
    Fixture f;
    const auto leads_before = f.store.leads().size();
    auto bad_mobile = add_lead(f.store, {"Ans", std::nullopt, "020-1234567"}, {}, cli());
    REQUIRE_FALSE(bad_mobile.ok());
    CHECK(bad_mobile.errors[0].field == "mobile");
    auto unreachable = add_lead(f.store, {"Ans", std::nullopt, std::nullopt}, {}, cli());
    REQUIRE_FALSE(unreachable.ok());
    auto unknown = add_lead(f.store, {"Ans", "ans@example.org", std::nullopt}, {"almeer"}, cli());
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.errors[0].message.find("almeer") != std::string::npos);
    CHECK(f.store.leads().size() == leads_before);
}

TEST_CASE("edit changes fields and programmes, says what it did, and a repeat changes nothing") {
    Fixture f;
    const auto id = add_lead(f.store, {"Ans", "ans@example.org", std::nullopt}, {"almere"}, cli()).value.id;
    auto edited = edit_lead(f.store, id, {std::nullopt, std::nullopt, "0611223344"}, {"zeewolde"}, {"almere"}, cli());
    REQUIRE(edited.ok());
    CHECK(edited.value.fields == "mobile");
    CHECK(edited.value.programmes == std::vector<std::string>{"now leads zeewolde", "no longer leads almere"});
    CHECK(f.store.lead(id)->programmes == std::vector<std::string>{"zeewolde"});
    const auto audit_size = f.store.audit().size();
    auto again = edit_lead(f.store, id, {std::nullopt, std::nullopt, "0611223344"}, {"zeewolde"}, {"almere"}, cli());
    CHECK(again.value.fields.empty());
    CHECK(again.value.programmes == std::vector<std::string>{"already leads zeewolde", "did not lead almere"});
    CHECK(f.store.audit().size() == audit_size);
    CHECK_FALSE(edit_lead(f.store, "l-none", {}, {}, {}, cli()).ok());
}

TEST_CASE("a link is stored hashed, signs her in once, and not after 24 hours") {
    Fixture f;
    const auto id = add_lead(f.store, {"Ans", "ans@example.org", std::nullopt}, {"almere"}, cli()).value.id;
    const auto link = make_sign_in_link(f.store, id, "https://ritme.example.nl/", cli(at(2, 9)));
    REQUIRE(link.ok());
    CHECK(link.value.url.starts_with("https://ritme.example.nl/signin?token="));
    CHECK(link.value.expires_at == at(3, 9));
    const std::string token = token_of(link.value.url);
    CHECK(token.size() == 64);
    CHECK_FALSE(f.store.lead_token(token));
    REQUIRE(f.store.lead_token(secret_token::sha256_hex(token)));
    for (const auto& entry : f.store.audit()) CHECK(entry.details.find(token) == std::string::npos);

    const auto session = sign_in(f.store, token, at(2, 10));
    REQUIRE(session);
    CHECK(session->lead.id == id);
    CHECK(f.store.audit().back().actor == "Ans");  // what she does is hers
    CHECK(signed_in_lead(f.store, session->token, at(2, 11))->id == id);
    CHECK_FALSE(sign_in(f.store, token, at(2, 11)));  // used

    const auto late = make_sign_in_link(f.store, id, "http://127.0.0.1:8470", cli(at(2, 9)));
    CHECK_FALSE(sign_in(f.store, token_of(late.value.url), at(3, 9)));
    CHECK_FALSE(sign_in(f.store, "not-a-token", at(2, 10)));
}

TEST_CASE("a session ends after 12 idle hours, after 7 days whatever, and on signing out") {
    Fixture f;
    const auto id = add_lead(f.store, {"Ans", "ans@example.org", std::nullopt}, {"almere"}, cli()).value.id;
    auto new_session = [&](UtcInstant when) {
        const auto link = make_sign_in_link(f.store, id, "http://x", cli(when));
        return sign_in(f.store, token_of(link.value.url), when)->token;
    };
    const auto idle = new_session(at(2, 8));
    CHECK(signed_in_lead(f.store, idle, at(2, 19)));
    CHECK(signed_in_lead(f.store, idle, {at(3, 7).utc - pt::minutes(1)}));  // 12 h after 19:00 less a minute
    CHECK_FALSE(signed_in_lead(f.store, idle, {at(3, 7).utc + pt::hours(12)}));

    const auto daily = new_session(at(2, 8));
    // Used every 8 hours, never idle: live until 7 days after signing in, then not.
    for (UtcInstant t = at(2, 16); t.utc < at(9, 8).utc; t.utc += pt::hours(8))
        CHECK(signed_in_lead(f.store, daily, t));
    CHECK(signed_in_lead(f.store, daily, {at(9, 8).utc - pt::minutes(1)}));
    CHECK_FALSE(signed_in_lead(f.store, daily, at(9, 8)));

    const auto ended = new_session(at(2, 8));
    CHECK(sign_out(f.store, ended, at(2, 9)));
    CHECK_FALSE(signed_in_lead(f.store, ended, at(2, 9)));
    CHECK_FALSE(sign_out(f.store, ended, at(2, 9)));
}

TEST_CASE("revoke ends her sessions and open links, not another lead's; remove signs her out too") {
    Fixture f;
    const auto ans = add_lead(f.store, {"Ans", "ans@example.org", std::nullopt}, {"almere"}, cli()).value.id;
    const auto bea = add_lead(f.store, {"Bea", "bea@example.org", std::nullopt}, {"almere"}, cli()).value.id;
    const auto session_of = [&](const std::string& id) {
        const auto link = make_sign_in_link(f.store, id, "http://x", cli());
        return sign_in(f.store, token_of(link.value.url), at(2, 10))->token;
    };
    const auto ans_session = session_of(ans);
    const auto bea_session = session_of(bea);
    const auto open_link = token_of(make_sign_in_link(f.store, ans, "http://x", cli()).value.url);

    const auto revoked = revoke_lead(f.store, ans, {at(2, 11), "root-operator", "lead revoke"});
    REQUIRE(revoked.ok());
    CHECK(revoked.value == 2);
    CHECK(f.store.audit().back().action == "lead.revoked");
    CHECK_FALSE(signed_in_lead(f.store, ans_session, at(2, 12)));
    CHECK_FALSE(sign_in(f.store, open_link, at(2, 12)));
    CHECK(signed_in_lead(f.store, bea_session, at(2, 12)));

    REQUIRE(remove_lead(f.store, bea, cli()).ok());
    CHECK_FALSE(signed_in_lead(f.store, bea_session, at(2, 12)));
    CHECK_FALSE(f.store.lead(bea));
}

TEST_CASE("the programme file's [lead] creates one lead, matched by mobile on every apply") {
    Fixture f;  // both programmes name Fatima, +31687654321
    const auto leads = f.store.leads();
    REQUIRE(leads.size() == 1);
    CHECK(leads[0].name == "Fatima");
    CHECK(leads[0].mobile == "+31687654321");
    CHECK(leads[0].programmes == std::vector<std::string>{"almere", "zeewolde"});

    const auto audit_size = f.store.audit().size();
    apply_lead(f.store, "almere", "[lead]\nname = \"Fatima\"\nphone = \"+31687654321\"\n\n");
    CHECK(f.store.audit().size() == audit_size);  // the same file again: no change

    // A new name for the same number is the same lead, renamed.
    apply_lead(f.store, "almere", "[lead]\nname = \"Fatima B.\"\nphone = \"+31687654321\"\n\n");
    REQUIRE(f.store.leads().size() == 1);
    CHECK(f.store.leads()[0].name == "Fatima B.");
}

TEST_CASE("when the file's [lead] is another person, the lead the file linked loses the programme; one the operator "
          "linked keeps it") {
    Fixture f;
    const auto fatima = f.store.leads()[0].id;
    const auto ans = add_lead(f.store, {"Ans", "ans@example.org", std::nullopt}, {"almere"}, cli()).value.id;

    apply_lead(f.store, "almere", "[lead]\nname = \"Bea\"\nemail = \"bea@example.org\"\n\n");
    REQUIRE(f.store.leads().size() == 3);
    CHECK(f.store.lead(fatima)->programmes == std::vector<std::string>{"zeewolde"});
    CHECK(f.store.lead(ans)->programmes == std::vector<std::string>{"almere"});
    const auto leads = f.store.leads();
    const auto bea = std::find_if(leads.begin(), leads.end(), [](const StoredLead& l) { return l.name == "Bea"; });
    REQUIRE(bea != leads.end());
    CHECK(bea->programmes == std::vector<std::string>{"almere"});

    // The file names Ans, whom the operator linked: she keeps it when the file moves on.
    apply_lead(f.store, "almere", "[lead]\nname = \"Ans\"\nemail = \"ans@example.org\"\n\n");
    CHECK(f.store.lead(bea->id)->programmes.empty());
    apply_lead(f.store, "almere", "[lead]\nname = \"Bea\"\nemail = \"bea@example.org\"\n\n");
    CHECK(f.store.lead(ans)->programmes == std::vector<std::string>{"almere"});
}

TEST_CASE("the CLI's actor is SUDO_USER when run through sudo") {
    const char* before = std::getenv("SUDO_USER");
    const std::string saved = before ? before : "";
    ::setenv("SUDO_USER", "jansen", 1);
    CHECK(current_actor() == "jansen");
    ::unsetenv("SUDO_USER");
    CHECK(current_actor() != "jansen");
    if (before) ::setenv("SUDO_USER", saved.c_str(), 1);
}

TEST_SUITE_END();
