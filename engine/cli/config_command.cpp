// placeholder: `ritme config`
#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_config_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("config", "check or print the daemon config");
    return [] { return exit_failure; };
}

}  // namespace ritme
