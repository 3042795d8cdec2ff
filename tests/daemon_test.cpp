// The daemon's loop on virtual time with a real SQLite file and a channel that records
// when it saw each message: a session moved while its reminders wait for the channel's
// rate gets none for the old time after the move's commit; when the wall clock is set,
// what fell due goes at once, and a jump back sends nothing twice.

#include "engine/changes/apply.hpp"
#include "engine/changes/session_changes.hpp"
#include "engine/daemon/daemon.hpp"
#include "engine/planner/overview_plan.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "shared_clock.hpp"
#include "test_support.hpp"
#include "wall_clock_set.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

UtcInstant utc(int year, int month, int day, int hour, int minute) {
    return {pt::ptime(make_date(year, month, day), pt::hours(hour) + pt::minutes(minute))};
}

using test::SharedClock;

// Records each message with the instant the channel saw it.
class RecordingChannel final : public Channel {
public:
    struct Send {
        int64_t delivery_id;
        SteadyTime at;
    };

    SendResult send(const OutgoingMessage& message) override {
        const std::lock_guard lock(mutex_);
        sends_.push_back({message.delivery_id, std::chrono::steady_clock::now()});
        changed_.notify_all();
        return SendResult::accepted();
    }
    bool wait_for(size_t count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(20), [&] { return sends_.size() >= count; });
    }
    std::vector<Send> sends() const {
        const std::lock_guard lock(mutex_);
        return sends_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Send> sends_;
};

// A database in its own directory, and a daemon setup with one SMS channel that records.
struct Scene {
    Scene(const std::string& name, UtcInstant start, double rate)
        : dir(fs::temp_directory_path() / ("ritme-daemon-" + name + "-" + std::to_string(::getpid()))),
          clock(start) {
        fs::remove_all(dir);
        fs::create_directories(dir);
        store = SqliteStore::open((dir / "ritme.db").string());
        setup = recording_setup(rate, channel);
    }

    // A setup with one SMS channel that records, as `channel`.
    static DaemonSetup recording_setup(double rate, RecordingChannel*& channel) {
        DaemonSetup setup;
        setup.config.timezone = "Europe/Amsterdam";
        setup.config.templates = test::source_path("config/templates");
        setup.config.listen = "127.0.0.1:0";  // any free port: tests run side by side
        ChannelConfig sms;
        sms.name = "sms";
        sms.adapter = "recording";
        sms.medium = Medium::sms;
        sms.quiet_hours = false;
        sms.rate_per_second = rate;
        setup.config.channels["sms"] = sms;
        Diagnostics problems;
        setup.renderer = MessageRenderer::load(setup.config.templates, problems);
        REQUIRE(setup.renderer);
        auto recording = std::make_unique<RecordingChannel>();
        channel = recording.get();
        setup.channels.add(sms, std::move(recording));
        return setup;
    }
    ~Scene() {
        store.reset();
        fs::remove_all(dir);
    }

    fs::path dir;
    SharedClock clock;
    std::unique_ptr<SqliteStore> store;
    DaemonSetup setup;
    RecordingChannel* channel = nullptr;
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, iso_timestamps(clock)};
};

// The daemon's loop on its own thread; stopped and joined however the test ends.
struct Running {
    explicit Running(Daemon& loop) : daemon(loop), thread([this] { status = daemon.run(); }) {}
    ~Running() { join(); }
    void join() {
        if (!thread.joinable()) return;
        daemon.stop();
        thread.join();
    }

    Daemon& daemon;
    std::atomic<int> status{-1};
    std::thread thread;
};

// Until the loop has acted on `count` clock changes: it has claimed what was due then.
bool wait_for_clock_wakeups(const Daemon& daemon, uint64_t count) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (daemon.wakeups().clock < count) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

std::optional<DaemonSetup> no_reload() { return std::nullopt; }

}  // namespace

TEST_SUITE_BEGIN("daemon");

