// placeholder: `ritme appointment`
#include "engine/cli/commands.hpp"

namespace ritme {

CommandAction add_appointment_command(CLI::App& app, const CommonOptions&, CliContext&) {
    app.add_subcommand("appointment", "individual appointments");
    return [] { return exit_failure; };
}

}  // namespace ritme
