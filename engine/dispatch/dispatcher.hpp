#pragma once
// The dispatcher: claims due deliveries in batches, decides what each one still is
// (stale, expired, missed while down, or a message to send), renders it, sends it
// through its channel on worker threads and writes the results back in one
// transaction per batch. Sent, retry at T (exponential backoff with jitter, or the
// gateway's Retry-After), failed with a reason, expired (DESIGN.md rules 4 and 6).
//
// The daemon drives it from a timer; `ritme tick` and `ritme simulate` call run_due().

#include "engine/base/log.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/dispatch/channel_set.hpp"
#include "engine/dispatch/failure_follow_ups.hpp"
#include "engine/dispatch/lead_messages.hpp"
#include "engine/message/message_facts.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/store/store.hpp"
#include "engine/time/clock.hpp"

#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace ritme {

// One claimed delivery on its way.
struct DispatchJob {
    Delivery delivery;
    // Claimed with claim_batch(false) and not looked at yet: Dispatcher::prepare decides
    // and renders it right before its send. `subject_current` is the claim's answer.
    bool decided = true;
    bool subject_current = true;
    // Claimed ahead of its time (claim_batch with `due_by`): it goes no earlier than this.
    std::optional<UtcInstant> not_before;
    std::optional<OutgoingMessage> message;  // empty when decided without sending
    std::optional<DeliveryOutcome> outcome;  // decided at once, or after the send
    std::optional<SendResult> result;        // the channel's answer, once it was sent
    bool send_started = false;               // handed to its channel: it may have gone
    bool store_away = false;                 // not decided: the database was away for a moment (StoreBusy)
    // Set by record() once the outcome is final (its fallback found), so a record()
    // tried again after the database was away writes the same.
    bool settled = false;
    std::optional<Delivery> fallback;        // the row that follows a failure for good
};

struct DispatchCounts {
    int claimed = 0;
    int sent = 0;
    int retried = 0;
    int failed = 0;
    int expired = 0;
    int cancelled = 0;

    DispatchCounts& operator+=(const DispatchCounts& other);
    void count(DeliveryState state);
};

class Dispatcher {
public:
    Dispatcher(Store& store, const Clock& clock, const DaemonConfig& config, const MessageRenderer& renderer,
               ChannelSet& channels, Log& log, std::string owner);

    // Claims up to one batch that is due now, and decides or renders each delivery; with
    // `decide_now` false each is left for prepare(), so the first sends need not wait for
    // the whole batch to be rendered (the daemon: a hundred reminders due in one second).
    // With `due_by`, also rows due by then (the daemon claims a batch a moment ahead and
    // renders it while it waits); such a job is sent no earlier than its send_at.
    std::vector<DispatchJob> claim_batch(bool decide_now = true, std::optional<UtcInstant> due_by = std::nullopt);
    // Decides or renders a job claim_batch(false) left undecided; once. When the store
    // cannot say (a StoreError), the job is left without message or outcome: it keeps its
    // claim and goes again once the lease runs out.
    void prepare(DispatchJob& job);
    // Reads the job's session or appointment again, right before its send, on the
    // store's thread: false, with the job settled as cancelled, when it was moved,
    // cancelled or changed since the claim (a batch held by a channel's rate takes
    // that long), or, leaving the job without an outcome, when the store cannot say.
    bool still_current(DispatchJob& job);
    // still_current for the jobs a batch starts in one turn of its loop, in their order,
    // with one read of the store for all of them.
    std::vector<bool> still_current(const std::vector<DispatchJob*>& jobs);
    // When a job claimed ahead may go, on the system clock the daemon's timers keep;
    // nothing when it may go now.
    std::optional<std::chrono::system_clock::time_point> not_before(const DispatchJob& job) const;
    // Sends a rendered job through its channel and sets its outcome. Runs on a worker.
    void send(DispatchJob& job);
    // Writes a batch's outcomes in one transaction, with the fallback of each message
    // that failed for good. Returns what happened. A job that was never handed to its
    // channel because the database was away for a moment is given back, due now, rather
    // than left to its lease; one the store cannot read keeps its claim (tried again
    // after the lease, not in a loop). Throws StoreError, the batch unwritten; calling it
    // again with the same jobs writes the same.
    DispatchCounts record(std::vector<DispatchJob>& jobs);

    // Claims, sends and records batch after batch until nothing is due now; sends run
    // on `pool`, or one after another when it is null (BatchSender).
    DispatchCounts run_due(boost::asio::thread_pool* pool);
    // Extends the claims of a batch still being sent by another lease.
    void renew_claims(const std::vector<DispatchJob>& jobs);
    // How often a batch still being sent renews its claims: a third of the lease.
    std::chrono::milliseconds renew_every() const;
    // Threads sending at once, over all channels.
    int workers() const;
    ChannelSet& channels() const { return channels_; }

    std::optional<UtcInstant> next_send_at() const;
    // Loads what the first message would otherwise wait for (ICU's locale data for each
    // language, libphonenumber's metadata), so the first batch goes as fast as the rest.
    void warm_up();
    // Gives back the claims of processes on this host that no longer run.
    int recover_abandoned_claims();
    // The store changed underneath (another process): cached facts are reloaded.
    void forget_cached() { facts_.forget(); }

    const std::string& owner() const { return owner_; }
    // Called for each job once its outcome is known, before it is written (simulate).
    std::function<void(const DispatchJob&)> on_outcome;
    // Called on the worker right after a channel answered a send, before its outcome is
    // set: the moment the message went (the daemon's send-lateness figures).
    std::function<void(const DispatchJob&)> on_sent;

private:
    void decide(DispatchJob& job, bool subject_current, UtcInstant now);
    bool superseded_while_down(const Delivery& delivery, UtcInstant now) const;
    DeliveryOutcome outcome_of(const Delivery& delivery, const SendResult& result, UtcInstant now);
    // When a channel that keeps quiet hours may send at or after `at`: `at`, or their end.
    UtcInstant outside_quiet_hours(const std::string& channel, UtcInstant at) const {
        return follow_ups_.outside_quiet_hours(channel, at);
    }

    Store& store_;
    const Clock& clock_;
    const DaemonConfig& config_;
    const MessageRenderer& renderer_;
    ChannelSet& channels_;
    Log& log_;
    std::string owner_;
    MessageFactsSource facts_;
    TimeZone zone_;  // the config's: quiet hours at send time
    FailureFollowUps follow_ups_;  // a fallback for a message that failed for good
    LeadMessages lead_messages_;   // the lead's overview and follow-ups, in the catalogues' words
    std::mt19937 jitter_;
};

}  // namespace ritme
