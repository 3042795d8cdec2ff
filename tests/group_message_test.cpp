// A message from the lead to the group: one delivery of kind group per participant and
// channel, her text in her language (else the Dutch one), segments per language, SMS after
// quiet hours, none by SMS after her STOP, a dry run storing nothing, the audit naming
// the lead; rendered as her words by the dispatcher's facts. Then `ritme message send`.

#include "adapters/builtin_adapters.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/group_message.hpp"
#include "engine/cli/cli.hpp"
#include "engine/message/message_facts.hpp"
#include "engine/message/message_renderer.hpp"
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

UtcInstant utc(int month, int day, int hour, int minute = 0) {
    return {pt::ptime(make_date(2026, month, day), pt::hours(hour) + pt::minutes(minute))};
}

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

PlanningRules rules() {
    PlanningRules r;
    r.defaults.quiet_hours = {TimeOfDay::hm(21, 0), TimeOfDay::hm(8, 0)};
    r.timezone = "Europe/Amsterdam";
    r.routes[Medium::sms] = {"sms", true};
    r.routes[Medium::email] = {"email", false};
    return r;
}

// The led almere programme; Amina reads Arabic (SMS), Bea Dutch (SMS), Chloe Dutch by
// e-mail only, Dina said STOP and has only SMS, Eva said STOP and has e-mail too.
struct Group {
    MemoryStore store;
    const PlanningRules planning = rules();

    Group() {
        const auto plan = test::plan(test::led_programme_toml("almere"));
        store.write([&] { apply_programme(store, plan, {utc(1, 10, 9), "operator", "apply"}); });
        add("p-amina", "Amina", "ar", "+31611111111", "", {true, false}, false);
        add("p-bea", "Bea", "nl", "+31622222222", "", {true, false}, false);
        add("p-chloe", "Chloe", "nl", "", "chloe@example.org", {false, true}, false);
        add("p-dina", "Dina", "so", "+31644444444", "", {true, false}, true);
        add("p-eva", "Eva", "nl", "+31655555555", "eva@example.org", {true, true}, true);
    }

    void add(const std::string& id, const std::string& name, const std::string& language, const std::string& phone,
             const std::string& email, Channels channels, bool stop) {
        Participant p;
        p.id = id;
        p.name = name;
        p.language = language;
        p.phone = phone;
        p.email = email;
        p.channels = channels;
        p.sms_opt_out = stop;
        store.write([&] {
            store.put_participant(p);
            store.enrol(id, "almere");
        });
    }

    ChangeResult<GroupMessageOutcome> send(GroupMessageRequest request, GroupSend mode = GroupSend::send,
                                           UtcInstant now = utc(2, 2, 12)) {
        request.programme_id = "almere";
        return send_group_message(store, planning, request, {now, "Fatima", "page message"}, mode);
    }

    std::vector<Delivery> group_rows() const {
        DeliveryQuery query;
        query.kinds = {DeliveryKind::group};
        return store.deliveries(query);
    }
};

const GroupLanguage* language_of(const GroupMessageOutcome& outcome, const std::string& tag) {
    for (const auto& language : outcome.languages)
        if (language.language == tag) return &language;
    return nullptr;
}

}  // namespace

TEST_SUITE_BEGIN("group_message");

