#pragma once
// Adapters by name (after ISC Kea's backend factory): each declares its settings with a
// default and one line of help (after PowerDNS), so the config reader can reject an
// unknown key and `ritme config dump` can print every setting. `main` registers the
// built-in adapters explicitly; nothing registers itself.

#include "engine/base/diagnostic.hpp"
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

// Bad adapter configuration: an unknown adapter, a missing or wrong setting. It says
// where in the config, like every other config problem.
class ChannelConfigError : public std::runtime_error {
public:
    // `message` names the channel and the key: "[channel.sms]: `timeout_seconds = x` is not …"
    ChannelConfigError(SourcePosition where, const std::string& message)
        : std::runtime_error(message), where_(std::move(where)) {}

    // The key's value, or the [channel.NAME] table; no file for settings made by hand.
    const SourcePosition& where() const { return where_; }

private:
    SourcePosition where_;
};

struct AdapterSetting {
    std::string name;
    std::string default_value;  // as written in TOML, e.g. "\"../var/outbox\"" or "10"; empty: required
    std::string help;
    bool required = false;
};

// One channel's adapter settings as read from its [channel.NAME] table: values as
// strings (TOML strings unquoted, numbers and booleans as written), and where each was
// written, so an adapter's complaint points at the key. Relative paths are resolved
// against the config file's directory.
struct ChannelSettings {
    std::string channel;                 // the channel's name, for messages
    std::filesystem::path base_directory;  // the config file's directory
    std::map<std::string, std::string> values;
    SourcePosition table;                          // the [channel.NAME] table
    std::map<std::string, SourcePosition> written;  // each key written in it, at its value
    // Where gateways call ritme (DaemonConfig::callback_base_url(): public_url, else
    // http://LISTEN), without a trailing slash: the start of the callback URLs an adapter
    // hands its gateway by default. The default is that of the default `listen`.
    std::string callback_base_url = "http://127.0.0.1:8470";

    // The value, or the declared default when the key is absent.
    std::string get(const std::string& key, const std::string& fallback = {}) const;
    std::filesystem::path path(const std::string& key, const std::string& fallback = {}) const;
    // A whole number in [minimum, maximum]; throws ChannelConfigError at the key.
    long long integer(const std::string& key, long long minimum, long long maximum) const;
    // true or false; throws ChannelConfigError at the key.
    bool boolean(const std::string& key) const;
    // Where `key` was written; the table when it was not (a default, or missing).
    SourcePosition position_of(const std::string& key) const;
    // A problem with `key`, at its value: "[channel.sms]: `timeout_seconds = x` …".
    ChannelConfigError error_at(const std::string& key, const std::string& problem) const;
    // A problem of the channel as a whole, at its table.
    ChannelConfigError error(const std::string& problem) const;
};

struct AdapterInfo {
    std::string name;     // "outbox", "kannel", …
    std::string summary;  // one line for `ritme config dump`
    std::vector<AdapterSetting> settings;
    // Throws ChannelConfigError when the settings cannot work (a directory that cannot
    // be created, a secret file that cannot be read).
    std::function<std::unique_ptr<Channel>(const ChannelSettings&)> make;
    // Refuses what `make` would refuse, changing nothing on disk (`ritme config check`).
    // Empty for an adapter whose `make` changes nothing: the check makes and drops one.
    std::function<void(const ChannelSettings&)> check = nullptr;
};

class ChannelRegistry {
public:
    void add(AdapterInfo adapter);
    const AdapterInfo* find(const std::string& name) const;
    std::vector<std::string> names() const;  // sorted
    // "unknown adapter \"kanel\": known adapters are command, http, kannel, outbox, smtp"
    std::string unknown_adapter_message(const std::string& name) const;
    // Throws ChannelConfigError, at the setting or table concerned, for an unknown
    // adapter or what its factory refuses.
    std::unique_ptr<Channel> make(const std::string& adapter, const ChannelSettings& settings) const;
    // Throws what make would, without making the channel or changing anything on disk.
    void check(const std::string& adapter, const ChannelSettings& settings) const;

private:
    std::map<std::string, AdapterInfo> adapters_;
};

}  // namespace ritme
