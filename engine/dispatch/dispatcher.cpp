#include "engine/dispatch/dispatcher.hpp"

#include "engine/dispatch/batch_sender.hpp"
#include "engine/dispatch/claim_owner.hpp"
#include "engine/participants/participant_fields.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <mutex>
#include <unordered_set>

namespace ritme {

namespace {

using boost::posix_time::seconds;

UtcInstant plus_seconds(UtcInstant instant, int64_t count) {
    instant.utc += seconds(static_cast<long>(count));
    return instant;
}

std::string masked(Medium medium, const std::string& to) {
    return medium == Medium::sms ? mask_phone(to) : mask_email(to);
}

std::string subject_of(const Delivery& delivery) {
    if (delivery.session_id) return delivery.programme_id + "#" + std::to_string(delivery.session_id);
    if (delivery.appointment_id) return "a" + std::to_string(delivery.appointment_id);
    return delivery.programme_id;
}

}  // namespace

DispatchCounts& DispatchCounts::operator+=(const DispatchCounts& other) {
    claimed += other.claimed;
    sent += other.sent;
    retried += other.retried;
    failed += other.failed;
    expired += other.expired;
    cancelled += other.cancelled;
    return *this;
}

void DispatchCounts::count(DeliveryState state) {
    switch (state) {
        case DeliveryState::sent: ++sent; break;
        case DeliveryState::retry: ++retried; break;
        case DeliveryState::failed: ++failed; break;
        case DeliveryState::expired: ++expired; break;
        case DeliveryState::cancelled: ++cancelled; break;
        default: break;
    }
}

Dispatcher::Dispatcher(Store& store, const Clock& clock, const DaemonConfig& config, const MessageRenderer& renderer,
                       ChannelSet& channels, Log& log, std::string owner)
    : store_(store),
      clock_(clock),
      config_(config),
      renderer_(renderer),
      channels_(channels),
      log_(log),
      owner_(std::move(owner)),
      facts_(store, config.timezone),
      zone_(TimeZone::load(config.timezone)),
      follow_ups_(store, config, channels, facts_, zone_),
      lead_messages_(store),
      jitter_(std::random_device{}()) {}

std::optional<UtcInstant> Dispatcher::next_send_at() const { return store_.next_send_at(); }

void Dispatcher::warm_up() {
    MessageFacts facts;
    facts.first_name = "Amina";
    facts.start = facts_.zone(config_.timezone).to_local(clock_.now());
    facts.end = facts.start.time;
    for (const auto& language : renderer_.languages())
        for (Medium medium : {Medium::sms, Medium::email}) renderer_.render(facts, language, medium);
    mask_phone("+31612345678");
}

int Dispatcher::recover_abandoned_claims() {
    int released = 0;
    const UtcInstant now = clock_.now();
    store_.write([&] {
        for (const auto& owner : store_.claim_owners())
            if (owner != owner_ && claim_owner_gone(owner))
                released += store_.release_claims(owner, now, "claimed by a process that stopped");
    });
    if (released) log_.warning("delivery.recovered", "count=" + std::to_string(released));
    return released;
}

std::vector<DispatchJob> Dispatcher::claim_batch(bool decide_now, std::optional<UtcInstant> due_by) {
    const UtcInstant now = clock_.now();
    const UtcInstant by = due_by && now < *due_by ? *due_by : now;
    std::vector<ClaimedDelivery> claimed;
    store_.write([&] {
        claimed = store_.claim_due_by(now, by, config_.dispatch.batch_size, owner_,
                                      plus_seconds(now, config_.dispatch.lease_seconds));
    });
    std::vector<DispatchJob> jobs;
    jobs.reserve(claimed.size());
    for (auto& item : claimed) {
        DispatchJob& job = jobs.emplace_back();
        job.delivery = std::move(item.delivery);
        job.subject_current = item.subject_current;
        if (now < job.delivery.send_at) job.not_before = job.delivery.send_at;
        job.decided = decide_now;
        if (decide_now) decide(job, item.subject_current, now);
    }
    return jobs;
}

void Dispatcher::prepare(DispatchJob& job) {
    if (job.decided) return;
    job.decided = true;
    try {
        decide(job, job.subject_current, clock_.now());
    } catch (const StoreBusy& e) {
        job.message.reset();
        job.outcome.reset();
        job.store_away = true;
        log_.error("prepare", "id=" + std::to_string(job.delivery.id) + " reason=\"" + e.what() + "\"");
    } catch (const StoreError& e) {
        // Not sent, not decided: the row keeps its claim and goes again when the lease runs out.
        job.message.reset();
        job.outcome.reset();
        log_.error("prepare", "id=" + std::to_string(job.delivery.id) + " reason=\"" + e.what() + "\"");
    }
}

// A row this far past its send time fell due while no dispatcher ran. When a later
// reminder for the same session, person and channel is also due, only that one goes.
bool Dispatcher::superseded_while_down(const Delivery& delivery, UtcInstant now) const {
    if (delivery.kind != DeliveryKind::reminder && delivery.kind != DeliveryKind::appointment) return false;
    DeliveryQuery query;
    if (delivery.session_id) query.session_id = delivery.session_id;
    else query.appointment_id = delivery.appointment_id;
    query.participant_id = delivery.participant_id;
    query.kinds = {delivery.kind};
    query.states = {DeliveryState::planned, DeliveryState::retry, DeliveryState::claimed};
    for (const auto& other : store_.deliveries(query))
        if (other.id != delivery.id && other.channel == delivery.channel && delivery.due_at < other.due_at &&
            other.session_version == delivery.session_version &&
            other.appointment_version == delivery.appointment_version && !(now < other.send_at))
            return true;
    return false;
}

void Dispatcher::decide(DispatchJob& job, bool subject_current, UtcInstant now) {
    const Delivery& delivery = job.delivery;
    auto settle = [&](DeliveryState state, std::string reason) {
        job.outcome.emplace(delivery.id, state, now);
        job.outcome->reason = std::move(reason);
    };
    const bool late = delivery.send_at < plus_seconds(now, -config_.dispatch.late_after_seconds);
    // A row claimed ahead is decided for the moment it goes.
    const UtcInstant goes_at = now < delivery.send_at ? delivery.send_at : now;
    if (!subject_current) return settle(DeliveryState::cancelled, "what it was about changed after it was planned");
    if (!(goes_at < delivery.expires_at))
        return settle(DeliveryState::expired, late ? "missed while down: too late to be of use"
                                                   : "no longer useful: too close to the start");
    if (late && superseded_while_down(delivery, now))
        return settle(DeliveryState::expired, "missed while down: a later reminder went instead");

    const ChannelConfig* channel = channels_.config(delivery.channel);
    if (!channel) return settle(DeliveryState::failed, "no channel \"" + delivery.channel + "\" in the daemon config");
    // The planner keeps reminders out of the quiet hours; a row that comes due in them
    // anyway (after downtime, a late tick, a retry, a released claim) waits for their end.
    // A confirmation answers a text she just sent: it goes at once.
    if (const UtcInstant resume = delivery.kind == DeliveryKind::confirmation
                                      ? goes_at
                                      : outside_quiet_hours(delivery.channel, goes_at);
        goes_at < resume) {
        if (!(resume < delivery.expires_at))
            return settle(DeliveryState::expired, "quiet hours: of no use once they end");
        settle(DeliveryState::retry, "quiet hours: held until " + zone_.to_local(resume).time.str());
        job.outcome->retry_at = resume;
        return;
    }
    if (delivery.kind == DeliveryKind::overview || delivery.kind == DeliveryKind::follow_up) {
        LeadMessage composed = lead_messages_.compose(delivery, channel->medium, goes_at);
        if (!composed.message)
            return settle(composed.failed ? DeliveryState::failed : DeliveryState::expired, composed.why);
        job.message = std::move(composed.message);
        return;
    }
    AddressLookup address = facts_.address_for(delivery, channel->medium);
    if (!address.address)
        return settle(address.opted_out ? DeliveryState::cancelled : DeliveryState::failed, address.why);
    std::string why;
    auto facts = facts_.facts_for(delivery, why);
    if (!facts) return settle(DeliveryState::failed, why);
    try {
        RenderedMessage rendered = renderer_.render(*facts, address.address->language, channel->medium);
        job.message = OutgoingMessage{delivery.id,         delivery.channel,   channel->medium,
                                      address.address->to, rendered.language,  std::string(name_of(delivery.kind)),
                                      rendered.subject,    std::move(rendered.text)};
    } catch (const std::exception& e) {
        settle(DeliveryState::failed, std::string("cannot render the message: ") + e.what());
    }
}

std::optional<std::chrono::system_clock::time_point> Dispatcher::not_before(const DispatchJob& job) const {
    if (!job.not_before || !(clock_.now() < *job.not_before)) return std::nullopt;
    static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
    return std::chrono::system_clock::time_point(
        std::chrono::microseconds((job.not_before->utc - epoch).total_microseconds()));
}

// The claim's rule (ClaimedDelivery::subject_current), asked again of the store as it is now.
bool Dispatcher::still_current(DispatchJob& job) { return still_current(std::vector<DispatchJob*>{&job}).front(); }

std::vector<bool> Dispatcher::still_current(const std::vector<DispatchJob*>& jobs) {
    std::vector<const Delivery*> deliveries;
    deliveries.reserve(jobs.size());
    for (const DispatchJob* job : jobs) deliveries.push_back(&job->delivery);
    std::vector<bool> current;
    try {
        current = store_.subjects_current(deliveries);
    } catch (const StoreError& e) {
        // None is sent. The database away for a moment (StoreBusy): given back at once by
        // record(); otherwise not decided, so each row keeps its claim and goes again when
        // the lease runs out.
        const bool away = dynamic_cast<const StoreBusy*>(&e) != nullptr;
        std::vector<Log::Line> lines;
        for (DispatchJob* job : jobs) {
            job->store_away = job->store_away || away;
            lines.push_back({LogLevel::error, "recheck",
                             "id=" + std::to_string(job->delivery.id) + " reason=\"" + e.what() + "\""});
        }
        log_.write(lines);
        return std::vector<bool>(jobs.size(), false);
    }
    const UtcInstant now = clock_.now();
    for (size_t i = 0; i < jobs.size(); ++i) {
        if (current[i]) continue;
        DispatchJob& job = *jobs[i];
        job.outcome.emplace(job.delivery.id, DeliveryState::cancelled, now);
        job.outcome->reason = "what it was about changed while its batch was being sent";
    }
    return current;
}

void Dispatcher::send(DispatchJob& job) {
    if (!job.message) return;
    // A paused channel: the gateway never sees the message, so it is no attempt; it
    // waits for the pause to end without counting toward max_attempts.
    if (const auto pause = channels_.pause_of(job.delivery.channel)) {
        const UtcInstant now = clock_.now();
        job.result = SendResult::retry_later("channel paused: " + pause->reason, pause->left);
        const UtcInstant retry_at =
            outside_quiet_hours(job.delivery.channel, plus_seconds(now, pause->left.count()));
        if (retry_at < job.delivery.expires_at) {
            job.outcome.emplace(job.delivery.id, DeliveryState::retry, now);
            job.outcome->retry_at = retry_at;
            job.outcome->reason = job.result->reason;
        } else {
            job.outcome.emplace(job.delivery.id, DeliveryState::expired, now);
            job.outcome->reason = "no longer useful by the end of the pause: " + pause->reason;
        }
        job.outcome->claimed_by = owner_;
        return;
    }
    job.send_started = true;
    job.result = channels_.send(job.delivery.channel, *job.message);
    if (on_sent) on_sent(job);
    job.outcome = outcome_of(job.delivery, *job.result, clock_.now());
}

DeliveryOutcome Dispatcher::outcome_of(const Delivery& delivery, const SendResult& result, UtcInstant now) {
    auto outcome = [&](DeliveryState state, std::string reason) {
        DeliveryOutcome made(delivery.id, state, now);
        made.reason = std::move(reason);
        made.provider_id = result.provider_id;
        made.provider_status = result.provider_status;
        made.claimed_by = owner_;
        return made;
    };
    switch (result.outcome) {
        case SendResult::Outcome::sent: return outcome(DeliveryState::sent, {});
        case SendResult::Outcome::failed: return outcome(DeliveryState::failed, result.reason);
        case SendResult::Outcome::retry: break;
    }
    const auto& dispatch = config_.dispatch;
    if (delivery.attempts >= dispatch.max_attempts)
        return outcome(DeliveryState::failed,
                       "gave up after " + std::to_string(delivery.attempts) + " attempts: " + result.reason);
    // Exponential backoff with ±20% jitter, so many rows failing together do not all
    // come back in the same second; the gateway's Retry-After wins when it asks longer.
    const double base = std::min<double>(dispatch.retry_max_seconds,
                                         dispatch.retry_initial_seconds * std::pow(2.0, std::max(0, delivery.attempts - 1)));
    std::uniform_real_distribution<double> spread(0.8, 1.2);
    int64_t delay;
    {
        static std::mutex jitter_mutex;  // send() runs on several workers
        std::lock_guard lock(jitter_mutex);
        delay = std::llround(base * spread(jitter_));
    }
    if (result.retry_after) delay = std::max<int64_t>(delay, result.retry_after->count());
    const UtcInstant retry_at = outside_quiet_hours(delivery.channel, plus_seconds(now, std::max<int64_t>(1, delay)));
    if (!(retry_at < delivery.expires_at))
        return outcome(DeliveryState::expired, "no longer useful by the next attempt: " + result.reason);
    DeliveryOutcome retry = outcome(DeliveryState::retry, result.reason);
    retry.retry_at = retry_at;
    return retry;
}

DispatchCounts Dispatcher::record(std::vector<DispatchJob>& jobs) {
    DispatchCounts counts;
    counts.claimed = static_cast<int>(jobs.size());
    if (jobs.empty()) return counts;
    const UtcInstant now = clock_.now();
    std::vector<DeliveryOutcome> outcomes;
    outcomes.reserve(jobs.size());
    // Fallbacks and alerts, each with the id of the failed row it follows from.
    std::vector<std::pair<int64_t, Delivery>> follow_ups;
    for (auto& job : jobs) {
        // Never handed to its channel, so it has not gone: back to the queue at once.
        if (!job.outcome && !job.send_started && job.store_away) {
            job.outcome.emplace(job.delivery.id, DeliveryState::retry, now);
            job.outcome->retry_at = now;
            job.outcome->reason = "not sent: the database could not be read right before the send";
        }
        // A send that ended without an answer (it threw) keeps its claim: the row goes
        // again once the lease runs out, as after a crash.
        if (!job.outcome) continue;
        if (!job.settled) {
            if (job.outcome->state == DeliveryState::failed) {
                if (auto follow_up = follow_ups_.after_failure(job.delivery, job.outcome->reason, now)) {
                    job.outcome->reason = with_fallback_note(job.outcome->reason, *follow_up);
                    job.fallback = std::move(follow_up->row);
                }
            }
            job.outcome->claimed_by = owner_;
            job.settled = true;
            if (on_outcome) on_outcome(job);
        }
        if (job.fallback) follow_ups.emplace_back(job.delivery.id, *job.fallback);
        outcomes.push_back(*job.outcome);
        counts.count(job.outcome->state);
    }
    store_.write([&] {
        const std::vector<int64_t> written = store_.finish(outcomes);
        // A row another process claimed meanwhile (this batch outlived its lease) is
        // theirs now, and so is what follows from it.
        const std::unordered_set<int64_t> ours(written.begin(), written.end());
        for (const auto& [source, row] : follow_ups)
            if (ours.count(source)) store_.add_delivery(row);
    });
    std::vector<Log::Line> lines;
    lines.reserve(jobs.size());
    for (const auto& job : jobs) {
        const auto& d = job.delivery;
        if (!job.outcome) {
            lines.push_back({LogLevel::error, "delivery.unfinished",
                             "id=" + std::to_string(d.id) + " channel=" + d.channel +
                                 " reason=\"the send ended without an answer; it goes again once its claim runs "
                                 "out\""});
            continue;
        }
        const auto state = job.outcome->state;
        const LogLevel level = state == DeliveryState::failed ? LogLevel::warning : LogLevel::info;
        if (!log_.enabled(level)) continue;
        std::string details = "id=" + std::to_string(d.id) + " kind=" + std::string(name_of(d.kind)) +
                              " subject=" + subject_of(d) + " channel=" + d.channel;
        if (job.message) details += " to=" + masked(job.message->medium, job.message->to);
        if (d.attempts > 1) details += " attempt=" + std::to_string(d.attempts);
        if (job.outcome->retry_at) details += " retry_at=" + job.outcome->retry_at->iso();
        if (!job.outcome->reason.empty()) details += " reason=\"" + job.outcome->reason + "\"";
        lines.push_back({level, "delivery." + std::string(name_of(state)), std::move(details)});
    }
    for (const auto& job : jobs)
        if (job.result && job.result->channel_fault && job.message)
            lines.push_back({LogLevel::error, "channel.paused",
                             "channel=" + job.delivery.channel + " minutes=5 reason=\"" + job.result->reason +
                                 "\" hint=\"check the channel's settings and secrets; messages wait meanwhile\""});
    log_.write(lines);
    return counts;
}

void Dispatcher::renew_claims(const std::vector<DispatchJob>& jobs) {
    std::vector<int64_t> ids;
    ids.reserve(jobs.size());
    for (const auto& job : jobs)
        if (job.message || !job.decided) ids.push_back(job.delivery.id);
    if (ids.empty()) return;
    const UtcInstant until = plus_seconds(clock_.now(), config_.dispatch.lease_seconds);
    store_.write([&] { store_.renew_claims(owner_, ids, until); });
}

std::chrono::milliseconds Dispatcher::renew_every() const {
    return std::chrono::seconds(std::max(1, config_.dispatch.lease_seconds / 3));
}

int Dispatcher::workers() const { return std::max(1, config_.dispatch.workers); }

DispatchCounts Dispatcher::run_due(boost::asio::thread_pool* pool) {
    DispatchCounts total;
    for (;;) {
        auto jobs = claim_batch();
        if (jobs.empty()) break;
        jobs = BatchSender(*this, pool, log_).send_all(std::move(jobs));
        total += record(jobs);
    }
    return total;
}

}  // namespace ritme
