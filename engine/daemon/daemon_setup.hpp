#pragma once
// What `ritme serve` and `ritme tick` build from the daemon config, and what a reload
// (SIGHUP) replaces as a whole: the config, the message templates, the channels, and
// the programme and school files of the programmes directory, read and checked. A
// config, template or channel error refuses the setup in full, so a bad reload keeps
// the old one and a bad start does not start. A programme or school file with errors
// only leaves that file out (the store keeps its last good apply): one typo in one
// programme must not stop every other programme's reminders.

#include "engine/changes/apply_files.hpp"
#include "engine/channel/channel_registry.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/dispatch/channel_set.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/planner/overview_plan.hpp"
#include "engine/planner/planner.hpp"
#include "engine/time/time_zone.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace ritme {

struct DaemonSetup {
    DaemonConfig config;
    std::unique_ptr<SchoolHolidayTable> holidays;  // the programmes' calendars point into it
    std::optional<MessageRenderer> renderer;
    ChannelSet channels;
    LoadedDefinitions programmes;  // schools and programmes from their directories
    PlanningRules rules;
    OverviewRules overviews;
    std::shared_ptr<const TimeZone> zone;  // the config's
};

// The leads' daily overviews from the config: lead_overview_at, its e-mail and SMS channels.
OverviewRules overview_rules(const DaemonConfig& config);

// Plans the leads' next overviews (plan_overviews) in one transaction; how many were added.
int plan_lead_overviews(Store& store, const DaemonSetup& setup, UtcInstant now);

// What the planner needs of the config: its rules and, per medium, the channel.
PlanningRules planning_rules(const DaemonConfig& config);

// The school and programme files the daemon applies: *.toml in the schools directory,
// then in the programmes directory.
std::vector<std::string> definition_files(const DaemonConfig& config);

// The school-holiday data the daemon reads: the config's, else `holiday_dir`.
std::filesystem::path holiday_directory(const DaemonConfig& config, const std::string& holiday_dir);

// Builds the whole setup, with every problem in `problems` (a skipped file's errors
// too, so `problems.has_errors()` says whether anything was left out). `holiday_dir`
// is used when the config names none.
std::optional<DaemonSetup> load_daemon_setup(const DaemonConfig& config, const ChannelRegistry& registry,
                                             const std::string& holiday_dir, UtcInstant now, Diagnostics& problems);

// What load_daemon_setup would refuse, read the same way, in `problems`; the channels
// are checked, not made, so nothing changes on disk (`ritme config check`). The setup,
// without its channels, when it would load.
std::optional<DaemonSetup> check_daemon_setup(const DaemonConfig& config, const ChannelRegistry& registry,
                                              const std::string& holiday_dir, UtcInstant now, Diagnostics& problems);

// Applies the setup's programme and school files in one transaction and plans nothing:
// daemons sharing a database plan what the files asked for under a lease, once, rather
// than each at its start and all at once. Returns a line per changed programme for the log.
std::vector<std::string> apply_files(Store& store, const DaemonSetup& setup, UtcInstant now,
                                     const std::string& command);

// Applies the setup's programme and school files and plans whatever is requested, and the
// leads' next overviews, in one transaction (`ritme tick`). Returns a line per changed
// programme for the log.
std::vector<std::string> apply_and_plan(Store& store, const DaemonSetup& setup, UtcInstant now,
                                        const std::string& command);

}  // namespace ritme
