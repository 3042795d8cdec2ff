#pragma once
// `ritme holidays YEAR`: the public holidays of a year and, for a region, its school
// holidays, as text or JSON.

#include "engine/holidays/closure_rules.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/time/instant.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ritme {

struct HolidayEntry {
    Date from;
    Date to;  // == from for a single day
    std::string name;
    bool school = false;  // else a public holiday
    bool confirmed = true;
};

// Public holidays of `year`, each once; with a region also the school holidays that
// overlap the year. In date order.
std::vector<HolidayEntry> list_holidays(int year, std::optional<Region> region, const SchoolHolidayTable& table);

std::string holidays_text(const std::vector<HolidayEntry>& entries);
// [{"date"|"from","to", "name", "kind": "public"|"school", "confirmed": bool}]
nlohmann::json holidays_json(const std::vector<HolidayEntry>& entries);

}  // namespace ritme