TEST_CASE("a session moved while its batch waits for the channel's rate: no reminder for the old time after the move") {
    // Monday 2 February 2026, 18:00 local: the 1d@18:00 reminders for Tuesday's session
    // are due, one for each of 30 participants, at 4 per second: 7.5 s of sending.
    Scene scene("move", utc(2026, 2, 2, 17, 0), 4);
    std::string why;
    scene.setup.config.reminders.session_offsets = {*ReminderOffset::parse("1d@18:00", why)};
    scene.setup.config.dispatch.batch_size = 50;  // the whole batch claimed at once
    scene.setup.config.dispatch.shutdown_grace_seconds = 60;
    scene.setup.rules = planning_rules(scene.setup.config);
    SqliteStore& store = *scene.store;
    store.write([&] {
        apply_programme(store, test::plan(test::led_programme_toml("test")), {scene.clock.now(), "lead", "apply"});
        for (int i = 0; i < 30; ++i) {
            Participant p;
            p.id = "p-" + std::to_string(1000 + i);
            p.name = "Deelnemer " + std::to_string(i);
            p.phone = "+316" + std::to_string(10000000 + i);
            p.language = "nl";
            p.channels.sms = true;
            store.put_participant(p);
            store.enrol(p.id, "test");
        }
    });
    const StoredSession tuesday = store.sessions("test").front();
    REQUIRE(tuesday.date == make_date(2026, 2, 3));

    Daemon daemon(store, scene.clock, scene.log, std::move(scene.setup), no_reload);
    Running running(daemon);
    // While the batch is being sent, the lead moves the session to Wednesday from
    // another connection, as `ritme session move` does from another process.
    REQUIRE(scene.channel->wait_for(5));
    auto lead = SqliteStore::open((scene.dir / "ritme.db").string());
    const auto moved = move_session(*lead, test::shipped_school_holidays(),
                                    {{"test", tuesday.number}, {make_date(2026, 2, 4), TimeOfDay::hm(9, 30)}, "", false},
                                    {scene.clock.now(), "lead", "session move"});
    const SteadyTime committed = std::chrono::steady_clock::now();  // the commit is before this
    REQUIRE(moved.ok());
    running.join();
    CHECK(running.status == 0);

    // Each old reminder went before the move's commit, or was cancelled; none after.
    std::map<int64_t, SteadyTime> sent_at;
    for (const auto& send : scene.channel->sends()) sent_at.emplace(send.delivery_id, send.at);
    DeliveryQuery old_reminders;
    old_reminders.session_id = tuesday.id;
    old_reminders.kinds = {DeliveryKind::reminder};
    int before = 0, after = 0, cancelled = 0;
    for (const auto& row : lead->deliveries(old_reminders)) {
        if (row.session_version != tuesday.version) continue;
        const auto send = sent_at.find(row.id);
        if (send == sent_at.end()) {
            CHECK(row.state == DeliveryState::cancelled);
            cancelled += row.state == DeliveryState::cancelled;
            continue;
        }
        CHECK(row.state == DeliveryState::sent);
        if (send->second < committed) ++before;
        else ++after;
    }
    CHECK(after == 0);
    CHECK(before >= 5);
    CHECK(before + cancelled == 30);
    CHECK(cancelled > 0);  // the move came while the batch still had messages to send
    CHECK(scene.log_text.str().find("changed while its batch was being sent") != std::string::npos);
}

TEST_CASE("the wall clock set forward: what fell due goes at once; set back and forward: nothing goes twice") {
    // Virtual time a year ahead of the machine's: the due timer, waiting on the real
    // clock, does not fire by itself during the test; only a clock change moves it.
    const auto machine = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    const UtcInstant start{pt::from_time_t(static_cast<std::time_t>(machine.count())) + pt::hours(24 * 400)};
    Scene scene("clock", start, 0);
    std::string why;
    scene.setup.config.reminders.appointment_offsets = {*ReminderOffset::parse("3h", why)};
    scene.setup.rules = planning_rules(scene.setup.config);
    SqliteStore& store = *scene.store;
    Participant amina;
    amina.id = "p-amina";
    amina.name = "Amina";
    amina.phone = "+31612345678";
    amina.channels.sms = true;
    auto appointment_at = [&](pt::time_duration after_start) {
        Appointment appointment;
        appointment.participant_id = amina.id;
        appointment.start_utc = {start.utc + after_start};
        appointment.where = "Stationsplein 1";
        return appointment;
    };
    int64_t first = 0, second = 0;
    store.write([&] {
        store.put_participant(amina);
        first = store.put_appointment(appointment_at(pt::hours(5)));   // its reminder due at start + 2 h
        second = store.put_appointment(appointment_at(pt::hours(6)));  // at start + 3 h
    });

    Daemon daemon(store, scene.clock, scene.log, std::move(scene.setup), no_reload);
    Running running(daemon);
    // The loop is up, has planned both reminders and sleeps: nothing is due yet.
    daemon.clock_was_set();
    REQUIRE(wait_for_clock_wakeups(daemon, 1));
    CHECK(scene.channel->sends().empty());

    scene.clock.set({start.utc + pt::hours(2)});  // a resume from suspend, two hours on
    daemon.clock_was_set();
    REQUIRE(scene.channel->wait_for(1));

    scene.clock.set(start);  // an NTP step back past that send
    daemon.clock_was_set();
    REQUIRE(wait_for_clock_wakeups(daemon, 3));
    CHECK(scene.channel->sends().size() == 1);
    scene.clock.set({start.utc + pt::hours(3)});
    daemon.clock_was_set();
    REQUIRE(scene.channel->wait_for(2));
    running.join();
    CHECK(running.status == 0);
    CHECK(daemon.wakeups().clock == 4);

    // Each reminder once, in order; its row stays sent.
    const auto sends = scene.channel->sends();
    REQUIRE(sends.size() == 2);
    const auto first_reminder = store.delivery(sends[0].delivery_id);
    const auto second_reminder = store.delivery(sends[1].delivery_id);
    REQUIRE(first_reminder);
    REQUIRE(second_reminder);
    CHECK(first_reminder->appointment_id == first);
    CHECK(second_reminder->appointment_id == second);
    CHECK(first_reminder->state == DeliveryState::sent);
    CHECK(first_reminder->attempts == 1);
    CHECK(scene.log_text.str().find("clock.changed") != std::string::npos);
}

