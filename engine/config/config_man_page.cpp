#include "engine/config/config_man_page.hpp"

#include "engine/base/roff.hpp"
#include "engine/config/config_schema.hpp"

#include <sstream>

namespace ritme {
namespace {

// One setting as a tagged paragraph: the key, then its help and its default.
void man_setting(std::ostream& out, std::string_view key, const std::string& default_text, std::string_view help) {
    out << ".TP\n.B " << roff_text(key) << "\n" << roff_text(help) << "\n";
    if (!default_text.empty()) out << ".br\nDefault: " << roff_text(default_text) << "\n";
}

// A channel setting's default can depend on the medium (quiet_hours): both when they differ.
std::string channel_default(const ConfigSetting<ChannelConfig>& setting) {
    if (setting.key == "adapter") return {};
    const std::string sms = setting.toml(default_channel("sms"));
    const std::string email = setting.toml(default_channel("email"));
    if (sms == email) return sms;
    return sms + " for a channel named sms, " + email + " for one named email";
}

}  // namespace

std::string config_man_page(const ChannelRegistry& registry, std::string_view version) {
    const DaemonConfig defaults = default_config();
    std::ostringstream out;
    out << ".\\\" Written by `ritme man ritme.toml` from the settings the config reader declares.\n"
        << ".TH RITME.TOML 5 \"\" \"ritme " << roff_text(version) << "\" \"ritme manual\"\n"
        << roff_heading("NAME") << "ritme.toml \\- the ritme daemon config\n"
        << roff_heading("SYNOPSIS") << ".B /etc/ritme/ritme.toml\n"
        << roff_heading("DESCRIPTION")
        << roff_text(
               "The daemon config is a TOML file read by ritme serve, ritme tick, ritme status, ritme simulate, "
               "ritme config and every verb that opens the database it names. Without -c FILE or RITME_CONFIG, "
               "ritme reads /etc/ritme/ritme.toml when it exists.")
        << "\n.PP\n"
        << roff_text(
               "Relative paths are relative to the file's directory. Unknown keys are errors, each reported at its "
               "file:line:col with a hint; a config with errors is refused as a whole (at a reload the running "
               "one is kept). ritme config dump prints every setting below with its default and help, as a "
               "config that loads back; ritme config check reads the config as the daemon would.")
        << "\n";
    for (const auto& section : config_sections()) {
        if (section.table.empty())
            out << roff_heading("TOP-LEVEL SETTINGS");
        else
            out << roff_heading("[" + std::string(section.table) + "]") << roff_text(section.help) << ".\n";
        for (const auto& setting : section.settings)
            man_setting(out, setting.key, setting.toml(defaults), setting.help);
    }
    out << roff_heading("[channel.NAME]")
        << roff_text(
               "One table per channel: a channel sends one medium (sms or email) through an adapter. A "
               "participant's SMS goes through the channel whose medium is sms, her e-mail likewise; another "
               "channel of the same medium can only be a fallback. Every channel takes these settings, then its "
               "adapter's own.")
        << "\n";
    for (const auto& setting : channel_settings()) man_setting(out, setting.key, channel_default(setting), setting.help);
    out << roff_heading("ADAPTERS");
    for (const auto& name : registry.names()) {
        const AdapterInfo* adapter = registry.find(name);
        out << roff_subheading("adapter = " + name) << roff_text(adapter->summary) << ".\n";
        for (const auto& setting : adapter->settings)
            man_setting(out, setting.name, is_required(setting) ? std::string() : setting.default_value,
                        setting.help + (is_required(setting) ? " (required)" : ""));
    }
    out << roff_heading("EXAMPLE")
        << ".nf\n"
        << roff_text(
               "database = \"/var/lib/ritme/ritme.db\"\n"
               "programmes = \"programmes\"\n"
               "\n"
               "[reminders]\n"
               "offsets = [\"1d@18:00\", \"2h\"]\n"
               "\n"
               "[channel.sms]\n"
               "adapter = \"kannel\"\n"
               "url = \"http://127.0.0.1:13013/cgi-bin/sendsms\"\n"
               "username = \"ritme\"\n"
               "password_file = \"/etc/ritme/kannel.secret\"\n")
        << ".fi\n"
        << roff_heading("FILES") << ".TP\n.B /etc/ritme/ritme.toml\n"
        << roff_text("the config of the installed daemon (a conffile of the Debian package)") << "\n"
        << ".TP\n.B /usr/share/ritme/\n"
        << roff_text("the shipped templates, school-holiday data, provider presets and catalogues") << "\n"
        << roff_heading("SEE ALSO") << ".BR ritme (1),\n.BR systemd.exec (5)\n";
    return out.str();
}

}  // namespace ritme
