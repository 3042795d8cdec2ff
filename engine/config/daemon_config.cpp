#include "engine/config/daemon_config.hpp"

#include "engine/config/listen_address.hpp"

#include <algorithm>

namespace ritme {

// A channel that another channel of its medium hands messages to: not where that medium starts.
bool is_fallback_of_same_medium(const DaemonConfig& config, const std::string& name) {
    const Medium medium = config.channels.at(name).medium;
    return std::any_of(config.channels.begin(), config.channels.end(), [&](const auto& entry) {
        return entry.first != name && entry.second.fallback == name && entry.second.medium == medium;
    });
}

std::string DaemonConfig::callback_base_url() const {
    std::string url = public_url;
    if (url.empty()) {
        const auto address = ListenAddress::parse(listen);
        url = address ? address->local_url() : "http://" + listen;
    }
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

const ChannelConfig* DaemonConfig::channel_for(Medium medium) const {
    const ChannelConfig* first = nullptr;
    for (const auto& [name, channel] : channels) {
        if (channel.medium != medium) continue;
        if (!is_fallback_of_same_medium(*this, name)) return &channel;
        if (!first) first = &channel;
    }
    return first;
}

}  // namespace ritme
