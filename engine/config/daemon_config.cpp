#include "engine/config/daemon_config.hpp"

#include "engine/base/did_you_mean.hpp"
#include "engine/base/identifier.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/programme/programme.hpp"
#include "engine/programme/reminder_offsets_reader.hpp"
#include "engine/time/time_zone.hpp"
#include "engine/time/toml_time.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace ritme {
namespace fs = std::filesystem;

namespace {

// ---- every setting, declared once ------------------------------------------------------
//
// A setting is its key, one line of help, how to read it and how to write a value of it
// as TOML. The reader and `ritme config dump` both walk these lists, so they cannot
// drift apart; the defaults are those of default_config() and default_channel().

template <typename Target>
struct Setting {
    std::string_view key;
    std::string_view help;
    std::function<void(TomlTableReader&, Target&)> read;  // reads `key` when present, reporting its problems
    std::function<std::string(const Target&)> toml;       // the value as TOML text
};

struct Section {
    std::string_view table;  // empty: the top level
    std::string_view help;
    std::vector<Setting<DaemonConfig>> settings;
};

constexpr std::string_view default_database = "ritme.db";

DaemonConfig default_config() {
    DaemonConfig config;
    config.database = std::string(default_database);
    return config;
}

ChannelConfig default_channel(const std::string& name, std::optional<Medium> medium = std::nullopt) {
    ChannelConfig channel;
    channel.name = name;
    channel.medium = medium ? *medium : parse_medium(name).value_or(Medium::sms);
    channel.quiet_hours = channel.medium == Medium::sms;
    return channel;
}

// A TOML basic string, "…", escaped as needed.
std::string toml_quoted(std::string_view text) {
    std::ostringstream out;
    out << toml::toml_formatter(toml::value<std::string>(std::string(text)), toml::format_flags::none);
    return out.str();
}

std::string toml_list(const std::vector<ReminderOffset>& offsets) {
    std::string out = "[";
    for (size_t i = 0; i < offsets.size(); ++i) out += (i ? ", " : "") + toml_quoted(offsets[i].str());
    return out + "]";
}

std::string toml_number(double value) {
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string text(buffer, error == std::errc() ? end : buffer);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";  // stays a float in TOML
    return text;
}

Setting<DaemonConfig> path_setting(std::string_view key, std::string_view help, fs::path DaemonConfig::*member) {
    return {key, help,
            [key, member](TomlTableReader& r, DaemonConfig& config) {
                if (auto text = r.string(key)) config.*member = *text;
            },
            [member](const DaemonConfig& config) { return toml_quoted((config.*member).string()); }};
}

Setting<DaemonConfig> offsets_setting(std::string_view key, std::string_view help,
                                      std::vector<ReminderOffset> ReminderRules::*member) {
    return {key, help,
            [key, member](TomlTableReader& r, DaemonConfig& config) {
                if (auto offsets = read_reminder_offsets(r, key)) config.reminders.*member = std::move(*offsets);
            },
            [member](const DaemonConfig& config) { return toml_list(config.reminders.*member); }};
}

Setting<DaemonConfig> dispatch_setting(std::string_view key, std::string_view help, int DispatchSettings::*member,
                                       int min, int max) {
    return {key, help,
            [key, member, min, max](TomlTableReader& r, DaemonConfig& config) {
                if (auto value = r.integer(key, min, max)) config.dispatch.*member = static_cast<int>(*value);
            },
            [member](const DaemonConfig& config) { return std::to_string(config.dispatch.*member); }};
}

const std::vector<Section>& config_sections() {
    static const std::vector<Section> sections{
        {"",
         "",
         {path_setting("database", "the SQLite database; created, with its directory, when missing",
                       &DaemonConfig::database),
          {"timezone", "IANA time zone of appointments and of quiet hours for messages without a programme",
           [](TomlTableReader& r, DaemonConfig& config) {
               auto zone = r.string("timezone");
               if (!zone) return;
               try {
                   TimeZone::load(*zone);
                   config.timezone = *zone;
               } catch (const TimeZoneError& e) {
                   r.error_at("timezone", "`timezone = \"" + *zone + "\"`: " + e.what(),
                              "use an IANA zone name such as \"Europe/Amsterdam\"");
               }
           },
           [](const DaemonConfig& config) { return toml_quoted(config.timezone); }},
          path_setting("programmes", "directory of programme files: each *.toml is applied at start and on SIGHUP; "
                                     "empty: none",
                       &DaemonConfig::programmes),
          path_setting("schools", "directory of school files, applied like the programmes; empty: none",
                       &DaemonConfig::schools),
          path_setting("templates", "directory of message templates (LANGUAGE/KIND.mustache); empty: the shipped ones",
                       &DaemonConfig::templates),
          path_setting("holidays", "directory of school-holiday data (YYYY-YYYY.toml); empty: the shipped data",
                       &DaemonConfig::holidays),
          {"listen", "host:port of the HTTP interface (receipts, replies, status); keep it on loopback",
           [](TomlTableReader& r, DaemonConfig& config) {
               auto address = r.string("listen");
               if (!address) return;
               const size_t colon = address->rfind(':');
               int port = 0;
               const char* digits = address->data() + colon + 1;
               const char* end = address->data() + address->size();
               const bool has_port = colon != std::string::npos && colon > 0 && digits != end &&
                                     std::from_chars(digits, end, port).ptr == end && port > 0 && port < 65536;
               if (has_port)
                   config.listen = *address;
               else
                   r.error_at("listen", "`listen = \"" + *address + "\"` is not a host and port",
                              "write it like \"127.0.0.1:8470\" or \"[::1]:8470\"");
           },
           [](const DaemonConfig& config) { return toml_quoted(config.listen); }},
          {"log_level", "what goes to the log: error, warning, info or debug",
           [](TomlTableReader& r, DaemonConfig& config) {
               auto text = r.string("log_level");
               if (!text) return;
               if (auto level = parse_log_level(*text)) {
                   config.log_level = *level;
                   return;
               }
               constexpr std::string_view levels[] = {"error", "warning", "info", "debug"};
               r.report_bad_word("log_level", *text, levels);
           },
           [](const DaemonConfig& config) { return toml_quoted(name_of(config.log_level)); }}}},
        {"reminders",
         "When reminders go. Offsets: \"1d@18:00\" the day before at 18:00 local time, \"2h\" two hours before",
         {offsets_setting("offsets", "reminders before each session; a programme's [reminders] offsets replace them",
                          &ReminderRules::session_offsets),
          offsets_setting("appointment_offsets", "reminders before each individual appointment",
                          &ReminderRules::appointment_offsets),
          {"quiet_hours", "local times no SMS goes out; one due then goes just before them; \"none\" for none",
           [](TomlTableReader& r, DaemonConfig& config) {
               auto text = r.string("quiet_hours");
               if (!text) return;
               std::string why;
               if (auto quiet = QuietHours::parse(*text, why))
                   config.reminders.quiet_hours = *quiet;
               else
                   r.error_at("quiet_hours", "`quiet_hours = \"" + *text + "\"` is not usable", why);
           },
           [](const DaemonConfig& config) { return toml_quoted(config.reminders.quiet_hours.str()); }},
          {"min_notice", "a message not sent this long before the start expires instead of going out late",
           [](TomlTableReader& r, DaemonConfig& config) {
               if (auto minutes = read_duration_minutes(r, "min_notice")) config.reminders.min_notice_minutes = *minutes;
           },
           [](const DaemonConfig& config) {
               return toml_quoted(config.reminders.min_notice_minutes == 0
                                      ? "0m"
                                      : format_duration_minutes(config.reminders.min_notice_minutes));
           }}}},
        {"dispatch",
         "How the dispatcher works through due messages",
         {dispatch_setting("batch_size", "messages claimed in one transaction", &DispatchSettings::batch_size, 1,
                           10000),
          dispatch_setting("workers", "threads sending at once, over all channels", &DispatchSettings::workers, 1, 256),
          dispatch_setting("retry_initial_seconds", "the first retry after a temporary failure, about this long after",
                           &DispatchSettings::retry_initial_seconds, 1, 86400),
          dispatch_setting("retry_max_seconds", "the wait between retries doubles up to this",
                           &DispatchSettings::retry_max_seconds, 1, 7 * 86400),
          dispatch_setting("max_attempts", "attempts before a message fails for good", &DispatchSettings::max_attempts,
                           1, 1000),
          dispatch_setting("lease_seconds", "a claimed message not finished this long after is tried again",
                           &DispatchSettings::lease_seconds, 10, 86400),
          dispatch_setting("late_after_seconds", "a message this long past due counts as missed while down",
                           &DispatchSettings::late_after_seconds, 1, 7 * 86400),
          dispatch_setting("shutdown_grace_seconds", "on SIGTERM, sends under way may finish for this long",
                           &DispatchSettings::shutdown_grace_seconds, 0, 600)}}};
    return sections;
}

// The keys of every [channel.NAME] table before the adapter's own.
const std::vector<Setting<ChannelConfig>>& channel_settings() {
    static const std::vector<Setting<ChannelConfig>> settings{
        {"adapter", "the adapter that sends this channel's messages (required)",
         [](TomlTableReader& r, ChannelConfig& channel) {
             if (auto adapter = r.string("adapter", Presence::required)) channel.adapter = *adapter;
         },
         [](const ChannelConfig& channel) { return toml_quoted(channel.adapter); }},
        {"medium", "what the channel carries: sms or email; default the channel's name when that is sms or email",
         [](TomlTableReader& r, ChannelConfig& channel) {
             auto text = r.string("medium");
             if (!text) return;
             if (auto medium = parse_medium(*text)) {
                 channel.medium = *medium;
                 return;
             }
             constexpr std::string_view media[] = {"sms", "email"};
             r.report_bad_word("medium", *text, media);
         },
         [](const ChannelConfig& channel) { return toml_quoted(name_of(channel.medium)); }},
        {"concurrency", "messages sent at once on this channel",
         [](TomlTableReader& r, ChannelConfig& channel) {
             if (auto value = r.integer("concurrency", 1, 256)) channel.concurrency = static_cast<int>(*value);
         },
         [](const ChannelConfig& channel) { return std::to_string(channel.concurrency); }},
        {"rate", "at most this many messages a second; 0: no limit",
         [](TomlTableReader& r, ChannelConfig& channel) {
             const toml::node* node = r.find("rate");
             if (!node) return;
             const auto value = node->value<double>();
             if ((node->is_integer() || node->is_floating_point()) && value && *value >= 0 && *value <= 100000)
                 channel.rate_per_second = *value;
             else
                 r.error_at("rate", "`rate = " + toml_value_text(*node) + "` is not a rate",
                            "write messages per second from 0 to 100000, like `rate = 5` or `rate = 0.5`");
         },
         [](const ChannelConfig& channel) { return toml_number(channel.rate_per_second); }},
        {"fallback", "another channel that takes over a message this one cannot deliver; empty: none",
         [](TomlTableReader& r, ChannelConfig& channel) {
             if (auto fallback = r.string("fallback")) channel.fallback = *fallback;
         },
         [](const ChannelConfig& channel) { return toml_quoted(channel.fallback); }},
        {"quiet_hours", "whether [reminders] quiet_hours hold on this channel; default true for sms, false for email",
         [](TomlTableReader& r, ChannelConfig& channel) {
             const toml::node* node = r.find("quiet_hours");
             if (!node) return;
             if (auto value = node->as_boolean())
                 channel.quiet_hours = value->get();
             else
                 r.error_at("quiet_hours", "`quiet_hours = " + toml_value_text(*node) + "` is not true or false",
                            "write `quiet_hours = true` or `quiet_hours = false`, without quotes");
         },
         [](const ChannelConfig& channel) { return channel.quiet_hours ? "true" : "false"; }},
    };
    return settings;
}

std::vector<std::string_view> keys_of(const auto& settings) {
    std::vector<std::string_view> keys;
    for (const auto& setting : settings) keys.push_back(setting.key);
    return keys;
}

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

bool is_required(const AdapterSetting& setting) { return setting.required || setting.default_value.empty(); }

fs::path resolved(const fs::path& base, const fs::path& path) {
    if (path.empty()) return path;
    return (path.is_absolute() ? path : base / path).lexically_normal();
}

// A channel that another channel of its medium hands messages to: not where that medium starts.
bool is_fallback_of_same_medium(const DaemonConfig& config, const std::string& name) {
    const Medium medium = config.channels.at(name).medium;
    return std::any_of(config.channels.begin(), config.channels.end(), [&](const auto& entry) {
        return entry.first != name && entry.second.fallback == name && entry.second.medium == medium;
    });
}

// ---- reading --------------------------------------------------------------------------

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
        for (auto member : {&DaemonConfig::database, &DaemonConfig::programmes, &DaemonConfig::schools,
                            &DaemonConfig::templates, &DaemonConfig::holidays})
            config.*member = resolved(base_, config.*member);
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

const ChannelConfig* DaemonConfig::channel_for(Medium medium) const {
    const ChannelConfig* first = nullptr;
    for (const auto& [name, channel] : channels) {
        if (channel.medium != medium) continue;
        if (!is_fallback_of_same_medium(*this, name)) return &channel;
        if (!first) first = &channel;
    }
    return first;
}

std::optional<DaemonConfig> load_daemon_config(const fs::path& file, const ChannelRegistry& registry,
                                               Diagnostics& diagnostics) {
    std::error_code error;
    if (fs::is_directory(file, error)) {
        diagnostics.error({file.string(), 0, 0}, "cannot read the config: it is a directory",
                          "give the path of the config file, e.g. /etc/ritme/ritme.toml");
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        diagnostics.error({file.string(), 0, 0}, "cannot read the config file", "check the path and permissions");
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto root = parse_toml(text.str(), file.string(), diagnostics);
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

// ---- `ritme config dump` ----------------------------------------------------------------

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
