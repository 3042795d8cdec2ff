#include "engine/config/config_reader.hpp"

#include "engine/base/did_you_mean.hpp"
#include "engine/base/identifier.hpp"
#include "engine/base/input_file.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/config/config_schema.hpp"
#include "engine/config/listen_address.hpp"
#include "engine/config/secret_file.hpp"
#include "engine/store/store_registry.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace ritme {
namespace fs = std::filesystem;

namespace {

// Secrets come from files or the environment, never from the config text (privacy.md).
bool is_secret_key(std::string_view key) {
    for (std::string_view secret : {"password", "token", "secret"})
        if (key == secret ||
            (key.size() > secret.size() + 1 && key.ends_with(secret) && key[key.size() - secret.size() - 1] == '_'))
            return true;
    return false;
}

// An adapter setting's value as ChannelSettings holds it: strings unquoted, the rest as written.
std::string setting_text(const toml::node& node) {
    if (auto text = node.as_string()) return text->get();
    return toml_value_text(node);
}

// A declared default ("\"../var/outbox\"", "10") as ChannelSettings holds it.
std::string default_text(const AdapterSetting& setting) {
    try {
        const toml::table parsed = toml::parse("value = " + setting.default_value);
        if (const toml::node* node = parsed.get("value")) return setting_text(*node);
    } catch (const toml::parse_error&) {
    }
    return setting.default_value;
}

fs::path resolved(const fs::path& base, const fs::path& path) {
    if (path.empty()) return path;
    return (path.is_absolute() ? path : base / path).lexically_normal();
}

class ConfigReader {
public:
    ConfigReader(const toml::table& root, fs::path base, const ChannelRegistry& registry, Diagnostics& diagnostics)
        : root_(root), base_(std::move(base)), registry_(registry), diagnostics_(diagnostics) {}

    void read(DaemonConfig& config) {
        std::vector<std::string_view> top_keys{"channel"};
        for (const auto& section : config_sections()) {
            if (!section.table.empty()) top_keys.push_back(section.table);
            for (const auto& setting : section.settings)
                if (section.table.empty()) top_keys.push_back(setting.key);
        }
        TomlTableReader top(root_, "top level", diagnostics_);
        top.allow_only(top_keys);
        for (const auto& section : config_sections()) {
            const toml::table* table = section.table.empty() ? &root_ : sub_table(section.table);
            if (!table) continue;
            TomlTableReader r(*table, section.table.empty() ? "top level" : "[" + std::string(section.table) + "]",
                              diagnostics_);
            if (!section.table.empty()) r.allow_only(keys_of(section.settings));
            for (const auto& setting : section.settings) setting.read(r, config);
        }
        if (config.dispatch.retry_max_seconds < config.dispatch.retry_initial_seconds)
            if (const toml::table* dispatch = sub_table("dispatch"))
                TomlTableReader(*dispatch, "[dispatch]", diagnostics_)
                    .error_at(dispatch->contains("retry_max_seconds") ? "retry_max_seconds" : "retry_initial_seconds",
                              "retry_max_seconds (" + std::to_string(config.dispatch.retry_max_seconds) +
                                  ") is below retry_initial_seconds (" +
                                  std::to_string(config.dispatch.retry_initial_seconds) + ")",
                              "the wait between retries grows from the first to the most");
        // A database URL (postgresql://…) is no path beside the config.
        if (StoreRegistry::scheme_of(config.database.string()) == StoreRegistry::file_scheme)
            config.database = resolved(base_, config.database);
        for (auto member : {&DaemonConfig::programmes, &DaemonConfig::schools, &DaemonConfig::templates,
                            &DaemonConfig::holidays, &DaemonConfig::metrics_token_file})
            config.*member = resolved(base_, config.*member);
        read_metrics_token(config);
        check_listen_off_loopback(config);
        warn_about_missing_directories(config);
        read_channels(config);
    }

private:
    const toml::table* sub_table(std::string_view key) {
        const toml::node* node = root_.get(key);
        if (!node) return nullptr;
        if (auto table = node->as_table()) return table;
        diagnostics_.error(position_of(node->source()), "`" + std::string(key) + "` must be a table",
                           "write it as [" + std::string(key) + "] with its keys below");
        return nullptr;
    }

    void read_metrics_token(DaemonConfig& config) {
        if (config.metrics_token_file.empty()) return;
        SecretFile read = read_secret_file(config.metrics_token_file);
        if (!read.problem.empty())
            TomlTableReader(root_, "top level", diagnostics_)
                .error_at("metrics_token_file", "`metrics_token_file`: " + read.problem,
                          "write the token in a file only ritme's user can read");
        config.metrics_token = std::move(read.secret);
    }

