#include "engine/time/posix_tz_rule.hpp"

#include "engine/time/unix_seconds.hpp"

#include <cctype>
#include <string>

namespace ritme {
namespace {

namespace g = boost::gregorian;

class RuleReader {
public:
    explicit RuleReader(std::string_view text) : text_(text) {}

    bool at_end() const { return pos_ == text_.size(); }
    bool skip(char c) {
        if (pos_ == text_.size() || text_[pos_] != c) return false;
        ++pos_;
        return true;
    }
    void expect(char c, const std::string& what) {
        if (!skip(c)) fail("expected " + what);
    }

    // Three or more letters, or three or more characters between '<' and '>'.
    std::string abbreviation() {
        const bool quoted = skip('<');
        const size_t begin = pos_;
        auto inside = [&](char c) { return quoted ? c != '>' : std::isalpha(static_cast<unsigned char>(c)) != 0; };
        while (pos_ < text_.size() && inside(text_[pos_])) ++pos_;
        std::string name(text_.substr(begin, pos_ - begin));
        if (quoted) expect('>', "'>' after the abbreviation");
        if (name.size() < 3) fail("expected an abbreviation of three or more characters");
        return name;
    }

    // "[+-]hh[:mm[:ss]]" in seconds, with at most `max_hours` hours.
    int signed_duration(int max_hours) {
        const int sign = skip('-') ? -1 : 1;
        if (sign > 0) skip('+');
        int seconds = number(0, max_hours, "hours") * 3600;
        if (skip(':')) {
            seconds += number(0, 59, "minutes") * 60;
            if (skip(':')) seconds += number(0, 59, "seconds");
        }
        return sign * seconds;
    }

    int number(int min, int max, const std::string& what) {
        const size_t begin = pos_;
        int value = 0;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
            value = value * 10 + (text_[pos_++] - '0');
            if (value > max) break;
        }
        if (pos_ == begin || value < min || value > max)
            fail("expected " + what + " from " + std::to_string(min) + " to " + std::to_string(max));
        return value;
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw TimeZoneError("the TZ rule \"" + std::string(text_) + "\" cannot be read: " + what + " at character " +
                            std::to_string(pos_ + 1));
    }

private:
    std::string_view text_;
    size_t pos_ = 0;
};

PosixTzRule::ChangeDate read_change_date(RuleReader& in) {
    using Form = PosixTzRule::ChangeDate::Form;
    PosixTzRule::ChangeDate date;
    if (in.skip('M')) {
        date.form = Form::month_week_weekday;
        date.month = in.number(1, 12, "a month");
        in.expect('.', "'.' and a week");
        date.week = in.number(1, 5, "a week");
        in.expect('.', "'.' and a weekday");
        date.weekday = in.number(0, 6, "a weekday");
    } else if (in.skip('J')) {
        date.form = Form::julian_no_leap_day;
        date.day = in.number(1, 365, "a day of the year");
    } else {
        date.form = Form::zero_based_day;
        date.day = in.number(0, 365, "a day of the year");
    }
    // RFC 8536 widens POSIX's 0..24 hours to -167..167, e.g. "M3.4.4/50" for Saturday 02:00.
    if (in.skip('/')) date.time_seconds = in.signed_duration(167);
    return date;
}

int64_t local_seconds(const PosixTzRule::ChangeDate& date, int year) {
    return unix_seconds(date.date_in(year)) + date.time_seconds;
}

}  // namespace

PosixTzRule PosixTzRule::parse(std::string_view text) {
    RuleReader in(text);
    PosixTzRule rule;
    rule.standard_.abbreviation = in.abbreviation();
    rule.standard_.utc_offset_seconds = -in.signed_duration(24);  // POSIX counts west of UTC
    if (in.at_end()) return rule;
    Observance daylight{rule.standard_.utc_offset_seconds + 3600, true, in.abbreviation()};
    if (!in.skip(',')) {
        if (!in.at_end()) daylight.utc_offset_seconds = -in.signed_duration(24);
        in.expect(',', "',' and the dates daylight time starts and ends");
    }
    rule.daylight_start_ = read_change_date(in);
    in.expect(',', "',' and the date daylight time ends");
    rule.daylight_end_ = read_change_date(in);
    if (!in.at_end()) in.fail("unexpected text");
    rule.daylight_ = std::move(daylight);
    return rule;
}

Date PosixTzRule::ChangeDate::date_in(int year) const {
    const Date new_year = make_date(year, 1, 1);
    switch (form) {
        case Form::julian_no_leap_day: {
            // Jn never counts February 29, so from March on a leap year is a day further.
            const bool leap_year = g::gregorian_calendar::is_leap_year(static_cast<unsigned short>(year));
            const bool after_leap_day = leap_year && day >= 60;
            return new_year + g::days(day - 1 + (after_leap_day ? 1 : 0));
        }
        case Form::zero_based_day: return new_year + g::days(day);
        case Form::month_week_weekday: break;
    }
    const g::greg_weekday kday(static_cast<unsigned short>(weekday));
    const g::greg_month in_month(static_cast<unsigned short>(month));
    if (week == 5) return g::last_kday_of_month(kday, in_month).get_date(year);
    return g::nth_kday_of_month(static_cast<g::nth_kday_of_month::week_num>(week), kday, in_month).get_date(year);
}

std::vector<PosixTzRule::Change> PosixTzRule::changes_in(int year) const {
    if (!daylight_) return {};
    // Each change time is the wall time of the observance it ends.
    const Change start{from_unix_seconds(local_seconds(daylight_start_, year) - standard_.utc_offset_seconds), true};
    const Change end{from_unix_seconds(local_seconds(daylight_end_, year) - daylight_->utc_offset_seconds), false};
    if (end.at < start.at) return {end, start};  // southern hemisphere, or Dublin's winter "DST"
    return {start, end};
}

const Observance& PosixTzRule::observance_at(UtcInstant instant) const {
    if (!daylight_) return standard_;
    // The last change at or before the instant. A change dated late in one year may fall
    // in the next, so the neighbouring years count too; their changes come in time order,
    // and of two at one instant (DST all year: it ends and restarts at New Year) the later wins.
    const int year = year_of(instant.utc.date());
    const Observance* current = &standard_;
    for (int y = year - 1; y <= year + 1; ++y)
        for (const Change& change : changes_in(y))
            if (!(instant < change.at)) current = change.to_daylight ? &*daylight_ : &standard_;
    return *current;
}

}  // namespace ritme
