#include "engine/daemon/daemon.hpp"

#include "engine/config/listen_address.hpp"
#include "engine/daemon/clock_change_watch.hpp"
#include "engine/daemon/gateway_calls.hpp"
#include "engine/daemon/leased_work.hpp"
#include "engine/daemon/receipt_group_commit.hpp"
#include "engine/daemon/retention_pass.hpp"
#include "engine/dispatch/batch_sender.hpp"
#include "engine/dispatch/claim_owner.hpp"
#include "engine/http/http_routes.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <system_error>

namespace ritme {

namespace {

std::chrono::system_clock::time_point time_point_of(UtcInstant instant) {
    static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
    return std::chrono::system_clock::time_point(std::chrono::microseconds((instant.utc - epoch).total_microseconds()));
}

// Leases name their holder by daemon, not by process as claims do: two daemons in one
// process (a test) are two holders.
std::string lease_holder(const std::string& owner) {
    static std::atomic<int> daemons{0};
    return owner + "/" + std::to_string(++daemons);
}

// Batches in flight at once. One: a batch is claimed (and checked against its sessions'
// versions) only when the workers can start on it, so a move or cancel committed after
// the claim has only the send itself as its window. Its size bounds the duplicates a
// crash can cause (DESIGN.md rule 6).
constexpr int batches_in_flight = 1;

// Idle HTTP connections each hold a file descriptor; the soft limit (often 1024) would
// refuse them long before memory runs short. The hard limit is ours to take.
void raise_open_file_limit(Log& log) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) log.warning("limits", "reason=\"cannot raise RLIMIT_NOFILE\"");
}

// Seconds from `send_at` to now. The clock counts whole seconds; when it is the
// machine's clock, the system clock gives the fraction too.
double seconds_late(UtcInstant send_at, const Clock& clock) {
    const auto now = time_point_of(clock.now());
    const auto precise = std::chrono::system_clock::now();
    const auto measured_at =
        std::chrono::floor<std::chrono::seconds>(precise) == now ? precise : std::chrono::system_clock::time_point(now);
    return std::chrono::duration<double>(measured_at - time_point_of(send_at)).count();
}

// The stand-ins' callers and the server take the listen address as an endpoint.
boost::asio::ip::tcp::endpoint endpoint_of(const std::string& listen) {
    const auto address = ListenAddress::parse(listen);
    if (!address) throw std::runtime_error("`listen = \"" + listen + "\"` is not a host and port");
    const std::string host = address->host == "localhost" ? "127.0.0.1" : address->host;
    return {boost::asio::ip::make_address(host), address->port};
}

// What the lead's pages use of the setup: its school holidays for moves, and its rules,
// templates and channels to plan and show a change's messages.
PageSetup page_setup(const DaemonSetup& setup) {
    PageSetup page;
    page.school_holidays = setup.holidays.get();
    MessagePlanning planning;
    planning.rules = setup.rules;
    planning.renderer = setup.renderer ? &*setup.renderer : nullptr;
    for (const auto& [name, channel] : setup.config.channels) planning.channel_media.emplace(name, channel.medium);
    planning.timezone = setup.config.timezone;
    page.planning = std::move(planning);
    page.follow_up = follow_up_setup_from(setup.config);
    return page;
}

}  // namespace

