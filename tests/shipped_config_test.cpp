// Every file under config/ is loaded by a test (DESIGN.md rule 9): this suite walks the
// directory and fails on a file it does not know how to load.

#include "adapters/builtin_adapters.hpp"
#include "adapters/http/provider_preset.hpp"
#include "engine/config/config_reader.hpp"
#include "engine/holidays/ics_closures.hpp"
#include "engine/holidays/school_loader.hpp"
#include "engine/message/message_renderer.hpp"
#include "po_catalogue.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>

using namespace ritme;
namespace fs = std::filesystem;

namespace {

// "Section.Key" → value for a systemd unit file: comments and blank lines skipped, and
// every line must be a section header or a key=value.
std::map<std::string, std::string> systemd_unit_settings(const std::string& text) {
    std::map<std::string, std::string> settings;
    std::istringstream lines(text);
    std::string section;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            section = line.substr(1, line.size() - 2);
            continue;
        }
        const auto equals = line.find('=');
        REQUIRE_MESSAGE(equals != std::string::npos, line);
        settings[section + "." + line.substr(0, equals)] = line.substr(equals + 1);
    }
    return settings;
}

}  // namespace

TEST_SUITE_BEGIN("shipped_config");

TEST_CASE("every school-holiday file loads without a problem") {
    const fs::path dir = test::source_path("config/holidays");
    for (const auto& entry : fs::directory_iterator(dir)) {
        CAPTURE(entry.path().string());
        REQUIRE(entry.path().extension() == ".toml");
        Diagnostics diagnostics;
        std::ifstream in(entry.path());
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        const auto table = SchoolHolidayTable::load_text(text, entry.path().string(), diagnostics);
        CHECK(diagnostics.empty());
        CHECK(table.holidays().size() >= 15);  // five holidays, three regions
    }
}

