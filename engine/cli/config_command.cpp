// `ritme config check|dump`: is the daemon config good, and what does it say, setting by
// setting (after PowerDNS's --config).

#include "engine/base/text.hpp"
#include "engine/cli/commands.hpp"
#include "engine/config/config_dump.hpp"
#include "engine/daemon/daemon_setup.hpp"

#include <ostream>

namespace ritme {
namespace {

// "2 channels (email via outbox, sms via outbox), session reminders 1d@18:00 and 2h, …"
std::string summary(const DaemonConfig& config) {
    std::string channels;
    for (const auto& [name, channel] : config.channels)
        channels += (channels.empty() ? "" : ", ") + name + " via " + channel.adapter;
    std::string offsets;
    const auto& session_offsets = config.reminders.session_offsets;
    for (size_t i = 0; i < session_offsets.size(); ++i)
        offsets += (i == 0 ? "" : i + 1 == session_offsets.size() ? " and " : ", ") + session_offsets[i].str();
    std::string out = counted(static_cast<int>(config.channels.size()), "channel", "channels");
    if (!channels.empty()) out += " (" + channels + ")";
    out += ", session reminders " + (offsets.empty() ? std::string("none") : offsets);
    out += ", quiet hours " + config.reminders.quiet_hours.str();
    out += ", database " + config.database.string();
    return out;
}

}  // namespace

CommandAction add_config_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    CLI::App* config = app.add_subcommand("config", "check or print the daemon config (-c FILE)");
    config->require_subcommand(1);
    CLI::App* check = config->add_subcommand(
        "check", "read the daemon config and report every problem; exit 0 when it is good, 2 when not");
    CLI::App* dump = config->add_subcommand(
        "dump", "print every setting with one line of help and its default, with the values of the config in use; "
                "the output is itself a valid config");

    return [&common, &context, check, dump]() -> int {
        const DaemonConfig loaded = load_config(common, context);  // prints every problem
        const bool from_file = !loaded.file.empty();
        if (check->parsed()) {
            if (!from_file)
                context.err << "ritme: no config file (-c FILE, RITME_CONFIG or /etc/ritme/ritme.toml): "
                               "checking the built-in defaults\n";
            // Read as serve reads it: holidays, templates, programme and school files, and
            // each channel checked as the daemon would make it (its secret files read, its
            // directories and commands checked), with nothing created on disk.
            if (context.channels) {
                Diagnostics problems;
                const auto setup =
                    check_daemon_setup(loaded, *context.channels, common.holiday_dir, context.clock.now(), problems);
                print_diagnostics(problems, context.err);
                if (!setup) throw UnusableConfig("the daemon config has the errors above");
                if (!setup->programmes.skipped.empty()) {
                    context.err << "ritme config check: error: "
                                << counted(static_cast<int>(setup->programmes.skipped.size()), "file", "files")
                                << " in the schools and programmes directories would be skipped by the daemon\n";
                    return exit_bad_input;
                }
            }
            if (const auto why = why_nothing_can_be_sent(loaded)) {
                context.err << "ritme config check: error: " << *why << "\n";
                return exit_bad_input;
            }
            context.out << "config OK: " << summary(loaded) << "\n";
            return exit_ok;
        }
        if (dump->parsed()) {
            const ChannelRegistry none;
            const ChannelRegistry& registry = context.channels ? *context.channels : none;
            context.out << dump_daemon_config(registry, from_file ? &loaded : nullptr);
            return exit_ok;
        }
        return exit_bad_input;
    };
}

}  // namespace ritme