class Daemon::Loop {
public:
    Loop(Store& store, const Clock& clock, Log& log, DaemonSetup setup, Reload reload, HttpLimits http_limits,
         std::chrono::milliseconds claim_ahead)
        : store_(store),
          clock_(clock),
          log_(log),
          setup_(std::make_unique<DaemonSetup>(std::move(setup))),
          reload_(std::move(reload)),
          owner_(claim_owner_id()),
          leased_(store, lease_holder(owner_)),
          due_timer_(io_),
          lease_timer_(io_),
          record_timer_(io_),
          retention_timer_(io_),
          watchdog_timer_(io_),
          grace_timer_(io_),
          signals_(io_, SIGINT, SIGTERM, SIGHUP),
          http_limits_(http_limits),
          claim_ahead_(claim_ahead),
          routes_(store, log, metrics_,
                  [this](const std::string& channel, const std::vector<ReceiptReport>& reports, UtcInstant now) {
                      if (gateway_calls_->receipts(channel, reports, now).undelivered) wrote_messages();
                  },
                  [this](const std::string& channel, const InboundText& text, UtcInstant now) {
                      gateway_calls_->inbound(channel, text, now);
                      wrote_messages();
                  }),
          receipt_groups_(io_.get_executor(), [this](const std::vector<ReceiptCall>& group) {
                              // Only a failed delivery adds messages (its fallback, the lead's alert).
                              if (gateway_calls_->receipts(group).undelivered) wrote_messages();
                          },
                          [this] { return sending_now() && !stopping_; }) {
        routes_.receipts_later([this](const std::string& channel, std::vector<ReceiptReport> reports, UtcInstant now,
                                      ReceiptsDone done) {
            receipt_groups_.add({channel, std::move(reports), now}, std::move(done));
        });
        make_dispatcher();
        routes_.use(setup_->config, setup_->channels);
        routes_.programme_pages().use(page_setup(*setup_));
        // A lead's change on her page may add messages due now, as an answer may.
        routes_.programme_pages().on_change([this] { wrote_messages(); });
    }

    int run() {
        raise_open_file_limit(log_);
        pool_ = std::make_unique<boost::asio::thread_pool>(std::max(1, setup_->config.dispatch.workers));
        try {
            // Up before our own writes: another process's commit from here on wakes the
            // loop once it runs, and our own never do.
            watch_ = store_.watch_changes(io_, [this] { database_changed(); });
            dispatcher_->recover_abandoned_claims();
            for (const auto& line : apply_files(store_, *setup_, clock_.now(), "serve")) log_.info("apply", trim(line));
        } catch (const StoreError& e) {
            log_.error("start", std::string("reason=\"") + e.what() + "\"");
            return 1;
        }
        plan_requests_once();
        dispatcher_->warm_up();
        retention_once();
        watch_clock();
        if (!start_http()) return 1;
        wait_for_signal();
        start_watchdog();
        const auto next = dispatcher_->next_send_at();
        log_.info("ready", "owner=" + owner_ + " http=" + setup_->config.callback_base_url() +
                               " port=" + std::to_string(http_port_.load()) +
                               (next ? " next=" + next->iso() : " next=none"));
        sd_notify(0, "READY=1");
        pump();
        io_.run();
        pool_->join();
        return exit_status_;
    }

    void stop() {
        boost::asio::post(io_, [this] { begin_stop("stop"); });
    }

    void clock_was_set() {
        boost::asio::post(io_, [this] { clock_changed(); });
    }

    uint16_t http_port() const { return http_port_; }
    size_t http_connections() const { return http_ ? http_->connections() : 0; }
    const MetricsRegistry& metrics() const { return metrics_; }
    uint64_t leases_skipped() const { return leases_skipped_; }
    uint64_t retention_runs() const { return retention_runs_; }

    Wakeups wakeups() const {
        return {timer_wakeups_.load(), database_wakeups_.load(), watchdog_wakeups_.load(), signal_wakeups_.load(),
                clock_wakeups_.load()};
    }

private:
    static std::string trim(std::string text) {
        while (!text.empty() && text.back() == '\n') text.pop_back();
        for (auto& c : text)
            if (c == '\n') c = ';';
        return text;
    }

    // A receipt or an answer may have added messages due now (a confirmation to her, the
    // lead's alert, a fallback) and changed what the dispatcher read of her (STOP). Our
    // own writes do not wake the database watch: send them as another process's would.
    void wrote_messages() {
        if (stopping_ || pending_setup_ || !dispatcher_) return;
        dispatcher_->forget_cached();
        if (in_flight_ == 0) pump();  // in flight: the batch's end does
    }

