// placeholder: `ritme tick`
#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_tick_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("tick", "send what is due, once");
    return [] { return exit_failure; };
}

}  // namespace ritme
