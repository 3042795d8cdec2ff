#pragma once
// Internal to engine/time (time_zone.cpp and its test): the rule a zone follows after
// its TZif table ends.

#include "engine/time/time_zone.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace ritme {

// The POSIX TZ rule of a TZif footer, "CET-1CEST,M3.5.0,M10.5.0/3": what a zone does
// after its table ends. POSIX counts offsets west of UTC as positive; the Observances
// here are east-positive like every other offset in ritme.
class PosixTzRule {
public:
    // Throws TimeZoneError saying what in `text` cannot be read.
    static PosixTzRule parse(std::string_view text);

    const Observance& standard() const { return standard_; }
    const std::optional<Observance>& daylight() const { return daylight_; }  // empty without DST

    struct Change {
        UtcInstant at;
        bool to_daylight = false;
    };
    // The changes the rule makes on dates of `year` (local dates; with a large or
    // negative time the instant may fall in the next or previous year), in time order.
    std::vector<Change> changes_in(int year) const;
    const Observance& observance_at(UtcInstant instant) const;

    // Where a change falls: a local date in a year, and a local time on it.
    struct ChangeDate {
        enum class Form { julian_no_leap_day, zero_based_day, month_week_weekday };
        Form form = Form::month_week_weekday;
        int day = 0;                          // Jn: 1..365, Feb 29 not counted; n: 0..365
        int month = 0, week = 0, weekday = 0;  // Mm.w.d: week 5 is the last, weekday 0 Sunday
        int time_seconds = 2 * 3600;           // in the observance before the change; -167h..167h

        Date date_in(int year) const;
    };

private:
    Observance standard_;
    std::optional<Observance> daylight_;
    ChangeDate daylight_start_, daylight_end_;
};

}  // namespace ritme