    void make_dispatcher() {
        gateway_calls_ = std::make_unique<GatewayCalls>(store_, *setup_, log_);
        dispatcher_ = std::make_unique<Dispatcher>(store_, clock_, setup_->config, *setup_->renderer,
                                                   setup_->channels, log_, owner_);
        dispatcher_->on_sent = [this](const DispatchJob& job) {
            metrics_.observe_send_lateness(seconds_late(job.delivery.send_at, clock_));
        };
    }

    bool start_http() {
        try {
            http_ = std::make_unique<HttpServer>(io_, endpoint_of(setup_->config.listen), http_limits_,
                                                 setup_->config.callback_base_url(), clock_, log_,
                                                 DeferredHttpHandler([this](const CallbackRequest& request,
                                                                            const HttpRespond& respond) {
                                                     routes_.answer(request, respond);
                                                 }));
        } catch (const std::exception& e) {
            log_.error("http", "listen=" + setup_->config.listen + " reason=\"" + e.what() +
                                   "\" hint=\"another process holds the port, or the address is not this machine's\"");
            return false;
        }
        http_port_ = http_->port();
        return true;
    }

    // A batch is in flight and its first send is due: its sends go before receipts' commits.
    bool sending_now() const { return in_flight_ > 0 && !(clock_.now() < batch_starts_at_); }

    // Claims and sends while there is room and something is due (or due within
    // claim_ahead_); then arms the timer for the next due delivery, or leaves it unarmed
    // when nothing is planned.
    void pump() {
        if (stopping_ || pending_setup_) return;
        while (in_flight_ < batches_in_flight) {
            std::vector<DispatchJob> jobs;
            try {
                jobs = dispatcher_->claim_batch(false, claim_horizon());
            } catch (const StoreError& e) {
                log_.error("claim", std::string("reason=\"") + e.what() + "\"");
                arm_retry_after_error();
                return;
            }
            if (jobs.empty()) break;
            send_batch(std::move(jobs));
        }
        if (in_flight_ == 0) arm_timer(true);
    }

    // The batch goes to the shared fan-out, which renews its claims on this loop while
    // it is sent and hands it back here when every send has ended.
    void send_batch(std::vector<DispatchJob> jobs) {
        ++in_flight_;
        batch_starts_at_ = jobs.front().delivery.send_at;  // claimed earliest first
        BatchSender(*dispatcher_, pool_.get(), log_)
            .start(std::move(jobs), io_.get_executor(), [this](std::vector<DispatchJob> sent) { batch_done(sent); });
    }

    void batch_done(std::vector<DispatchJob>& jobs) {
        record_batch(std::make_shared<std::vector<DispatchJob>>(std::move(jobs)), 0);
    }

    // Writes a sent batch's results. When the database is away for a moment (restarted, the
    // connection cut: StoreBusy), they are written once it is back, the batch still in
    // flight meanwhile: left to the claims' lease, every message of the batch would go
    // again. Exiting for systemd to restart the daemon would lose them the same way.
    void record_batch(std::shared_ptr<std::vector<DispatchJob>> jobs, int attempt) {
        try {
            dispatcher_->record(*jobs);
        } catch (const StoreBusy& e) {
            if (!stopping_) {
                // Soon and often (a connection attempt is cheap): the claims' lease runs
                // meanwhile, and once it ends another daemon would send the batch again.
                const auto pause = std::min<std::chrono::milliseconds>(
                    std::chrono::milliseconds(250 * (1 << std::min(attempt, 6))), std::chrono::seconds(2));
                log_.warning("record", std::string("reason=\"") + e.what() + "\" retry_in_ms=" +
                                           std::to_string(pause.count()));
                record_timer_.expires_after(pause);
                record_timer_.async_wait([this, jobs, attempt](boost::system::error_code error) {
                    if (!error) record_batch(jobs, attempt + 1);
                });
                return;
            }
            // Stopping: the rows stay claimed, and the next daemon to start here gives them back.
            log_.error("record", std::string("reason=\"") + e.what() + "\"");
        } catch (const StoreError& e) {
            // The rows stay claimed; once the lease runs out they are claimed again.
            log_.error("record", std::string("reason=\"") + e.what() + "\"");
        }
        try {
            // A lead's overview went (or had nothing to say): the next day's is planned, so
            // the timer has it to wake for.
            if (std::any_of(jobs->begin(), jobs->end(),
                            [](const DispatchJob& job) { return job.delivery.kind == DeliveryKind::overview; }))
                plan_overviews_once();
        } catch (const StoreError& e) {
            log_.error("plan", std::string("reason=\"") + e.what() + "\"");
        }
        --in_flight_;
        receipt_groups_.release();
        if (in_flight_ == 0 && (stopping_ || pending_setup_)) return settle();
        pump();
    }

