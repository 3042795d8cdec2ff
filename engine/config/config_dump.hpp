#pragma once
// `ritme config dump`: every setting of the daemon config with its default and one line
// of help, as a config that loads back.

#include "engine/channel/channel_registry.hpp"
#include "engine/config/daemon_config.hpp"

#include <string>

namespace ritme {

// Every setting with its default and help, as TOML with comments; with `config`, its
// values instead of the defaults (`ritme config dump`).
std::string dump_daemon_config(const ChannelRegistry& registry, const DaemonConfig* config);

}  // namespace ritme
