// The man pages name everything there is: ritme(1) every verb the binary's own --help
// lists (and the README's table), ritme.toml(5) every setting `ritme config dump` prints
// and every setting the reader and the adapters declare, each under its table.

#include "adapters/builtin_adapters.hpp"
#include "engine/base/roff.hpp"
#include "engine/cli/cli.hpp"
#include "engine/config/config_schema.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace ritme;

namespace {

struct Run {
    int status;
    std::string out, err;
};

Run ritme_cli(const std::vector<std::string>& args) {
    static ChannelRegistry registry = [] {
        ChannelRegistry adapters;
        register_builtin_adapters(adapters);
        return adapters;
    }();
    std::ostringstream out, err;
    ManualClock clock({boost::posix_time::ptime(make_date(2026, 3, 5), boost::posix_time::hours(9))});
    CliContext context{out, err, clock, &registry};
    const int status = run_cli(args, context);
    return {status, out.str(), err.str()};
}

// The names under "Subcommands:" in CLI11's help.
std::vector<std::string> verbs_in_help(const std::string& help) {
    std::vector<std::string> verbs;
    std::istringstream lines(help);
    bool in_list = false;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("Subcommands:", 0) == 0) {
            in_list = true;
            continue;
        }
        if (!in_list) continue;
        if (line.empty() || line[0] != ' ') break;
        std::istringstream words(line);
        std::string verb;
        words >> verb;
        verbs.push_back(verb);
    }
    return verbs;
}

// Each .SH section's text, by its heading as written in the roff source.
std::map<std::string, std::string> sections_of(const std::string& page) {
    std::map<std::string, std::string> sections;
    std::istringstream lines(page);
    std::string heading;
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(".SH ", 0) == 0) {
            heading = line;
            continue;
        }
        sections[heading] += line + "\n";
    }
    return sections;
}

// A section's key in sections_of: its .SH line.
std::string heading(const std::string& text) {
    const std::string line = roff_heading(text);
    return line.substr(0, line.size() - 1);
}

// The paragraph tag of a setting, as the page writes it.
std::string tag(std::string_view key) { return "\n.B " + roff_text(key) + "\n"; }

}  // namespace

TEST_SUITE_BEGIN("man_pages");

TEST_CASE("ritme(1) has a section for every verb and every verb's verbs, and for no hidden one") {
    const Run page = ritme_cli({"man", "ritme"});
    REQUIRE(page.status == 0);
    CHECK(page.out.rfind(".\\\"", 0) == 0);
    CHECK(page.out.find(".TH RITME 1 ") != std::string::npos);

    const auto verbs = verbs_in_help(ritme_cli({"--help"}).out);
    REQUIRE(verbs.size() >= 19);
    int sections = 0;
    for (const auto& verb : verbs) {
        CHECK_MESSAGE(page.out.find(roff_subheading("ritme " + verb)) != std::string::npos, verb);
        ++sections;
        for (const auto& sub : verbs_in_help(ritme_cli({verb, "--help"}).out)) {
            CHECK_MESSAGE(page.out.find(roff_subheading("ritme " + verb + " " + sub)) != std::string::npos,
                          (verb + " " + sub));
            ++sections;
        }
    }
    CHECK(sections >= 50);
    CHECK(page.out.find(roff_subheading("ritme man")) == std::string::npos);  // hidden

    // The README's table of verbs and the page agree.
    std::ifstream readme(test::source_path("README.md"));
    const std::string text{std::istreambuf_iterator<char>(readme), {}};
    const std::regex row(R"(\n\| `ritme ([a-z]+))");
    std::set<std::string> readme_verbs;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), row); it != std::sregex_iterator(); ++it)
        readme_verbs.insert((*it)[1]);
    CHECK(readme_verbs.size() >= 19);
    for (const auto& verb : readme_verbs)
        CHECK_MESSAGE(page.out.find(roff_subheading("ritme " + verb)) != std::string::npos, verb);
}

TEST_CASE("ritme(1) lists a verb's options and arguments with their help") {
    const std::string page = ritme_cli({"man", "ritme"}).out;
    const auto sections = sections_of(page);
    const std::string& verbs = sections.at(heading("VERBS"));
    CHECK(verbs.find(roff_text("ritme calendar [OPTIONS] FILE")) != std::string::npos);
    CHECK(verbs.find(".B " + roff_text("--format")) != std::string::npos);
    CHECK(sections.at(heading("OPTIONS")).find("RITME_CONFIG") != std::string::npos);
    CHECK(sections.count(heading("EXIT STATUS")) == 1);
}

TEST_CASE("ritme.toml(5) has every setting config dump prints, and every declared one under its table") {
    const Run page = ritme_cli({"man", "ritme.toml"});
    REQUIRE(page.status == 0);
    CHECK(page.out.find(".TH RITME.TOML 5 ") != std::string::npos);

    const Run dump = ritme_cli({"config", "dump", "-c", test::source_path("config/ritme.toml")});
    REQUIRE(dump.status == 0);
    const std::regex setting_line(R"(^(# )?([a-z_]+) = )");
    std::istringstream lines(dump.out);
    int dumped = 0;
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (!std::regex_search(line, match, setting_line)) continue;
        ++dumped;
        CHECK_MESSAGE(page.out.find(tag(match[2].str())) != std::string::npos, match[2].str());
    }
    CHECK(dumped >= 60);

    const auto sections = sections_of(page.out);
    for (const auto& section : config_sections()) {
        const std::string& text = sections.at(
            heading(section.table.empty() ? "TOP-LEVEL SETTINGS" : "[" + std::string(section.table) + "]"));
        for (const auto& setting : section.settings)
            CHECK_MESSAGE(text.find(tag(setting.key)) != std::string::npos, (std::string(section.table) + "." + std::string(setting.key)));
    }
    const std::string& channel = sections.at(heading("[channel.NAME]"));
    for (const auto& setting : channel_settings()) CHECK_MESSAGE(channel.find(tag(setting.key)) != std::string::npos, setting.key);

    ChannelRegistry registry;
    register_builtin_adapters(registry);
    const std::string& adapters = sections.at(heading("ADAPTERS"));
    for (const auto& name : registry.names()) {
        const auto start = adapters.find(roff_subheading("adapter = " + name));
        REQUIRE_MESSAGE(start != std::string::npos, name);
        const auto end = adapters.find(".SS ", start + 1);
        const std::string text = adapters.substr(start, end == std::string::npos ? std::string::npos : end - start);
        for (const auto& setting : registry.find(name)->settings)
            CHECK_MESSAGE(text.find(tag(setting.name)) != std::string::npos, (name + "." + setting.name));
    }
}

TEST_CASE("ritme man refuses a page it does not have") {
    const Run run = ritme_cli({"man", "ritme.conf"});
    CHECK(run.status == 2);
    CHECK(run.out.empty());
}

TEST_SUITE_END();