    // `nothing_claimed`: a claim just came back empty, so a next time that has already
    // passed cannot be claimed now either; the timer then waits a second rather than spin.
    void arm_timer(bool nothing_claimed) {
        std::optional<UtcInstant> next;
        try {
            next = dispatcher_->next_send_at();
        } catch (const StoreError& e) {
            log_.error("next", std::string("reason=\"") + e.what() + "\"");
            return arm_retry_after_error();
        }
        due_timer_.cancel();
        if (!next) return;  // nothing planned: sleep until the database changes
        const auto due = time_point_of(*next);
        auto at = due - claim_ahead_;
        const auto now = std::chrono::system_clock::now();
        if (nothing_claimed && at <= now) at = due > now ? due : now + std::chrono::seconds(1);
        due_timer_.expires_at(at);
        due_timer_.async_wait([this](boost::system::error_code error) {
            if (error) return;
            ++timer_wakeups_;
            pump();
        });
    }

    // The whole second up to which a claim now takes rows: the next one when it begins
    // within claim_ahead_ (a little more, so a timer firing on time does not miss it).
    std::optional<UtcInstant> claim_horizon() const {
        if (claim_ahead_.count() <= 0) return std::nullopt;
        const auto soon = std::chrono::system_clock::now() + claim_ahead_ + std::chrono::milliseconds(20);
        const auto second = std::chrono::floor<std::chrono::seconds>(soon).time_since_epoch().count();
        return UtcInstant{boost::posix_time::from_time_t(static_cast<std::time_t>(second))};
    }

    // The database was busy or failing: try again in a while rather than spin.
    void arm_retry_after_error() {
        due_timer_.expires_after(std::chrono::seconds(5));
        due_timer_.async_wait([this](boost::system::error_code error) {
            if (!error) pump();
        });
    }

    // Another process committed, or the store's connection is back after a loss: what it
    // asks to be planned is planned, and what fell due is claimed.
    void database_changed() {
        ++database_wakeups_;
        if (stopping_ || pending_setup_) return;
        dispatcher_->forget_cached();
        plan_requests_once();
        if (in_flight_ == 0) pump();
    }

    // What changes asked to be planned, by one of the daemons sharing the database: the
    // one that takes the lease. The others skip it; every daemon is woken by every
    // change, the holder too, so a request filed while it plans is planned by its next
    // round. Taking the lease is a write, which wakes the others: it is taken only when
    // there are requests, or the daemons would wake each other without end.
    void plan_requests_once() {
        try {
            if (store_.plan_requests().empty()) {
                // A lead added or given a programme gets her overviews; rows with a key
                // each, so this writes nothing when they are there.
                plan_lead_overviews(store_, *setup_, clock_.now());
                return;
            }
            const auto held = leased_.run("plan", clock_.now(), lease_term(), [this] {
                for (const auto& line : apply_and_plan_requests()) log_.info("plan", trim(line));
            });
            if (held) skipped(*held);
        } catch (const StoreError& e) {
            log_.error("plan", std::string("reason=\"") + e.what() + "\"");
        }
    }

