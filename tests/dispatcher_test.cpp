// The dispatcher on the injected clock: each reminder once at its moment, never a stale
// one, catch-up after downtime, backoff and expiry, alerts, and two dispatchers at once.

#include "engine/changes/apply.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/dispatch/batch_sender.hpp"
#include "engine/dispatch/claim_owner.hpp"
#include "engine/dispatch/dispatcher.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/fallback_key.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "forwarding_store.hpp"
#include "test_support.hpp"

#include <boost/asio/thread_pool.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <type_traits>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

UtcInstant utc(int year, int month, int day, int hour, int minute, int second = 0) {
    return {pt::ptime(make_date(year, month, day), pt::hours(hour) + pt::minutes(minute) + pt::seconds(second))};
}

// A channel that records what it is given and answers as the test scripts it.
class ScriptedChannel final : public Channel {
public:
    std::function<SendResult(const OutgoingMessage&)> answer = [](const OutgoingMessage&) {
        return SendResult::accepted("gw-1");
    };

    SendResult send(const OutgoingMessage& message) override {
        std::lock_guard lock(mutex_);
        sent_.push_back(message);
        return answer(message);
    }
    std::vector<OutgoingMessage> sent() const {
        std::lock_guard lock(mutex_);
        return sent_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<OutgoingMessage> sent_;
};

const std::string programme_text = test::led_programme_toml("test");

DaemonConfig test_config() {
    DaemonConfig config;
    config.timezone = "Europe/Amsterdam";
    config.templates = test::source_path("config/templates");
    std::string why;
    config.reminders.session_offsets = {*ReminderOffset::parse("1d@18:00", why), *ReminderOffset::parse("1h", why)};
    config.reminders.min_notice_minutes = 15;
    ChannelConfig sms;
    sms.name = "sms";
    sms.adapter = "scripted";
    sms.medium = Medium::sms;
    sms.quiet_hours = true;
    config.channels["sms"] = sms;
    config.dispatch.batch_size = 5;
    config.dispatch.max_attempts = 3;
    return config;
}

Participant participant(const std::string& id, const std::string& name, const std::string& phone) {
    Participant p;
    p.id = id;
    p.name = name;
    p.phone = phone;
    p.language = "nl";
    p.channels.sms = true;
    return p;
}

struct Fixture {
    explicit Fixture(Store& store_, int participants = 1) : store(store_) {
        Diagnostics problems;
        renderer = MessageRenderer::load(config.templates, problems);
        for (const auto& d : problems.items()) MESSAGE(d.str());
        REQUIRE(renderer);
        auto scripted = std::make_unique<ScriptedChannel>();
        channel = scripted.get();
        channels.add(config.channels["sms"], std::move(scripted));
        rules = planning_rules(config);
        const auto plan = test::plan(programme_text);
        store.write([&] {
            apply_programme(store, plan, {clock.now(), "lead", "apply"});
            for (int i = 0; i < participants; ++i) {
                const std::string id = "p-" + std::to_string(1000 + i);
                store.put_participant(participant(id, i == 0 ? "Amina Yusuf" : "Deelnemer " + std::to_string(i),
                                                  "+316" + std::to_string(10000000 + i)));
                store.enrol(id, "test");
            }
            plan_requested(store, rules, clock.now());
        });
    }

    DispatchCounts run(const std::string& owner = "test-owner") {
        Dispatcher dispatcher(store, clock, config, *renderer, channels, log, owner);
        return dispatcher.run_due(nullptr);
    }

    std::vector<Delivery> rows(DeliveryKind kind, std::optional<DeliveryState> state = std::nullopt) const {
        DeliveryQuery query;
        query.kinds = {kind};
        if (state) query.states = {*state};
        return store.deliveries(query);
    }

    // The first session: Tuesday 3 February 2026, 09:30 local, 08:30 UTC.
    StoredSession first_session() const { return store.sessions("test").front(); }

    Store& store;
    ManualClock clock{utc(2026, 1, 20, 12, 0)};
    DaemonConfig config = test_config();
    std::optional<MessageRenderer> renderer;
    ChannelSet channels;
    ScriptedChannel* channel = nullptr;
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, iso_timestamps(clock)};
    PlanningRules rules;
};

}  // namespace

TEST_SUITE_BEGIN("dispatcher");

TEST_CASE("nothing goes before it is due; each reminder goes once, at its moment") {
    MemoryStore store;
    Fixture f(store);
    // 1d@18:00 for Tuesday 3 February: Monday 18:00 local = 17:00 UTC.
    f.clock.set(utc(2026, 2, 2, 16, 59, 59));
    CHECK(f.run().claimed == 0);
    CHECK(f.channel->sent().empty());

    f.clock.set(utc(2026, 2, 2, 17, 0));
    const auto counts = f.run();
    CHECK(counts.sent == 1);
    const auto messages = f.channel->sent();
    REQUIRE(messages.size() == 1);
    const auto& message = messages.front();
    CHECK(message.to == "+31610000000");
    CHECK(message.medium == Medium::sms);
    CHECK(message.text.find("Amina") != std::string::npos);
    CHECK(message.text.find("09:30") != std::string::npos);
    CHECK(message.text.find("Yusuf") == std::string::npos);  // first names only

    const auto sent = f.rows(DeliveryKind::reminder, DeliveryState::sent);
    REQUIRE(sent.size() == 1);
    CHECK(sent.front().offset == "1d@18:00");
    CHECK(sent.front().provider_id == "gw-1");
    CHECK(sent.front().attempts == 1);

    CHECK(f.run().claimed == 0);  // a second run sends nothing again
    CHECK(f.channel->sent().size() == 1);
    // The log names the delivery, masks the number and holds no text.
    CHECK(f.log_text.str().find("+31 6 ****0000") != std::string::npos);
    CHECK(f.log_text.str().find("+31610000000") == std::string::npos);
    CHECK(f.log_text.str().find(message.text) == std::string::npos);
}

