#include "engine/config/config_dump.hpp"

#include "engine/config/config_schema.hpp"

#include <ostream>
#include <set>
#include <sstream>

namespace ritme {
namespace {

// One setting: its help with the default, then the value; commented out when it is
// only the default being shown.
void dump_setting(std::ostream& out, std::string_view key, std::string_view help, const std::string& value,
                  const std::string& default_value, bool active) {
    out << "# " << help;
    if (!default_value.empty() && default_value != "\"\"") out << " (default " << default_value << ")";
    out << "\n" << (active ? "" : "# ") << key << " = " << value << "\n";
}


void dump_adapter_settings(std::ostream& out, const AdapterInfo& adapter, const ChannelConfig* channel,
                           bool active) {
    for (const auto& setting : adapter.settings) {
        const std::string help = setting.help + (is_required(setting) ? " (required)" : "");
        std::string value = setting.default_value.empty() ? "\"…\"" : setting.default_value;
        if (channel) {
            const auto found = channel->settings.values.find(setting.name);
            if (found != channel->settings.values.end()) {
                // Strings went in unquoted: quote them again, unless the default shows it is not a string.
                const std::string declared = setting.default_value;
                const bool string = declared.empty() || declared.front() == '"' || declared.front() == '\'';
                value = string ? toml_quoted(found->second) : found->second;
            }
        }
        dump_setting(out, setting.name, help, value, is_required(setting) ? "" : setting.default_value, active);
    }
}

void dump_channel(std::ostream& out, const ChannelConfig& channel, const ChannelRegistry& registry, bool active) {
    const AdapterInfo* adapter = registry.find(channel.adapter);
    const std::string comment = active ? "" : "# ";
    const std::string summary = adapter ? adapter->summary : "an adapter this ritme does not know";
    if (active)
        out << "\n# ---- channel " << channel.name << ", through the " << channel.adapter << " adapter: " << summary
            << "\n";
    else
        out << "\n# ---- the " << channel.adapter << " adapter: " << summary
            << "\n# (an example: remove the # to use it)\n";
    out << comment << "[channel." << channel.name << "]\n";
    const ChannelConfig defaults = default_channel(channel.name, channel.medium);
    for (const auto& setting : channel_settings()) {
        const bool required = setting.key == "adapter";
        const bool medium_required = setting.key == "medium" && !parse_medium(channel.name);
        dump_setting(out, setting.key, setting.help, setting.toml(channel),
                     required || medium_required ? "" : setting.toml(defaults), active);
    }
    if (adapter) dump_adapter_settings(out, *adapter, active ? &channel : nullptr, active);
}

}  // namespace

std::string dump_daemon_config(const ChannelRegistry& registry, const DaemonConfig* config) {
    const DaemonConfig defaults = default_config();
    const bool active = config != nullptr;
    const DaemonConfig& shown = config ? *config : defaults;
    std::ostringstream out;
    out << "# The ritme daemon config: every setting with one line of help and its default.\n"
           "# Relative paths are relative to this file's directory. Unknown keys are errors.\n";
    if (config && !config->file.empty())
        out << "# This is the config in use, " << config->file.string()
            << "; its paths are written out in full.\n"
               "# Relative paths in [channel] tables start at its directory, "
            << config->file.parent_path().string() << ".\n";
    else
        out << "# No config file is in use: these are the defaults, commented out.\n";
    for (const auto& section : config_sections()) {
        out << "\n";
        if (!section.table.empty()) out << "# ---- " << section.help << "\n[" << section.table << "]\n";
        for (const auto& setting : section.settings)
            dump_setting(out, setting.key, setting.help, setting.toml(shown), setting.toml(defaults), active);
    }
    out << "\n# ---- Channels: [channel.NAME] sends a medium through an adapter. A participant's medium\n"
           "# goes through the channel of that medium; another channel of it can only be a fallback.\n";
    std::set<std::string> adapters_in_use;
    if (config)
        for (const auto& [name, channel] : config->channels) {
            dump_channel(out, channel, registry, true);
            adapters_in_use.insert(channel.adapter);
        }
    for (const auto& name : registry.names()) {
        if (adapters_in_use.contains(name)) continue;
        ChannelConfig example = default_channel(name);
        example.adapter = name;
        dump_channel(out, example, registry, false);
    }
    return out.str();
}

}  // namespace ritme
