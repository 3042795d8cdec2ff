#include "engine/programme/reminder_rules.hpp"

#include "engine/base/text.hpp"
#include "engine/time/time_zone.hpp"

#include <cctype>

namespace ritme {
namespace {

namespace pt = boost::posix_time;

constexpr int max_offset_days = 365;
constexpr int max_offset_minutes = max_offset_days * 24 * 60;
constexpr std::string_view offset_examples = "write it like \"1d@18:00\", \"2h\", \"30m\" or \"1h30m\"";

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// A local time on a date, converted the way session times are.
UtcInstant local_instant(const TimeZone& zone, Date date, TimeOfDay time) {
    return *zone.to_utc({date, time}, session_time_policy).instant;
}

// The first and the last instant the clocks show `time` on `date`: the same instant
// unless the time happens twice (the autumn night). A time the clocks skip (the spring
// night) is passed at one instant, when the clocks jump over it: both are that instant.
struct LocalTimeInstants {
    UtcInstant first;
    UtcInstant last;
};

LocalTimeInstants instants_of(const TimeZone& zone, Date date, TimeOfDay time) {
    const LocalDateTime local{date, time};
    const UtcConversion earlier = zone.to_utc(local, {GapPolicy::reject, OverlapPolicy::earlier});
    if (earlier.kind == LocalTimeKind::unique) return {*earlier.instant, *earlier.instant};
    if (earlier.kind == LocalTimeKind::ambiguous)
        return {*earlier.instant, *zone.to_utc(local, {GapPolicy::reject, OverlapPolicy::later}).instant};
    // In the gap: shifted forward, the time lies after the jump, which is the last change before it.
    const UtcInstant shifted = *zone.to_utc(local, {GapPolicy::shift_forward, OverlapPolicy::earlier}).instant;
    const auto changes = zone.transitions({shifted.utc - pt::hours(24)}, {shifted.utc + pt::seconds(1)});
    const UtcInstant jump = changes.empty() ? shifted : changes.back().at;
    return {jump, jump};
}

}  // namespace

std::optional<ReminderOffset> ReminderOffset::parse(std::string_view text, std::string& why) {
    const std::string_view typed = text;
    text = trim(text);
    if (text.empty()) {
        why = "an offset cannot be empty; " + std::string(offset_examples);
        return std::nullopt;
    }
    ReminderOffset offset;
    constexpr std::string_view units = "dhm";  // in this order, each at most once
    size_t next_unit = 0;
    int hours = 0, minutes = 0;
    size_t pos = 0;
    while (pos < text.size()) {
        if (text[pos] == '@') {
            if (next_unit != 1) {
                why = "@ comes after a number of days, as in \"1d@18:00\" (the day before at 18:00)";
                return std::nullopt;
            }
            const std::string_view time_text = text.substr(pos + 1);
            const auto time = TimeOfDay::parse(time_text);
            if (!time || time->minutes() >= 24 * 60) {
                why = quoted(time_text) + " after @ is not a time of day; write it like \"1d@18:00\"";
                return std::nullopt;
            }
            offset.at = *time;
            pos = text.size();
            break;
        }
        const size_t number_begin = pos;
        long value = 0;
        for (; pos < text.size() && is_digit(text[pos]); ++pos)
            if (value <= max_offset_minutes) value = value * 10 + (text[pos] - '0');
        if (pos == number_begin) {
            why = "expected a number where " + quoted(text.substr(pos)) + " begins; " + std::string(offset_examples);
            return std::nullopt;
        }
        if (pos == text.size()) {
            why = "the number " + std::string(text.substr(number_begin)) +
                  " has no unit; add d (days), h (hours) or m (minutes)";
            return std::nullopt;
        }
        const char unit = static_cast<char>(std::tolower(static_cast<unsigned char>(text[pos++])));
        const size_t unit_index = units.find(unit);
        if (unit_index == std::string_view::npos) {
            why = "unknown unit \"" + std::string(1, text[pos - 1]) + "\"; use d (days), h (hours) or m (minutes)";
            return std::nullopt;
        }
        if (unit_index < next_unit) {
            why = "write days, hours and minutes in that order, each once, as in \"1d2h\" or \"1h30m\"";
            return std::nullopt;
        }
        next_unit = unit_index + 1;
        if (value > max_offset_minutes) value = max_offset_minutes + 1;  // too long: reported below
        (unit == 'd' ? offset.days : unit == 'h' ? hours : minutes) = static_cast<int>(value);
    }
    if (offset.days > max_offset_days) {
        why = "more than " + std::to_string(max_offset_days) + " days before is not a reminder";
        return std::nullopt;
    }
    const long total_minutes = static_cast<long>(hours) * 60 + minutes;
    if (total_minutes + offset.days * 24L * 60 > max_offset_minutes) {
        why = "more than " + std::to_string(max_offset_days) + " days before is not a reminder";
        return std::nullopt;
    }
    offset.minutes = static_cast<int>(total_minutes);
    if (!offset.at && offset.days == 0 && offset.minutes == 0) {
        why = quoted(trim(typed)) + " is the start itself; a reminder comes before it, e.g. \"2h\"";
        return std::nullopt;
    }
    return offset;
}

std::string ReminderOffset::str() const {
    std::string out;
    if (days > 0 || at) out += std::to_string(days) + "d";
    if (at) return out + "@" + at->str();
    if (minutes >= 60) out += std::to_string(minutes / 60) + "h";
    if (minutes % 60 != 0) out += std::to_string(minutes % 60) + "m";
    return out.empty() ? "0m" : out;
}

UtcInstant ReminderOffset::due_for(UtcInstant start, const TimeZone& zone) const {
    // On the start's own date its instant is kept as it is: converting its local time
    // back would move a start in the second pass of an autumn hour to the first.
    if (days == 0 && !at) return {start.utc - pt::minutes(minutes)};
    const LocalDateTime local = zone.to_local(start);
    const Date date = local.date - boost::gregorian::days(days);
    if (at) return local_instant(zone, date, *at);
    return {local_instant(zone, date, local.time).utc - pt::minutes(minutes)};
}

std::optional<QuietHours> QuietHours::parse(std::string_view text, std::string& why) {
    text = trim(text);
    if (text.empty() || lower(text) == "none") return QuietHours{TimeOfDay{}, TimeOfDay{}};
    const size_t dash = text.find('-');
    const auto start = dash == std::string_view::npos ? std::nullopt : TimeOfDay::parse(text.substr(0, dash));
    const auto end = dash == std::string_view::npos ? std::nullopt : TimeOfDay::parse(text.substr(dash + 1));
    if (!start || !end) {
        why = quoted(text) + " is not a span of time; write it like \"21:00-08:00\", or \"none\"";
        return std::nullopt;
    }
    // 24:00 and 00:00 are the same moment of a day.
    auto wrapped = [](TimeOfDay time) { return TimeOfDay::from_minutes(time.minutes() % (24 * 60)); };
    QuietHours quiet{wrapped(*start), wrapped(*end)};
    if (quiet.empty()) {
        why = *start == *end ? quoted(text) + " starts and ends at the same time; write \"none\" for no quiet hours"
                             : quoted(text) + " is the whole day, so an SMS could never go out";
        return std::nullopt;
    }
    return quiet;
}

std::string QuietHours::str() const { return empty() ? "none" : start.str() + "-" + end.str(); }

bool QuietHours::contains(TimeOfDay time) const {
    if (empty()) return false;
    if (start < end) return start <= time && time < end;
    return start <= time || time < end;  // past midnight
}

UtcInstant QuietHours::last_moment_before(UtcInstant instant, const TimeZone& zone) const {
    const LocalDateTime local = zone.to_local(instant);
    if (!contains(local.time)) return instant;
    const bool began_yesterday = end < start && local.time < end;
    const Date date = began_yesterday ? local.date - boost::gregorian::days(1) : local.date;
    // The latest moment at or before `instant` that the clocks showed the start.
    const auto began = instants_of(zone, date, start);
    const UtcInstant begin = began.last.utc <= instant.utc ? began.last : began.first;
    return {begin.utc - pt::minutes(1)};
}

UtcInstant QuietHours::end_of(UtcInstant instant, const TimeZone& zone) const {
    const LocalDateTime local = zone.to_local(instant);
    if (!contains(local.time)) return instant;
    const bool ends_tomorrow = end < start && start <= local.time;
    const Date date = ends_tomorrow ? local.date + boost::gregorian::days(1) : local.date;
    // The first moment at or after `instant` that the clocks show the end.
    const auto ends = instants_of(zone, date, end);
    return ends.first.utc >= instant.utc ? ends.first : ends.last;
}

ReminderRules ReminderRules::defaults() {
    const std::vector<ReminderOffset> offsets{{1, TimeOfDay::hm(18, 0), 0}, {0, std::nullopt, 120}};
    return {offsets, offsets, QuietHours{}, 30, 360};
}

}  // namespace ritme
