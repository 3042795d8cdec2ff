#pragma once
// Dates, times of day and durations in TOML files, read with the strict table reader:
// each problem becomes a Diagnostic at the value's file:line:col.

#include "engine/base/toml_reader.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_of_day.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// Converts a TOML local date; nothing when it is outside the supported dates
// (date_range.hpp). TOML itself accepts any year from 0000 to 9999.
std::optional<Date> supported_date_of(const toml::date& date);
// "`start = 1026-02-02` is outside the dates ritme supports" and its hint, for a date
// supported_date_of refused.
std::string unsupported_date_message(std::string_view key, const toml::date& date);
std::string unsupported_date_hint();

// A date, checked against the supported dates.
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
