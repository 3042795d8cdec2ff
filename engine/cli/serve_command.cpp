// `ritme serve [-c CONFIG]`: the daemon (engine/daemon/daemon.hpp).

#include "engine/cli/commands.hpp"
#include "engine/daemon/daemon.hpp"

#include <ostream>
#include <sstream>

namespace ritme {

std::optional<DaemonSetup> load_setup(const DaemonConfig& config, const CommonOptions& common, CliContext& context) {
    const ChannelRegistry* registry = channel_registry(context);
    if (!registry) return std::nullopt;
    Diagnostics problems;
    auto setup = load_daemon_setup(config, *registry, common.holiday_dir, context.clock.now(), problems);
    report_diagnostics(problems, context);
    return setup;
}

CommandAction add_serve_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    app.add_subcommand("serve",
                       "the daemon: applies the programmes directory, plans every reminder and sends each at its "
                       "moment; SIGHUP reloads, SIGTERM stops");
    return [&common, &context]() {
        const DaemonConfig config = load_config(common, context);
        if (const auto why = why_nothing_can_be_sent(config)) {
            context.err << "ritme serve: " << *why << "; not started\n";
            return exit_bad_input;
        }
        auto setup = load_setup(config, common, context);
        if (!setup) {
            context.err << "ritme serve: not started; fix the errors above\n";
            return exit_bad_input;
        }
        auto store = open_database(common, context);
        if (!store) return exit_failure;
        Log log(context.err, config.log_level, iso_timestamps(context.clock),
                context.journal ? LogFormat::journal : LogFormat::timestamped);
        Daemon::Reload reload = [&common, &context, &log]() -> std::optional<DaemonSetup> {
            // The new config's problems are logged each at its own level: a holiday not
            // confirmed yet is a warning at every reload, not an error.
            Diagnostics problems;
            std::ostringstream said;
            CliContext quiet{said, said, context.clock, context.channels, context.stores, false, &problems};
            std::optional<DaemonSetup> fresh;
            try {
                const DaemonConfig fresh_config = load_config(common, quiet);
                // A reload that would leave nothing to send with is refused like a start.
                if (const auto why = why_nothing_can_be_sent(fresh_config)) {
                    log.error("config", *why);
                    return std::nullopt;
                }
                fresh = load_setup(fresh_config, common, quiet);
            } catch (const UnusableConfig&) {
                // its problems are in `problems`; the daemon keeps the setup it has
            }
            for (const auto& problem : problems.items())
                log.write(problem.severity == Severity::error ? LogLevel::error : LogLevel::warning, "config",
                          problem.str());
            std::istringstream lines(said.str());
            for (std::string line; std::getline(lines, line);) log.error("config", line);
            return fresh;
        };
        Daemon daemon(*store, context.clock, log, std::move(*setup), reload, HttpLimits{}, Daemon::serve_claim_ahead);
        return daemon.run();
    };
}

}  // namespace ritme