TEST_CASE("every file under config/ is loaded: holidays, programmes, schools, calendars and the daemon config") {
    const fs::path root = test::source_path("config");
    int programmes = 0, schools = 0, calendars = 0, daemon_configs = 0, templates = 0, units = 0, providers = 0,
        answer_files = 0, catalogues = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        const auto path = entry.path();
        const auto folder = path.parent_path().filename().string();
        CAPTURE(path.string());
        std::ifstream in(path);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        if (folder == "holidays") continue;  // the suite above
        if (path.extension() == ".ics") {
            ++calendars;
            const auto closures = read_ics_closures(path.string(), make_date(2024, 1, 1), make_date(2030, 1, 1));
            CHECK(closures.errors.empty());
            CHECK_FALSE(closures.periods.empty());
        } else if (folder == "schools" && path.extension() == ".toml") {
            ++schools;
            const auto load = load_school_text(text, path.string(), path.parent_path().string(), make_date(2026, 9, 1));
            for (const auto& d : load.diagnostics.items()) FAIL_CHECK(d.str());
            REQUIRE(load.status == LoadStatus::ok);
            CHECK_FALSE(load.school->closures.closed.empty());
        } else if (folder == "programmes" && path.extension() == ".toml") {
            ++programmes;
            ProgrammeLoad load = load_programme_file(path.string());
            for (const auto& d : load.diagnostics.items()) FAIL_CHECK(d.str());
            REQUIRE(load.status == LoadStatus::ok);
            const auto plan = build_programme_calendar(std::move(*load.programme), test::shipped_school_holidays());
            for (const auto& d : plan.problems.items())
                if (d.severity == Severity::error) FAIL_CHECK(d.str());
            if (plan.programme.on_holiday == HolidayMode::extend)
                CHECK(plan.calendar.sessions.size() == static_cast<size_t>(plan.calendar.intended_sessions));
        } else if (path == root / "ritme.toml" || path == root / "production" / "ritme.toml") {
            ++daemon_configs;
            ChannelRegistry registry;
            register_builtin_adapters(registry);
            Diagnostics diagnostics;
            const auto config = load_daemon_config(path, registry, diagnostics);
            for (const auto& d : diagnostics.items()) {
                // The package's programmes and schools are /etc/ritme's, which the package makes.
                const bool package_directory = folder == "production" && d.severity == Severity::warning &&
                                               d.str().find("there is no directory") != std::string::npos;
                if (!package_directory) FAIL_CHECK(d.str());
            }
            REQUIRE(config);
            CHECK(config->channel_for(Medium::sms));
            CHECK(config->channel_for(Medium::email));
            if (folder == "production") {  // the package's /etc/ritme/ritme.toml: the service's paths
                CHECK(config->database == fs::path("/var/lib/ritme/ritme.db"));
                CHECK(config->programmes == root / "production" / "programmes");
                CHECK(config->templates.empty());  // the shipped ones, found beside the binary
                for (const auto& [name, channel] : config->channels)
                    CHECK(channel.settings.values.at("dir") == "/var/lib/ritme/outbox");
            }
        } else if (path.parent_path().parent_path() == root / "templates" && path.extension() == ".mustache") {
            ++templates;  // the directory is loaded as a whole below
        } else if (path.parent_path().parent_path() == root / "templates" && path.filename().string() == answer_words_file) {
            ++answer_files;
            AnswerWords words;
            Diagnostics diagnostics;
            CHECK(words.add_language(path.parent_path().filename().string(), text, path.string(), diagnostics));
            for (const auto& d : diagnostics.items()) FAIL_CHECK(d.str());
            CHECK_FALSE(words.words(words.languages().at(0), AnswerReading::cannot_come).empty());
        } else if (path == root / "templates" / "README.md") {
            for (const auto& name : template_names()) CHECK(text.find(name) != std::string::npos);
        } else if (path == root / "systemd" / "ritme.service") {
            ++units;
            const auto unit = systemd_unit_settings(text);
            CHECK(unit.at("Service.Type") == "notify");
            CHECK(unit.at("Service.ExecStart").find("ritme serve -c ") != std::string::npos);
            CHECK(unit.at("Service.ExecReload").find("-HUP") != std::string::npos);
            CHECK(unit.count("Service.WatchdogSec") == 1);
            CHECK(unit.at("Service.UMask") == "0077");
        } else if (folder == "providers" && path.extension() == ".toml") {
            ++providers;
            Diagnostics diagnostics;
            CHECK(ProviderPreset::load(path, diagnostics).has_value());
            for (const auto& d : diagnostics.items()) FAIL_CHECK(d.str());
        } else if (path == root / "providers" / "README.md") {
            for (const auto& name : shipped_provider_names(root / "providers"))
                CHECK(text.find("`" + name + "`") != std::string::npos);
        } else if (folder == "locale" && path.extension() == ".po") {
            ++catalogues;  // the translation suite checks what they say
            const auto catalogue = test::read_po(text);
            for (const auto& problem : catalogue.problems) FAIL_CHECK(problem);
            CHECK(catalogue.header.find("charset=UTF-8") != std::string::npos);
        } else {
            FAIL_CHECK("no test loads this shipped file; add it to this test");
        }
    }
    CHECK(templates >= 12);
    CHECK(answer_files >= 12);  // every shipped language
    CHECK(units == 1);
    CHECK(providers == 4);
    CHECK(catalogues == 2);  // nl and en
    Diagnostics template_problems;
    CHECK(MessageRenderer::load(root / "templates", template_problems).has_value());
    for (const auto& d : template_problems.items()) FAIL_CHECK(d.str());
    CHECK(programmes >= 2);
    CHECK(schools >= 1);
    CHECK(calendars >= 1);
    CHECK(daemon_configs == 2);  // the example and the package's
}

TEST_CASE("the zuid example extends to all 40 sessions and skips the school's study days") {
    ProgrammeLoad load = load_programme_file(test::source_path("config/programmes/eindhoven-samen-2027.toml"));
    REQUIRE(load.status == LoadStatus::ok);
    const auto plan = build_programme_calendar(std::move(*load.programme), test::shipped_school_holidays());
    CHECK(plan.programme.closures.region == Region::zuid);
    CHECK(plan.programme.on_holiday == HolidayMode::extend);
    CHECK(plan.calendar.sessions.size() == 40);
    bool study_day = false;
    for (const auto& s : plan.calendar.skipped) study_day = study_day || (s.date == make_date(2027, 3, 10) && s.reason == "Studiedag (kinderen vrij)");
    CHECK(study_day);
}

TEST_SUITE_END();
