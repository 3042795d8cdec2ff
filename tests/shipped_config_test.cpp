// Every file under config/ is loaded by a test (DESIGN.md rule 9): this suite walks the
// directory and fails on a file it does not know how to load.

#include "engine/holidays/ics_closures.hpp"
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

TEST_CASE("every example programme loads, builds a calendar without errors, and its .ics files are used") {
    const fs::path dir = test::source_path("config/programmes");
    std::set<std::string> ics_files, used_ics;
    int programmes = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        CAPTURE(entry.path().string());
        const auto extension = entry.path().extension();
        if (extension == ".ics") {
            ics_files.insert(entry.path().filename().string());
            const auto closures = read_ics_closures(entry.path().string(), make_date(2024, 1, 1), make_date(2030, 1, 1));
            CHECK(closures.errors.empty());
            CHECK_FALSE(closures.periods.empty());
            continue;
        }
        REQUIRE(extension == ".toml");
        ++programmes;
        ProgrammeLoad load = load_programme_file(entry.path().string());
        for (const auto& d : load.diagnostics.items()) MESSAGE(d.str());
        REQUIRE(load.status == LoadStatus::ok);
        std::ifstream in(entry.path());
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        if (auto at = text.find("closed_ics = \""); at != std::string::npos) {
            const auto start = at + 14;
            used_ics.insert(text.substr(start, text.find('"', start) - start));
        }
        const auto plan = build_programme_calendar(std::move(*load.programme), test::shipped_school_holidays());
        for (const auto& d : plan.problems.items())
            if (d.severity == Severity::error) FAIL_CHECK(d.str());
        if (plan.programme.on_holiday == HolidayMode::extend)
            CHECK(plan.calendar.sessions.size() == static_cast<size_t>(plan.calendar.intended_sessions));
    }
    CHECK(programmes >= 2);
    CHECK(ics_files == used_ics);  // no shipped calendar file left unused
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
