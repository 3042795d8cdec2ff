#include "engine/holidays/school_holidays.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace ritme;

namespace {

struct Expected {
    const char* name;
    Region region;
    Date from, to;
    bool confirmed;
    bool optional = false;
};

Date d(int y, int m, int day) { return make_date(y, m, day); }

// Transcribed from shared/domain/nl-calendar.md, with its (?) marks as confirmed = false.
std::vector<Expected> expected_holidays() {
    std::vector<Expected> e;
    auto all = [&](const char* name, Date from, Date to, bool confirmed = true, bool optional = false) {
        for (Region r : {Region::noord, Region::midden, Region::zuid}) e.push_back({name, r, from, to, confirmed, optional});
    };
    auto one = [&](const char* name, Region r, Date from, Date to, bool confirmed = true) {
        e.push_back({name, r, from, to, confirmed});
    };
    using enum Region;
    // 2024-2025
    one("herfstvakantie", noord, d(2024, 10, 26), d(2024, 11, 3));
    one("herfstvakantie", midden, d(2024, 10, 26), d(2024, 11, 3));
    one("herfstvakantie", zuid, d(2024, 10, 19), d(2024, 10, 27));
    all("kerstvakantie", d(2024, 12, 21), d(2025, 1, 5));
    one("voorjaarsvakantie", noord, d(2025, 2, 15), d(2025, 2, 23));
    one("voorjaarsvakantie", midden, d(2025, 2, 22), d(2025, 3, 2));
    one("voorjaarsvakantie", zuid, d(2025, 2, 22), d(2025, 3, 2));
    all("meivakantie", d(2025, 4, 26), d(2025, 5, 4));
    one("zomervakantie", noord, d(2025, 7, 12), d(2025, 8, 24));
    one("zomervakantie", midden, d(2025, 7, 19), d(2025, 8, 31));
    one("zomervakantie", zuid, d(2025, 7, 5), d(2025, 8, 17));
    // 2025-2026
    one("herfstvakantie", noord, d(2025, 10, 18), d(2025, 10, 26));
    one("herfstvakantie", midden, d(2025, 10, 18), d(2025, 10, 26));
    one("herfstvakantie", zuid, d(2025, 10, 11), d(2025, 10, 19));
    all("kerstvakantie", d(2025, 12, 20), d(2026, 1, 4));
    one("voorjaarsvakantie", noord, d(2026, 2, 21), d(2026, 3, 1));
    one("voorjaarsvakantie", midden, d(2026, 2, 14), d(2026, 2, 22));
    one("voorjaarsvakantie", zuid, d(2026, 2, 14), d(2026, 2, 22));
    all("meivakantie", d(2026, 4, 25), d(2026, 5, 3), false);
    one("zomervakantie", noord, d(2026, 7, 4), d(2026, 8, 16));
    one("zomervakantie", midden, d(2026, 7, 18), d(2026, 8, 30));
    one("zomervakantie", zuid, d(2026, 7, 11), d(2026, 8, 23));
    // 2026-2027
    one("herfstvakantie", noord, d(2026, 10, 10), d(2026, 10, 18));
    one("herfstvakantie", midden, d(2026, 10, 17), d(2026, 10, 25));
    one("herfstvakantie", zuid, d(2026, 10, 17), d(2026, 10, 25));
    all("kerstvakantie", d(2026, 12, 19), d(2027, 1, 3));
    one("voorjaarsvakantie", noord, d(2027, 2, 20), d(2027, 2, 28));
    one("voorjaarsvakantie", midden, d(2027, 2, 20), d(2027, 2, 28));
    one("voorjaarsvakantie", zuid, d(2027, 2, 13), d(2027, 2, 21), false);
    all("meivakantie", d(2027, 4, 24), d(2027, 5, 2), false);
    one("zomervakantie", noord, d(2027, 7, 10), d(2027, 8, 22));
    one("zomervakantie", midden, d(2027, 7, 17), d(2027, 8, 29), false);
    one("zomervakantie", zuid, d(2027, 7, 17), d(2027, 8, 29), false);
    // 2027-2028
    one("herfstvakantie", noord, d(2027, 10, 16), d(2027, 10, 24));
    one("herfstvakantie", midden, d(2027, 10, 16), d(2027, 10, 24));
    one("herfstvakantie", zuid, d(2027, 10, 23), d(2027, 10, 31));
    all("kerstvakantie", d(2027, 12, 25), d(2028, 1, 9));
    one("voorjaarsvakantie", noord, d(2028, 2, 19), d(2028, 2, 27));
    one("voorjaarsvakantie", midden, d(2028, 2, 26), d(2028, 3, 5));
    one("voorjaarsvakantie", zuid, d(2028, 2, 26), d(2028, 3, 5));
    all("meivakantie", d(2028, 4, 29), d(2028, 5, 7));
    all("meivakantie", d(2028, 4, 22), d(2028, 4, 30), true, true);
    one("zomervakantie", noord, d(2028, 7, 15), d(2028, 8, 27));
    one("zomervakantie", midden, d(2028, 7, 8), d(2028, 8, 20));
    one("zomervakantie", zuid, d(2028, 7, 22), d(2028, 9, 3));
    return e;
}

SchoolHolidayTable load(const std::string& text, Diagnostics& diagnostics) {
    return SchoolHolidayTable::load_text(text, "h.toml", diagnostics);
}

}  // namespace

