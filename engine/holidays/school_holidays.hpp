#pragma once
// School holidays per region, as shipped data: one TOML file per school year under
// config/holidays/ ("2025-2026.toml"). Each range says whether it is confirmed or still
// to be checked by a person.

#include "engine/base/diagnostic.hpp"
#include "engine/holidays/closure_rules.hpp"
#include "engine/time/instant.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// The holidays every Dutch school year has, in the order they fall.
inline constexpr std::array<std::string_view, 5> school_holiday_names{
    "herfstvakantie", "kerstvakantie", "voorjaarsvakantie", "meivakantie", "zomervakantie"};

struct SchoolHoliday {
    std::string name;  // one of school_holiday_names
    Region region = Region::noord;
    Date from;  // a Saturday
    Date to;    // a Sunday, inclusive
    bool confirmed = true;
    bool optional = false;  // a week schools may or may not take (the second May week)
    std::string school_year;  // "2025-2026"
    SourcePosition where;

    bool is_summer() const { return name == "zomervakantie"; }
    // "voorjaarsvakantie (noord)", "meivakantie, extra week (noord)"
    std::string label() const;
};

class SchoolHolidayTable {
public:
    // Reads every *.toml file in `directory`; problems go to `diagnostics`. A file with
    // errors contributes nothing.
    static SchoolHolidayTable load_directory(const std::string& directory, Diagnostics& diagnostics);
    static SchoolHolidayTable load_text(std::string_view toml_text, const std::string& source_name,
                                        Diagnostics& diagnostics);

    void merge(SchoolHolidayTable other);

    const std::vector<SchoolHoliday>& holidays() const { return holidays_; }
    std::vector<const SchoolHoliday*> for_region(Region region) const;
    // Holidays of the region overlapping [from, to], in date order.
    std::vector<const SchoolHoliday*> overlapping(Region region, Date from, Date to) const;

    // A school year "Y-(Y+1)" is known from 1 September Y to 31 August Y+1; outside
    // the loaded years a date may fall in a holiday nobody told ritme about.
    bool covers(Date date) const;
    // The first date in [from, to] that no loaded school year covers.
    std::optional<Date> first_uncovered(Date from, Date to) const;
    const std::vector<int>& school_years() const { return first_years_; }  // Y of each "Y-(Y+1)"

private:
    std::vector<SchoolHoliday> holidays_;
    std::vector<int> first_years_;  // sorted
};

}  // namespace ritme
