#pragma once
// The channels a daemon sends through, made from its config by the adapter registry.
// Each channel keeps its own limits: at most `concurrency` sends at once and at most
// `rate` per second. Asking for a turn never waits: the batch fan-out starts a send
// when its channel's turn comes, so no worker thread sits waiting for a channel.

#include "engine/base/diagnostic.hpp"
#include "engine/channel/channel.hpp"
#include "engine/channel/channel_registry.hpp"
#include "engine/config/daemon_config.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

class ChannelSet {
public:
    // Makes every configured channel, as the daemon sends through them. A channel its
    // adapter refuses is an error in `problems` at the setting's file:line:col; with any
    // error there is no set.
    static std::optional<ChannelSet> from_config(const DaemonConfig& config, const ChannelRegistry& registry,
                                                 Diagnostics& problems);
    // What from_config would refuse, in `problems`, without making the channels: nothing
    // changes on disk (`ritme config check`). True when every channel would be made.
    static bool check_config(const DaemonConfig& config, const ChannelRegistry& registry, Diagnostics& problems);

    // For tests and `ritme simulate`: a channel made by hand.
    void add(const ChannelConfig& config, std::unique_ptr<Channel> channel);

    bool has(const std::string& name) const { return entries_.count(name) > 0; }
    const ChannelConfig* config(const std::string& name) const;

    // Whether a send on the named channel may start now: fewer than `concurrency` under
    // way and at least 1/rate since the last start. A paused channel reaches no gateway,
    // so its turns take no rate. An unknown channel has no limits.
    struct Turn {
        bool taken = false;  // the caller sends now and calls end_turn afterwards
        // Not taken: when the rate gives the next start; nothing when the channel is at
        // its concurrency and a send under way must end first.
        std::optional<std::chrono::steady_clock::time_point> retry_at;
    };
    Turn take_turn(const std::string& name);
    void end_turn(const std::string& name);

    // Sends through the named channel now, on a turn take_turn gave. An unknown channel
    // is a permanent failure (the config lost a channel that rows still name). A result
    // with channel_fault pauses the channel for five minutes: sends meanwhile are
    // retried after the pause without reaching the gateway.
    SendResult send(const std::string& name, const OutgoingMessage& message);

    // Hands a gateway's call to the named channel (Channel::read_callback); an unknown
    // channel is not handled.
    CallbackReading read_callback(const std::string& name, CallbackKind kind, const CallbackRequest& request) const;
    // The channels that would read a call without proof it comes from their gateway
    // (Channel::reads_unproven_callbacks): refused when the daemon listens off loopback.
    std::vector<std::string> unproven_callback_channels() const;

    // Asks every channel to forget what it keeps of these messages; per channel name,
    // what it removed and could not.
    std::map<std::string, ForgetResult> forget(const ForgottenMessages& messages);

    struct Pause {
        std::chrono::seconds left;
        std::string reason;
    };
    // Whether the named channel rests after a fault, for how long and why.
    std::optional<Pause> pause_of(const std::string& name) const;

    ChannelSet();
    ChannelSet(ChannelSet&&) noexcept;
    ChannelSet& operator=(ChannelSet&&) noexcept;
    ~ChannelSet();

private:
    struct Entry;
    std::map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace ritme
