#pragma once
// Dates, times of day and durations in TOML files, read with the strict table reader:
// each problem becomes a Diagnostic at the value's file:line:col.

#include "engine/base/toml_reader.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_of_day.hpp"

#include <optional>
#include <string_view>

namespace ritme {

// Converts a TOML local date.
Date to_date(const toml::date& date);

std::optional<Date> read_date(TomlTableReader& reader, std::string_view key, Presence presence = Presence::optional);
// "09:30" or a TOML time 09:30:00.
std::optional<TimeOfDay> read_time_of_day(TomlTableReader& reader, std::string_view key,
                                          Presence presence = Presence::optional);
// "09:00-12:00", the end after the start.
std::optional<TimeRange> read_time_range(TomlTableReader& reader, std::string_view key,
                                         Presence presence = Presence::optional);
// "15m", "1h", "1h30m".
std::optional<int> read_duration_minutes(TomlTableReader& reader, std::string_view key,
                                         Presence presence = Presence::optional);

}  // namespace ritme
