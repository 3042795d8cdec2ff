#include "engine/channel/channel_registry.hpp"

namespace ritme {

std::string ChannelSettings::get(const std::string& key, const std::string& fallback) const {
    const auto found = values.find(key);
    return found == values.end() ? fallback : found->second;
}

std::filesystem::path ChannelSettings::path(const std::string& key, const std::string& fallback) const {
    const std::filesystem::path value = get(key, fallback);
    if (value.empty() || value.is_absolute()) return value;
    return base_directory / value;
}

long long ChannelSettings::integer(const std::string& key, long long minimum, long long maximum) const {
    const std::string text = get(key);
    long long value = 0;
    size_t used = 0;
    try {
        value = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (text.empty() || used != text.size())
        throw error_at(key, "`" + key + " = " + text + "` is not a whole number");
    if (value < minimum || value > maximum)
        throw error_at(key, "`" + key + " = " + text + "` is out of range; use " + std::to_string(minimum) + " to " +
                             std::to_string(maximum));
    return value;
}

bool ChannelSettings::boolean(const std::string& key) const {
    const std::string text = get(key);
    if (text == "true") return true;
    if (text == "false") return false;
    throw error_at(key, "`" + key + " = " + text + "` is not true or false");
}

SourcePosition ChannelSettings::position_of(const std::string& key) const {
    const auto found = written.find(key);
    return found == written.end() ? table : found->second;
}

ChannelConfigError ChannelSettings::error_at(const std::string& key, const std::string& problem) const {
    return ChannelConfigError(position_of(key), "[channel." + channel + "]: " + problem);
}

ChannelConfigError ChannelSettings::error(const std::string& problem) const {
    return ChannelConfigError(table, "[channel." + channel + "]: " + problem);
}

void ChannelRegistry::add(AdapterInfo adapter) {
    const std::string name = adapter.name;
    adapters_.insert_or_assign(name, std::move(adapter));
}

const AdapterInfo* ChannelRegistry::find(const std::string& name) const {
    const auto found = adapters_.find(name);
    return found == adapters_.end() ? nullptr : &found->second;
}

std::vector<std::string> ChannelRegistry::names() const {
    std::vector<std::string> names;
    for (const auto& [name, adapter] : adapters_) names.push_back(name);
    return names;
}

std::string ChannelRegistry::unknown_adapter_message(const std::string& name) const {
    std::string message = "unknown adapter \"" + name + "\": known adapters are ";
    const auto known = names();
    for (size_t i = 0; i < known.size(); ++i) message += (i ? ", " : "") + known[i];
    if (known.empty()) message += "none (none were registered)";
    return message;
}

std::unique_ptr<Channel> ChannelRegistry::make(const std::string& adapter, const ChannelSettings& settings) const {
    const AdapterInfo* info = find(adapter);
    if (!info) throw settings.error_at("adapter", unknown_adapter_message(adapter));
    return info->make(settings);
}

void ChannelRegistry::check(const std::string& adapter, const ChannelSettings& settings) const {
    const AdapterInfo* info = find(adapter);
    if (!info) throw settings.error_at("adapter", unknown_adapter_message(adapter));
    if (info->check)
        info->check(settings);
    else
        info->make(settings);
}

}  // namespace ritme
