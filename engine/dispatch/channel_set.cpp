#include "engine/dispatch/channel_set.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace ritme {
namespace {

// How long a channel rests after its gateway refused the channel itself (credentials,
// a request it can never accept): messages wait instead of failing one by one, and the
// operator has time to fix the config.
constexpr auto pause_after_fault = std::chrono::minutes(5);

}  // namespace

struct ChannelSet::Entry {
    ChannelConfig config;
    std::unique_ptr<Channel> channel;
    std::mutex mutex;
    std::condition_variable freed;
    int busy = 0;
    std::chrono::steady_clock::time_point next_start{};  // the rate limit's next free moment
    std::chrono::steady_clock::time_point paused_until{};
    std::string pause_reason;

    // Under the mutex: the pause's answer, or nothing when the channel may send.
    std::optional<SendResult> paused_answer() const {
        const auto now = std::chrono::steady_clock::now();
        if (!(now < paused_until)) return std::nullopt;
        const auto left = std::chrono::ceil<std::chrono::seconds>(paused_until - now);
        return SendResult::retry_later("channel paused for " + std::to_string(left.count()) + " s: " + pause_reason,
                                       left);
    }
};

ChannelSet::ChannelSet() = default;
ChannelSet::ChannelSet(ChannelSet&&) noexcept = default;
ChannelSet& ChannelSet::operator=(ChannelSet&&) noexcept = default;
ChannelSet::~ChannelSet() = default;

std::optional<ChannelSet> ChannelSet::from_config(const DaemonConfig& config, const ChannelRegistry& registry,
                                                  Diagnostics& problems) {
    ChannelSet set;
    bool made_all = true;
    for (const auto& [name, channel] : config.channels) {
        try {
            set.add(channel, registry.make(channel.adapter, channel.settings));
        } catch (const ChannelConfigError& e) {
            // Settings not read from a file know no position: the channel's table does.
            problems.error(e.where().file.empty() ? channel.where : e.where(), e.what());
            made_all = false;
        }
    }
    if (!made_all) return std::nullopt;
    return set;
}

void ChannelSet::add(const ChannelConfig& config, std::unique_ptr<Channel> channel) {
    auto entry = std::make_unique<Entry>();
    entry->config = config;
    entry->channel = std::move(channel);
    entries_[config.name] = std::move(entry);
}

std::optional<ChannelSet::Pause> ChannelSet::pause_of(const std::string& name) const {
    const auto found = entries_.find(name);
    if (found == entries_.end()) return std::nullopt;
    Entry& entry = *found->second;
    const std::lock_guard lock(entry.mutex);
    const auto now = std::chrono::steady_clock::now();
    if (!(now < entry.paused_until)) return std::nullopt;
    return Pause{std::chrono::ceil<std::chrono::seconds>(entry.paused_until - now), entry.pause_reason};
}

const ChannelConfig* ChannelSet::config(const std::string& name) const {
    const auto found = entries_.find(name);
    return found == entries_.end() ? nullptr : &found->second->config;
}

SendResult ChannelSet::send(const std::string& name, const OutgoingMessage& message) {
    const auto found = entries_.find(name);
    if (found == entries_.end())
        return SendResult::permanent_failure("no channel \"" + name + "\" in the daemon config");
    Entry& entry = *found->second;
    {
        std::unique_lock lock(entry.mutex);
        if (auto paused = entry.paused_answer()) return *paused;
        const int limit = std::max(1, entry.config.concurrency);
        entry.freed.wait(lock, [&] { return entry.busy < limit; });
        // A fault may have paused the channel while this sender waited for its turn.
        if (auto paused = entry.paused_answer()) {
            lock.unlock();
            entry.freed.notify_one();
            return *paused;
        }
        ++entry.busy;
        if (entry.config.rate_per_second > 0) {
            // Messages start at least 1/rate apart; each sender takes the next free moment.
            const auto spacing = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                std::chrono::duration<double>(1.0 / entry.config.rate_per_second));
            const auto now = std::chrono::steady_clock::now();
            const auto start = std::max(now, entry.next_start);
            entry.next_start = start + spacing;
            lock.unlock();
            std::this_thread::sleep_until(start);
            lock.lock();
            if (auto paused = entry.paused_answer()) {
                --entry.busy;
                lock.unlock();
                entry.freed.notify_one();
                return *paused;
            }
        }
    }
    SendResult result;
    try {
        result = entry.channel->send(message);
    } catch (const std::exception& e) {
        // An adapter should return a result; one that throws is treated as a temporary fault.
        result = SendResult::retry_later(std::string("adapter error: ") + e.what());
    }
    {
        std::lock_guard lock(entry.mutex);
        --entry.busy;
        if (result.channel_fault) {
            entry.paused_until = std::chrono::steady_clock::now() + pause_after_fault;
            entry.pause_reason = result.reason;
            if (!result.retry_after || *result.retry_after < pause_after_fault)
                result.retry_after = std::chrono::duration_cast<std::chrono::seconds>(pause_after_fault);
        }
    }
    entry.freed.notify_one();
    return result;
}

}  // namespace ritme