TEST_CASE("a session moved after planning never gets its old reminder") {
    MemoryStore store;
    Fixture f(store);
    // The lead moves session 1 to Wednesday; the daemon has not replanned yet.
    StoredSession moved = f.first_session();
    moved.previous = PreviousSlot{moved.date, moved.time, moved.location, moved.start_utc};
    moved.date = make_date(2026, 2, 4);
    moved.start_utc = utc(2026, 2, 4, 8, 30);
    moved.end_utc = utc(2026, 2, 4, 10, 30);
    moved.status = SessionStatus::moved;
    moved.version = 2;
    moved.changed_at = utc(2026, 2, 2, 16, 0);
    f.clock.set(utc(2026, 2, 2, 16, 0));
    store.write([&] { store.put_session(moved); });

    f.clock.set(utc(2026, 2, 2, 17, 0));
    const auto counts = f.run();
    CHECK(counts.cancelled == 1);
    CHECK(f.channel->sent().empty());
    const auto stale = f.rows(DeliveryKind::reminder, DeliveryState::cancelled);
    REQUIRE(stale.size() == 1);
    CHECK(stale.front().session_version == 1);

    // Replanning brings the change notice and the reminders for the new date.
    store.write([&] { plan_requested(store, f.rules, f.clock.now()); });
    f.run();
    REQUIRE(f.channel->sent().size() == 1);
    CHECK(f.channel->sent().front().kind == "change");
    f.clock.set(utc(2026, 2, 3, 17, 0));  // Tuesday 18:00: the day before Wednesday
    f.run();
    REQUIRE(f.channel->sent().size() == 2);
    CHECK(f.channel->sent().back().kind == "reminder");
    for (const auto& d : f.rows(DeliveryKind::reminder, DeliveryState::sent)) CHECK(d.session_version == 2);
}

TEST_CASE("after downtime, missed reminders for one session collapse into the latest") {
    MemoryStore store;
    Fixture f(store);
    // Down from Monday afternoon until Tuesday 09:05 local: both reminders for session 1
    // (Monday 18:00 and Tuesday 08:30 local) fell due; the session starts at 09:30 and
    // is still more than the minimum notice (15 minutes) away.
    f.clock.set(utc(2026, 2, 3, 8, 5));
    const auto counts = f.run();
    CHECK(counts.sent == 1);
    CHECK(counts.expired == 1);
    REQUIRE(f.channel->sent().size() == 1);
    const auto sent = f.rows(DeliveryKind::reminder, DeliveryState::sent);
    REQUIRE(sent.size() == 1);
    CHECK(sent.front().offset == "1h");
    const auto expired = f.rows(DeliveryKind::reminder, DeliveryState::expired);
    REQUIRE(expired.size() == 1);
    CHECK(expired.front().offset == "1d@18:00");
    CHECK(expired.front().reason.find("missed while down") != std::string::npos);
}

TEST_CASE("after downtime past the minimum notice, reminders expire instead of going late") {
    MemoryStore store;
    Fixture f(store);
    f.clock.set(utc(2026, 2, 3, 8, 20));  // 09:20 local; the session starts at 09:30
    const auto counts = f.run();
    CHECK(counts.sent == 0);
    CHECK(counts.expired == 2);
    CHECK(f.channel->sent().empty());
    for (const auto& d : f.rows(DeliveryKind::reminder, DeliveryState::expired))
        CHECK(d.reason.find("missed while down") != std::string::npos);
}

TEST_CASE("a row that comes due inside the quiet hours waits for their end") {
    MemoryStore store;
    Fixture f(store);
    // Down from Monday 17:00 until 23:30 local: the 1d@18:00 reminder is still of use,
    // but no SMS goes at night; it waits until 08:00.
    f.clock.set(utc(2026, 2, 2, 22, 30));
    const auto counts = f.run();
    CHECK(counts.sent == 0);
    CHECK(counts.retried == 1);
    CHECK(f.channel->sent().empty());
    const auto held = f.rows(DeliveryKind::reminder, DeliveryState::retry);
    REQUIRE(held.size() == 1);
    CHECK(held.front().send_at == utc(2026, 2, 3, 7, 0));
    CHECK(held.front().reason == "quiet hours: held until 08:00");

    f.clock.set(utc(2026, 2, 3, 7, 0));
    CHECK(f.run().sent == 1);
}

