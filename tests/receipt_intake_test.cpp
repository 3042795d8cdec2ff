// The engine's intake of delivery reports: each report finds its delivery (by ritme's id
// on its channel, or by the gateway's id), is stored once however often it comes, and a
// final failure makes the delivery failed with the dispatcher's follow-ups: the
// channel's fallback, else the lead's alert. A locked database is StoreBusy with nothing
// written.

#include "engine/base/utf8.hpp"
#include "engine/changes/apply.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/daemon/receipt_group_commit.hpp"
#include "engine/dispatch/dispatcher.hpp"
#include "engine/dispatch/receipt_intake.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/fallback_key.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "test_support.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

UtcInstant utc(int year, int month, int day, int hour, int minute) {
    return {pt::ptime(make_date(year, month, day), pt::hours(hour) + pt::minutes(minute))};
}

// Accepts every message with an id of the gateway's own: "gw-" and ritme's id.
class AcceptingChannel final : public Channel {
public:
    SendResult send(const OutgoingMessage& message) override {
        return SendResult::accepted("gw-" + std::to_string(message.delivery_id));
    }
};

DaemonConfig intake_config() {
    DaemonConfig config;
    config.timezone = "Europe/Amsterdam";
    config.templates = test::source_path("config/templates");
    std::string why;
    config.reminders.session_offsets = {*ReminderOffset::parse("1d@18:00", why)};
    config.reminders.min_notice_minutes = 15;
    for (const auto& [name, medium] : {std::pair{"sms", Medium::sms}, std::pair{"email", Medium::email}}) {
        ChannelConfig channel;
        channel.name = name;
        channel.adapter = "accepting";
        channel.medium = medium;
        config.channels[name] = channel;
    }
    return config;
}

std::unique_ptr<Store> memory_store() { return std::make_unique<MemoryStore>(); }

fs::path fresh_directory(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("ritme-receipts-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

// One participant enrolled in a led programme, her first reminder sent by SMS (and, with
// `fallback`, an e-mail address and the email channel as the SMS channel's fallback).
struct Sent {
    Sent(std::unique_ptr<Store> made, bool fallback) : store(std::move(made)) {
        if (fallback) config.channels["sms"].fallback = "email";
        for (const auto& [name, channel] : config.channels) channels.add(channel, std::make_unique<AcceptingChannel>());
        Diagnostics problems;
        renderer = MessageRenderer::load(config.templates, problems);
        REQUIRE(renderer);
        const auto rules = planning_rules(config);
        store->write([&] {
            apply_programme(*store, test::plan(test::led_programme_toml("test")), {clock.now(), "lead", "apply"});
            Participant amina;
            amina.id = "p-1";
            amina.name = "Amina Yusuf";
            amina.phone = "+31612345678";
            amina.language = "nl";
            amina.channels.sms = true;
            if (fallback) amina.email = "amina@example.nl";
            store->put_participant(amina);
            store->enrol("p-1", "test");
            plan_requested(*store, rules, clock.now());
        });
        clock.set(utc(2026, 2, 2, 17, 0));  // the first session's 18:00 reminder is due
        Dispatcher dispatcher(*store, clock, config, *renderer, channels, log, "test-owner");
        dispatcher.run_due(nullptr);
        DeliveryQuery query;
        query.states = {DeliveryState::sent};
        query.kinds = {DeliveryKind::reminder};
        const auto sent = store->deliveries(query);
        REQUIRE(sent.size() == 1);
        reminder = sent.front();
        REQUIRE(reminder.channel == "sms");
        REQUIRE(reminder.provider_id == "gw-" + std::to_string(reminder.id));
        intake = std::make_unique<ReceiptIntake>(*store, config, channels, log);
    }

    ReceiptReport report(std::string_view status, bool final_failure, std::string key) const {
        ReceiptReport made;
        made.delivery_id = reminder.id;
        made.status = std::string(status);
        made.final_failure = final_failure;
        made.detail = final_failure ? "NACK/0x0000000b" : "ACK/";
        made.report_key = std::move(key);
        return made;
    }

    std::vector<Delivery> rows(DeliveryKind kind) const {
        DeliveryQuery query;
        query.kinds = {kind};
        return store->deliveries(query);
    }

    std::vector<Delivery> fallbacks() const {
        std::vector<Delivery> found;
        for (const auto& row : store->deliveries({}))
            if (is_fallback(row)) found.push_back(row);
        return found;
    }

    std::unique_ptr<Store> store;
    ManualClock clock{utc(2026, 1, 20, 12, 0)};
    DaemonConfig config = intake_config();
    std::optional<MessageRenderer> renderer;
    ChannelSet channels;
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, iso_timestamps(clock)};
    Delivery reminder;
    std::unique_ptr<ReceiptIntake> intake;
};

std::unique_ptr<Store> sqlite_store(const std::string& name) {
    return SqliteStore::open((fresh_directory(name) / "ritme.db").string());
}

}  // namespace