    // The leads' next overviews, by one of the daemons sharing the database.
    void plan_overviews_once() {
        const auto held = leased_.run("overview", clock_.now(), lease_term(),
                                      [this] { plan_lead_overviews(store_, *setup_, clock_.now()); });
        if (held) skipped(*held);
    }

    std::chrono::seconds lease_term() const { return std::chrono::seconds(setup_->config.dispatch.lease_seconds); }

    // Another daemon holds the lease and does the work. Should it die doing it, its lease
    // ends with its term: then this one looks again.
    void skipped(const Lease& held) {
        ++leases_skipped_;
        log_.debug("lease.skipped", "name=" + held.name + " holder=" + held.holder + " until=" + held.until.iso());
        const auto at = time_point_of(held.until) + std::chrono::seconds(1);
        if (lease_retry_armed_ && lease_timer_.expiry() <= at) return;
        lease_retry_armed_ = true;
        lease_timer_.expires_at(at);
        lease_timer_.async_wait([this](boost::system::error_code error) {
            if (error) return;  // stopped, or armed again (and armed it stays)
            lease_retry_armed_ = false;
            if (stopping_ || pending_setup_) return;
            plan_requests_once();
            try {
                plan_overviews_once();
            } catch (const StoreError& e) {
                log_.error("plan", std::string("reason=\"") + e.what() + "\"");
            }
            retention_once();
            if (in_flight_ == 0) pump();
        });
    }

    // Retention (engine/daemon/retention_pass.hpp), when due: by one of the daemons
    // sharing the database, the one that takes the lease; the others find it done when
    // they look. Then the timer waits for the next run, a day on, on this daemon's clock.
    void retention_once() {
        if (stopping_ || pending_setup_) return;
        try {
            const UtcInstant now = clock_.now();
            if (!(now < next_retention_at(store_, now))) {
                std::optional<Lease> held;
                const auto pass = retention_pass(store_, leased_, setup_->channels, setup_->config.retention_days, now,
                                                 lease_term(), "ritme", true, &held);
                if (held) skipped(*held);
                if (pass) retention_done(*pass);
            }
        } catch (const StoreError& e) {
            log_.error("retention", std::string("reason=\"") + e.what() + "\"");
        }
        arm_retention_timer();
    }

    void retention_done(const RetentionPass& pass) {
        ++retention_runs_;
        log_.info("retention", retention_log_fields(pass));
        for (const auto& problem : pass.problems) log_.warning("retention.forget", "reason=\"" + problem + "\"");
        if (!pass.run.log_emptied)
            log_.warning("retention", "reason=\"another process was reading the database; the old values may stay in "
                                      "its write-ahead log until the next run\"");
        if (pass.run.record.counts.total() > 0 && dispatcher_) dispatcher_->forget_cached();
    }

    void arm_retention_timer() {
        if (stopping_) return;
        UtcInstant next;
        try {
            next = next_retention_at(store_, clock_.now());
        } catch (const StoreError& e) {
            log_.error("retention", std::string("reason=\"") + e.what() + "\"");
            return;
        }
        // As long as the clock says: an injected clock moves only when told, and a set
        // wall clock arms it again (clock_changed).
        const auto wait = std::max(std::chrono::system_clock::duration(std::chrono::seconds(1)),
                                   time_point_of(next) - time_point_of(clock_.now()));
        retention_timer_.expires_after(wait);
        retention_timer_.async_wait([this](boost::system::error_code error) {
            if (!error) retention_once();
        });
    }

    std::vector<std::string> apply_and_plan_requests() {
        std::vector<std::string> lines;
        const UtcInstant now = clock_.now();
        store_.write([&] {
            // Its term counts from this transaction: planning may take longer than the term.
            if (!leased_.renew("plan", now, lease_term())) {
                lines.push_back("left to another daemon: the lease ran out before planning began");
                return;
            }
            const PlanResult planned = plan_requested(store_, setup_->rules, now);
            // A lead added or given a programme gets her overviews.
            if (setup_->zone) plan_overviews(store_, setup_->overviews, *setup_->zone, now);
            if (planned.added || planned.cancelled || planned.dropped)
                lines.push_back("added=" + std::to_string(planned.added) + " cancelled=" +
                                std::to_string(planned.cancelled) + " dropped=" + std::to_string(planned.dropped));
        });
        return lines;
    }