TEST_CASE("a temporary failure retries with growing, jittered backoff, then gives up") {
    MemoryStore store;
    Fixture f(store);
    f.channel->answer = [](const OutgoingMessage&) { return SendResult::retry_later("gateway busy"); };
    UtcInstant now = utc(2026, 2, 2, 17, 0);
    f.clock.set(now);
    CHECK(f.run().retried == 1);
    auto row = f.rows(DeliveryKind::reminder, DeliveryState::retry).front();
    CHECK(row.reason == "gateway busy");
    // First retry after 60 s ± 20%.
    CHECK_FALSE(row.send_at < utc(2026, 2, 2, 17, 0, 48));
    CHECK_FALSE(utc(2026, 2, 2, 17, 1, 12) < row.send_at);

    f.clock.set(row.send_at);
    now = row.send_at;
    CHECK(f.run().retried == 1);
    row = f.rows(DeliveryKind::reminder, DeliveryState::retry).front();
    const auto second_delay = (row.send_at.utc - now.utc).total_seconds();
    CHECK(second_delay >= 96);  // 120 s ± 20%
    CHECK(second_delay <= 144);
    CHECK(row.attempts == 2);

    f.clock.set(row.send_at);
    CHECK(f.run().failed == 1);  // max_attempts = 3
    const auto failed = f.rows(DeliveryKind::reminder, DeliveryState::failed);
    REQUIRE(failed.size() == 1);
    CHECK(failed.front().reason == "gave up after 3 attempts: gateway busy");
    int reminders = 0;
    for (const auto& m : f.channel->sent()) reminders += m.kind == "reminder";
    CHECK(reminders == 3);
}

TEST_CASE("a gateway's Retry-After is honoured, and a retry past the useful time expires") {
    MemoryStore store;
    Fixture f(store);
    f.channel->answer = [](const OutgoingMessage&) {
        return SendResult::retry_later("rate limited", std::chrono::seconds(600));
    };
    f.clock.set(utc(2026, 2, 2, 17, 0));
    f.run();
    const auto row = f.rows(DeliveryKind::reminder, DeliveryState::retry).front();
    CHECK_FALSE(row.send_at < utc(2026, 2, 2, 17, 10));

    // The 1h reminder at 08:30 local: a retry after 10 minutes would be 08:40 local, past
    // the minimum notice (09:15 local is still fine, so use a longer wait).
    f.channel->answer = [](const OutgoingMessage&) {
        return SendResult::retry_later("rate limited", std::chrono::seconds(3600));
    };
    f.clock.set(utc(2026, 2, 3, 7, 30));
    f.run();
    const auto expired = f.rows(DeliveryKind::reminder, DeliveryState::expired);
    REQUIRE_FALSE(expired.empty());
    bool found = false;
    for (const auto& d : expired)
        found = found || (d.offset == "1h" && d.reason.find("no longer useful by the next attempt") != std::string::npos);
    CHECK(found);
}

TEST_CASE("a permanent failure is recorded with the gateway's reason; the lead hears of it in her overview, not at once") {
    MemoryStore store;
    Fixture f(store);
    f.channel->answer = [](const OutgoingMessage& message) {
        if (message.kind == "alert") return SendResult::accepted("gw-alert");
        return SendResult::permanent_failure("21211: invalid number");
    };
    f.clock.set(utc(2026, 2, 2, 17, 0));  // 18:00 local, before quiet hours
    const auto counts = f.run();
    CHECK(counts.failed == 1);
    const auto failed = f.rows(DeliveryKind::reminder, DeliveryState::failed);
    REQUIRE(failed.size() == 1);
    CHECK(failed.front().reason == "21211: invalid number");
    // No technical message per failure: the failures are bundled into the daily overview.
    CHECK(f.rows(DeliveryKind::alert).empty());
    f.run();
    CHECK(f.channel->sent().size() == 1);
}

TEST_CASE("someone enrolled late gets no reminder whose moment is long past while a later one is to come") {
    MemoryStore store;
    Fixture f(store);
    auto enrol_at = [&](const std::string& id, UtcInstant now) {
        f.clock.set(now);
        store.write([&] {
            store.put_participant(participant(id, "Laat", "+31699999999"));
            store.enrol(id, "test");
            plan_requested(store, f.rules, now);
        });
        DeliveryQuery query;
        query.participant_id = id;
        query.session_id = f.first_session().id;
        query.states = {DeliveryState::planned};
        std::vector<std::string> offsets;
        for (const auto& d : store.deliveries(query)) offsets.push_back(d.offset);
        return offsets;
    };
    // Tuesday 07:00 local: the day-before reminder is thirteen hours past, the 1h one ahead.
    CHECK(enrol_at("p-early-morning", utc(2026, 2, 3, 6, 0)) == std::vector<std::string>{"1h"});
    // Monday 18:03 local: three minutes past is not missed (a tick every few minutes sends it).
    CHECK(enrol_at("p-evening", utc(2026, 2, 2, 17, 3)) == std::vector<std::string>{"1d@18:00", "1h"});
}

TEST_CASE("a participant who opted out of SMS gets none, even when planned before") {
    MemoryStore store;
    Fixture f(store);
    auto person = *store.participant("p-1000");
    person.sms_opt_out = true;
    store.write([&] { store.put_participant(person); });
    f.clock.set(utc(2026, 2, 2, 17, 0));
    const auto counts = f.run();
    CHECK(counts.cancelled == 1);
    CHECK(f.channel->sent().empty());
}

