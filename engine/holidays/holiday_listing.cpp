#include "engine/holidays/holiday_listing.hpp"

#include "engine/holidays/public_holidays.hpp"
#include "engine/time/weekday.hpp"

#include <algorithm>
#include <sstream>

namespace ritme {

std::vector<HolidayEntry> list_holidays(int year, std::optional<Region> region, const SchoolHolidayTable& table) {
    std::vector<HolidayEntry> entries;
    for (const auto& holiday : public_holidays(year))
        entries.push_back({holiday.date, holiday.date, std::string(holiday.name), false, true});
    if (region) {
        const auto y = static_cast<unsigned short>(year);
        for (const SchoolHoliday* holiday : table.overlapping(*region, Date(y, 1, 1), Date(y, 12, 31)))
            entries.push_back({holiday->from, holiday->to, holiday->label(), true, holiday->confirmed});
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const HolidayEntry& a, const HolidayEntry& b) { return a.from < b.from; });
    return entries;
}

std::string holidays_text(const std::vector<HolidayEntry>& entries) {
    std::ostringstream out;
    for (const auto& entry : entries) {
        std::string when = iso_date(entry.from) + " " + std::string(dutch_abbreviation_of(weekday_of(entry.from)));
        if (entry.school) when += " - " + iso_date(entry.to);
        when.resize(std::max<size_t>(when.size(), 27), ' ');
        out << when << "  " << (entry.school ? "school  " : "public  ") << entry.name
            << (entry.confirmed ? "" : "  (to be checked)") << "\n";
    }
    return out.str();
}

nlohmann::json holidays_json(const std::vector<HolidayEntry>& entries) {
    auto list = nlohmann::json::array();
    for (const auto& entry : entries) {
        nlohmann::json item;
        if (entry.school) {
            item["from"] = iso_date(entry.from);
            item["to"] = iso_date(entry.to);
        } else {
            item["date"] = iso_date(entry.from);
        }
        item["name"] = entry.name;
        item["kind"] = entry.school ? "school" : "public";
        item["confirmed"] = entry.confirmed;
        list.push_back(std::move(item));
    }
    return list;
}

}  // namespace ritme
