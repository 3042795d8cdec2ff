#pragma once
// Shared helpers for the unit tests: the shipped data, and programmes from inline TOML.

#include "engine/calendar/programme_calendar.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/programme/programme_loader.hpp"
#include "engine/store/store.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>

namespace ritme::test {

// A file of the source tree, and of tests/data (defined in test_support.cpp, the one file
// compiled with the tree's path, so every other test object is the same in any checkout).
std::string source_path(const std::string& relative);
std::string data_path(const std::string& relative);

// config/holidays, loaded once; a problem in it fails the test that asks.
inline const SchoolHolidayTable& shipped_school_holidays() {
    static Diagnostics diagnostics;
    static const SchoolHolidayTable table =
        SchoolHolidayTable::load_directory(source_path("config/holidays"), diagnostics);
    REQUIRE_MESSAGE(diagnostics.empty(), (diagnostics.empty() ? "" : diagnostics.items().front().str()));
    return table;
}

// A minimal valid programme; tests replace the parts they are about.
inline std::string programme_toml(const std::string& programme_keys, const std::string& rest = R"(
[location.schakel]
name = "Wijkcentrum De Schakel"
address = "Kruidenwijk, Almere"

[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"

[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)", const std::string& id = "test") {
    return "[programme]\nid = \"" + id + "\"\nname = \"Test\"\n" + programme_keys + "\n" + rest;
}

// programme_toml's slots with the Tuesday moved to 10:00-12:00: a changed slot time.
inline const std::string tuesday_at_ten = R"(
[location.schakel]
name = "Wijkcentrum De Schakel"
[[slot]]
day = "tuesday"
start = "10:00"
end = "12:00"
[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)";

// The examples' Tuesday and Thursday 09:30 track from 2 February 2026 (08:30 UTC in
// winter) with a lead, for the reminder tests.
inline std::string led_programme_toml(const std::string& id) {
    return programme_toml("start = 2026-02-02\nregion = \"noord\"", R"(
[location.schakel]
name = "Wijkcentrum De Schakel"
address = "Kruidenwijk, Almere"

[lead]
name = "Fatima"
phone = "+31687654321"

[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"

[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)", id);
}

inline Programme load_valid(const std::string& toml, const std::string& name = "test.toml") {
    ProgrammeLoad load = load_programme_text(toml, name);
    if (load.status != LoadStatus::ok)
        for (const auto& d : load.diagnostics.items()) MESSAGE(d.str());
    REQUIRE(load.status == LoadStatus::ok);
    return std::move(*load.programme);
}

inline ProgrammeCalendar plan(const std::string& toml) {
    return build_programme_calendar(load_valid(toml), shipped_school_holidays());
}

// The message of the StoreError `read` throws; empty when it throws nothing. Any other
// exception type fails the test.
inline std::string store_error_of(const std::function<void()>& read) {
    try {
        read();
    } catch (const StoreError& e) {
        return e.what();
    }
    return "";
}

// School Mon/Tue/Thu 09:00-13:45, Wed 08:30-12:15, Fri 09:00-11:15, 15m travel margin;
// the crèche Tue and Thu 09:00-12:00 with a 10m margin.
inline Programme almere_like() {
    return load_valid(programme_toml("start = 2026-02-02\nregion = \"noord\"", R"(
[location.schakel]
name = "Wijkcentrum De Schakel"

[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"

[school_hours]
wednesday = "08:30-12:15"
travel_margin = "15m"

[childcare]
location = "schakel"
places = 8
open = { tuesday = "09:00-12:00", thursday = "09:00-12:00" }
margin = "10m"
)"));
}

}  // namespace ritme::test