TEST_SUITE_BEGIN("school_holidays");

TEST_CASE("every shipped school holiday, 2024-2025 to 2027-2028, with its confirmed mark") {
    const auto& table = test::shipped_school_holidays();
    const auto expected = expected_holidays();
    CHECK(table.holidays().size() == expected.size());
    for (const auto& e : expected) {
        CAPTURE(e.name);
        CAPTURE(name_of(e.region));
        CAPTURE(iso_date(e.from));
        int found = 0;
        for (const auto& h : table.holidays())
            if (h.name == e.name && h.region == e.region && h.from == e.from && h.to == e.to) {
                ++found;
                CHECK(h.confirmed == e.confirmed);
                CHECK(h.optional == e.optional);
            }
        CHECK(found == 1);
    }
    CHECK(table.school_years() == std::vector<int>{2024, 2025, 2026, 2027});
}

TEST_CASE("coverage runs from 1 September of the first school year to 31 August after the last") {
    const auto& table = test::shipped_school_holidays();
    CHECK_FALSE(table.covers(d(2024, 8, 31)));
    CHECK(table.covers(d(2024, 9, 1)));
    CHECK(table.covers(d(2028, 8, 31)));
    CHECK_FALSE(table.covers(d(2028, 9, 1)));
    CHECK(table.first_uncovered(d(2026, 2, 2), d(2026, 6, 21)) == std::nullopt);
    CHECK(table.first_uncovered(d(2028, 6, 1), d(2028, 12, 1)) == d(2028, 9, 1));
}

TEST_CASE("a holiday file with mistakes reports each one and contributes nothing") {
    Diagnostics diagnostics;
    const auto table = load(R"(school_year = "2030-2031"
[[holiday]]
name = "kerstvakanti"
noord  = { from = 2030-12-21, to = 2031-01-05 }
midden = { from = 2030-12-20, to = 2031-01-05 }
zuid   = { from = 2030-12-21, to = 2031-01-05, confirmd = false }
)",
                            diagnostics);
    CHECK(table.holidays().empty());
    CHECK(table.school_years().empty());
    REQUIRE(diagnostics.error_count() == 3);
    diagnostics.sort_by_position();
    const auto& items = diagnostics.items();
    CHECK(items[0].str() ==
          "h.toml:3:8: error: holiday 1: `name = \"kerstvakanti\"` is not a school holiday; did you mean kerstvakantie?");
    CHECK(items[1].where.str() == "h.toml:5:19");  // the `from` value
    CHECK(items[1].message.find("runs from a Saturday to a Sunday; 2030-12-20 is a friday") != std::string::npos);
    CHECK(items[2].str() == "h.toml:6:48: error: holiday 1 zuid: unknown key `confirmd`; did you mean confirmed?");
}

TEST_CASE("a school year outside 1970 to 2200 is an error, not an exception") {
    Diagnostics diagnostics;
    const auto table = load(R"(school_year = "0000-0001"
[[holiday]]
name = "herfstvakantie"
noord  = { from = 2030-10-19, to = 2030-10-27 }
midden = { from = 2030-10-19, to = 2030-10-27 }
zuid   = { from = 2030-10-19, to = 2030-10-27 }
)",
                            diagnostics);
    CHECK(table.holidays().empty());
    REQUIRE(diagnostics.has_errors());
    CHECK(diagnostics.items()[0].str().find("h.toml:1:15: error:") == 0);
    CHECK(diagnostics.items()[0].message.find("`school_year = \"0000-0001\"`") != std::string::npos);
}

TEST_CASE("a holiday outside its school year is an error") {
    Diagnostics diagnostics;
    load(R"(school_year = "2030-2031"
[[holiday]]
name = "herfstvakantie"
noord  = { from = 2031-10-18, to = 2031-10-26 }
midden = { from = 2030-10-19, to = 2030-10-27 }
zuid   = { from = 2030-10-19, to = 2030-10-27 }
)",
         diagnostics);
    REQUIRE(diagnostics.error_count() == 1);
    CHECK(diagnostics.items()[0].message == "holiday 1 noord: 2031-10-18 does not lie in school year 2030-2031");
}

TEST_SUITE_END();