TEST_SUITE_BEGIN("receipt_intake");

TEST_CASE("the same report twice is stored once, in both stores; another report is stored too") {
    for (bool sqlite : {false, true}) {
        INFO(sqlite);
        Sent f(sqlite ? sqlite_store("once") : memory_store(), false);
        const UtcInstant now = f.clock.now();
        (*f.intake)("sms", {f.report(receipt_status::accepted_by_smsc, false, "k8")}, now);
        (*f.intake)("sms", {f.report(receipt_status::accepted_by_smsc, false, "k8")}, now);
        (*f.intake)("sms", {f.report(receipt_status::delivered, false, "k1"),
                            f.report(receipt_status::delivered, false, "k1")},
                    now);
        const auto receipts = f.store->receipts(f.reminder.id);
        REQUIRE(receipts.size() == 2);
        CHECK(receipts[0].status == receipt_status::accepted_by_smsc);
        CHECK(receipts[0].report_key == "k8");
        CHECK(receipts[1].status == receipt_status::delivered);
        CHECK(f.intake->counts().stored == 2);
        CHECK(f.intake->counts().repeated == 2);
        const auto row = f.store->delivery(f.reminder.id);
        CHECK(row->state == DeliveryState::sent);
        CHECK(row->provider_status == receipt_status::delivered);
    }
}

TEST_CASE("a report finds its delivery by the gateway's id on that channel, never another channel's") {
    Sent f(memory_store(), false);
    ReceiptReport by_gateway = f.report(receipt_status::delivered, false, "d");
    by_gateway.delivery_id.reset();
    by_gateway.provider_id = f.reminder.provider_id;
    (*f.intake)("sms", {by_gateway}, f.clock.now());
    CHECK(f.store->receipts(f.reminder.id).size() == 1);

    // The email channel's gateway cannot report on an SMS, by either id.
    (*f.intake)("email", {f.report(receipt_status::not_delivered, true, "x"), by_gateway}, f.clock.now());
    CHECK(f.store->receipts(f.reminder.id).size() == 1);
    CHECK(f.store->delivery(f.reminder.id)->state == DeliveryState::sent);
    CHECK(f.intake->counts().unknown == 2);
}

TEST_CASE("a report on an unknown delivery is counted and logged without its ids") {
    Sent f(memory_store(), false);
    ReceiptReport unknown = f.report(receipt_status::delivered, false, "u");
    unknown.delivery_id.reset();
    unknown.provider_id = "SM-secret-looking-id";
    ReceiptReport missing = f.report(receipt_status::delivered, false, "m");
    missing.delivery_id = 987654;
    (*f.intake)("sms", {unknown, missing}, f.clock.now());
    CHECK(f.intake->counts().unknown == 2);
    CHECK(f.intake->counts().stored == 0);
    const std::string log = f.log_text.str();
    CHECK(log.find("receipt.unknown") != std::string::npos);
    CHECK(log.find("count=2") != std::string::npos);
    CHECK(log.find("SM-secret-looking-id") == std::string::npos);
    CHECK(log.find("987654") == std::string::npos);
}

