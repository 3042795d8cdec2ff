// placeholder: `ritme simulate`
#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_simulate_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("simulate", "preview every message of a programme");
    return [] { return exit_failure; };
}

}  // namespace ritme