    void watch_clock() {
        try {
            clock_watch_ = std::make_unique<ClockChangeWatch>(io_, [this] { clock_changed(); });
        } catch (const std::system_error& e) {
            log_.warning("clock", std::string("reason=\"") + e.what() +
                                      "\" hint=\"after the wall clock is set, what fell due waits for the next wake-up\"");
        }
    }

    // The timer's deadline was computed for the old time: send what is due at the new
    // one and arm the timer again. A jump back sends nothing twice: sent rows stay sent.
    void clock_changed() {
        log_.info("clock.changed", "now=" + clock_.now().iso());
        // A jump of a day or more: the overviews of the days now ahead, and retention.
        try {
            if (!stopping_ && !pending_setup_) plan_overviews_once();
        } catch (const StoreError& e) {
            log_.error("plan", std::string("reason=\"") + e.what() + "\"");
        }
        retention_once();
        if (!stopping_ && !pending_setup_ && in_flight_ == 0) pump();  // in flight: the batch's end does
        ++clock_wakeups_;  // counted once acted on, so a test on virtual time knows when
    }

    void wait_for_signal() {
        signals_.async_wait([this](boost::system::error_code error, int signal) {
            if (error) return;
            ++signal_wakeups_;
            if (signal == SIGHUP) reload();
            else begin_stop(signal == SIGINT ? "SIGINT" : "SIGTERM");
            if (!stopping_) wait_for_signal();
        });
    }

    void reload() {
        sd_notify(0, "RELOADING=1");
        log_.info("reload", "reading the config again");
        auto fresh = reload_();
        if (!fresh) {
            log_.error("reload", "the new config has errors; keeping the old one");
            sd_notify(0, "READY=1");
            return;
        }
        if (fresh->config.database != setup_->config.database)
            log_.warning("reload", "a new database path takes effect at the next start");
        if (fresh->config.listen != setup_->config.listen)
            log_.warning("reload", "a new listen address takes effect at the next start");
        pending_setup_ = std::make_unique<DaemonSetup>(std::move(*fresh));
        if (in_flight_ == 0) settle();
    }

    // Nothing in flight: take the new setup, or stop.
    void settle() {
        if (stopping_) return finish_stop();
        if (!pending_setup_) return;
        dispatcher_.reset();
        setup_ = std::move(pending_setup_);
        routes_.use(setup_->config, setup_->channels);
        routes_.programme_pages().use(page_setup(*setup_));
        if (http_) http_->set_base_url(setup_->config.callback_base_url());
        log_.set_level(setup_->config.log_level);
        make_dispatcher();
        dispatcher_->warm_up();
        try {
            for (const auto& line : apply_files(store_, *setup_, clock_.now(), "serve (reload)"))
                log_.info("apply", trim(line));
        } catch (const StoreError& e) {
            log_.error("reload", std::string("reason=\"") + e.what() + "\"");
        }
        plan_requests_once();
        retention_once();  // retention_days may have changed; the timer is armed again
        log_.info("reloaded");
        sd_notify(0, "READY=1");
        pump();
    }

    void begin_stop(const std::string& why) {
        if (stopping_) return;
        stopping_ = true;
        sd_notify(0, "STOPPING=1");
        log_.info("stopping", "signal=" + why + " in_flight_batches=" + std::to_string(in_flight_));
        due_timer_.cancel();
        lease_timer_.cancel();
        retention_timer_.cancel();
        watchdog_timer_.cancel();
        if (http_) http_->stop();
        if (watch_) watch_->stop();
        if (clock_watch_) clock_watch_->stop();
        signals_.cancel();
        if (in_flight_ == 0) return finish_stop();
        grace_timer_.expires_after(std::chrono::seconds(setup_->config.dispatch.shutdown_grace_seconds));
        grace_timer_.async_wait([this](boost::system::error_code error) {
            if (error) return;
            log_.warning("stopping", "sends still in flight after the grace period; they will be retried");
            io_.stop();
        });
    }