TEST_CASE("the lead's overview: the timer wakes for it at 07:30 local, it goes once, a restart sends it not again") {
    // Virtual time a year ahead of the machine's, moved only by clock changes (above).
    const auto machine = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    const UtcInstant start{pt::from_time_t(static_cast<std::time_t>(machine.count())) + pt::hours(24 * 400)};
    Scene scene("overview", start, 0);
    scene.setup.rules = planning_rules(scene.setup.config);
    scene.setup.overviews = overview_rules(scene.setup.config);
    scene.setup.zone = std::make_shared<const TimeZone>(TimeZone::load("Europe/Amsterdam"));
    const TimeZone& zone = *scene.setup.zone;
    const Date tomorrow = zone.to_local(start).date + boost::gregorian::days(1);
    const UtcInstant due = overview_time(tomorrow, scene.setup.config.lead_overview_at, zone);
    SqliteStore& store = *scene.store;
    store.write([&] {
        store.put_lead({"l-1", "Fatima", "", "+31687654321", {"almere"}});
        // Something to say: a follow-up still open.
        StoredFollowUp open;
        open.key = "absences-in-a-row:p-1:almere#s1";
        open.cause = FollowUpCause::absences_in_a_row;
        open.participant_id = "p-1";
        open.programme_id = "almere";
        open.count = 2;
        open.created_at = start;
        store.add_follow_up(open);
    });
    struct {
        DaemonConfig config;
        PlanningRules rules;
        OverviewRules overviews;
        std::shared_ptr<const TimeZone> zone;
    } const again{scene.setup.config, scene.setup.rules, scene.setup.overviews, scene.setup.zone};
    std::vector<RecordingChannel::Send> sends;  // the channel goes with the daemon
    {
        Daemon daemon(store, scene.clock, scene.log, std::move(scene.setup), no_reload);
        Running running(daemon);
        daemon.clock_was_set();
        REQUIRE(wait_for_clock_wakeups(daemon, 1));
        CHECK(scene.channel->sends().empty());
        // Its row is there before its time, for the timer to wake for.
        const auto next = store.next_send_at();
        REQUIRE(next);
        CHECK_FALSE(due < *next);

        scene.clock.set(due);
        daemon.clock_was_set();
        REQUIRE(scene.channel->wait_for(1));
        scene.clock.set({due.utc + pt::hours(1)});
        daemon.clock_was_set();
        REQUIRE(wait_for_clock_wakeups(daemon, 3));
        running.join();
        sends = scene.channel->sends();
    }
    REQUIRE(sends.size() == 1);
    const auto sent = store.delivery(sends.front().delivery_id);
    REQUIRE(sent);
    CHECK(sent->kind == DeliveryKind::overview);
    CHECK(sent->key == "overview:l-1:" + iso_date(tomorrow));
    CHECK(sent->state == DeliveryState::sent);
    // The next day's is planned already, for the timer to wake for.
    DeliveryQuery planned;
    planned.kinds = {DeliveryKind::overview};
    planned.states = {DeliveryState::planned};
    const auto ahead = store.deliveries(planned);
    REQUIRE(ahead.size() == 1);
    CHECK(ahead.front().key == "overview:l-1:" + iso_date(tomorrow + boost::gregorian::days(1)));

    // A restart the same morning plans and claims again: nothing goes twice.
    RecordingChannel* second_channel = nullptr;
    DaemonSetup setup;
    setup.config = again.config;
    setup.rules = again.rules;
    setup.overviews = again.overviews;
    setup.zone = again.zone;
    Diagnostics problems;
    setup.renderer = MessageRenderer::load(setup.config.templates, problems);
    REQUIRE(setup.renderer);
    auto recording = std::make_unique<RecordingChannel>();
    second_channel = recording.get();
    setup.channels.add(setup.config.channels["sms"], std::move(recording));
    scene.clock.set({due.utc + pt::hours(2)});
    Daemon restarted(store, scene.clock, scene.log, std::move(setup), no_reload);
    Running running(restarted);
    restarted.clock_was_set();
    REQUIRE(wait_for_clock_wakeups(restarted, 1));
    running.join();
    CHECK(second_channel->sends().empty());
}

