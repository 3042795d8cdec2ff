// placeholder: replaced by the daemon-config work
#include "engine/config/daemon_config.hpp"

namespace ritme {
std::optional<DaemonConfig> load_daemon_config(const std::filesystem::path&, const ChannelRegistry&, Diagnostics&) {
    return std::nullopt;
}
std::string dump_daemon_config(const ChannelRegistry&, const DaemonConfig*) { return {}; }
const ChannelConfig* DaemonConfig::channel_for(Medium) const { return nullptr; }
ReminderRules ReminderRules::defaults() { return {}; }
}  // namespace ritme
