// `ritme man ritme|ritme.toml`: the man pages as roff, written from the verbs this binary
// has and the config settings it declares; the build renders the installed pages with it.
// Hidden: a reader wants `man ritme`, not this.

#include "engine/cli/cli_man_page.hpp"
#include "engine/cli/commands.hpp"
#include "engine/config/config_man_page.hpp"

#include <ostream>

namespace ritme {

CommandAction add_man_command(CLI::App& app, const CommonOptions&, CliContext& context) {
    CLI::App* man = app.add_subcommand("man", "print a man page as roff: ritme (1) or ritme.toml (5)");
    man->group("");
    auto page = std::make_shared<std::string>();
    man->add_option("page", *page, "ritme or ritme.toml")->required()->check(CLI::IsMember({"ritme", "ritme.toml"}));
    return [&app, &context, page]() -> int {
        if (*page == "ritme") {
            context.out << cli_man_page(app, RITME_VERSION);
            return exit_ok;
        }
        const ChannelRegistry* registry = channel_registry(context);
        if (!registry) return exit_failure;
        context.out << config_man_page(*registry, RITME_VERSION);
        return exit_ok;
    };
}

}  // namespace ritme
