#pragma once
// Every daemon setting, declared once (after PowerDNS): its key, one line of help, how to
// read it and how to write a value of it as TOML. The reader (config_reader.hpp) and
// `ritme config dump` (config_dump.hpp) both walk these lists, so they cannot drift
// apart; the defaults are those of default_config() and default_channel().

#include "engine/base/toml_reader.hpp"
#include "engine/channel/channel_registry.hpp"
#include "engine/channel/medium.hpp"
#include "engine/config/daemon_config.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

template <typename Target>
struct ConfigSetting {
    std::string_view key;
    std::string_view help;
    std::function<void(TomlTableReader&, Target&)> read;  // reads `key` when present, reporting its problems
    std::function<std::string(const Target&)> toml;       // the value as TOML text
};

struct ConfigSection {
    std::string_view table;  // empty: the top level
    std::string_view help;
    std::vector<ConfigSetting<DaemonConfig>> settings;
};

DaemonConfig default_config();
ChannelConfig default_channel(const std::string& name, std::optional<Medium> medium = std::nullopt);

// The top level, [reminders], [dispatch] and [follow_up], in the order the dump prints them.
const std::vector<ConfigSection>& config_sections();
// The keys of every [channel.NAME] table before the adapter's own.
const std::vector<ConfigSetting<ChannelConfig>>& channel_settings();

std::vector<std::string_view> keys_of(const auto& settings) {
    std::vector<std::string_view> keys;
    for (const auto& setting : settings) keys.push_back(setting.key);
    return keys;
}

// An adapter setting without a default must be written.
bool is_required(const AdapterSetting& setting);

// A TOML basic string, "…", escaped as needed.
std::string toml_quoted(std::string_view text);

}  // namespace ritme