TEST_CASE("claims of a process that stopped are given back and sent") {
    MemoryStore store;
    Fixture f(store);
    f.clock.set(utc(2026, 2, 2, 17, 0));
    // A process on this host that no longer runs claimed the row, then died.
    std::string gone = claim_owner_id();
    gone = gone.substr(0, gone.find(':')) + ":999999999:1";
    store.write([&] { store.claim_due(f.clock.now(), 10, gone, utc(2026, 2, 2, 18, 0)); });
    CHECK(f.run().claimed == 0);  // its lease has not run out

    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "test-owner");
    CHECK(dispatcher.recover_abandoned_claims() == 1);
    CHECK(dispatcher.run_due(nullptr).sent == 1);
    CHECK(f.channel->sent().size() == 1);
}

TEST_CASE("two dispatchers on one database at once never send a message twice") {
    const fs::path dir = fs::temp_directory_path() / ("ritme-dispatch-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::string path = (dir / "ritme.db").string();
    auto first_store = SqliteStore::open(path);
    Fixture first(*first_store, 60);
    auto second_store = SqliteStore::open(path);
    Fixture second(*second_store, 0);  // its own connection; the data is already there
    first.clock.set(utc(2026, 2, 2, 17, 0));
    second.clock.set(utc(2026, 2, 2, 17, 0));

    DispatchCounts a, b;
    std::thread one([&] { a = first.run("owner-a"); });
    std::thread two([&] { b = second.run("owner-b"); });
    one.join();
    two.join();

    CHECK(a.sent + b.sent == 60);
    std::map<int64_t, int> times;
    for (const auto& m : first.channel->sent()) ++times[m.delivery_id];
    for (const auto& m : second.channel->sent()) ++times[m.delivery_id];
    CHECK(times.size() == 60);
    for (const auto& [id, count] : times) CHECK(count == 1);
    first_store.reset();
    second_store.reset();
    fs::remove_all(dir);
}

namespace {

// The fixture's SMS channel with an e-mail channel as its fallback; the first
// participant has an e-mail address too.
struct FallbackChannels {
    ScriptedChannel* sms = nullptr;
    ScriptedChannel* email = nullptr;
};

FallbackChannels add_email_fallback(Fixture& f) {
    Participant amina = *f.store.participant("p-1000");
    amina.email = "amina@example.nl";
    f.store.write([&] { f.store.put_participant(amina); });
    ChannelConfig email;
    email.name = "email";
    email.adapter = "scripted";
    email.medium = Medium::email;
    email.quiet_hours = false;
    f.config.channels["email"] = email;
    f.config.channels["sms"].fallback = "email";
    FallbackChannels made;
    auto sms = std::make_unique<ScriptedChannel>();
    auto mail = std::make_unique<ScriptedChannel>();
    made.sms = sms.get();
    made.email = mail.get();
    f.channels.add(f.config.channels["sms"], std::move(sms));
    f.channels.add(email, std::move(mail));
    return made;
}

}  // namespace

TEST_CASE("a message that fails for good on SMS goes through the fallback channel, and the lead is not alerted") {
    MemoryStore store;
    Fixture f(store);
    const auto channels = add_email_fallback(f);
    channels.sms->answer = [](const OutgoingMessage&) { return SendResult::permanent_failure("21211: invalid number"); };
    f.clock.set(utc(2026, 2, 2, 17, 0));  // the 18:00 reminder is due
    const auto counts = f.run();
    CHECK(counts.failed == 1);
    CHECK(counts.sent == 1);

    const auto failed = f.rows(DeliveryKind::reminder, DeliveryState::failed);
    REQUIRE(failed.size() == 1);
    CHECK(failed.front().channel == "sms");
    CHECK(failed.front().reason.find("21211: invalid number") == 0);
    CHECK(failed.front().reason.find("email") != std::string::npos);
    const auto sent = f.rows(DeliveryKind::reminder, DeliveryState::sent);
    REQUIRE(sent.size() == 1);
    CHECK(sent.front().channel == "email");
    CHECK(sent.front().session_id == failed.front().session_id);
    CHECK(sent.front().key != failed.front().key);

    REQUIRE(channels.email->sent().size() == 1);
    const OutgoingMessage mail = channels.email->sent().front();
    CHECK(mail.medium == Medium::email);
    CHECK(mail.to == "amina@example.nl");
    CHECK(!mail.subject.empty());
    CHECK(f.rows(DeliveryKind::alert).empty());
    // Rendered for e-mail: answers are read from SMS only, so the e-mail says to call.
    REQUIRE(channels.sms->sent().size() == 1);
    CHECK(channels.sms->sent().front().text.find("Kun je niet? Stuur NEE of bel +31687654321.") != std::string::npos);
    CHECK(mail.text.find("NEE") == std::string::npos);
    CHECK(mail.text.find("Kun je niet? Bel +31687654321.") != std::string::npos);

    // Planning again keeps the fallback row: it is the dispatcher's, not the plan's.
    f.store.write([&] { plan_programme(f.store, "test", f.rules, f.clock.now()); });
    CHECK(f.rows(DeliveryKind::reminder, DeliveryState::sent).size() == 1);
}

TEST_CASE("when the fallback channel fails too, nothing falls back further and no alert goes at once") {
    MemoryStore store;
    Fixture f(store);
    const auto channels = add_email_fallback(f);
    channels.sms->answer = [](const OutgoingMessage& message) {
        return message.kind == "alert" ? SendResult::accepted("gw-alert") : SendResult::permanent_failure("unreachable");
    };
    channels.email->answer = [](const OutgoingMessage&) { return SendResult::permanent_failure("550 no such mailbox"); };
    f.clock.set(utc(2026, 2, 2, 17, 0));
    f.run();
    const auto failed = f.rows(DeliveryKind::reminder, DeliveryState::failed);
    REQUIRE(failed.size() == 2);
    CHECK(failed.back().channel == "email");
    CHECK(failed.back().reason == "550 no such mailbox");
    CHECK(f.rows(DeliveryKind::alert).empty());
}

TEST_CASE("a participant without a phone number any more is reached through the fallback channel") {
    MemoryStore store;
    Fixture f(store);
    const auto channels = add_email_fallback(f);
    Participant amina = *store.participant("p-1000");
    amina.phone.clear();
    store.write([&] { store.put_participant(amina); });
    f.clock.set(utc(2026, 2, 2, 17, 0));
    f.run();
    CHECK(channels.sms->sent().empty());
    REQUIRE(channels.email->sent().size() == 1);
    CHECK(channels.email->sent().front().text.find("NEE") == std::string::npos);
    CHECK(channels.email->sent().front().text.find("Bel +31687654321.") != std::string::npos);
    const auto failed = f.rows(DeliveryKind::reminder, DeliveryState::failed);
    REQUIRE(failed.size() == 1);
    CHECK(failed.front().reason.find("no phone number") == 0);
}

TEST_CASE("someone who chose e-mail only gets her reminders rendered for e-mail, on the daemon's pool too") {
    MemoryStore store;
    Fixture f(store, 2);
    const auto channels = add_email_fallback(f);
    Participant amina = *store.participant("p-1000");
    amina.channels = {false, true};  // e-mail only
    store.write([&] { store.put_participant(amina); });
    f.rules = planning_rules(f.config);
    store.write([&] { plan_requested(store, f.rules, f.clock.now()); });
    f.clock.set(utc(2026, 2, 2, 17, 0));
    boost::asio::thread_pool pool(2);
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "pool-owner");
    CHECK(dispatcher.run_due(&pool).sent == 2);
    pool.join();
    REQUIRE(channels.email->sent().size() == 1);
    const OutgoingMessage mail = channels.email->sent().front();
    CHECK(mail.medium == Medium::email);
    CHECK(mail.text.find("NEE") == std::string::npos);
    CHECK(mail.text.find("Kun je niet? Bel +31687654321.") != std::string::npos);
    REQUIRE(channels.sms->sent().size() == 1);  // the other participant, by SMS
    CHECK(channels.sms->sent().front().text.find("Stuur NEE") != std::string::npos);
}

