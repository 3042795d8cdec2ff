#pragma once
// The verbs of the CLI. Each adds its subcommand to the app and returns the function
// that runs it once the command line has been parsed.

#include "engine/base/diagnostic.hpp"
#include "engine/cli/cli.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/fit/fit.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/store/store.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>

namespace ritme {

// Options every verb shares.
struct CommonOptions {
    std::string holiday_dir;  // --holidays, RITME_HOLIDAYS, or the built-in default
    std::string database;     // --db; see resolve_database_path
    std::string config_file;  // -c/--config, RITME_CONFIG, else /etc/ritme/ritme.toml when it exists
};

using CommandAction = std::function<int()>;

CommandAction add_check_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_calendar_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_holidays_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_apply_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_participant_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_lead_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_feed_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_message_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_fit_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_suggest_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_config_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_session_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_appointment_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_attendance_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_follow_up_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_serve_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_tick_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_simulate_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_backup_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_status_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_retention_command(CLI::App& app, const CommonOptions& common, CliContext& context);
// Hidden: the man pages as roff (the build and the package use it).
CommandAction add_man_command(CLI::App& app, const CommonOptions& common, CliContext& context);
CommandAction add_migrate_command(CLI::App& app, const CommonOptions& common, CliContext& context);

// A daemon config that cannot be read or has errors, its problems printed already.
// run_cli answers it with exit_bad_input, so every verb that reads the config exits
// alike (DESIGN.md rule 10).
class UnusableConfig : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The daemon config the options name (-c, RITME_CONFIG, /etc/ritme/ritme.toml), or the
// built-in defaults when none is named and none is installed. Prints its problems;
// throws UnusableConfig when it has errors.
DaemonConfig load_config(const CommonOptions& common, CliContext& context);
// Prints `problems` of the daemon config; throws UnusableConfig when there are errors.
void report_config_problems(const Diagnostics& problems, CliContext& context);
// The shipped message templates: installed beside the binary, or the source tree's.
std::string default_template_dir();
// Why nothing could be sent with this config: no config file, or one with no channels.
// serve and tick refuse to start then (planning without channels would cancel every
// pending message); `config check` reports it as an error, in the same words.
std::optional<std::string> why_nothing_can_be_sent(const DaemonConfig& config);
// The daemon's setup from a config (templates, channels, the programmes directory),
// printing its problems; nothing when it has errors. For serve, tick and simulate.
std::optional<DaemonSetup> load_setup(const DaemonConfig& config, const CommonOptions& common, CliContext& context);
// The registry of adapters main registered; prints why and returns null when there is none.
const ChannelRegistry* channel_registry(CliContext& context);

// The database the options name: --db, RITME_DB, the config's `database`, else
// var/ritme.db. Throws UnusableConfig when it has to read a config that has errors.
std::string database_location(const CommonOptions& common, CliContext& context);

// Opens the database the options name (--db, RITME_DB, the config's `database`, else
// var/ritme.db): a file path or a URL, through the context's store registry. Says why it
// cannot and returns null. Throws UnusableConfig when it has to read a config that has
// errors.
std::unique_ptr<Store> open_database(const CommonOptions& common, CliContext& context);

// The same for a verb that only reads: a database file that is not there is an error,
// not a new empty database (a mistyped path would make `ritme status` report all well).
std::unique_ptr<Store> open_existing_database(const CommonOptions& common, CliContext& context);

// Loads the school-holiday data, printing its problems; empty when it cannot be used.
std::optional<SchoolHolidayTable> load_school_holidays(const CommonOptions& common, CliContext& context);

void print_diagnostics(const Diagnostics& diagnostics, std::ostream& out);
// On the context's standard error, each with its syslog priority when that is the
// journal; or into context.collected.
void report_diagnostics(const Diagnostics& diagnostics, CliContext& context);

// For fitting a programme around its participants (fit, suggest, check --participants).
SchoolDirectory stored_schools(const Store& store);
// The applied programme of that id, or a message telling `verb`'s user to apply it first.
std::optional<Programme> stored_programme(const Store& store, const std::string& id, std::string_view verb,
                                          CliContext& context);
std::vector<Participant> enrolled_participants(const Store& store, const std::string& programme_id);
void print_fit(const FitReport& report, const std::string& format, std::ostream& out);

}  // namespace ritme
