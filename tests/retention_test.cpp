// Retention on virtual time: before retention_days after a session or appointment ended
// nothing is removed; after it the words, addresses and numbers of its messages, answers
// and receipts are gone, in every store (memory, SQLite, PostgreSQL), and no count per
// state changes. On SQLite the bytes leave the file and its write-ahead log. Two daemons
// on one database run it once a day between them, and the channels forget the messages.

#include "adapters/builtin_adapters.hpp"
#include "engine/changes/retention.hpp"
#include "engine/cli/cli.hpp"
#include "engine/daemon/daemon.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "postgres_test_store.hpp"
#include "shared_clock.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

using ritme::test::PostgresFactory;

namespace {

fs::path fresh_directory(const std::string& name) {
    const auto dir = fs::temp_directory_path() / ("ritme-retention-test-" + name + "-" + std::to_string(::getpid()));
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

UtcInstant utc(int month, int day, int hour, int minute = 0) {
    return {pt::ptime(make_date(2026, month, day), pt::hours(hour) + pt::minutes(minute))};
}
UtcInstant plus_days(UtcInstant at, int days) { return {at.utc + pt::hours(24 * days)}; }

// Deliveries per state and channel.
std::map<std::pair<std::string, std::string>, int> per_state(const Store& store) {
    std::map<std::pair<std::string, std::string>, int> out;
    for (const auto& c : store.delivery_counts()) out[{std::string(name_of(c.state)), c.channel}] = c.count;
    return out;
}

// What is personal in the scene, each written nowhere else, so a search of the database
// files finds it only where the scene put it.
constexpr const char* phone = "+31612345678";
constexpr const char* phone_digits = "612345678";
constexpr const char* email = "amina.qwertyuiop@example.org";
constexpr const char* name = "Amina Qwertyuiop";
constexpr const char* words = "Ik ben ziek vandaag, sorry";
constexpr const char* group_words = "Zwembad gesloten morgen, neem droge kleren mee";
constexpr const char* address = "Stationsplein 77 Almere";
constexpr const char* travel_note = "Neem bus 4 tot halte Stadhuis";
constexpr const char* commitment = "taalles Qwertyuiop";

// One participant in one programme: a session on 3 March (ended 10:30 UTC) with a sent
// reminder (a receipt naming her number), a failed one (its reason naming it), her answer;
// an appointment on 4 March (ended 14:00 UTC) with its reminder; a message to the group
// that went as the session ended; and a reminder still planned for a session in May.
struct Scene {
    std::string participant = "p-amina00001";
    int64_t session = 0, later_session = 0, appointment = 0, group = 0;
    int64_t sent = 0, failed = 0, appointment_reminder = 0, group_delivery = 0, planned = 0, answer = 0;
    UtcInstant session_end = utc(3, 3, 10, 30);
    UtcInstant appointment_end = utc(3, 4, 14);
    UtcInstant group_sent = utc(3, 3, 10, 30);  // went as the session ended

    explicit Scene(Store& store) {
        Programme programme = test::almere_like();
        store.write([&] {
            store.put_programme(programme);
            StoredSession s;
            s.programme_id = programme.id;
            s.number = 1;
            s.slot = 1;
            s.planned_date = s.date = make_date(2026, 3, 3);
            s.time = {*TimeOfDay::parse("09:30"), *TimeOfDay::parse("11:30")};
            s.location = "schakel";
            s.start_utc = utc(3, 3, 8, 30);
            s.end_utc = session_end;
            session = store.put_session(s);
            StoredSession may = s;
            may.number = 2;
            may.planned_date = may.date = make_date(2026, 5, 5);
            may.start_utc = utc(5, 5, 7, 30);
            may.end_utc = utc(5, 5, 9, 30);
            later_session = store.put_session(may);

            Participant p;
            p.id = participant;
            p.name = name;
            p.phone = phone;
            p.email = email;
            p.channels = {true, true};
            Commitment c;
            c.weekday = Weekday::monday;
            c.time = {*TimeOfDay::parse("09:00"), *TimeOfDay::parse("12:00")};
            c.label = commitment;
            p.commitments = {c};
            store.put_participant(p);
            store.enrol(participant, programme.id);

            Appointment a;
            a.participant_id = participant;
            a.start_utc = utc(3, 4, 13);
            a.duration_minutes = 60;
            a.where = address;
            a.note = travel_note;
            appointment = store.put_appointment(a);
            a.id = appointment;
            store.put_told({participant, "", 0, appointment, told_state(a), 1});

            GroupMessage g;
            g.programme_id = programme.id;
            g.texts = {{"nl", group_words}, {"en", "Pool closed tomorrow"}};
            g.author = "Fatima";
            g.created_at = utc(3, 1, 12);
            g.send_at = group_sent;
            group = store.add_group_message(g);

            Delivery reminder = row("reminder:1", DeliveryKind::reminder, utc(3, 2, 17), DeliveryState::sent);
            reminder.session_id = session;
            reminder.session_version = 1;
            reminder.payload = nlohmann::json{{"told", nlohmann::json::parse(told_state(s))}}.dump();
            reminder.provider_id = "gw-1";
            reminder.provider_status = "accepted";
            sent = store.add_delivery(reminder);
            store.add_receipt("sms", {sent, utc(3, 2, 17, 1), std::string(receipt_status::delivered),
                                      std::string("DELIVRD to ") + phone, std::string("k-") + phone});

            Delivery fail = row("reminder:2", DeliveryKind::reminder, utc(3, 3, 6, 30), DeliveryState::failed);
            fail.session_id = session;
            fail.session_version = 1;
            fail.reason = std::string("invalid number ") + phone;
            failed = store.add_delivery(fail);

            Delivery about_appointment =
                row("appointment:1", DeliveryKind::appointment, utc(3, 3, 17), DeliveryState::sent);
            about_appointment.appointment_id = appointment;
            about_appointment.appointment_version = 1;
            about_appointment.payload = nlohmann::json{{"told", nlohmann::json::parse(told_state(a))}}.dump();
            appointment_reminder = store.add_delivery(about_appointment);

            Delivery to_group = row("group:1", DeliveryKind::group, group_sent, DeliveryState::sent);
            to_group.payload = nlohmann::json{{"group", group}}.dump();
            group_delivery = store.add_delivery(to_group);

            Delivery ahead = row("reminder:3", DeliveryKind::reminder, utc(5, 4, 16), DeliveryState::planned);
            ahead.session_id = later_session;
            ahead.session_version = 1;
            ahead.sent_at.reset();
            ahead.payload = nlohmann::json{{"told", nlohmann::json::parse(told_state(may))}}.dump();
            planned = store.add_delivery(ahead);

            StoredAnswer answer_row;
            answer_row.participant_id = participant;
            answer_row.received_at = utc(3, 2, 18);
            answer_row.channel = "sms";
            answer_row.words = words;
            answer_row.reading = AnswerReading::cannot_come;
            answer_row.programme_id = programme.id;
            answer_row.delivery_id = sent;
            answer_row.session_id = session;
            answer = store.add_answer(answer_row);
        });
    }

    Delivery row(const std::string& key, DeliveryKind kind, UtcInstant send_at, DeliveryState state) const {
        Delivery d;
        d.key = key;
        d.kind = kind;
        d.programme_id = "test";
        d.participant_id = participant;
        d.channel = "sms";
        d.due_at = d.send_at = send_at;
        d.expires_at = {send_at.utc + pt::hours(24)};
        d.state = state;
        d.attempts = state == DeliveryState::planned ? 0 : 1;
        d.updated_at = send_at;
        if (state == DeliveryState::sent) d.sent_at = send_at;
        return d;
    }
};

// A channel that keeps copies, as the outbox adapter does: it records what it is told to
// forget.
class ForgettingChannel final : public Channel {
public:
    SendResult send(const OutgoingMessage&) override { return SendResult::accepted(); }
    ForgetResult forget(const ForgottenMessages& messages) override {
        const std::lock_guard lock(mutex_);
        forgotten_.insert(forgotten_.end(), messages.delivery_ids.begin(), messages.delivery_ids.end());
        return {static_cast<int>(messages.delivery_ids.size()), {}};
    }
    std::vector<int64_t> forgotten() const {
        const std::lock_guard lock(mutex_);
        return forgotten_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<int64_t> forgotten_;
};

DaemonSetup forgetting_setup(ForgettingChannel*& channel) {
    DaemonSetup setup;
    setup.config.timezone = "Europe/Amsterdam";
    setup.config.templates = test::source_path("config/templates");
    setup.config.listen = "127.0.0.1:0";
    ChannelConfig sms;
    sms.name = "sms";
    sms.adapter = "forgetting";
    sms.medium = Medium::sms;
    setup.config.channels["sms"] = sms;
    Diagnostics problems;
    setup.renderer = MessageRenderer::load(setup.config.templates, problems);
    REQUIRE(setup.renderer);
    auto made = std::make_unique<ForgettingChannel>();
    channel = made.get();
    setup.channels.add(sms, std::move(made));
    return setup;
}

template <typename Done>
bool wait_until(Done done) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!done()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

// The daemon's loop on its own thread; stopped and joined however the test ends.
struct Running {
    explicit Running(Daemon& loop) : daemon(loop), thread([this] { daemon.run(); }) {}
    ~Running() { join(); }
    void join() {
        if (!thread.joinable()) return;
        daemon.stop();
        thread.join();
    }
    Daemon& daemon;
    std::thread thread;
};

}  // namespace

TEST_SUITE_BEGIN("retention");

TEST_CASE("a delivery keeps its ids and what kind of message it was; no told state, no failure text") {
    CHECK(retained_payload(R"({"told":{"where":"Stationsplein 77"},"from":{"date":"2026-03-03"},"change":"moved"})") ==
          R"({"change":"moved"})");
    CHECK(retained_payload(R"({"lead":"l-1","day":"2026-03-03"})") == R"({"day":"2026-03-03","lead":"l-1"})");
    CHECK(retained_payload(R"({"answer":7,"confirm":"stop"})") == R"({"answer":7,"confirm":"stop"})");
    CHECK(retained_payload(R"({"reason":"invalid number +31612345678"})").empty());
    CHECK(retained_payload("not json").empty());
    CHECK(retained_payload("").empty());
}

TEST_CASE_TEMPLATE("before retention_days nothing goes; after them the words, addresses and numbers, and no count "
                   "changes",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    auto store = Factory::make();
    const Scene scene(*store);
    const auto counts_before = per_state(*store);

    // A second before the session's messages are 30 days past it: nothing.
    const RetentionRun early = run_retention(*store, 30, {plus_days(scene.session_end, 30).utc - pt::seconds(1)}, "test");
    CHECK(early.record.counts == RetentionCounts{});
    CHECK(early.past_retention.empty());
    CHECK(store->answer(scene.answer)->words == words);
    CHECK(store->delivery(scene.failed)->reason == std::string("invalid number ") + phone);
    CHECK(store->receipts(scene.sent).front().detail == std::string("DELIVRD to ") + phone);
    CHECK(store->group_message(scene.group)->texts.at("nl") == group_words);
    CHECK(store->participant(scene.participant)->phone == phone);
    CHECK(store->audit().empty());
    const auto early_record = last_retention(*store);
    REQUIRE(early_record.has_value());
    CHECK(early_record->retention_days == 30);

    // 30 days after the session and the group message, not yet the appointment's.
    const UtcInstant now = plus_days(scene.session_end, 30);
    const RetentionRun run = run_retention(*store, 30, now, "test");
    CHECK(run.record.counts.deliveries == 2);  // the sent and failed reminders; the group's held only ids
    CHECK(run.record.counts.receipts == 1);
    CHECK(run.record.counts.answers == 1);
    CHECK(run.record.counts.group_messages == 1);
    CHECK(run.record.counts.appointments == 0);
    CHECK(run.record.counts.participants == 0);  // her programme runs until May
    CHECK(std::set<int64_t>(run.past_retention.begin(), run.past_retention.end()) ==
          std::set<int64_t>{scene.sent, scene.failed, scene.group_delivery});

    const auto reminder = store->delivery(scene.sent);
    CHECK(reminder->payload.empty());
    CHECK(reminder->state == DeliveryState::sent);
    CHECK(reminder->provider_id == "gw-1");
    CHECK(reminder->sent_at == std::optional<UtcInstant>(utc(3, 2, 17)));
    CHECK(reminder->session_id == scene.session);
    const auto receipt = store->receipts(scene.sent);
    REQUIRE(receipt.size() == 1);
    CHECK(receipt.front().status == receipt_status::delivered);
    CHECK(receipt.front().detail.empty());
    CHECK(receipt.front().report_key.empty());
    CHECK(store->delivery(scene.failed)->reason.empty());
    CHECK(store->delivery(scene.failed)->state == DeliveryState::failed);
    CHECK(store->delivery(scene.group_delivery)->payload == nlohmann::json{{"group", scene.group}}.dump());
    CHECK(store->group_message(scene.group)->texts == std::map<std::string, std::string>{{"nl", ""}});
    CHECK(store->answer(scene.answer)->words.empty());
    CHECK(store->answer(scene.answer)->reading == AnswerReading::cannot_come);
    CHECK(store->appointment(scene.appointment)->where == address);  // ended a day later
    CHECK(store->delivery(scene.planned)->payload.find("told") != std::string::npos);  // still to go
    CHECK(per_state(*store) == counts_before);
    const auto audit = store->audit();
    REQUIRE(audit.size() == 1);
    CHECK(audit.front().action == "retention.scrubbed");
    CHECK(audit.front().details.find(phone_digits) == std::string::npos);

    // Two days on: the appointment; again nothing of what went before.
    const RetentionRun next = run_retention(*store, 30, plus_days(now, 2), "test");
    CHECK(next.record.counts.appointments == 1);
    CHECK(next.record.counts.deliveries == 1);
    CHECK(next.record.counts.answers == 0);
    CHECK(next.past_retention == std::vector<int64_t>{scene.appointment_reminder});
    CHECK(store->appointment(scene.appointment)->where.empty());
    CHECK(store->appointment(scene.appointment)->note.empty());
    CHECK(store->appointment(scene.appointment)->start_utc == utc(3, 4, 13));
    const auto told = store->told_about_appointments(scene.participant);
    REQUIRE(told.size() == 1);
    CHECK(told.front().state.find("Stationsplein") == std::string::npos);
    CHECK(told.front().serial == 1);
    CHECK(store->delivery(scene.appointment_reminder)->payload.empty());

    // Her programme's last session ended 5 May; 30 days on (its reminder went), her
    // contact data goes; her id, enrolment and the counts stay.
    store->write([&] {
        DeliveryOutcome went(scene.planned, DeliveryState::expired, utc(5, 5, 7, 30));
        went.reason = "the session started";
        store->claim_due(utc(5, 4, 16), 10, "test", utc(5, 4, 17));
        store->finish({went});
    });
    const auto counts_in_june = per_state(*store);
    CHECK(run_retention(*store, 30, utc(6, 4, 9), "test").record.counts.participants == 0);  // a day short
    const RetentionRun after_track = run_retention(*store, 30, utc(6, 5, 9, 30), "test");
    CHECK(after_track.record.counts.participants == 1);
    CHECK(after_track.record.counts.deliveries == 1);
    const auto p = store->participant(scene.participant);
    REQUIRE(p.has_value());
    CHECK(p->name.empty());
    CHECK(p->phone.empty());
    CHECK(p->email.empty());
    CHECK(p->commitments.empty());
    CHECK(store->programmes_of(scene.participant) == std::vector<std::string>{"test"});
    CHECK(per_state(*store) == counts_in_june);

    // Nothing left: a run removes nothing, and says so.
    const RetentionRun again = run_retention(*store, 30, utc(6, 6, 9, 30), "test");
    CHECK(again.record.counts == RetentionCounts{});
    CHECK(again.past_retention.empty());
    CHECK(last_retention(*store)->at == utc(6, 6, 9, 30));
    CHECK(next_retention_at(*store, utc(6, 6, 10)) == utc(6, 7, 9, 30));
}

TEST_CASE("SQLite: after retention no byte of her number, address or words is in the file or its log") {
    const auto dir = fresh_directory("bytes");
    const std::string path = (dir / "ritme.db").string();
    auto store = SqliteStore::open(path);
    const Scene scene(*store);
    auto bytes = [&] {
        std::string all;
        for (const auto& file : {path, path + "-wal"}) {
            std::ifstream in(file, std::ios::binary);
            all.append(std::istreambuf_iterator<char>(in), {});
        }
        return all;
    };
    const std::vector<std::string> personal{phone_digits, email, name, words, group_words, address, travel_note,
                                            commitment};
    {
        const std::string before = bytes();
        for (const auto& text : personal) CHECK_MESSAGE(before.find(text) != std::string::npos, text);
    }
    run_retention(*store, 30, plus_days(scene.session_end, 29), "test");
    {
        const std::string early = bytes();
        CHECK(early.find(words) != std::string::npos);
        CHECK(early.find(group_words) != std::string::npos);
    }
    store->write([&] {
        DeliveryOutcome went(scene.planned, DeliveryState::expired, utc(5, 5, 7, 30));
        store->claim_due(utc(5, 4, 16), 10, "test", utc(5, 4, 17));
        store->finish({went});
    });
    const auto counts_in_may = per_state(*store);
    const RetentionRun run = run_retention(*store, 30, utc(6, 5, 9, 30), "test");
    CHECK(run.log_emptied);
    CHECK(run.record.counts.participants == 1);
    const std::string after = bytes();
    for (const auto& text : personal) CHECK_MESSAGE(after.find(text) == std::string::npos, text);
    CHECK(per_state(*store) == counts_in_may);
    CHECK(store->integrity_problems().empty());
}

TEST_CASE("two daemons on one SQLite file run retention once a day between them; the channels forget") {
    const auto dir = fresh_directory("daemons");
    const std::string path = (dir / "ritme.db").string();
    auto first_store = SqliteStore::open(path);
    auto second_store = SqliteStore::open(path);  // the other daemon's connection
    const Scene scene(*first_store);
    first_store->write([&] {
        for (const auto& scope : first_store->plan_requests()) first_store->clear_plan_request(scope);
        // Nothing left to send: the daemons only keep time.
        first_store->claim_due(utc(5, 4, 16), 10, "test", utc(5, 4, 17));
        first_store->finish({DeliveryOutcome(scene.planned, DeliveryState::expired, utc(5, 5, 7, 30))});
    });
    test::SharedClock clock(utc(3, 3, 12));
    std::ostringstream log_text;
    Log log(log_text, LogLevel::info, iso_timestamps(clock));
    ForgettingChannel* first_channel = nullptr;
    ForgettingChannel* second_channel = nullptr;
    Daemon first(*first_store, clock, log, forgetting_setup(first_channel), [] { return std::nullopt; });
    Daemon second(*second_store, clock, log, forgetting_setup(second_channel), [] { return std::nullopt; });
    auto runs = [&] { return first.retention_runs() + second.retention_runs(); };
    auto forgotten = [&] {
        auto all = first_channel->forgotten();
        const auto more = second_channel->forgotten();
        all.insert(all.end(), more.begin(), more.end());
        return std::multiset<int64_t>(all.begin(), all.end());
    };
    auto clock_set = [&](uint64_t times) {
        first.clock_was_set();
        second.clock_was_set();
        return wait_until([&] { return first.wakeups().clock >= times && second.wakeups().clock >= times; });
    };
    {
        Running first_running(first);
        Running second_running(second);
        // At start, due for the first time: one of them runs it, and finds nothing past.
        REQUIRE(wait_until([&] { return runs() >= 1 && first.http_port() != 0 && second.http_port() != 0; }));
        CHECK(forgotten().empty());
        CHECK(first_store->answer(scene.answer)->words == words);

        // Thirty days after the session, a day after the first run: once, by one of them.
        clock.set(plus_days(scene.session_end, 30));
        REQUIRE(clock_set(1));
        CHECK(runs() == 2);
        CHECK(forgotten() == std::multiset<int64_t>{scene.sent, scene.failed, scene.group_delivery});
        CHECK(first_store->answer(scene.answer)->words.empty());
        CHECK(first_store->delivery(scene.failed)->reason.empty());

        // An hour on: not due again until a day after.
        clock.set({plus_days(scene.session_end, 30).utc + pt::hours(1)});
        REQUIRE(clock_set(2));
        CHECK(runs() == 2);
        clock.set(plus_days(scene.session_end, 31));
        REQUIRE(clock_set(3));
        CHECK(runs() == 3);
        CHECK(forgotten().size() == 3);  // the appointment's ends at 14:00
    }
    const std::string logged = log_text.str();
    CHECK(logged.find("retention days=30 deliveries=2 receipts=1 answers=1 group_messages=1") != std::string::npos);
    CHECK(logged.find(phone_digits) == std::string::npos);
    CHECK(logged.find(words) == std::string::npos);
    const auto record = last_retention(*first_store);
    REQUIRE(record.has_value());
    CHECK(record->at == plus_days(scene.session_end, 31));
    first_store.reset();
    second_store.reset();
    fs::remove_all(dir);
}

namespace {

// The CLI on a real SQLite file with the outbox adapter's folder, on a clock the test sets.
class OutboxFixture {
public:
    struct Run {
        int status;
        std::string out, err;
    };

    OutboxFixture() : dir_(fresh_directory("cli")), clock_(utc(1, 20, 8)) {
        fs::create_directories(dir_ / "programmes");
        std::ofstream(dir_ / "programmes" / "tick-test.toml") << test::led_programme_toml("tick-test");
        std::ofstream(dir_ / "ritme.toml") << R"(database = "ritme.db"
timezone = "Europe/Amsterdam"
programmes = "programmes"
templates = ")" << test::source_path("config/templates") << R"("

[reminders]
offsets = ["1d@18:00", "1h"]
min_notice = "15m"

[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
)";
        register_builtin_adapters(registry_);
    }
    ~OutboxFixture() { fs::remove_all(dir_); }

    Run run(std::vector<std::string> args) {
        std::ostringstream out, err;
        CliContext context{out, err, clock_, &registry_};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "-c", (dir_ / "ritme.toml").string()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }
    void set_clock(UtcInstant at) { clock_.set(at); }

    std::set<std::string> message_files() const {
        std::set<std::string> files;
        for (const auto& entry : fs::directory_iterator(dir_ / "outbox"))
            if (entry.path().extension() == ".txt") files.insert(entry.path().stem().string());
        return files;
    }
    std::string database_bytes() const {
        std::string bytes;
        for (const auto& file : {"ritme.db", "ritme.db-wal"}) {
            std::ifstream in(dir_ / file, std::ios::binary);
            bytes.append(std::istreambuf_iterator<char>(in), {});
        }
        return bytes;
    }
    std::string database() const { return (dir_ / "ritme.db").string(); }

private:
    fs::path dir_;
    ManualClock clock_;
    ChannelRegistry registry_;
};

}  // namespace

TEST_CASE("tick runs retention when a day has passed, `retention run` now; the outbox folder forgets her messages") {
    OutboxFixture f;
    REQUIRE(f.run({"tick", "--now", "2026-01-20T09:00"}).status == 0);  // applies the programme
    const auto added = f.run({"participant", "add", "--name", name, "--phone", "0612345678", "--programme", "tick-test"});
    REQUIRE(added.status == 0);
    const std::string amina = added.out.substr(0, added.out.find('\n'));
    REQUIRE(f.run({"tick", "--now", "2026-02-02T18:00"}).status == 0);
    REQUIRE(f.run({"tick", "--now", "2026-02-03T08:30"}).status == 0);
    std::set<std::string> hers;
    {
        DeliveryQuery query;
        query.participant_id = amina;
        query.states = {DeliveryState::sent};
        for (const auto& d : SqliteStore::open(f.database())->deliveries(query)) hers.insert(std::to_string(d.id));
    }
    REQUIRE(hers.size() == 2);  // the reminders of Tuesday 3 February, ended 10:30 UTC
    for (const auto& id : hers) REQUIRE(f.message_files().count(id) == 1);

    // 5 March, 30 days after the session not yet past: tick runs retention (a day has
    // passed since its last run), and her messages stay.
    f.run({"tick", "--now", "2026-03-05T11:00"});
    for (const auto& id : hers) CHECK(f.message_files().count(id) == 1);
    f.set_clock(utc(3, 5, 10, 5));
    const auto status = f.run({"status"});
    CHECK(status.out.find("retention: last ran 2026-03-05 11:00, 30 days; removed ") != std::string::npos);

    // A day on, run now: her reminders' files go; the counts stay.
    f.set_clock(utc(3, 6, 11));
    const auto counts = per_state(*SqliteStore::open(f.database()));
    const auto now = f.run({"retention", "run"});
    CHECK(now.status == 0);
    CHECK(now.out.find("retention: removed ") != std::string::npos);
    CHECK(now.out.find("channels: removed ") != std::string::npos);
    for (const auto& id : hers) CHECK(f.message_files().count(id) == 0);
    CHECK(per_state(*SqliteStore::open(f.database())) == counts);
    const auto json = nlohmann::json::parse(f.run({"status", "--format", "json"}).out);
    CHECK(json["retention"]["days"] == 30);
    CHECK(json["retention"]["removed"]["deliveries"].get<int>() >= 2);
    CHECK(f.database_bytes().find("612345678") != std::string::npos);  // her track runs until June

    // August: the track ended more than 30 days ago; her contact data goes too.
    const auto august = f.run({"tick", "--now", "2026-08-01T12:00"});
    CHECK(august.out.find("1 participant") != std::string::npos);
    const std::string bytes = f.database_bytes();
    CHECK(bytes.find("612345678") == std::string::npos);
    CHECK(bytes.find("Qwertyuiop") == std::string::npos);
    const auto shown = nlohmann::json::parse(f.run({"participant", "show", amina, "--format", "json"}).out);
    CHECK(shown["phone"] == "");
}

TEST_SUITE_END();