    // Off loopback anyone on the network can call: every endpoint must then be
    // authenticated, and gateways must see ritme at its public (TLS) URL. Whether each
    // channel proves its callbacks is checked once the channels are made (daemon setup).
    void check_listen_off_loopback(const DaemonConfig& config) {
        const auto address = ListenAddress::parse(config.listen);
        if (!address || address->is_loopback()) return;
        std::vector<std::string> missing;
        if (config.public_url.empty()) missing.push_back("public_url");
        if (config.metrics_token_file.empty()) missing.push_back("metrics_token_file");
        if (missing.empty()) return;
        TomlTableReader(root_, "top level", diagnostics_)
            .error_at("listen",
                      "`listen = \"" + config.listen + "\"` is not a loopback address, and " +
                          (missing.size() == 2 ? "public_url and metrics_token_file are" : missing[0] + " is") +
                          " not set",
                      "keep listen on 127.0.0.1 behind a reverse proxy with TLS (README: The HTTP interface), or "
                      "set public_url and metrics_token_file so every endpoint asks for proof");
    }

    void warn_about_missing_directories(const DaemonConfig& config) {
        const std::pair<std::string_view, const fs::path*> directories[] = {{"programmes", &config.programmes},
                                                                            {"schools", &config.schools},
                                                                            {"templates", &config.templates},
                                                                            {"holidays", &config.holidays}};
        TomlTableReader top(root_, "top level", diagnostics_);
        for (const auto& [key, path] : directories) {
            std::error_code error;
            if (path->empty() || fs::is_directory(*path, error)) continue;
            diagnostics_.warning(top.position_of_key(key),
                                 "`" + std::string(key) + "`: there is no directory " + path->string(),
                                 "create it, or correct the path (relative paths start at the config's directory)");
        }
    }

    void read_channels(DaemonConfig& config) {
        const toml::table* channels = sub_table("channel");
        if (channels) {
            for (const auto& [key, node] : *channels) {
                const std::string name(key.str());
                const std::string label = "[channel." + name + "]";
                const toml::table* table = node.as_table();
                if (!table) {
                    diagnostics_.error(position_of(node.source()), label + " must be a table",
                                       "write [channel." + name + "] with adapter = \"…\" and its settings below");
                    continue;
                }
                if (!valid_identifier(name))
                    diagnostics_.error(position_of(key.source()), label + ": `" + name + "` is not a usable name",
                                       "use lower-case letters, digits and dashes, e.g. [channel.sms]");
                config.channels[name] = read_channel(name, *table);
                config.channels[name].settings.callback_base_url = config.callback_base_url();
            }
        }
        check_fallbacks(config);
        check_one_channel_per_medium(config);
        if (config.channels.empty())
            diagnostics_.warning(SourcePosition{file_name(), 1, 1}, "no [channel] tables: no message can be sent",
                                 "add [channel.sms] with adapter = \"outbox\" and dir = \"…\" to see messages as "
                                 "files");
    }

    ChannelConfig read_channel(const std::string& name, const toml::table& table) {
        TomlTableReader r(table, "[channel." + name + "]", diagnostics_);
        ChannelConfig channel = default_channel(name);
        channel.where = r.position();
        for (const auto& setting : channel_settings()) setting.read(r, channel);
        if (!table.contains("medium") && !parse_medium(name))
            diagnostics_.error(r.position(), r.label() + ": `medium` is missing",
                               "add `medium = \"sms\"` or `medium = \"email\"`; only channels named sms or email "
                               "have a default");
        if (!table.contains("quiet_hours")) channel.quiet_hours = channel.medium == Medium::sms;
        channel.settings.channel = name;
        channel.settings.base_directory = base_;
        channel.settings.table = r.position();
        for (const auto& [key, value] : table)
            channel.settings.written[std::string(key.str())] = position_of(value.source());

        const AdapterInfo* adapter = channel.adapter.empty() ? nullptr : registry_.find(channel.adapter);
        if (!channel.adapter.empty() && !adapter) {
            const std::vector<std::string> names = registry_.names();
            const std::vector<std::string_view> known_adapters(names.begin(), names.end());
            const auto match = closest_match(channel.adapter, known_adapters);
            r.error_at("adapter", registry_.unknown_adapter_message(channel.adapter),
                       match ? "did you mean " + *match + "?" : "`ritme config dump` shows each adapter's settings");
        }
        std::vector<std::string_view> known = keys_of(channel_settings());
        if (adapter)
            for (const auto& setting : adapter->settings) known.push_back(setting.name);
        for (const auto& [key, value] : table) {
            const std::string_view k = key.str();
            if (std::find(known.begin(), known.end(), k) != known.end() && !is_secret_key(k)) continue;
            const auto where = position_of(key.source());
            if (is_secret_key(k))
                diagnostics_.error(where, r.label() + ": `" + std::string(k) + "` is a secret; secrets never go in the "
                                                                         "config text",
                                   "put it in a file only ritme can read and name that file (" + std::string(k) +
                                       "_file = \"/etc/ritme/" + name + "." + std::string(k) +
                                       "\"), or use the environment variable the adapter reads");
            else if (!adapter)
                continue;  // the unknown adapter is reported; its settings cannot be checked
            else if (auto match = closest_match(k, known))
                diagnostics_.error(where, r.label() + ": unknown key `" + std::string(k) + "`",
                                   "did you mean " + *match + "?");
            else
                diagnostics_.error(where,
                                   r.label() + ": unknown key `" + std::string(k) + "` for the " + adapter->name +
                                       " adapter",
                                   "its settings are " + join_alternatives(known));
        }
        if (!adapter) return channel;
        for (const auto& setting : adapter->settings) {
            if (const toml::node* node = table.get(setting.name)) {
                channel.settings.values[setting.name] = setting_text(*node);
            } else if (is_required(setting)) {
                diagnostics_.error(r.position(), r.label() + ": `" + setting.name + "` is missing",
                                   "the " + adapter->name + " adapter needs it: " + setting.help);
            } else {
                channel.settings.values[setting.name] = default_text(setting);
            }
        }
        return channel;
    }

