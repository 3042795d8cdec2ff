#include "engine/config/config_schema.hpp"

#include "engine/config/listen_address.hpp"
#include "engine/programme/programme.hpp"
#include "engine/programme/reminder_offsets_reader.hpp"
#include "engine/time/time_zone.hpp"
#include "engine/time/toml_time.hpp"

#include <charconv>
#include <sstream>

namespace ritme {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view default_database = "ritme.db";

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

ConfigSetting<DaemonConfig> path_setting(std::string_view key, std::string_view help, fs::path DaemonConfig::*member) {
    return {key, help,
            [key, member](TomlTableReader& r, DaemonConfig& config) {
                if (auto text = r.string(key)) config.*member = *text;
            },
            [member](const DaemonConfig& config) { return toml_quoted((config.*member).string()); }};
}

ConfigSetting<DaemonConfig> offsets_setting(std::string_view key, std::string_view help,
                                      std::vector<ReminderOffset> ReminderRules::*member) {
    return {key, help,
            [key, member](TomlTableReader& r, DaemonConfig& config) {
                if (auto offsets = read_reminder_offsets(r, key)) config.reminders.*member = std::move(*offsets);
            },
            [member](const DaemonConfig& config) { return toml_list(config.reminders.*member); }};
}

ConfigSetting<DaemonConfig> follow_up_count(std::string_view key, std::string_view help, int FollowUpRules::*member) {
    return {key, help,
            [key, member](TomlTableReader& r, DaemonConfig& config) {
                if (auto value = r.integer(key, 0, 100)) config.follow_up.*member = static_cast<int>(*value);
            },
            [member](const DaemonConfig& config) { return std::to_string(config.follow_up.*member); }};
}

ConfigSetting<DaemonConfig> dispatch_setting(std::string_view key, std::string_view help, int DispatchSettings::*member,
                                       int min, int max) {
    return {key, help,
            [key, member, min, max](TomlTableReader& r, DaemonConfig& config) {
                if (auto value = r.integer(key, min, max)) config.dispatch.*member = static_cast<int>(*value);
            },
            [member](const DaemonConfig& config) { return std::to_string(config.dispatch.*member); }};
}

}  // namespace

DaemonConfig default_config() {
    DaemonConfig config;
    config.database = std::string(default_database);
    return config;
}

