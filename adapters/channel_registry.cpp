#include "adapters/channel_registry.hpp"

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
    if (!info) throw ChannelConfigError("channel " + settings.channel + ": " + unknown_adapter_message(adapter));
    return info->make(settings);
}

}  // namespace ritme
