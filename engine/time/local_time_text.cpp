#include "engine/time/local_time_text.hpp"

#include "engine/base/text.hpp"
#include "engine/time/date_range.hpp"
#include "engine/time/time_zone.hpp"
#include "engine/time/weekday.hpp"

#include <charconv>
#include <cstdio>

namespace ritme {

namespace {

constexpr int max_offset_hours = 18;

std::optional<int> number(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

std::optional<Date> parse_local_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto year = number(text.substr(0, 4)), month = number(text.substr(5, 2)), day = number(text.substr(8, 2));
    if (!year || !month || !day) return std::nullopt;
    return supported_date(*year, *month, *day);
}

std::optional<LocalDateTime> parse_local_date_time(std::string_view text) {
    const auto date = parse_local_date(text.substr(0, 10));
    if (!date) return std::nullopt;
    if (text.size() == 10) return LocalDateTime{*date, TimeOfDay{}};
    if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
    std::string_view time = text.substr(11);
    if (time.size() == 8 && time.substr(5) == ":00") time = time.substr(0, 5);  // seconds, when zero
    const auto parsed = TimeOfDay::parse(time);
    if (!parsed || parsed->minutes() >= 24 * 60) return std::nullopt;
    return LocalDateTime{*date, *parsed};
}

std::optional<LocalDateTime> parse_local_date_and_time(std::string_view text) {
    text = trim(text);
    if (text.size() <= 10) return std::nullopt;
    return parse_local_date_time(text);
}

std::optional<UtcInstant> parse_instant(std::string_view text, const TimeZone& zone) {
    // A trailing "Z" or "+HH:MM"/"-HH:MM" makes it an instant rather than local time.
    int offset_minutes = 0;
    bool has_offset = false;
    if (!text.empty() && text.back() == 'Z') {
        has_offset = true;
        text.remove_suffix(1);
    } else if (text.size() > 16 && (text[text.size() - 6] == '+' || text[text.size() - 6] == '-') &&
               text[text.size() - 3] == ':') {
        const auto hours = number(text.substr(text.size() - 5, 2)), minutes = number(text.substr(text.size() - 2));
        // UTC offsets in use run from -12:00 to +14:00; ISO 8601 allows up to 18 hours.
        if (!hours || !minutes || *hours < 0 || *hours > max_offset_hours || *minutes < 0 || *minutes > 59)
            return std::nullopt;
        offset_minutes = (*hours * 60 + *minutes) * (text[text.size() - 6] == '-' ? -1 : 1);
        has_offset = true;
        text.remove_suffix(6);
    }
    const auto local = parse_local_date_time(text);
    if (!local) return std::nullopt;
    if (!has_offset) return zone.to_utc(*local, session_time_policy).instant;
    UtcInstant instant{boost::posix_time::ptime(local->date, boost::posix_time::minutes(local->time.minutes()))};
    instant.utc -= boost::posix_time::minutes(offset_minutes);
    return instant;
}

std::string day_and_date(Date date) {
    return std::string(english_abbreviation_of(weekday_of(date))) + " " + iso_date(date);
}

Phrase day_and_date_phrase(Date date) {
    const Weekday day = weekday_of(date);
    return Phrase::said_by([day, date](Language language) {
        return std::string(language == Language::nl ? dutch_abbreviation_of(day) : english_abbreviation_of(day)) +
               " " + iso_date(date);
    });
}

Phrase weekday_phrase(Weekday day) {
    switch (day) {
        case Weekday::monday: return phrase("monday");
        case Weekday::tuesday: return phrase("tuesday");
        case Weekday::wednesday: return phrase("wednesday");
        case Weekday::thursday: return phrase("thursday");
        case Weekday::friday: return phrase("friday");
        case Weekday::saturday: return phrase("saturday");
        case Weekday::sunday: return phrase("sunday");
    }
    return phrase("monday");
}

std::string iso_with_offset(UtcInstant instant, const TimeZone& zone) {
    const LocalDateTime local = zone.to_local(instant);
    const int offset = zone.utc_offset_minutes(instant);
    const int seconds = static_cast<int>(instant.utc.time_of_day().seconds());
    char text[40];
    std::snprintf(text, sizeof text, "%sT%s:%02d%c%02d:%02d", iso_date(local.date).c_str(), local.time.str().c_str(),
                  seconds, offset < 0 ? '-' : '+', std::abs(offset) / 60, std::abs(offset) % 60);
    return text;
}

}  // namespace ritme