TEST_CASE("refused credentials pause the channel: later messages wait without reaching the gateway") {
    MemoryStore store;
    Fixture f(store, 3);
    f.channel->answer = [](const OutgoingMessage&) {
        return SendResult::misconfigured("kannel: HTTP 403 Authorization failed");
    };
    f.clock.set(utc(2026, 2, 2, 17, 0));
    const auto counts = f.run();
    CHECK(counts.retried == 3);
    CHECK(f.channel->sent().size() == 1);  // the other two never reached the gateway
    for (const auto& row : f.rows(DeliveryKind::reminder, DeliveryState::retry)) {
        CHECK(!(row.send_at < utc(2026, 2, 2, 17, 5)));  // not before the pause ends
        CHECK(row.reason.find("Authorization failed") != std::string::npos);
    }
    CHECK(f.log_text.str().find("channel.paused") != std::string::npos);
}


TEST_CASE("no fallback copy for someone who gets the message on the fallback channel anyway") {
    MemoryStore store;
    Fixture f(store);
    const auto channels = add_email_fallback(f);
    Participant amina = *store.participant("p-1000");
    amina.channels.email = true;  // she chose both media
    store.write([&] { store.put_participant(amina); });
    f.rules = planning_rules(f.config);
    store.write([&] { plan_requested(store, f.rules, f.clock.now()); });
    channels.sms->answer = [](const OutgoingMessage& message) {
        return message.kind == "alert" ? SendResult::accepted("gw-alert") : SendResult::permanent_failure("unreachable");
    };
    f.clock.set(utc(2026, 2, 2, 17, 0));
    f.run();
    CHECK(f.rows(DeliveryKind::reminder, DeliveryState::failed).size() == 1);
    REQUIRE(channels.email->sent().size() == 1);  // the planned e-mail only, no second copy
    for (const auto& row : store.deliveries({})) CHECK(!is_fallback(row));
}


TEST_CASE("a batch still being sent renews its claims by a lease from now") {
    MemoryStore store;
    Fixture f(store, 2);
    f.clock.set(utc(2026, 2, 2, 17, 0));
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "owner-a");
    auto jobs = dispatcher.claim_batch();
    REQUIRE(jobs.size() == 2);
    for (const auto& job : jobs) CHECK(store.delivery(job.delivery.id)->claimed_until == utc(2026, 2, 2, 17, 5));

    f.clock.set(utc(2026, 2, 2, 17, 4));  // the gateway is slow
    dispatcher.renew_claims(jobs);
    for (const auto& job : jobs) CHECK(store.delivery(job.delivery.id)->claimed_until == utc(2026, 2, 2, 17, 9));
    for (auto& job : jobs) dispatcher.send(job);
    CHECK(dispatcher.record(jobs).sent == 2);
}

