// placeholder: `ritme status`
#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_status_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("status", "what is due, sent and failed");
    return [] { return exit_failure; };
}

}  // namespace ritme
