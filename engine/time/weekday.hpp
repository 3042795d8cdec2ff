#pragma once
// Days of the week, ISO order (Monday first), and their names in programme files.

#include <boost/date_time/gregorian/gregorian_types.hpp>

#include <array>
#include <optional>
#include <string_view>

namespace ritme {

enum class Weekday { monday, tuesday, wednesday, thursday, friday, saturday, sunday };

inline constexpr std::array<Weekday, 7> all_weekdays{Weekday::monday,   Weekday::tuesday, Weekday::wednesday,
                                                     Weekday::thursday, Weekday::friday,  Weekday::saturday,
                                                     Weekday::sunday};
inline constexpr std::array<std::string_view, 7> weekday_names{"monday", "tuesday",  "wednesday", "thursday",
                                                               "friday", "saturday", "sunday"};

constexpr int index_of(Weekday day) { return static_cast<int>(day); }
constexpr std::string_view name_of(Weekday day) { return weekday_names[index_of(day)]; }
std::string_view dutch_name_of(Weekday day);        // "dinsdag"
std::string_view dutch_abbreviation_of(Weekday day);  // "di"
std::string_view english_abbreviation_of(Weekday day);  // "Tue": for terminal output

// English or Dutch names, any case: "tuesday", "Dinsdag".
std::optional<Weekday> parse_weekday(std::string_view text);

Weekday weekday_of(boost::gregorian::date date);
// The Monday of the ISO week that holds `date`.
boost::gregorian::date monday_of(boost::gregorian::date date);

}  // namespace ritme
