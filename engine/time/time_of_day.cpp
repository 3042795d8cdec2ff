#include "engine/time/time_of_day.hpp"

#include "engine/base/text.hpp"

#include <cctype>
#include <cstdio>

namespace ritme {
namespace {

// Reads a run of digits starting at `pos`; returns the value and advances `pos`.
std::optional<int> read_number(std::string_view s, size_t& pos, size_t max_digits) {
    size_t begin = pos;
    int value = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])) && pos - begin < max_digits) {
        value = value * 10 + (s[pos] - '0');
        ++pos;
    }
    if (pos == begin) return std::nullopt;
    return value;
}

}  // namespace

std::optional<TimeOfDay> TimeOfDay::parse(std::string_view text) {
    text = trim(text);
    size_t pos = 0;
    auto hours = read_number(text, pos, 2);
    if (!hours || pos >= text.size() || text[pos] != ':') return std::nullopt;
    ++pos;
    size_t minute_start = pos;
    auto minutes = read_number(text, pos, 2);
    if (!minutes || pos - minute_start != 2 || pos != text.size()) return std::nullopt;
    if (*minutes > 59 || *hours > 24 || (*hours == 24 && *minutes != 0)) return std::nullopt;
    return TimeOfDay::hm(*hours, *minutes);
}

std::string TimeOfDay::str() const {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%02d:%02d", hour(), minute());
    return buffer;
}

std::optional<TimeRange> TimeRange::parse(std::string_view text) {
    text = trim(text);
    // Leads type "09:00-12:00", "09:00 - 12:00" or paste "09:00–12:00" (en dash).
    size_t dash = text.find('-');
    size_t dash_length = 1;
    if (dash == std::string_view::npos) {
        dash = text.find("\u2013");
        dash_length = 3;
    }
    if (dash == std::string_view::npos) return std::nullopt;
    auto start = TimeOfDay::parse(text.substr(0, dash));
    auto end = TimeOfDay::parse(text.substr(dash + dash_length));
    if (!start || !end || !(*start < *end)) return std::nullopt;
    return TimeRange{*start, *end};
}

std::string TimeRange::str() const { return start.str() + "-" + end.str(); }

std::optional<int> parse_duration_minutes(std::string_view text) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    size_t pos = 0;
    int total = 0;
    bool seen_hours = false, seen_minutes = false;
    while (pos < text.size()) {
        auto number = read_number(text, pos, 5);
        if (!number || pos >= text.size()) return std::nullopt;
        char unit = text[pos++];
        if (unit == 'h' && !seen_hours && !seen_minutes) {
            total += *number * 60;
            seen_hours = true;
        } else if (unit == 'm' && !seen_minutes) {
            total += *number;
            seen_minutes = true;
        } else {
            return std::nullopt;
        }
    }
    return total;
}

std::string format_duration_minutes(int minutes) {
    if (minutes % 60 == 0 && minutes != 0) return std::to_string(minutes / 60) + "h";
    if (minutes > 60) return std::to_string(minutes / 60) + "h" + std::to_string(minutes % 60) + "m";
    return std::to_string(minutes) + "m";
}

}  // namespace ritme
