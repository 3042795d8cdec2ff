#pragma once
// Reads the daemon config file (config/ritme.toml) into a DaemonConfig, like programme
// files: every problem at file:line:col with the key and a hint, unknown keys rejected.

#include "engine/base/diagnostic.hpp"
#include "engine/channel/channel_registry.hpp"
#include "engine/config/daemon_config.hpp"

#include <filesystem>
#include <optional>

namespace ritme {

// Reads and checks a config file; adapter settings are checked against the registry.
// Relative paths are relative to the file's directory. Returns nothing when there are
// errors; every problem is in `diagnostics`.
std::optional<DaemonConfig> load_daemon_config(const std::filesystem::path& file, const ChannelRegistry& registry,
                                               Diagnostics& diagnostics);

}  // namespace ritme