TEST_CASE("the daemon hears the wall clock being set through its timerfd") {
    Scene scene("clock-watch", utc(2026, 1, 20, 12, 0), 0);
    scene.setup.rules = planning_rules(scene.setup.config);
    Daemon daemon(*scene.store, scene.clock, scene.log, std::move(scene.setup), no_reload);
    Running running(daemon);
    daemon.clock_was_set();  // acted on once the loop runs, with its watch armed
    REQUIRE(wait_for_clock_wakeups(daemon, 1));

    // A step there and back is a clock change all the same.
    if (!test::step_wall_clock_there_and_back()) {
        MESSAGE("skipped: setting the clock needs CAP_SYS_TIME, which this user lacks");
        return;
    }
    CHECK(wait_for_clock_wakeups(daemon, 2));
}

namespace {

// Virtual time a year ahead of the machine's, moved only by clock changes.
UtcInstant a_year_ahead() {
    const auto machine =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    return {pt::from_time_t(static_cast<std::time_t>(machine.count())) + pt::hours(24 * 400)};
}

// A setup that plans the leads' overviews, with one recording SMS channel.
DaemonSetup overview_setup(RecordingChannel*& channel) {
    DaemonSetup setup = Scene::recording_setup(0, channel);
    setup.rules = planning_rules(setup.config);
    setup.overviews = overview_rules(setup.config);
    setup.zone = std::make_shared<const TimeZone>(TimeZone::load("Europe/Amsterdam"));
    return setup;
}

// A lead with something to say in her overview: a follow-up still open.
void lead_with_news(Store& store, UtcInstant now) {
    store.write([&] {
        store.put_lead({"l-1", "Fatima", "", "+31687654321", {"almere"}});
        StoredFollowUp open;
        open.key = "absences-in-a-row:p-1:almere#s1";
        open.cause = FollowUpCause::absences_in_a_row;
        open.participant_id = "p-1";
        open.programme_id = "almere";
        open.count = 2;
        open.created_at = now;
        store.add_follow_up(open);
    });
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

}  // namespace

TEST_CASE("the daemon on the in-memory store: the lead's overview goes at its time, once") {
    const UtcInstant start = a_year_ahead();
    SharedClock clock(start);
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, iso_timestamps(clock)};
    MemoryStore store;  // read by the test only while the loop is not running
    lead_with_news(store, start);
    RecordingChannel* channel = nullptr;
    DaemonSetup setup = overview_setup(channel);
    const TimeZone zone = *setup.zone;
    const Date tomorrow = zone.to_local(start).date + boost::gregorian::days(1);
    const UtcInstant due = overview_time(tomorrow, setup.config.lead_overview_at, zone);
    std::vector<RecordingChannel::Send> sends;
    {
        Daemon daemon(store, clock, log, std::move(setup), no_reload);
        Running running(daemon);
        daemon.clock_was_set();
        REQUIRE(wait_for_clock_wakeups(daemon, 1));
        CHECK(channel->sends().empty());
        clock.set(due);
        daemon.clock_was_set();
        REQUIRE(channel->wait_for(1));
        clock.set({due.utc + pt::hours(1)});
        daemon.clock_was_set();
        REQUIRE(wait_for_clock_wakeups(daemon, 3));
        running.join();
        CHECK(daemon.leases_skipped() == 0);  // no one else to leave it to
        sends = channel->sends();  // the channel goes with the daemon
    }
    REQUIRE(sends.size() == 1);
    const auto sent = store.delivery(sends.front().delivery_id);
    REQUIRE(sent);
    CHECK(sent->key == "overview:l-1:" + iso_date(tomorrow));
    CHECK(sent->state == DeliveryState::sent);
    DeliveryQuery planned;
    planned.kinds = {DeliveryKind::overview};
    planned.states = {DeliveryState::planned};
    REQUIRE(store.deliveries(planned).size() == 1);  // the next day's, planned by the one that sent
}

