#include "engine/cli/cli_man_page.hpp"

#include "engine/base/roff.hpp"

#include <sstream>

namespace ritme {
namespace {

bool hidden(const CLI::App& app) { return app.get_group().empty(); }

bool repeats(const CLI::Option& option) { return option.get_items_expected_max() > 1; }

// "participant add" for the subcommand `add` of `participant`.
std::string command_path(const CLI::App& app) {
    const CLI::App* parent = app.get_parent();
    if (!parent || !parent->get_parent()) return app.get_name();
    return command_path(*parent) + " " + app.get_name();
}

// "ritme participant add [OPTIONS] ID NAME…"
std::string synopsis(const CLI::App& app) {
    std::string line = "ritme " + command_path(app);
    const auto options = app.get_options([&app](const CLI::Option* option) {
        return option->nonpositional() && option != app.get_help_ptr();
    });
    if (!options.empty()) line += " [OPTIONS]";
    for (const CLI::Option* positional :
         app.get_options([](const CLI::Option* option) { return !option->nonpositional(); })) {
        std::string name = positional->get_name(true);
        if (repeats(*positional)) name += "…";
        line += positional->get_required() ? " " + name : " [" + name + "]";
    }
    if (!app.get_subcommands([](const CLI::App* sub) { return !hidden(*sub); }).empty()) line += " VERB …";
    return line;
}

void man_options(std::ostream& out, const CLI::App& app) {
    for (const CLI::Option* option : app.get_options()) {
        if (option == app.get_help_ptr()) continue;
        std::string tag = option->nonpositional() ? option->get_name(false, true) : option->get_name(true);
        const std::string type = option->get_type_name();
        if (option->nonpositional() && !type.empty() && option->get_items_expected_max() > 0) tag += " " + type;
        if (repeats(*option)) tag += "…";
        out << ".TP\n.B " << roff_text(tag) << "\n";
        std::string help = option->get_description();
        if (!option->get_envname().empty()) help += " (environment: " + option->get_envname() + ")";
        if (option->get_required()) help += " (required)";
        out << roff_text(help.empty() ? "(no description)" : help) << "\n";
    }
}

void man_verb(std::ostream& out, const CLI::App& verb) {
    out << roff_subheading("ritme " + command_path(verb)) << ".B " << roff_text(synopsis(verb)) << "\n.PP\n"
        << roff_text(verb.get_description()) << "\n";
    man_options(out, verb);
    for (const CLI::App* sub : verb.get_subcommands([](const CLI::App* sub) { return !hidden(*sub); }))
        man_verb(out, *sub);
}

}  // namespace

std::string cli_man_page(const CLI::App& app, std::string_view version) {
    std::ostringstream out;
    out << ".\\\" Written by `ritme man ritme` from the verbs the binary has.\n"
        << ".TH RITME 1 \"\" \"ritme " << roff_text(version) << "\" \"ritme manual\"\n"
        << roff_heading("NAME") << "ritme \\- " << roff_text("calendars and reminders for group programmes") << "\n"
        << roff_heading("SYNOPSIS") << ".B ritme\n[\\fIOPTIONS\\fR] \\fIVERB\\fR [\\fIARGUMENTS\\fR]\n"
        << roff_heading("DESCRIPTION")
        << roff_text(
               "ritme plans and checks the calendars of group programmes (weekly sessions inside school hours, "
               "never in a school holiday) and reminds participants and leads by SMS and e-mail. A lead describes "
               "a track in a small TOML programme file; ritme check and ritme calendar give back the exact "
               "calendar or a list of what does not fit; ritme apply stores it, and the daemon, ritme serve, "
               "sends every reminder at its moment. Every verb takes --help.")
        << "\n" << roff_heading("OPTIONS") << roff_text("Options every verb takes, before the verb:") << "\n";
    man_options(out, app);
    out << roff_heading("VERBS");
    for (const CLI::App* verb : app.get_subcommands([](const CLI::App* sub) { return !hidden(*sub); }))
        man_verb(out, *verb);
    out << roff_heading("EXIT STATUS") << ".TP\n.B 0\n"
        << roff_text("done; for check and calendar, warnings allowed") << "\n.TP\n.B 1\n"
        << roff_text("a failure: a calendar with errors, a damaged database, output that could not be written, or "
                     "an error ritme does not expect (one line on standard error, ritme: internal error: …)")
        << "\n.TP\n.B 2\n"
        << roff_text("bad input: a file that cannot be read or has errors (each at its file:line:col), an "
                     "unknown id, a daemon config with errors; nothing was changed")
        << "\n.TP\n.B 3\n"
        << roff_text("ritme status: messages overdue (the daemon is down, stuck or behind)") << "\n"
        << roff_heading("ENVIRONMENT") << ".TP\n.B RITME_CONFIG\n"
        << roff_text("the daemon config, as -c; default /etc/ritme/ritme.toml when it exists") << "\n.TP\n.B RITME_DB\n"
        << roff_text("the database, as --db; default the config's database, else var/ritme.db in the working "
                     "directory")
        << "\n.TP\n.B RITME_HOLIDAYS\n"
        << roff_text("the school-holiday data, as --holidays; default /usr/share/ritme/holidays beside an installed "
                     "ritme")
        << "\n" << roff_heading("FILES") << ".TP\n.B /etc/ritme/ritme.toml\n"
        << roff_text("the daemon config, see ritme.toml(5)") << "\n.TP\n.B /etc/ritme/programmes/\n"
        << roff_text("programme files the daemon applies at start and on systemctl reload ritme") << "\n"
        << ".TP\n.B /var/lib/ritme/ritme.db\n"
        << roff_text("the database (SQLite, WAL): owner ritme, group ritme, mode 0660; members of the group ritme "
                     "run the verbs on it")
        << "\n.TP\n.B /usr/share/ritme/\n"
        << roff_text("message templates, school-holiday data, provider presets and the lead-facing catalogues") << "\n"
        << roff_heading("SEE ALSO") << ".BR ritme.toml (5),\n.BR systemctl (1),\n.BR journalctl (1)\n";
    return out.str();
}

}  // namespace ritme
