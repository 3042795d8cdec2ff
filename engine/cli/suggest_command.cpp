#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_suggest_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("suggest", "(not yet available)");
    return [] { return exit_failure; };
}

}  // namespace ritme