namespace {

// Opened once; sends that wait on it go on when it opens (or after 20 s, so a broken
// test fails instead of hanging).
class Gate {
public:
    void open() {
        const std::lock_guard lock(mutex_);
        open_ = true;
        opened_.notify_all();
    }
    bool wait() {
        std::unique_lock lock(mutex_);
        return opened_.wait_for(lock, std::chrono::seconds(20), [&] { return open_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable opened_;
    bool open_ = false;
};

// A store whose claim renewal fails: it opens the gate, then throws what `failure` makes.
class RenewalFails final : public test::ForwardingStore {
public:
    RenewalFails(Store& inner, Gate& gate, std::function<void()> failure)
        : ForwardingStore(inner), gate_(gate), failure_(std::move(failure)) {}
    int renew_claims(const std::string&, const std::vector<int64_t>&, UtcInstant) override {
        gate_.open();
        failure_();
        return 0;
    }

private:
    Gate& gate_;
    std::function<void()> failure_;
};

// A participant ritme cannot read (a damaged row): reading her throws, as SQLite's would.
class UnreadableParticipant final : public test::ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    std::optional<Participant> participant(const std::string& id) const override {
        if (id == away) throw StoreBusy("database postgresql://db/ritme: connecting again: the server is restarting");
        if (id == unreadable) throw StoreError("table participant, row " + id + ": name is not UTF-8 text");
        return ForwardingStore::participant(id);
    }
    std::string unreadable;
    std::string away;  // the database away for a moment when her row is read
};

// Counts sends begun and ended; each waits for the gate.
struct GatedSends {
    Gate& gate;
    std::atomic<int> begun{0};
    std::atomic<int> ended{0};
    std::atomic<bool> gate_opened{true};

    SendResult operator()(const OutgoingMessage&) {
        ++begun;
        if (!gate.wait()) gate_opened = false;
        ++ended;
        return SendResult::accepted("gw-1");
    }
};

}  // namespace

TEST_CASE("a result must be made as sent, retried or failed: nothing is sent by default") {
    static_assert(!std::is_default_constructible_v<SendResult>);
    static_assert(!std::is_default_constructible_v<DeliveryOutcome>);
    DispatchJob job;
    CHECK(!job.result);
    CHECK(!job.outcome);
}

TEST_CASE("a claim renewal that fails while a batch is sent is logged; the batch still ends and is recorded") {
    MemoryStore memory;
    Gate gate;
    RenewalFails store(memory, gate, [] { throw StoreError("database is locked"); });
    Fixture f(store, 2);
    GatedSends sends{gate};
    f.channel->answer = [&](const OutgoingMessage& message) { return sends(message); };
    f.clock.set(utc(2026, 2, 2, 17, 0));
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "owner-a");
    auto jobs = dispatcher.claim_batch();
    REQUIRE(jobs.size() == 2);

    boost::asio::thread_pool pool(2);
    // Renewing every 10 ms: the sends wait until a renewal has failed.
    std::vector<DispatchJob> sent;
    BatchSender sender(dispatcher, &pool, f.log, std::chrono::milliseconds(10));
    CHECK_NOTHROW(sent = sender.send_all(std::move(jobs)));
    pool.join();
    CHECK(sends.gate_opened);
    CHECK(sends.ended == 2);
    REQUIRE(sent.size() == 2);
    CHECK(dispatcher.record(sent).sent == 2);
    CHECK(f.rows(DeliveryKind::reminder, DeliveryState::sent).size() == 2);
    CHECK(f.log_text.str().find("error renew reason=\"database is locked\"") != std::string::npos);
}

TEST_CASE("when something throws while a batch is sent, it leaves only after the sends under way have ended") {
    MemoryStore memory;
    Gate gate;
    RenewalFails store(memory, gate, [] { throw std::runtime_error("out of memory"); });
    Fixture f(store, 3);
    f.config.dispatch.workers = 1;
    GatedSends sends{gate};
    f.channel->answer = [&](const OutgoingMessage& message) { return sends(message); };
    f.clock.set(utc(2026, 2, 2, 17, 0));
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "owner-a");
    auto jobs = dispatcher.claim_batch();
    REQUIRE(jobs.size() == 3);

    boost::asio::thread_pool pool(1);
    BatchSender sender(dispatcher, &pool, f.log, std::chrono::milliseconds(10));
    CHECK_THROWS_AS(sender.send_all(std::move(jobs)), std::runtime_error);
    // No send of the batch runs on once the exception has left (the dispatcher and this
    // frame may go), and the batch started none after it.
    const int begun = sends.begun;
    CHECK(begun >= 1);
    CHECK(sends.ended == begun);
    pool.join();
    CHECK(sends.begun == begun);
    CHECK(sends.gate_opened);
    // Nothing was written: the rows keep their claims and go again when the lease runs out.
    CHECK(f.rows(DeliveryKind::reminder, DeliveryState::claimed).size() == 3);
}

