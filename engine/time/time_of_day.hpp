#pragma once
// Wall-clock times of day and ranges of them, as leads write them ("09:30",
// "09:00-12:00", "15m"). These are local by nature: they carry no date and no zone.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// Minutes since local midnight, 0..1440.
class TimeOfDay {
public:
    constexpr TimeOfDay() = default;
    static constexpr TimeOfDay from_minutes(int minutes) { return TimeOfDay(minutes); }
    static constexpr TimeOfDay hm(int hours, int minutes) { return TimeOfDay(hours * 60 + minutes); }

    // Accepts "H:MM" and "HH:MM" from 00:00 to 24:00.
    static std::optional<TimeOfDay> parse(std::string_view text);

    constexpr int minutes() const { return minutes_; }
    constexpr int hour() const { return minutes_ / 60; }
    constexpr int minute() const { return minutes_ % 60; }
    std::string str() const;  // "HH:MM"

    constexpr auto operator<=>(const TimeOfDay&) const = default;

private:
    constexpr explicit TimeOfDay(int minutes) : minutes_(minutes) {}
    int minutes_ = 0;
};

// A half-open range of times on one day, [start, end).
struct TimeRange {
    TimeOfDay start;
    TimeOfDay end;

    // Accepts "09:00-12:00" (spaces and an en dash are tolerated); end must be after start.
    static std::optional<TimeRange> parse(std::string_view text);

    int length_minutes() const { return end.minutes() - start.minutes(); }
    bool overlaps(const TimeRange& other) const { return start < other.end && other.start < end; }
    std::string str() const;  // "09:00-12:00"

    auto operator<=>(const TimeRange&) const = default;
};

// A span of minutes as leads write it: "15m", "1h", "1h30m", "90m".
std::optional<int> parse_duration_minutes(std::string_view text);
std::string format_duration_minutes(int minutes);  // "15m", "1h", "1h30m"

}  // namespace ritme