TEST_CASE("a final failure makes the delivery failed and sends the fallback; a repeat of it changes nothing") {
    for (bool sqlite : {false, true}) {
        INFO(sqlite);
        Sent f(sqlite ? sqlite_store("fallback") : memory_store(), true);
        (*f.intake)("sms", {f.report(receipt_status::rejected_by_smsc, true, "k16")}, f.clock.now());
        const auto failed = f.store->delivery(f.reminder.id);
        CHECK(failed->state == DeliveryState::failed);
        CHECK(failed->reason.find("rejected by the SMS centre") != std::string::npos);
        CHECK(failed->reason.find("sending through email instead") != std::string::npos);
        const auto fallbacks = f.fallbacks();
        REQUIRE(fallbacks.size() == 1);
        CHECK(fallbacks.front().state == DeliveryState::planned);
        CHECK(is_fallback(fallbacks.front()));
        CHECK(fallbacks.front().channel == "email");
        CHECK(fallbacks.front().session_id == f.reminder.session_id);
        CHECK(f.rows(DeliveryKind::alert).empty());
        CHECK(f.intake->counts().undelivered == 1);
        CHECK(f.log_text.str().find("delivery.undelivered") != std::string::npos);

        (*f.intake)("sms", {f.report(receipt_status::rejected_by_smsc, true, "k16")}, f.clock.now());
        (*f.intake)("sms", {f.report(receipt_status::not_delivered, true, "k2")}, f.clock.now());
        CHECK(f.fallbacks().size() == 1);
        CHECK(f.intake->counts().undelivered == 1);
        CHECK(f.store->receipts(f.reminder.id).size() == 2);
    }
}

TEST_CASE("a final failure without a fallback is failed with its reason and waits for the lead's overview") {
    Sent f(memory_store(), false);
    (*f.intake)("sms", {f.report(receipt_status::not_delivered, true, "k2")}, f.clock.now());
    const auto failed = f.store->delivery(f.reminder.id);
    CHECK(failed->state == DeliveryState::failed);
    CHECK(failed->reason.find("not delivered") != std::string::npos);
    // No alert per message: the lead reads it, named and in plain words, in her overview.
    CHECK(f.rows(DeliveryKind::alert).empty());
    CHECK(f.fallbacks().empty());
}

TEST_CASE("a report that is no final failure leaves a sent delivery sent") {
    Sent f(memory_store(), true);
    (*f.intake)("sms", {f.report(receipt_status::queued, false, "k4")}, f.clock.now());
    CHECK(f.store->delivery(f.reminder.id)->state == DeliveryState::sent);
    CHECK(f.rows(DeliveryKind::alert).empty());
    CHECK(f.fallbacks().empty());
}

TEST_CASE("a database locked by another connection: StoreBusy, nothing written, and it goes once free") {
    const fs::path dir = fresh_directory("busy");
    auto opened = SqliteStore::open((dir / "ritme.db").string());
    SqliteStore* sqlite = opened.get();
    Sent f(std::move(opened), true);
    sqlite->set_busy_timeout(std::chrono::milliseconds(50));

    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open((dir / "ritme.db").string().c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    CHECK_THROWS_AS((*f.intake)("sms", {f.report(receipt_status::rejected_by_smsc, true, "k16")}, f.clock.now()),
                    StoreBusy);
    CHECK(f.intake->counts().stored == 0);
    CHECK(f.intake->counts().undelivered == 0);
    REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);

    CHECK(f.store->receipts(f.reminder.id).empty());
    CHECK(f.store->delivery(f.reminder.id)->state == DeliveryState::sent);
    // The gateway tries again: now it lands.
    (*f.intake)("sms", {f.report(receipt_status::rejected_by_smsc, true, "k16")}, f.clock.now());
    CHECK(f.store->receipts(f.reminder.id).size() == 1);
    CHECK(f.store->delivery(f.reminder.id)->state == DeliveryState::failed);
    f.store.reset();
    fs::remove_all(dir);
}

