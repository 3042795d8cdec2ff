#include "engine/programme/programme.hpp"

#include <algorithm>

namespace ritme {

std::string_view name_of(HolidayMode mode) { return mode == HolidayMode::skip ? "skip" : "extend"; }

std::string Slot::label() const {
    return "slot " + std::to_string(number) + " (" + std::string(name_of(day)) + " " + time.str() + ")";
}

SchoolHours SchoolHours::dutch_default() {
    SchoolHours hours;
    const auto full_day = TimeRange{TimeOfDay::hm(9, 0), TimeOfDay::hm(13, 45)};
    hours.window[index_of(Weekday::monday)] = full_day;
    hours.window[index_of(Weekday::tuesday)] = full_day;
    hours.window[index_of(Weekday::wednesday)] = TimeRange{TimeOfDay::hm(9, 0), TimeOfDay::hm(11, 30)};
    hours.window[index_of(Weekday::thursday)] = full_day;
    hours.window[index_of(Weekday::friday)] = TimeRange{TimeOfDay::hm(9, 0), TimeOfDay::hm(11, 15)};
    return hours;
}

const Location* Programme::find_location(std::string_view key) const {
    for (const auto& location : locations)
        if (location.key == key) return &location;
    return nullptr;
}

std::string Programme::location_name(std::string_view key) const {
    const Location* location = find_location(key);
    return location ? location->name : std::string(key);
}

std::vector<const Slot*> Programme::slots_in_week_order() const {
    std::vector<const Slot*> ordered;
    for (const auto& slot : slots) ordered.push_back(&slot);
    std::stable_sort(ordered.begin(), ordered.end(), [](const Slot* a, const Slot* b) {
        if (a->day != b->day) return index_of(a->day) < index_of(b->day);
        return a->time.start < b->time.start;
    });
    return ordered;
}

Date calendar_window_end(const Programme& programme) {
    const int weeks = programme.on_holiday == HolidayMode::extend ? programme.weeks * extend_limit_factor
                                                                  : programme.weeks;
    return programme.start + boost::gregorian::days(7 * weeks - 1);
}

}  // namespace ritme
