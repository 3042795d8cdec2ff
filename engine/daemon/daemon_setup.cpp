#include "engine/daemon/daemon_setup.hpp"

#include "engine/config/listen_address.hpp"

#include <sstream>

namespace ritme {

PlanningRules planning_rules(const DaemonConfig& config) {
    PlanningRules rules;
    rules.defaults = config.reminders;
    rules.timezone = config.timezone;
    for (Medium medium : {Medium::sms, Medium::email}) {
        const ChannelConfig* channel = config.channel_for(medium);
        if (!channel) continue;
        rules.routes[medium] = {channel->name, channel->quiet_hours};
        const auto fallback = config.channels.find(channel->fallback);
        if (fallback != config.channels.end() && fallback->second.medium != medium)
            rules.fallbacks[medium] = {fallback->second.medium, {fallback->second.name, fallback->second.quiet_hours}};
    }
    return rules;
}

std::vector<std::string> definition_files(const DaemonConfig& config) {
    auto files = toml_files_in(config.schools);
    for (auto& file : toml_files_in(config.programmes)) files.push_back(std::move(file));
    return files;
}

std::filesystem::path holiday_directory(const DaemonConfig& config, const std::string& holiday_dir) {
    return config.holidays.empty() ? std::filesystem::path(holiday_dir) : config.holidays;
}

namespace {

enum class ChannelStep { make, check };

// Off loopback anyone can call /receipts and /inbound, so each channel must prove its
// gateway's calls (a token, a signature); the config reader has asked for public_url
// and the metrics token already.
bool check_callbacks_proven(const DaemonConfig& config, const ChannelSet& channels, Diagnostics& problems) {
    const auto address = ListenAddress::parse(config.listen);
    if (!address || address->is_loopback()) return true;
    bool proven = true;
    for (const auto& name : channels.unproven_callback_channels()) {
        const ChannelConfig* channel = channels.config(name);
        problems.error(channel ? channel->where : SourcePosition{config.file.string(), 0, 0},
                       "[channel." + name + "] reads gateways' calls without proof, and listen = \"" + config.listen +
                           "\" is not a loopback address",
                       "give the channel its receipt token or signing secret, or keep listen on 127.0.0.1 behind a "
                       "reverse proxy");
        proven = false;
    }
    return proven;
}

// Loading and checking differ only in the last step: one function, so `config check`
// accepts exactly what serve accepts. The channels are made last, once everything else
// is good, so a refused setup leaves nothing on disk (no outbox directory).
std::optional<DaemonSetup> read_setup(const DaemonConfig& config, const ChannelRegistry& registry,
                                      const std::string& holiday_dir, UtcInstant now, ChannelStep channels,
                                      Diagnostics& problems) {
    DaemonSetup setup;
    setup.config = config;
    setup.rules = planning_rules(config);
    setup.overviews = overview_rules(config);
    setup.zone = std::make_shared<const TimeZone>(TimeZone::load(config.timezone));
    setup.holidays = std::make_unique<SchoolHolidayTable>(
        SchoolHolidayTable::load_directory(holiday_directory(config, holiday_dir), problems));
    setup.renderer = MessageRenderer::load(config.templates, problems);
    ChannelSet::check_config(config, registry, problems);
    if (problems.has_errors()) return std::nullopt;
    // A programme or school file with errors is left out, not the setup.
    setup.programmes = load_each_good_definition(definition_files(config), *setup.holidays, now);
    if (channels == ChannelStep::make) {
        Diagnostics channel_problems;
        auto made = ChannelSet::from_config(config, registry, channel_problems);
        problems.append(channel_problems);
        if (!made) return std::nullopt;
        if (!check_callbacks_proven(config, *made, problems)) return std::nullopt;
        setup.channels = std::move(*made);
    }
    problems.append(setup.programmes.problems);
    return setup;
}

}  // namespace

std::optional<DaemonSetup> load_daemon_setup(const DaemonConfig& config, const ChannelRegistry& registry,
                                             const std::string& holiday_dir, UtcInstant now, Diagnostics& problems) {
    return read_setup(config, registry, holiday_dir, now, ChannelStep::make, problems);
}

std::optional<DaemonSetup> check_daemon_setup(const DaemonConfig& config, const ChannelRegistry& registry,
                                              const std::string& holiday_dir, UtcInstant now, Diagnostics& problems) {
    return read_setup(config, registry, holiday_dir, now, ChannelStep::check, problems);
}

OverviewRules overview_rules(const DaemonConfig& config) {
    OverviewRules rules;
    rules.at = config.lead_overview_at;
    if (const ChannelConfig* email = config.channel_for(Medium::email)) rules.email_channel = email->name;
    if (const ChannelConfig* sms = config.channel_for(Medium::sms)) rules.sms_channel = sms->name;
    return rules;
}

int plan_lead_overviews(Store& store, const DaemonSetup& setup, UtcInstant now) {
    if (!setup.zone) return 0;
    int added = 0;
    store.write([&] { added = plan_overviews(store, setup.overviews, *setup.zone, now); });
    return added;
}

namespace {

// Inside the caller's transaction.
std::vector<std::string> apply_definition_files(Store& store, const DaemonSetup& setup, UtcInstant now,
                                                const std::string& command) {
    std::vector<std::string> lines;
    const AuditContext audit{now, current_actor(), command};
    for (const auto& applied : apply_definitions(store, setup.programmes, audit)) {
        if (!applied.result.changed()) continue;
        std::ostringstream line;
        print_applied(applied, line);
        lines.push_back(line.str());
    }
    return lines;
}

}  // namespace

std::vector<std::string> apply_files(Store& store, const DaemonSetup& setup, UtcInstant now,
                                     const std::string& command) {
    std::vector<std::string> lines;
    store.write([&] { lines = apply_definition_files(store, setup, now, command); });
    return lines;
}

std::vector<std::string> apply_and_plan(Store& store, const DaemonSetup& setup, UtcInstant now,
                                        const std::string& command) {
    std::vector<std::string> lines;
    store.write([&] {
        lines = apply_definition_files(store, setup, now, command);
        const PlanResult planned = plan_requested(store, setup.rules, now);
        if (setup.zone) plan_overviews(store, setup.overviews, *setup.zone, now);
        if (planned.added || planned.cancelled || planned.dropped)
            lines.push_back("planned: " + std::to_string(planned.added) + " added, " +
                            std::to_string(planned.cancelled) + " cancelled, " + std::to_string(planned.dropped) +
                            " dropped for quiet hours\n");
    });
    return lines;
}

}  // namespace ritme
