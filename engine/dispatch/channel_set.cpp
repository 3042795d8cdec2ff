#include "engine/dispatch/channel_set.hpp"

#include <algorithm>
#include <mutex>

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
    int busy = 0;                                         // sends under way
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

bool ChannelSet::check_config(const DaemonConfig& config, const ChannelRegistry& registry, Diagnostics& problems) {
    bool all_good = true;
    for (const auto& [name, channel] : config.channels) {
        try {
            registry.check(channel.adapter, channel.settings);
        } catch (const ChannelConfigError& e) {
            problems.error(e.where().file.empty() ? channel.where : e.where(), e.what());
            all_good = false;
        }
    }
    return all_good;
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

std::map<std::string, ForgetResult> ChannelSet::forget(const ForgottenMessages& messages) {
    std::map<std::string, ForgetResult> results;
    for (auto& [name, entry] : entries_) results[name] = entry->channel->forget(messages);
    return results;
}

CallbackReading ChannelSet::read_callback(const std::string& name, CallbackKind kind,
                                          const CallbackRequest& request) const {
    const auto found = entries_.find(name);
    if (found == entries_.end())
        return CallbackReading::refused(CallbackReading::Verdict::not_handled, "no channel of that name");
    return found->second->channel->read_callback(kind, request);
}

std::vector<std::string> ChannelSet::unproven_callback_channels() const {
    std::vector<std::string> names;
    for (const auto& [name, entry] : entries_)
        if (entry->channel->reads_unproven_callbacks()) names.push_back(name);
    return names;
}

const ChannelConfig* ChannelSet::config(const std::string& name) const {
    const auto found = entries_.find(name);
    return found == entries_.end() ? nullptr : &found->second->config;
}

ChannelSet::Turn ChannelSet::take_turn(const std::string& name) {
    const auto found = entries_.find(name);
    if (found == entries_.end()) return {true, std::nullopt};
    Entry& entry = *found->second;
    const std::lock_guard lock(entry.mutex);
    if (entry.busy >= std::max(1, entry.config.concurrency)) return {false, std::nullopt};
    const auto now = std::chrono::steady_clock::now();
    if (entry.config.rate_per_second > 0 && !(now < entry.paused_until)) {
        if (now < entry.next_start) return {false, entry.next_start};
        // Starts at least 1/rate apart, counted from when each one started.
        entry.next_start = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                     std::chrono::duration<double>(1.0 / entry.config.rate_per_second));
    }
    ++entry.busy;
    return {true, std::nullopt};
}

void ChannelSet::end_turn(const std::string& name) {
    const auto found = entries_.find(name);
    if (found == entries_.end()) return;
    Entry& entry = *found->second;
    const std::lock_guard lock(entry.mutex);
    --entry.busy;
}

SendResult ChannelSet::send(const std::string& name, const OutgoingMessage& message) {
    const auto found = entries_.find(name);
    if (found == entries_.end())
        return SendResult::permanent_failure("no channel \"" + name + "\" in the daemon config");
    Entry& entry = *found->second;
    {
        // A fault may have paused the channel since this send got its turn.
        const std::lock_guard lock(entry.mutex);
        if (auto paused = entry.paused_answer()) return *paused;
    }
    SendResult result = [&] {
        try {
            return entry.channel->send(message);
        } catch (const std::exception& e) {
            // An adapter should return a result; one that throws is treated as a temporary fault.
            return SendResult::retry_later(std::string("adapter error: ") + e.what());
        }
    }();
    if (result.channel_fault) {
        const std::lock_guard lock(entry.mutex);
        entry.paused_until = std::chrono::steady_clock::now() + pause_after_fault;
        entry.pause_reason = result.reason;
        if (!result.retry_after || *result.retry_after < pause_after_fault)
            result.retry_after = std::chrono::duration_cast<std::chrono::seconds>(pause_after_fault);
    }
    return result;
}

}  // namespace ritme