TEST_CASE("two daemons on one SQLite file: the lead's overview goes once, and the next day's is planned once") {
    const UtcInstant start = a_year_ahead();
    Scene scene("two-daemons", start, 0);
    lead_with_news(*scene.store, start);
    RecordingChannel* first_channel = nullptr;
    RecordingChannel* second_channel = nullptr;
    DaemonSetup first_setup = overview_setup(first_channel);
    DaemonSetup second_setup = overview_setup(second_channel);
    const TimeZone zone = *first_setup.zone;
    const Date tomorrow = zone.to_local(start).date + boost::gregorian::days(1);
    const UtcInstant due = overview_time(tomorrow, first_setup.config.lead_overview_at, zone);
    auto second_store = SqliteStore::open((scene.dir / "ritme.db").string());  // a connection of its own
    auto sent_count = [&] { return first_channel->sends().size() + second_channel->sends().size(); };
    {
        Daemon first(*scene.store, scene.clock, scene.log, std::move(first_setup), no_reload);
        Daemon second(*second_store, scene.clock, scene.log, std::move(second_setup), no_reload);
        Running first_running(first);
        Running second_running(second);
        first.clock_was_set();
        second.clock_was_set();
        REQUIRE(wait_for_clock_wakeups(first, 1));
        REQUIRE(wait_for_clock_wakeups(second, 1));
        CHECK(sent_count() == 0);

        scene.clock.set(due);
        first.clock_was_set();
        second.clock_was_set();
        // Written back as sent before the clock moves on: an hour later the claim of a row
        // still being sent would have run out, and another daemon would take it.
        auto reader = SqliteStore::open((scene.dir / "ritme.db").string());
        DeliveryQuery went;
        went.kinds = {DeliveryKind::overview};
        went.states = {DeliveryState::sent};
        REQUIRE(wait_until([&] { return !reader->deliveries(went).empty(); }));
        // An hour on, each has looked again: still one.
        scene.clock.set({due.utc + pt::hours(1)});
        first.clock_was_set();
        second.clock_was_set();
        REQUIRE(wait_for_clock_wakeups(first, 3));
        REQUIRE(wait_for_clock_wakeups(second, 3));
        first_running.join();
        second_running.join();
        CHECK(sent_count() == 1);  // here: the channels go with the daemons
    }
    // Tomorrow's went; the day after's is planned, once. (Today's, planned when the
    // machine's hour is before 07:30, expired unsent by tomorrow.)
    DeliveryQuery sent;
    sent.kinds = {DeliveryKind::overview};
    sent.states = {DeliveryState::sent};
    const auto went = scene.store->deliveries(sent);
    REQUIRE(went.size() == 1);
    CHECK(went.front().key == "overview:l-1:" + iso_date(tomorrow));
    DeliveryQuery planned = sent;
    planned.states = {DeliveryState::planned};
    const auto ahead = scene.store->deliveries(planned);
    REQUIRE(ahead.size() == 1);
    CHECK(ahead.front().key == "overview:l-1:" + iso_date(tomorrow + boost::gregorian::days(1)));
}

TEST_CASE("a daemon leaves planning to the daemon holding its lease, and plans once the lease is given back") {
    const UtcInstant start = a_year_ahead();
    Scene scene("lease", start, 0);
    scene.setup.rules = planning_rules(scene.setup.config);
    auto other = SqliteStore::open((scene.dir / "ritme.db").string());  // the other daemon's connection
    const UtcInstant until{start.utc + pt::hours(1)};
    Daemon daemon(*scene.store, scene.clock, scene.log, std::move(scene.setup), no_reload);
    Running running(daemon);
    REQUIRE(wait_until([&] { return daemon.http_port() != 0; }));  // up, and its start's planning done

    // The other daemon plans: it holds the lease while a change asks for planning.
    other->write([&] {
        CHECK(other->take_lease("plan", "other-host:7", start, until).held_by("other-host:7"));
        other->request_plan("programme:almere");
    });
    REQUIRE(wait_until([&] { return daemon.leases_skipped() >= 1; }));
    CHECK(other->plan_requests() == std::vector<std::string>{"programme:almere"});

    // It stopped before planning; giving the lease back (or its term ending) lets this one.
    other->write([&] { other->release_lease("plan", "other-host:7"); });
    REQUIRE(wait_until([&] { return other->plan_requests().empty(); }));
    running.join();
    CHECK(scene.log_text.str().find("lease.skipped name=plan holder=other-host:7") != std::string::npos);
    Lease after;
    other->write([&] { after = other->take_lease("plan", "another:8", start, until); });
    CHECK(after.held_by("another:8"));  // given back after the work
}

TEST_SUITE_END();
