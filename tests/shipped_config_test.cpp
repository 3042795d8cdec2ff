// Every file under config/ is loaded by a test (DESIGN.md rule 9): this suite walks the
// directory and fails on a file it does not know how to load.

#include "adapters/builtin_adapters.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/holidays/ics_closures.hpp"
#include "engine/school_loader.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

using namespace ritme;
namespace fs = std::filesystem;

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
    int programmes = 0, schools = 0, calendars = 0, daemon_configs = 0;
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
        } else if (path == root / "ritme.toml") {
            ++daemon_configs;
            ChannelRegistry registry;
            register_builtin_adapters(registry);
            Diagnostics diagnostics;
            const auto config = load_daemon_config(path, registry, diagnostics);
            for (const auto& d : diagnostics.items()) FAIL_CHECK(d.str());
            REQUIRE(config);
            CHECK(config->channel_for(Medium::sms));
            CHECK(config->channel_for(Medium::email));
        } else {
            FAIL_CHECK("no test loads this shipped file; add it to this test");
        }
    }
    CHECK(programmes >= 2);
    CHECK(schools >= 1);
    CHECK(calendars >= 1);
    CHECK(daemon_configs == 1);
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