namespace {

// Records which channel sent, in order, and when.
struct SendOrder {
    struct Send {
        std::string channel;
        std::chrono::steady_clock::time_point at;
    };
    std::mutex mutex;
    std::vector<Send> sends;
    int under_way = 0;
    int most_at_once = 0;
};

class OrderedChannel final : public Channel {
public:
    OrderedChannel(SendOrder& order, std::string name) : order_(order), name_(std::move(name)) {}
    SendResult send(const OutgoingMessage&) override {
        {
            const std::lock_guard lock(order_.mutex);
            order_.sends.push_back({name_, std::chrono::steady_clock::now()});
            order_.most_at_once = std::max(order_.most_at_once, ++order_.under_way);
        }
        std::this_thread::yield();
        const std::lock_guard lock(order_.mutex);
        --order_.under_way;
        return SendResult::accepted();
    }

private:
    SendOrder& order_;
    std::string name_;
};

ChannelConfig channel_named(const std::string& name, double rate, int concurrency) {
    ChannelConfig channel;
    channel.name = name;
    channel.adapter = "ordered";
    channel.medium = Medium::sms;
    channel.quiet_hours = false;
    channel.rate_per_second = rate;
    channel.concurrency = concurrency;
    return channel;
}

// A job ready to send on `channel`, as claim_batch makes it.
DispatchJob job_on(const std::string& channel, int64_t id, UtcInstant now) {
    DispatchJob job;
    job.delivery.id = id;
    job.delivery.channel = channel;
    job.delivery.attempts = 1;
    job.delivery.expires_at = {now.utc + pt::hours(24)};
    job.message = OutgoingMessage{id, channel, Medium::sms, "+31612345678", "nl", "reminder", "", "Hallo"};
    return job;
}

}  // namespace

TEST_CASE("a channel waiting for its rate holds no worker: another channel's messages go meanwhile") {
    MemoryStore store;
    Fixture f(store, 0);
    f.config.dispatch.workers = 2;
    SendOrder order;
    f.channels.add(channel_named("slow", 2, 4), std::make_unique<OrderedChannel>(order, "slow"));
    f.channels.add(channel_named("fast", 0, 4), std::make_unique<OrderedChannel>(order, "fast"));
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "owner-a");
    // The rate-limited channel's messages come first in the batch.
    std::vector<DispatchJob> jobs;
    for (int i = 1; i <= 10; ++i) jobs.push_back(job_on("slow", i, f.clock.now()));
    for (int i = 11; i <= 20; ++i) jobs.push_back(job_on("fast", i, f.clock.now()));

    boost::asio::thread_pool pool(2);
    const auto sent = BatchSender(dispatcher, &pool, f.log).send_all(std::move(jobs));
    pool.join();
    for (const auto& job : sent) {
        REQUIRE(job.outcome);
        CHECK(job.outcome->state == DeliveryState::sent);
    }
    REQUIRE(order.sends.size() == 20);
    const auto last_slow = std::find_if(order.sends.rbegin(), order.sends.rend(),
                                        [](const SendOrder::Send& send) { return send.channel == "slow"; });
    const auto fast_before = std::count_if(last_slow.base(), order.sends.end(),
                                           [](const SendOrder::Send& send) { return send.channel == "fast"; });
    CHECK(fast_before == 0);  // every unlimited message went before the limited channel finished
    // And the rate held: ten sends at 2 per second take 4.5 s from the first to the last
    // turn (checked with room for when each send began after its turn).
    std::vector<std::chrono::steady_clock::time_point> slow;
    for (const auto& send : order.sends)
        if (send.channel == "slow") slow.push_back(send.at);
    CHECK(slow.back() - slow.front() >= std::chrono::seconds(4));
}

TEST_CASE("a channel's concurrency holds across the workers") {
    MemoryStore store;
    Fixture f(store, 0);
    f.config.dispatch.workers = 4;
    SendOrder order;
    f.channels.add(channel_named("one", 0, 1), std::make_unique<OrderedChannel>(order, "one"));
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "owner-a");
    std::vector<DispatchJob> jobs;
    for (int i = 1; i <= 40; ++i) jobs.push_back(job_on("one", i, f.clock.now()));
    boost::asio::thread_pool pool(4);
    const auto sent = BatchSender(dispatcher, &pool, f.log).send_all(std::move(jobs));
    pool.join();
    CHECK(order.sends.size() == 40);
    CHECK(order.most_at_once == 1);
}


// Watches the re-checks before the sends: the deliveries read in each call. A delivery
// in `changed` reads as moved since its claim.
class SubjectReads final : public test::ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    bool subject_current(const Delivery& delivery) const override {
        reads.push_back({delivery.id});
        return !changed.count(delivery.id) && ForwardingStore::subject_current(delivery);
    }
    std::vector<bool> subjects_current(const std::vector<const Delivery*>& deliveries) const override {
        std::vector<int64_t> ids;
        for (const Delivery* d : deliveries) ids.push_back(d->id);
        reads.push_back(ids);
        std::vector<bool> current = ForwardingStore::subjects_current(deliveries);
        for (size_t i = 0; i < deliveries.size(); ++i) current[i] = current[i] && !changed.count(deliveries[i]->id);
        return current;
    }
    std::set<int64_t> changed;
    mutable std::vector<std::vector<int64_t>> reads;  // home's thread only
};