    void check_fallbacks(const DaemonConfig& config) {
        for (const auto& [name, channel] : config.channels) {
            if (channel.fallback.empty()) continue;
            TomlTableReader r(*root_["channel"][name].as_table(), "[channel." + name + "]", diagnostics_);
            if (channel.fallback == name) {
                r.error_at("fallback", "a channel cannot be its own fallback", "name another channel, or remove it");
                continue;
            }
            if (!config.channels.contains(channel.fallback)) {
                std::vector<std::string_view> names;
                for (const auto& [other, ignored] : config.channels)
                    if (other != name) names.push_back(other);
                std::string hint = names.empty() ? "add that [channel] table, or remove `fallback`"
                                                 : "use one of " + join_alternatives(names);
                if (auto match = closest_match(channel.fallback, names)) hint = "did you mean " + *match + "?";
                r.error_at("fallback", "`fallback = \"" + channel.fallback + "\"` names no channel", hint);
                continue;
            }
            // Following fallbacks from here must end, not come back.
            std::set<std::string> seen{name};
            for (const ChannelConfig* next = &config.channels.at(channel.fallback); next;) {
                if (!seen.insert(next->name).second) {
                    r.error_at("fallback", "the fallbacks from " + name + " go round in a circle",
                               "let the last channel of the chain have no fallback");
                    break;
                }
                const auto found = config.channels.find(next->fallback);
                next = found == config.channels.end() ? nullptr : &found->second;
            }
        }
    }

    // A participant's medium must lead to one channel; the others of that medium are fallbacks.
    void check_one_channel_per_medium(const DaemonConfig& config) {
        for (Medium medium : {Medium::sms, Medium::email}) {
            std::vector<std::string_view> primary;
            for (const auto& [name, channel] : config.channels)
                if (channel.medium == medium && !is_fallback_of_same_medium(config, name)) primary.push_back(name);
            if (primary.size() < 2) continue;
            diagnostics_.error(config.channels.at(std::string(primary[1])).where,
                               "channels " + join_alternatives(primary) + " all carry " +
                                   std::string(name_of(medium)) + "; ritme sends each medium through one channel",
                               "make the others fallbacks: `fallback = \"" + std::string(primary[1]) +
                                   "\"` in [channel." + std::string(primary[0]) + "]");
        }
    }

    std::string file_name() const { return root_.source().path ? std::string(*root_.source().path) : "<input>"; }

    const toml::table& root_;
    fs::path base_;
    const ChannelRegistry& registry_;
    Diagnostics& diagnostics_;
};

}  // namespace

std::optional<DaemonConfig> load_daemon_config(const fs::path& file, const ChannelRegistry& registry,
                                               Diagnostics& diagnostics) {
    std::error_code error;
    if (fs::is_directory(file, error)) {
        diagnostics.error({file.string(), 0, 0}, "cannot read the config: it is a directory",
                          "give the path of the config file, e.g. /etc/ritme/ritme.toml");
        return std::nullopt;
    }
    const InputText read = read_input_file(file, input_limits::daemon_config);
    if (read.problem == InputProblem::too_large) {
        diagnostics.error({file.string(), 0, 0}, too_large_message(input_limits::daemon_config),
                          too_large_hint(input_limits::daemon_config));
        return std::nullopt;
    }
    if (!read.ok()) {
        diagnostics.error({file.string(), 0, 0}, "cannot read the config file", "check the path and permissions");
        return std::nullopt;
    }
    const auto root = parse_toml(read.text, file.string(), diagnostics);
    if (!root) return std::nullopt;

    DaemonConfig config = default_config();
    config.file = fs::absolute(file, error).lexically_normal();
    if (error) config.file = file;
    Diagnostics found;
    ConfigReader(*root, config.file.parent_path(), registry, found).read(config);
    found.sort_by_position();
    diagnostics.append(found);
    if (found.has_errors()) return std::nullopt;
    return config;
}

}  // namespace ritme