TEST_CASE("one delivery per participant and channel; segments and cost per language; none by SMS after STOP") {
    Group g;
    const std::string dutch = "Morgen is er koffie om 10:00 in De Schakel. Tot dan!";
    const std::string arabic = "غدا قهوة في الساعة العاشرة";
    const auto sent = g.send({"", {{"nl", dutch}, {"ar", arabic}}, std::nullopt});
    REQUIRE(sent.ok());
    const GroupMessageOutcome& outcome = sent.value;
    CHECK(outcome.message_id > 0);

    const GroupLanguage* nl = language_of(outcome, "nl");
    const GroupLanguage* ar = language_of(outcome, "ar");
    REQUIRE(nl);
    REQUIRE(ar);
    CHECK(nl->participants == 3);  // Bea, Chloe, Eva
    CHECK(nl->by_sms == 1);        // Bea; Eva said STOP
    CHECK(nl->by_email == 2);
    CHECK(nl->sms.encoding == SmsEncoding::gsm7);
    CHECK(nl->sms.segments == 1);
    CHECK(ar->participants == 1);
    CHECK(ar->sms.encoding == SmsEncoding::ucs2);
    CHECK(ar->sms.segments == measure_sms(arabic).segments);
    CHECK(outcome.sms_segments() == nl->sms.segments + ar->sms.segments);
    CHECK(outcome.unreached == std::vector<std::string>{"p-dina"});  // STOP and no e-mail

    const auto rows = g.group_rows();
    CHECK(rows.size() == 4);
    CHECK(outcome.deliveries == 4);
    for (const Delivery& row : rows) {
        CHECK(row.state == DeliveryState::planned);
        CHECK(row.programme_id == "almere");
        CHECK_FALSE(has(row.payload, "koffie"));  // the outbox holds no body
        if (row.participant_id == "p-eva") CHECK(row.channel == "email");
        CHECK(row.participant_id != "p-dina");
    }

    // The dispatcher's facts give each her own text.
    MessageFactsSource facts(g.store, "Europe/Amsterdam");
    for (const Delivery& row : rows) {
        std::string why;
        const auto found = facts.facts_for(row, why);
        REQUIRE(found.has_value());
        CHECK(found->group_text == (row.participant_id == "p-amina" ? arabic : dutch));
        CHECK(found->group_language == (row.participant_id == "p-amina" ? "ar" : "nl"));
    }

    // Rendered as her words alone, by SMS with typography GSM-7 can carry.
    Diagnostics diagnostics;
    const auto renderer = MessageRenderer::load(test::source_path("config/templates"), diagnostics);
    REQUIRE(renderer.has_value());
    MessageFacts words;
    words.kind = DeliveryKind::group;
    words.group_text = "Morgen \u2018koffie\u2019 \u2013 tot dan";
    const RenderedMessage sms = renderer->render(words, "nl", Medium::sms);
    CHECK(sms.text == "Morgen 'koffie' - tot dan");
    CHECK(renderer->render(words, "nl", Medium::email).subject == words.group_text);

    // Audited with the lead's name, without the words.
    const auto audit = g.store.audit();
    REQUIRE_FALSE(audit.empty());
    CHECK(audit.back().action == "group.sent");
    CHECK(audit.back().actor == "Fatima");
    CHECK_FALSE(has(audit.back().details, "koffie"));
}

TEST_CASE("at a time in the quiet hours: SMS at their end, e-mail at the time; a time in the past is refused") {
    Group g;
    const auto sent = g.send({"", {{"nl", "Tot morgen"}}, LocalDateTime{make_date(2026, 2, 2), TimeOfDay::hm(22, 30)}});
    REQUIRE(sent.ok());
    const UtcInstant wanted = utc(2, 2, 21, 30);  // 22:30 in Amsterdam
    CHECK(sent.value.due_at == wanted);
    for (const Delivery& row : g.group_rows()) {
        CHECK(row.due_at == wanted);
        if (row.channel == "sms") CHECK(row.send_at == utc(2, 3, 7));  // 08:00 in Amsterdam
        else CHECK(row.send_at == wanted);
        CHECK(wanted < row.expires_at);
    }
    const auto past = g.send({"", {{"nl", "Te laat"}}, LocalDateTime{make_date(2026, 2, 1), TimeOfDay::hm(9, 0)}});
    REQUIRE_FALSE(past.ok());
    CHECK(past.errors.front().field == "at");
}

TEST_CASE("a dry run says the same and stores nothing; no Dutch text or a text too long is refused") {
    Group g;
    const size_t audit_before = g.store.audit().size();
    const auto dry = g.send({"", {{"nl", "Koffie!"}}, std::nullopt}, GroupSend::dry_run);
    REQUIRE(dry.ok());
    CHECK(dry.value.message_id == 0);
    CHECK(dry.value.deliveries == 4);
    CHECK(g.group_rows().empty());
    CHECK_FALSE(g.store.group_message(1).has_value());
    CHECK(g.store.audit().size() == audit_before);

    const auto none = g.send({"", {{"ar", "قهوة"}, {"nl", "   "}}, std::nullopt});
    REQUIRE_FALSE(none.ok());
    CHECK(none.errors.front().field == "text");
    const auto long_one = g.send({"", {{"nl", std::string(group_message_max_characters + 1, 'a')}}, std::nullopt});
    REQUIRE_FALSE(long_one.ok());
    CHECK(g.group_rows().empty());
}

