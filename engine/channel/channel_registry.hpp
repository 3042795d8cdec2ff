#pragma once
// Adapters by name (after ISC Kea's backend factory): each declares its settings with a
// default and one line of help (after PowerDNS), so the config reader can reject an
// unknown key and `ritme config dump` can print every setting. `main` registers the
// built-in adapters explicitly; nothing registers itself.

#include "engine/channel/channel.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ritme {

// Bad adapter configuration: an unknown adapter, a missing or wrong setting.
class ChannelConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct AdapterSetting {
    std::string name;
    std::string default_value;  // as written in TOML, e.g. "\"../var/outbox\"" or "10"; empty: required
    std::string help;
    bool required = false;
};

// One channel's adapter settings as read from its [channel.NAME] table: values as
// strings (TOML strings unquoted, numbers and booleans as written). Relative paths are
// resolved against the config file's directory.
struct ChannelSettings {
    std::string channel;                 // the channel's name, for messages
    std::filesystem::path base_directory;  // the config file's directory
    std::map<std::string, std::string> values;

    // The value, or the declared default when the key is absent.
    std::string get(const std::string& key, const std::string& fallback = {}) const;
    std::filesystem::path path(const std::string& key, const std::string& fallback = {}) const;
    // A whole number in [minimum, maximum]; throws ChannelConfigError naming the key.
    long long integer(const std::string& key, long long minimum, long long maximum) const;
    // true or false; throws ChannelConfigError naming the key.
    bool boolean(const std::string& key) const;
    // "channel sms: `timeout_seconds = x` …": the start of every ChannelConfigError.
    ChannelConfigError error(const std::string& problem) const;
};

struct AdapterInfo {
    std::string name;     // "outbox", "kannel", …
    std::string summary;  // one line for `ritme config dump`
    std::vector<AdapterSetting> settings;
    // Throws ChannelConfigError when the settings cannot work (a directory that cannot
    // be created, a secret file that cannot be read).
    std::function<std::unique_ptr<Channel>(const ChannelSettings&)> make;
};

class ChannelRegistry {
public:
    void add(AdapterInfo adapter);
    const AdapterInfo* find(const std::string& name) const;
    std::vector<std::string> names() const;  // sorted
    // "unknown adapter \"kanel\": known adapters are command, http, kannel, outbox, smtp"
    std::string unknown_adapter_message(const std::string& name) const;
    // Throws ChannelConfigError for an unknown adapter or what its factory refuses.
    std::unique_ptr<Channel> make(const std::string& adapter, const ChannelSettings& settings) const;

private:
    std::map<std::string, AdapterInfo> adapters_;
};

}  // namespace ritme
