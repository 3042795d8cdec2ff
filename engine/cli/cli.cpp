#include "engine/cli/cli.hpp"

#include "engine/base/installed_data.hpp"
#include "engine/base/journal_stream.hpp"
#include "engine/cli/commands.hpp"
#include "engine/config/config_reader.hpp"
#include "engine/store/open_store.hpp"

#include <filesystem>
#include <ostream>

#ifndef RITME_DEFAULT_HOLIDAY_DIR
#define RITME_DEFAULT_HOLIDAY_DIR "config/holidays"
#endif
#ifndef RITME_DEFAULT_TEMPLATE_DIR
#define RITME_DEFAULT_TEMPLATE_DIR "config/templates"
#endif

namespace ritme {
namespace {

std::string default_holiday_dir() { return installed_or("holidays", RITME_DEFAULT_HOLIDAY_DIR); }

}  // namespace

std::string default_template_dir() { return installed_or("templates", RITME_DEFAULT_TEMPLATE_DIR); }

void print_diagnostics(const Diagnostics& diagnostics, std::ostream& out) {
    for (const auto& diagnostic : diagnostics.items()) out << diagnostic.str() << "\n";
}

void report_diagnostics(const Diagnostics& diagnostics, CliContext& context) {
    if (context.collected) return context.collected->append(diagnostics);
    for (const auto& diagnostic : diagnostics.items()) {
        // A warning is no error to the journal: `journalctl -p err` shows errors only.
        if (context.journal)
            context.err << journal_prefix(diagnostic.severity == Severity::error ? journal_error : journal_warning);
        context.err << diagnostic.str() << "\n";
    }
}

std::optional<SchoolHolidayTable> load_school_holidays(const CommonOptions& common, CliContext& context) {
    Diagnostics diagnostics;
    SchoolHolidayTable table = SchoolHolidayTable::load_directory(common.holiday_dir, diagnostics);
    report_diagnostics(diagnostics, context);
    if (diagnostics.has_errors()) return std::nullopt;
    return table;
}

namespace {

constexpr const char* installed_config_file = "/etc/ritme/ritme.toml";

// The config file in use: -c or RITME_CONFIG, else the installed one if there is one.
std::string config_file_in_use(const CommonOptions& common) {
    if (!common.config_file.empty()) return common.config_file;
    std::error_code ignored;
    if (std::filesystem::exists(installed_config_file, ignored)) return installed_config_file;
    return {};
}

}  // namespace

const ChannelRegistry* channel_registry(CliContext& context) {
    if (!context.channels) context.err << "ritme: no adapters are registered in this build\n";
    return context.channels;
}

void report_config_problems(const Diagnostics& problems, CliContext& context) {
    report_diagnostics(problems, context);
    if (problems.has_errors()) throw UnusableConfig("the daemon config has the errors above");
}

DaemonConfig load_config(const CommonOptions& common, CliContext& context) {
    const std::string file = config_file_in_use(common);
    if (file.empty()) {
        DaemonConfig defaults;
        defaults.database = resolve_database_path(common.database);
        defaults.templates = default_template_dir();
        return defaults;
    }
    const ChannelRegistry* registry = channel_registry(context);
    if (!registry) throw UnusableConfig("the daemon config " + file + " cannot be read without adapters");
    Diagnostics diagnostics;
    auto config = load_daemon_config(file, *registry, diagnostics);
    report_config_problems(diagnostics, context);
    if (!config) throw UnusableConfig("the daemon config " + file + " cannot be read");
    if (config->templates.empty()) config->templates = default_template_dir();
    return std::move(*config);
}

std::optional<std::string> why_nothing_can_be_sent(const DaemonConfig& config) {
    if (config.file.empty())
        return std::string("no config file (-c FILE, RITME_CONFIG or /etc/ritme/ritme.toml), so no channels: "
                           "nothing could be sent; give a config with at least one [channel.NAME] "
                           "(`ritme config dump` prints an annotated one)");
    if (config.channels.empty())
        return "the config " + config.file.string() +
               " has no channels: nothing could be sent; add a [channel.NAME] table, e.g. adapter = \"outbox\" "
               "(`ritme config dump` prints an annotated config)";
    return std::nullopt;
}

std::string database_location(const CommonOptions& common, CliContext& context) {
    std::string from_config;
    if (!config_file_in_use(common).empty() && common.database.empty())
        from_config = load_config(common, context).database.string();
    return resolve_database_path(common.database, from_config);
}

namespace {

std::unique_ptr<Store> open_store_at(const std::string& database, CliContext& context) {
    StoreRegistry sqlite_only;
    if (!context.stores) register_sqlite_store(sqlite_only);
    try {
        return (context.stores ? *context.stores : sqlite_only).open(database);
    } catch (const StoreError& e) {
        context.err << "ritme: " << e.what() << "\n";
        return nullptr;
    }
}

}  // namespace

std::unique_ptr<Store> open_database(const CommonOptions& common, CliContext& context) {
    return open_store_at(database_location(common, context), context);
}

std::unique_ptr<Store> open_existing_database(const CommonOptions& common, CliContext& context) {
    const std::string database = database_location(common, context);
    std::error_code error;
    if (StoreRegistry::scheme_of(database) == StoreRegistry::file_scheme && !std::filesystem::exists(database, error)) {
        context.err << "ritme: there is no database " << database
                    << " (hint: check --db, RITME_DB or the config's `database`; `ritme apply` creates it)\n";
        return nullptr;
    }
    return open_store_at(database, context);
}


namespace {

int run_verb(const std::vector<std::string>& args, CliContext& context) {
    CLI::App app{"ritme: calendars and reminders for group programmes", "ritme"};
    app.set_version_flag("--version", std::string("ritme ") + RITME_VERSION);
    app.require_subcommand(1);
    app.fallthrough();

    CommonOptions common{default_holiday_dir(), "", ""};
    app.add_option("--holidays", common.holiday_dir, "directory of school-holiday data files")
        ->envname("RITME_HOLIDAYS")
        ->capture_default_str();
    app.add_option("-c,--config", common.config_file, "the daemon config (default: /etc/ritme/ritme.toml when it exists)")
        ->envname("RITME_CONFIG");
    app.add_option("--db", common.database,
                   std::string("the database (default: RITME_DB, else ") + default_database_path + ")");

    std::vector<std::pair<CLI::App*, CommandAction>> commands;
    auto add = [&](CommandAction action) { commands.emplace_back(app.get_subcommands({}).back(), std::move(action)); };
    add(add_check_command(app, common, context));
    add(add_calendar_command(app, common, context));
    add(add_holidays_command(app, common, context));
    add(add_apply_command(app, common, context));
    add(add_participant_command(app, common, context));
    add(add_lead_command(app, common, context));
    add(add_feed_command(app, common, context));
    add(add_message_command(app, common, context));
    add(add_fit_command(app, common, context));
    add(add_suggest_command(app, common, context));
    add(add_config_command(app, common, context));
    add(add_session_command(app, common, context));
    add(add_appointment_command(app, common, context));
    add(add_attendance_command(app, common, context));
    add(add_follow_up_command(app, common, context));
    add(add_serve_command(app, common, context));
    add(add_tick_command(app, common, context));
    add(add_simulate_command(app, common, context));
    add(add_status_command(app, common, context));
    add(add_retention_command(app, common, context));
    add(add_backup_command(app, common, context));
    add(add_man_command(app, common, context));
    add(add_migrate_command(app, common, context));

    // CLI11 wants argv order reversed when given a vector.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        context.out << app.help();  // CLI11 shows the help of the verb that asked for it
        return exit_ok;
    } catch (const CLI::CallForVersion& e) {
        context.out << e.what() << "\n";
        return exit_ok;
    } catch (const CLI::ParseError& e) {
        context.err << "ritme: " << e.what() << "\n";
        context.err << "run `ritme --help` for the verbs, `ritme VERB --help` for one verb\n";
        return exit_bad_input;
    }
    for (auto& [sub, action] : commands)
        if (sub->parsed()) return action();
    return exit_bad_input;
}

// Every exception ends here with its documented exit status and one line on stderr;
// none reaches std::terminate.
int run_catching(const std::vector<std::string>& args, CliContext& context) {
    try {
        return run_verb(args, context);
    } catch (const UnusableConfig& e) {
        context.err << "ritme: " << e.what() << "\n";
        return exit_bad_input;
    } catch (const ChannelConfigError& e) {
        context.err << (e.where().file.empty() ? "ritme: " : e.where().str() + ": error: ") << e.what() << "\n";
        return exit_bad_input;
    } catch (const StoreError& e) {
        context.err << "ritme: " << e.what() << "\n";
        return exit_failure;
    } catch (const std::exception& e) {
        context.err << "ritme: internal error: " << e.what() << "\n";
        return exit_failure;
    } catch (...) {
        context.err << "ritme: internal error: an exception that is not a std::exception\n";
        return exit_failure;
    }
}

}  // namespace

// Output that did not reach its reader (a full disk, a closed pipe) is a failure, in
// one place for every verb: an export that was cut short must not exit 0.
int run_cli(const std::vector<std::string>& args, CliContext& context) {
    const int status = run_catching(args, context);
    if (context.out.flush()) return status;
    context.err << "ritme: cannot write to standard output (a full disk, or a closed pipe?): the output is incomplete\n";
    return status == exit_ok ? exit_failure : status;
}

}  // namespace ritme
