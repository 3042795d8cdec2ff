// placeholder: `ritme session`
#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_session_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("session", "cancel or move one session");
    return [] { return exit_failure; };
}

}  // namespace ritme