    void finish_stop() {
        grace_timer_.cancel();
        log_.info("stopped");
        io_.stop();
    }

    void start_watchdog() {
        uint64_t usec = 0;
        if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
        watchdog_interval_ = std::chrono::microseconds(usec / 2);
        ping_watchdog();
    }

    void ping_watchdog() {
        watchdog_timer_.expires_after(watchdog_interval_);
        watchdog_timer_.async_wait([this](boost::system::error_code error) {
            if (error) return;
            ++watchdog_wakeups_;
            sd_notify(0, "WATCHDOG=1");
            ping_watchdog();
        });
    }

    Store& store_;
    const Clock& clock_;
    Log& log_;
    std::unique_ptr<DaemonSetup> setup_;
    std::unique_ptr<DaemonSetup> pending_setup_;
    Reload reload_;
    std::string owner_;
    LeasedWork leased_;
    std::unique_ptr<Dispatcher> dispatcher_;
    std::unique_ptr<GatewayCalls> gateway_calls_;  // made with the dispatcher, for the same setup

    boost::asio::io_context io_{1};  // run by this loop's one thread (others only post to it)
    boost::asio::system_timer due_timer_;
    boost::asio::system_timer lease_timer_;  // another daemon's lease on work ends
    boost::asio::steady_timer record_timer_;  // a batch's results wait for the database
    boost::asio::system_timer retention_timer_;  // the next retention run is due
    bool lease_retry_armed_ = false;
    boost::asio::steady_timer watchdog_timer_;
    boost::asio::steady_timer grace_timer_;
    boost::asio::signal_set signals_;
    std::unique_ptr<ChangeWatch> watch_;
    std::unique_ptr<ClockChangeWatch> clock_watch_;
    std::unique_ptr<boost::asio::thread_pool> pool_;
    std::chrono::microseconds watchdog_interval_{0};
    HttpLimits http_limits_;
    const std::chrono::milliseconds claim_ahead_;
    MetricsRegistry metrics_;
    HttpRoutes routes_;
    ReceiptGroupCommit receipt_groups_;
    std::unique_ptr<HttpServer> http_;
    std::atomic<uint16_t> http_port_{0};

    int in_flight_ = 0;
    UtcInstant batch_starts_at_;  // the send_at of the batch in flight's first job
    bool stopping_ = false;
    int exit_status_ = 0;
    std::atomic<uint64_t> leases_skipped_{0};
    std::atomic<uint64_t> retention_runs_{0};
    std::atomic<uint64_t> timer_wakeups_{0}, database_wakeups_{0}, watchdog_wakeups_{0}, signal_wakeups_{0},
        clock_wakeups_{0};
};

Daemon::Daemon(Store& store, const Clock& clock, Log& log, DaemonSetup setup, Reload reload,
               HttpLimits http_limits, std::chrono::milliseconds claim_ahead)
    : loop_(std::make_unique<Loop>(store, clock, log, std::move(setup), std::move(reload), http_limits,
                                   claim_ahead)) {}
Daemon::~Daemon() = default;
int Daemon::run() { return loop_->run(); }
void Daemon::stop() { loop_->stop(); }
void Daemon::clock_was_set() { loop_->clock_was_set(); }
Daemon::Wakeups Daemon::wakeups() const { return loop_->wakeups(); }
uint16_t Daemon::http_port() const { return loop_->http_port(); }
size_t Daemon::http_connections() const { return loop_->http_connections(); }
const MetricsRegistry& Daemon::metrics() const { return loop_->metrics(); }
uint64_t Daemon::leases_skipped() const { return loop_->leases_skipped(); }
uint64_t Daemon::retention_runs() const { return loop_->retention_runs(); }

}  // namespace ritme