ChannelConfig default_channel(const std::string& name, std::optional<Medium> medium) {
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

const std::vector<ConfigSection>& config_sections() {
    static const std::vector<ConfigSection> sections{
        {"",
         "",
         {path_setting("database",
                       "the database: a file path for SQLite (created, with its directory, when missing), or a "
                       "postgresql://… URL for several daemons sharing one database",
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
          {"listen", "host:port of the HTTP interface (receipts, replies, health, metrics); keep it on loopback "
                     "behind a reverse proxy; off loopback it needs public_url and metrics_token_file",
           [](TomlTableReader& r, DaemonConfig& config) {
               auto address = r.string("listen");
               if (!address) return;
               if (ListenAddress::parse(*address))
                   config.listen = *address;
               else
                   r.error_at("listen", "`listen = \"" + *address + "\"` is not a host and port",
                              "write it like \"127.0.0.1:8470\" or \"[::1]:8470\"");
           },
           [](const DaemonConfig& config) { return toml_quoted(config.listen); }},
          {"public_url",
           "the https URL gateways reach ritme at through a reverse proxy (the part before /receipts/…); "
           "empty: http://LISTEN",
           [](TomlTableReader& r, DaemonConfig& config) {
               auto url = r.string("public_url");
               if (!url) return;
               if (url->empty() || url->starts_with("https://") || url->starts_with("http://"))
                   config.public_url = *url;
               else
                   r.error_at("public_url", "`public_url = \"" + *url + "\"` is not an http(s) URL",
                              "write the URL the gateways call, like \"https://ritme.example.nl\"");
           },
           [](const DaemonConfig& config) { return toml_quoted(config.public_url); }},
          path_setting("metrics_token_file",
                       "a file holding the bearer token /healthz and /metrics ask for (mode 0600 or 0640); "
                       "empty: none asked, allowed on loopback only",
                       &DaemonConfig::metrics_token_file),
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
           [](const DaemonConfig& config) { return toml_quoted(name_of(config.log_level)); }},
          {"lead_overview_at",
           "local time (in `timezone`) each lead's daily overview goes: today's sessions, who said no, who was not "
           "reached, open follow-ups; none when there is nothing to say",
           [](TomlTableReader& r, DaemonConfig& config) {
               auto text = r.string("lead_overview_at");
               if (!text) return;
               if (auto time = TimeOfDay::parse(*text))
                   config.lead_overview_at = *time;
               else
                   r.error_at("lead_overview_at", "`lead_overview_at = \"" + *text + "\"` is not a time of day",
                              "write it like \"07:30\"");
           },
           [](const DaemonConfig& config) { return toml_quoted(config.lead_overview_at.str()); }},
          {"retention_days",
           "days after a message's session or appointment ended (or after the message, for one about neither) that "
           "ritme removes its text, address and phone number, her answer's words and the receipts' gateway words, "
           "keeping ids, states and times; participants whose programmes and appointments all ended this long ago "
           "lose their contact data. Run daily by the daemon; `ritme retention run` runs it now",
           [](TomlTableReader& r, DaemonConfig& config) {
               if (auto days = r.integer("retention_days", 1, 3650)) config.retention_days = static_cast<int>(*days);
           },
           [](const DaemonConfig& config) { return std::to_string(config.retention_days); }}}},
        {"reminders",
         "When reminders go. Offsets: \"1d@18:00\" the day before at 18:00 local time, \"2h\" two hours before",
         {offsets_setting("offsets", "reminders before each session; a programme's [reminders] offsets replace them",
                          &ReminderRules::session_offsets),
          offsets_setting("appointment_offsets", "reminders before each individual appointment",
                          &ReminderRules::appointment_offsets),
          {"quiet_hours",
           "local times no SMS goes out; one due then goes at their end, or just before them when the end is "
           "within min_notice of the start; \"none\" for none",
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
           }},
          {"min_gap",
           "a reminder quiet hours moved is dropped when the one before it goes less than this earlier",
           [](TomlTableReader& r, DaemonConfig& config) {
               if (auto minutes = read_duration_minutes(r, "min_gap")) config.reminders.min_gap_minutes = *minutes;
           },
           [](const DaemonConfig& config) {
               return toml_quoted(config.reminders.min_gap_minutes == 0
                                      ? "0m"
                                      : format_duration_minutes(config.reminders.min_gap_minutes));
           }},
          {"notice_delay", "a change notice waits this long after the change, so a quick undo sends nothing",
           [](TomlTableReader& r, DaemonConfig& config) {
               if (auto minutes = read_duration_minutes(r, "notice_delay"))
                   config.reminders.notice_delay_minutes = *minutes;
           },
           [](const DaemonConfig& config) {
               return toml_quoted(config.reminders.notice_delay_minutes == 0
                                      ? "0m"
                                      : format_duration_minutes(config.reminders.notice_delay_minutes));
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
                           &DispatchSettings::shutdown_grace_seconds, 0, 600)}},
        {"follow_up",
         "When a participant becomes a follow-up for her lead: on her page and in the daily overview until the lead "
         "marks it done. 0 turns a rule off",
         {follow_up_count("absences_in_a_row", "marked absent (afwezig) this many sessions in a row",
                          &FollowUpRules::absences_in_a_row),
          follow_up_count("no_answers_in_a_row", "answered \"NEE\" to this many sessions in a row",
                          &FollowUpRules::no_answers_in_a_row),
          {"absent_without_notice",
           "marked absent without having said she could not come: the lead is told the same day (\"bel haar even\")",
           [](TomlTableReader& r, DaemonConfig& config) {
               const toml::node* node = r.find("absent_without_notice");
               if (!node) return;
               if (auto value = node->as_boolean())
                   config.follow_up.absent_without_notice = value->get();
               else
                   r.error_at("absent_without_notice",
                              "`absent_without_notice = " + toml_value_text(*node) + "` is not true or false",
                              "write `absent_without_notice = true` or `absent_without_notice = false`, without quotes");
           },
           [](const DaemonConfig& config) { return config.follow_up.absent_without_notice ? "true" : "false"; }}}}};
    return sections;
}

const std::vector<ConfigSetting<ChannelConfig>>& channel_settings() {
    static const std::vector<ConfigSetting<ChannelConfig>> settings{
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

bool is_required(const AdapterSetting& setting) { return setting.required || setting.default_value.empty(); }

}  // namespace ritme
