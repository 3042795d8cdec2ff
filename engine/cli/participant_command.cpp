#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_participant_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("participant", "(not yet available)");
    return [] { return exit_failure; };
}

}  // namespace ritme
