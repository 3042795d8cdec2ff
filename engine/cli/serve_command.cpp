// placeholder: `ritme serve`
#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_serve_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("serve", "the daemon");
    return [] { return exit_failure; };
}

}  // namespace ritme