TEST_CASE("the sends that start together have their subjects read in one call, never more than the free workers") {
    MemoryStore memory;
    SubjectReads store(memory);
    Fixture f(store, 0);
    f.config.dispatch.workers = 4;
    SendOrder order;
    f.channels.add(channel_named("any", 0, 4), std::make_unique<OrderedChannel>(order, "any"));
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "owner-a");
    std::vector<DispatchJob> jobs;
    for (int i = 1; i <= 40; ++i) jobs.push_back(job_on("any", i, f.clock.now()));
    store.changed = {3, 17};  // moved after the claim
    boost::asio::thread_pool pool(4);
    const auto sent = BatchSender(dispatcher, &pool, f.log).send_all(std::move(jobs));
    pool.join();

    // The first turn reads the four that start; each delivery is read once, in batch order.
    REQUIRE_FALSE(store.reads.empty());
    CHECK(store.reads.front() == std::vector<int64_t>{1, 2, 3, 4});
    std::vector<int64_t> read;
    for (const auto& call : store.reads) {
        CHECK(call.size() <= 4);
        read.insert(read.end(), call.begin(), call.end());
    }
    std::vector<int64_t> all(40);
    std::iota(all.begin(), all.end(), 1);
    CHECK(read == all);
    // What changed is cancelled and never reaches the channel; the rest go.
    CHECK(order.sends.size() == 38);
    for (const auto& job : sent) {
        REQUIRE(job.outcome);
        if (store.changed.count(job.delivery.id)) {
            CHECK(job.outcome->state == DeliveryState::cancelled);
            CHECK(job.outcome->reason == "what it was about changed while its batch was being sent");
        } else {
            CHECK(job.outcome->state == DeliveryState::sent);
        }
    }
}

TEST_CASE("a session moved while its batch is being sent: the rest of its old reminders are cancelled, not sent") {
    MemoryStore store;
    Fixture f(store, 5);
    f.clock.set(utc(2026, 2, 2, 17, 0));
    // During the second send the lead moves the session to Wednesday (`ritme tick` sends
    // on its own thread, so the store may be written here).
    int sends = 0;
    f.channel->answer = [&](const OutgoingMessage&) {
        if (++sends == 2) {
            StoredSession moved = f.first_session();
            moved.date = make_date(2026, 2, 4);
            moved.start_utc = utc(2026, 2, 4, 8, 30);
            moved.end_utc = utc(2026, 2, 4, 10, 30);
            moved.status = SessionStatus::moved;
            moved.version = 2;
            store.write([&] { store.put_session(moved); });
        }
        return SendResult::accepted("gw-1");
    };
    const auto counts = f.run();
    CHECK(counts.claimed == 5);
    CHECK(counts.sent == 2);
    CHECK(counts.cancelled == 3);
    CHECK(f.channel->sent().size() == 2);
    const auto cancelled = f.rows(DeliveryKind::reminder, DeliveryState::cancelled);
    REQUIRE(cancelled.size() == 3);
    for (const auto& row : cancelled) {
        CHECK(row.session_version == 1);
        CHECK(row.reason == "what it was about changed while its batch was being sent");
    }
}

TEST_CASE("a batch rendered job by job: a message the store cannot read keeps its claim, the others go") {
    MemoryStore memory;
    UnreadableParticipant store(memory);
    Fixture f(store, 2);
    f.clock.set(utc(2026, 2, 2, 17, 0));
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "owner-a");
    auto jobs = dispatcher.claim_batch(false);
    REQUIRE(jobs.size() == 2);
    for (const auto& job : jobs) CHECK_FALSE(job.message);  // nothing rendered at the claim
    const int64_t damaged = jobs.front().delivery.id;
    store.unreadable = jobs.front().delivery.participant_id;

    boost::asio::thread_pool pool(2);
    auto sent = BatchSender(dispatcher, &pool, f.log).send_all(std::move(jobs));
    pool.join();
    CHECK(dispatcher.record(sent).sent == 1);
    CHECK(memory.delivery(damaged)->state == DeliveryState::claimed);  // goes again after the lease
    CHECK(f.log_text.str().find("error prepare id=" + std::to_string(damaged)) != std::string::npos);
    REQUIRE(f.channel->sent().size() == 1);
    CHECK(f.channel->sent().front().delivery_id != damaged);
}

TEST_CASE("a message not sent because the database was away for a moment is given back at once, not after the lease") {
    MemoryStore memory;
    UnreadableParticipant store(memory);
    Fixture f(store, 2);
    f.clock.set(utc(2026, 2, 2, 17, 0));
    Dispatcher dispatcher(store, f.clock, f.config, *f.renderer, f.channels, f.log, "owner-a");
    auto jobs = dispatcher.claim_batch(false);
    REQUIRE(jobs.size() == 2);
    const int64_t held_up = jobs.front().delivery.id;
    store.away = jobs.front().delivery.participant_id;

    boost::asio::thread_pool pool(2);
    auto sent = BatchSender(dispatcher, &pool, f.log).send_all(std::move(jobs));
    pool.join();
    const DispatchCounts counts = dispatcher.record(sent);
    CHECK(counts.sent == 1);
    CHECK(counts.retried == 1);
    const Delivery row = *memory.delivery(held_up);
    CHECK(row.state == DeliveryState::retry);
    CHECK(row.send_at == f.clock.now());
    CHECK(row.reason == "not sent: the database could not be read right before the send");
    REQUIRE(f.channel->sent().size() == 1);
    CHECK(f.channel->sent().front().delivery_id != held_up);

    // Written again after the database was away at the commit: the same rows, once.
    CHECK(dispatcher.record(sent).sent == 1);
    CHECK(memory.delivery(held_up)->state == DeliveryState::retry);
    store.away.clear();
    CHECK(dispatcher.run_due(nullptr).sent == 1);
    CHECK(f.channel->sent().size() == 2);
}

TEST_SUITE_END();
