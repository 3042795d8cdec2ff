#pragma once
// `ritme serve`: the long-running daemon, on any Store. One Boost.Asio loop on the main
// thread holds one timer armed for the next due delivery; it wakes for that, for a change
// to the database by another process (the store's change watch), for the wall clock
// being set (the timer is armed again for the new time), for a signal, and (under
// systemd) for the watchdog.
// Sends run on a bounded worker pool, never on the loop's thread. An idle daemon makes
// no other wake-ups (DESIGN.md rule 5).
//
// SIGTERM, SIGINT: stop claiming, let in-flight sends finish within the grace period,
// exit 0. SIGHUP: build a new setup from the config; a bad one is logged and the old
// one kept. Under systemd (NOTIFY_SOCKET) it sends READY=1, RELOADING=1, STOPPING=1 and
// watchdog pings.
//
// Daemons may share one database: claims give each message to one of them, and work
// that must happen once (planning what a change asked for, the leads' overviews, the
// daily retention run) is done under a lease (LeasedWork) by whichever takes it.
//
// The HTTP interface (engine/http) runs on the same loop: /healthz, /metrics and the
// gateways' receipts and answers, answered between sends; a send never waits for it.

#include "engine/base/log.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/dispatch/dispatcher.hpp"
#include "engine/http/http_server.hpp"
#include "engine/http/metrics_registry.hpp"
#include "engine/store/store.hpp"
#include "engine/time/clock.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace ritme {

class Daemon {
public:
    // Builds a fresh setup for a reload; nothing, with the problems logged, when the
    // new config or files have errors.
    using Reload = std::function<std::optional<DaemonSetup>()>;

    // `claim_ahead`: how long before a batch is due the loop claims and renders it, so its
    // sends go right at their time; only on the system clock (`ritme serve`), whose time the
    // loop's timers keep. Zero on an injected clock.
    Daemon(Store& store, const Clock& clock, Log& log, DaemonSetup setup, Reload reload,
           HttpLimits http_limits = {}, std::chrono::milliseconds claim_ahead = std::chrono::milliseconds(0));
    // What `ritme serve` uses: more than a batch takes to claim and render.
    static constexpr std::chrono::milliseconds serve_claim_ahead{250};
    ~Daemon();

    // Runs until SIGTERM or SIGINT (or stop()). Returns the exit status.
    int run();
    // Asks the loop to stop as SIGTERM does; safe from any thread.
    void stop();
    // Tells the loop the wall clock was set, as its clock-change watch does: what is due
    // now is sent and the timer armed for the next; safe from any thread. For tests on
    // virtual time.
    void clock_was_set();

    struct Wakeups {
        uint64_t timer = 0;     // the due timer fired
        uint64_t database = 0;  // another process wrote the database (the store's change watch)
        uint64_t watchdog = 0;
        uint64_t signals = 0;
        uint64_t clock = 0;  // the wall clock was set (counted once acted on)
    };
    Wakeups wakeups() const;

    // The port the HTTP interface listens on once the loop is up; 0 before. Safe from any
    // thread.
    uint16_t http_port() const;
    // Connections the HTTP interface has open now. Safe from any thread.
    size_t http_connections() const;
    // What /metrics reports from this process: send lateness, receipts, replies.
    const MetricsRegistry& metrics() const;
    // Times it left work to another daemon holding its lease (LeasedWork). Safe from any
    // thread.
    uint64_t leases_skipped() const;
    // Times this daemon ran retention (the others sharing the database found it done).
    // Safe from any thread.
    uint64_t retention_runs() const;

private:
    class Loop;
    std::unique_ptr<Loop> loop_;
};

}  // namespace ritme
