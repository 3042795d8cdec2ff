#include "engine/time/weekday.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace ritme {
namespace {
constexpr std::array<std::string_view, 7> dutch_names{"maandag", "dinsdag",  "woensdag", "donderdag",
                                                      "vrijdag", "zaterdag", "zondag"};
constexpr std::array<std::string_view, 7> dutch_abbreviations{"ma", "di", "wo", "do", "vr", "za", "zo"};
}  // namespace

std::string_view dutch_name_of(Weekday day) { return dutch_names[index_of(day)]; }
std::string_view dutch_abbreviation_of(Weekday day) { return dutch_abbreviations[index_of(day)]; }

std::optional<Weekday> parse_weekday(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (size_t i = 0; i < 7; ++i)
        if (lower == weekday_names[i] || lower == dutch_names[i]) return all_weekdays[i];
    return std::nullopt;
}

Weekday weekday_of(boost::gregorian::date date) {
    // Boost counts from Sunday = 0.
    int boost_day = date.day_of_week().as_number();
    return all_weekdays[(boost_day + 6) % 7];
}

boost::gregorian::date monday_of(boost::gregorian::date date) {
    return date - boost::gregorian::days(index_of(weekday_of(date)));
}

std::string_view english_abbreviation_of(Weekday day) {
    static constexpr std::array<std::string_view, 7> abbreviations{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    return abbreviations[index_of(day)];
}

}  // namespace ritme