TEST_CASE("ritme message send: segments per language, --dry-run stores nothing, then the deliveries") {
    const fs::path dir = fs::temp_directory_path() / "ritme-message-cli-test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string config = (dir / "ritme.toml").string();
    std::ofstream(config) << "database = \"ritme.db\"\ntimezone = \"Europe/Amsterdam\"\ntemplates = \""
                          << test::source_path("config/templates")
                          << "\"\n\n[channel.sms]\nadapter = \"outbox\"\ndir = \"outbox\"\nprint = false\n";
    ChannelRegistry registry;
    register_builtin_adapters(registry);
    const std::string database = (dir / "ritme.db").string();
    auto run = [&](std::vector<std::string> args) {
        std::ostringstream out, err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 10), pt::hours(9))});
        CliContext context{out, err, clock, &registry};
        args.insert(args.begin(), {"-c", config, "--holidays", test::source_path("config/holidays"), "--db", database});
        const int status = run_cli(args, context);
        return std::tuple{status, out.str(), err.str()};
    };
    const std::string almere = "almere-vrouwen-2026";
    REQUIRE(std::get<0>(run({"apply", test::source_path("config/programmes/almere-vrouwen-2026.toml")})) == 0);
    for (const auto& [name, phone, language] :
         {std::tuple{"Amina Yusuf", "+31611111111", "ar"}, std::tuple{"Bea Bakker", "+31622222222", "nl"}})
        REQUIRE(std::get<0>(run({"participant", "add", "--name", name, "--programme", almere, "--phone", phone,
                                 "--language", language})) == 0);

    const auto [dry, dry_out, dry_err] =
        run({"message", "send", almere, "--text", "Morgen koffie", "--text-ar", "قهوة غدا", "--dry-run"});
    CHECK(dry == 0);
    CHECK(has(dry_out, "nl: 1 participant (1 by SMS"));
    CHECK(has(dry_out, "ar: 1 participant (1 by SMS"));
    CHECK(has(dry_out, "1 segment GSM-7"));
    CHECK(has(dry_out, "UCS-2"));
    CHECK(has(dry_out, "dry run"));
    for (const char* number : {"+31611111111", "+31622222222"}) CHECK_FALSE(has(dry_out, number));
    {
        auto store = SqliteStore::open(database);
        DeliveryQuery query;
        query.kinds = {DeliveryKind::group};
        CHECK(store->deliveries(query).empty());
    }

    CHECK(std::get<0>(run({"message", "send", almere, "--text", "x", "--text-"})) == 2);
    CHECK(std::get<0>(run({"message", "send", almere, "--text", "x", "--at", "morgen"})) == 2);
    CHECK(std::get<0>(run({"message", "send", almere, "--text", "x", "--at", "2026-01-09 09:00"})) == 2);
    CHECK(std::get<0>(run({"message", "send", "nowhere", "--text", "x"})) == 2);

    const auto [sent, sent_out, sent_err] =
        run({"message", "send", almere, "--text", "Morgen koffie", "--text-ar=قهوة غدا", "--at", "2026-01-12 10:00"});
    CHECK(sent == 0);
    CHECK(has(sent_out, "group message"));
    auto store = SqliteStore::open(database);
    DeliveryQuery query;
    query.kinds = {DeliveryKind::group};
    const auto rows = store->deliveries(query);
    CHECK(rows.size() == 2);
    const auto message = store->group_message(1);
    REQUIRE(message.has_value());
    CHECK(message->texts.at("ar") == "قهوة غدا");

    // At its time the daemon sends each her own text, as every message (here `tick`).
    REQUIRE(std::get<0>(run({"tick", "--now", "2026-01-12T10:01"})) == 0);
    std::string outbox;
    for (const auto& entry : fs::directory_iterator(dir / "outbox")) {
        std::ifstream in(entry.path(), std::ios::binary);
        outbox.append(std::istreambuf_iterator<char>(in), {});
    }
    CHECK(has(outbox, "Kind: group"));
    CHECK(has(outbox, "Morgen koffie"));
    CHECK(has(outbox, "قهوة غدا"));
    CHECK(store->deliveries(query)[0].state == DeliveryState::sent);
}

TEST_SUITE_END();