TEST_CASE("a group commit: the receipts of one loop turn in one transaction, each answered only after it") {
    const fs::path dir = fresh_directory("group");
    auto opened = SqliteStore::open((dir / "ritme.db").string());
    SqliteStore* sqlite = opened.get();
    Sent f(std::move(opened), false);
    sqlite->set_busy_timeout(std::chrono::milliseconds(50));
    boost::asio::io_context io;
    int commits = 0;
    ReceiptGroupCommit groups(io.get_executor(), [&](const std::vector<ReceiptCall>& group) {
        ++commits;
        f.intake->take(group);
    });
    // What each request's answer saw when it was given: its receipts stored already.
    std::vector<size_t> stored_when_answered;
    std::vector<std::exception_ptr> failures;
    auto add = [&](std::string key) {
        groups.add({"sms", {f.report(receipt_status::delivered, false, std::move(key))}, f.clock.now()},
                   [&](std::exception_ptr failure) {
                       failures.push_back(failure);
                       stored_when_answered.push_back(f.store->receipts(f.reminder.id).size());
                   });
    };
    add("k1");
    add("k2");
    add("k3");
    CHECK(stored_when_answered.empty());  // nothing answered before the commit
    CHECK(f.store->receipts(f.reminder.id).empty());
    io.run();
    CHECK(commits == 1);
    CHECK(groups.groups() == 1);
    CHECK(groups.largest_group() == 3);
    CHECK(stored_when_answered == std::vector<size_t>{3, 3, 3});
    for (const auto& failure : failures) CHECK_FALSE(failure);
    CHECK(f.intake->counts().stored == 3);

    // The database locked: the whole group fails, every request gets StoreBusy (503), and
    // nothing of it is written.
    sqlite3* other = nullptr;
    REQUIRE(sqlite3_open((dir / "ritme.db").string().c_str(), &other) == SQLITE_OK);
    REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
    failures.clear();
    stored_when_answered.clear();
    add("k4");
    add("k5");
    io.restart();
    io.run();
    REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(other);
    CHECK(commits == 2);
    REQUIRE(failures.size() == 2);
    for (const auto& failure : failures) CHECK_THROWS_AS(std::rethrow_exception(failure), StoreBusy);
    CHECK(f.store->receipts(f.reminder.id).size() == 3);
    CHECK(f.intake->counts().stored == 3);
    f.store.reset();
    fs::remove_all(dir);
}

TEST_CASE("a gateway's words in broken UTF-8 or on several lines are kept readable: the messages go on") {
    // An SMS centre's reply (Kannel's %A) is the gateway's to fill: bytes that are no
    // UTF-8, a newline, a control byte. The store refuses to read back text that is not
    // UTF-8, so kept as they came they made her receipts, her export and, in the lead's
    // alert, the due messages themselves unreadable.
    const fs::path dir = fresh_directory("broken-words");
    Sent f(SqliteStore::open((dir / "ritme.db").string()), false);
    ReceiptReport report = f.report(receipt_status::not_delivered, true, "k2\xff");
    report.detail = "stat:UNDELIV\xff\xfe err:\xc3\x28\n0b\x01" + std::string(1000, 'x');
    (*f.intake)("sms", {report}, f.clock.now());

    const auto receipts = f.store->receipts(f.reminder.id);
    REQUIRE(receipts.size() == 1);
    CHECK(is_valid_utf8(receipts.front().detail));
    CHECK(receipts.front().detail.find('\n') == std::string::npos);
    CHECK(receipts.front().detail.find('\x01') == std::string::npos);
    CHECK(receipts.front().detail.starts_with("stat:UNDELIV"));
    CHECK(receipts.front().detail.size() <= 256);
    const auto failed = f.store->delivery(f.reminder.id);
    REQUIRE(failed);
    CHECK(failed->state == DeliveryState::failed);
    CHECK(is_valid_utf8(failed->reason));
    CHECK(f.log_text.str().find('\xff') == std::string::npos);
    CHECK(f.rows(DeliveryKind::alert).empty());
    // The same report again is still the same report.
    (*f.intake)("sms", {report}, f.clock.now());
    CHECK(f.store->receipts(f.reminder.id).size() == 1);
    f.store.reset();
    fs::remove_all(dir);
}

TEST_SUITE_END();
