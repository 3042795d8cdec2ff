#pragma once
// The daemon config (config/ritme.toml): where the database and the files are, when
// reminders go, and which adapter each channel sends through. Its settings are declared
// in config_schema.hpp, read by config_reader.hpp and printed by config_dump.hpp.

#include "engine/base/diagnostic.hpp"
#include "engine/base/log.hpp"
#include "engine/channel/channel_registry.hpp"
#include "engine/channel/medium.hpp"
#include "engine/programme/reminder_rules.hpp"
#include "engine/time/time_of_day.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ritme {

struct ChannelConfig {
    std::string name;     // the X of [channel.X]
    std::string adapter;  // a name in the ChannelRegistry
    Medium medium = Medium::sms;  // default: the channel's name when it is "sms" or "email"
    int concurrency = 4;          // sends at once on this channel
    double rate_per_second = 0;   // 0: no limit
    std::string fallback;         // another channel's name, or empty
    bool quiet_hours = true;      // default: true for sms, false for email
    ChannelSettings settings;     // the adapter's own keys, defaults filled in
    SourcePosition where;
};

// How the dispatcher works through due deliveries.
struct DispatchSettings {
    int batch_size = 100;              // rows claimed per transaction
    int workers = 8;                   // threads sending at once, over all channels
    int retry_initial_seconds = 60;    // first retry after about this long
    int retry_max_seconds = 3600;      // backoff stops growing here
    int max_attempts = 10;             // then failed: "gave up after 10 attempts"
    int lease_seconds = 300;           // a claim older than this is abandoned
    int late_after_seconds = 300;      // a row this far past due counts as missed while down
    int shutdown_grace_seconds = 10;   // in-flight sends may finish this long after SIGTERM
};

// When a participant becomes a follow-up for her lead. 0 turns a rule off.
struct FollowUpRules {
    int absences_in_a_row = 2;    // marked absent this many sessions in a row
    int no_answers_in_a_row = 3;  // answered "NEE" to this many sessions in a row
    // Marked absent without having said she could not come: the lead is told the same day.
    bool absent_without_notice = true;
};

struct DaemonConfig {
    std::filesystem::path file;       // where it was read from; empty for the built-in defaults
    std::filesystem::path database;   // default "ritme.db" beside the config
    std::string timezone = "Europe/Amsterdam";
    std::filesystem::path programmes;  // every *.toml in it is applied at start and on reload
    std::filesystem::path schools;     // likewise for school files; may be empty
    std::filesystem::path templates;
    std::filesystem::path holidays;    // empty: the built-in school-holiday data
    ReminderRules reminders = ReminderRules::defaults();
    std::map<std::string, ChannelConfig> channels;
    DispatchSettings dispatch;
    FollowUpRules follow_up;
    // When each lead's daily overview goes, local time in `timezone`.
    TimeOfDay lead_overview_at = *TimeOfDay::parse("07:30");
    // Days after a message's session or appointment (or the message itself) that its
    // words, addresses and numbers are removed (engine/changes/retention.hpp).
    int retention_days = 30;
    std::string listen = "127.0.0.1:8470";  // the HTTP interface (engine/http)
    // The URL gateways call ritme at, through a reverse proxy with TLS
    // ("https://ritme.example.nl"); empty: http://LISTEN. Needed to listen off loopback.
    std::string public_url;
    // A file holding the bearer token /healthz and /metrics ask for; empty: none asked
    // (allowed on loopback only).
    std::filesystem::path metrics_token_file;
    std::string metrics_token;  // read from metrics_token_file at load; never printed
    LogLevel log_level = LogLevel::info;

    // public_url, or http://LISTEN when it is empty (a wildcard 0.0.0.0 or [::] as
    // 127.0.0.1 or [::1]); without a trailing slash. Adapters get it in
    // ChannelSettings::callback_base_url for the callback URLs they hand their gateways.
    std::string callback_base_url() const;

    // The channel a participant's medium goes through: the one whose medium it is.
    const ChannelConfig* channel_for(Medium medium) const;
};

// A channel that another channel of its medium hands messages to: not where that medium starts.
bool is_fallback_of_same_medium(const DaemonConfig& config, const std::string& name);

}  // namespace ritme
