#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_fit_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("fit", "(not yet available)");
    return [] { return exit_failure; };
}

}  // namespace ritme
