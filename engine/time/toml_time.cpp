#include "engine/time/toml_time.hpp"

#include "engine/base/text.hpp"
#include "engine/time/date_range.hpp"

#include <cstdio>

namespace ritme {

std::optional<Date> supported_date_of(const toml::date& date) {
    return supported_date(date.year, date.month, date.day);
}

std::string unsupported_date_message(std::string_view key, const toml::date& date) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", static_cast<int>(date.year), static_cast<int>(date.month),
                  static_cast<int>(date.day));
    return "`" + std::string(key) + " = " + text + "` is outside the dates ritme supports";
}

std::string unsupported_date_hint() {
    return "write a date from " + supported_dates_text() + " (check the year for a typo)";
}

std::optional<Date> read_date(TomlTableReader& reader, std::string_view key, Presence presence) {
    const toml::node* node = reader.find(key, presence);
    if (!node) return std::nullopt;
    if (auto value = node->as_date()) {
        if (auto date = supported_date_of(value->get())) return date;
        reader.error_at(key, unsupported_date_message(key, value->get()), unsupported_date_hint());
        return std::nullopt;
    }
    reader.report_wrong_type(key, *node, "a date", "2026-02-02", ", without quotes");
    return std::nullopt;
}

std::optional<TimeOfDay> read_time_of_day(TomlTableReader& reader, std::string_view key, Presence presence) {
    const toml::node* node = reader.find(key, presence);
    if (!node) return std::nullopt;
    if (auto text = node->as_string()) {
        if (auto time = TimeOfDay::parse(text->get())) return time;
    } else if (auto time = node->as_time()) {
        const auto& t = time->get();
        if (t.second == 0 && t.nanosecond == 0) return TimeOfDay::hm(t.hour, t.minute);
    }
    reader.report_wrong_type(key, *node, "a time of day", "\"09:30\"");
    return std::nullopt;
}

std::optional<TimeRange> read_time_range(TomlTableReader& reader, std::string_view key, Presence presence) {
    const toml::node* node = reader.find(key, presence);
    if (!node) return std::nullopt;
    if (auto text = node->as_string())
        if (auto range = TimeRange::parse(text->get())) return range;
    reader.report_wrong_type(key, *node, "a time range with the end after the start", "\"09:00-12:00\"");
    return std::nullopt;
}

std::optional<int> read_duration_minutes(TomlTableReader& reader, std::string_view key, Presence presence) {
    const toml::node* node = reader.find(key, presence);
    if (!node) return std::nullopt;
    if (auto text = node->as_string())
        if (auto minutes = parse_duration_minutes(text->get())) return minutes;
    reader.report_wrong_type(key, *node, "a duration", "\"15m\"", " (or \"1h\", \"1h30m\")");
    return std::nullopt;
}

}  // namespace ritme
