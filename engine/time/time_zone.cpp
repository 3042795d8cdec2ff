#include "engine/time/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace ritme {
namespace g = boost::gregorian;
namespace pt = boost::posix_time;

// The parts of a TZif file ritme uses: the 64-bit data block and the footer.
struct TzifContents {
    std::vector<int64_t> times;     // transitions, UTC seconds, ascending
    std::vector<int> type_of;       // per transition: index into types
    std::vector<Observance> types;  // the first is in effect before the first transition
    std::string footer;             // the POSIX TZ string
};

namespace {

constexpr int64_t seconds_per_day = 86400;
const Date epoch_date(1970, 1, 1);
const pt::ptime epoch(epoch_date);

int64_t seconds_of(UtcInstant instant) { return (instant.utc - epoch).total_seconds(); }
UtcInstant instant_of(int64_t seconds) { return {epoch + pt::seconds(seconds)}; }
int64_t seconds_of(Date date) {
    return (static_cast<int64_t>(date.day_number()) - static_cast<int64_t>(epoch_date.day_number())) * seconds_per_day;
}

// Changes between 1900 and 2200 are found through buckets of 2^22 s (about 49 days),
// each holding the index of its first change: the clocks change at most a few times in
// such a span, so a look-up is a shift and a step or two. The footer rule is written
// into the table up to the end of that range.
constexpr int64_t index_begin = -2208988800;  // 1900-01-01T00:00:00Z
constexpr int64_t index_end = 7258118400;     // 2200-01-01T00:00:00Z
constexpr int last_expanded_year = 2199;
constexpr int bucket_shift = 22;

// ---- the POSIX TZ rule ----------------------------------------------------------------

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
    return seconds_of(date.date_in(year)) + date.time_seconds;
}

// ---- the TZif file (RFC 8536) -----------------------------------------------------------

// The file is not TZif at all, or is damaged.
struct NotTzif : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A valid TZif file with something ritme does not handle.
struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ByteReader {
public:
    explicit ByteReader(std::string_view data) : data_(data) {}

    std::string_view take(size_t n) {
        if (n > data_.size() - pos_) throw NotTzif("it ends early");
        const std::string_view bytes = data_.substr(pos_, n);
        pos_ += n;
        return bytes;
    }
    std::string_view rest() { return take(data_.size() - pos_); }

private:
    std::string_view data_;
    size_t pos_ = 0;
};

// Big-endian two's complement, as TZif stores its numbers.
int64_t big_endian(std::string_view bytes) {
    uint64_t value = 0;
    for (char c : bytes) value = value << 8 | static_cast<unsigned char>(c);
    const unsigned bits = static_cast<unsigned>(bytes.size() * 8);
    if (bits < 64 && (value >> (bits - 1)) != 0) value |= ~uint64_t{0} << bits;  // sign-extend
    return static_cast<int64_t>(value);
}

struct TzifHeader {
    char version = 0;
    size_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

    // The size of the data block after this header, with `time_size`-byte times.
    size_t block_size(size_t time_size) const {
        return timecnt * (time_size + 1) + typecnt * 6 + charcnt + leapcnt * (time_size + 4) + isstdcnt + isutcnt;
    }
};

TzifHeader read_header(ByteReader& in) {
    if (in.take(4) != "TZif") throw NotTzif("it does not start with \"TZif\"");
    TzifHeader h;
    h.version = in.take(1)[0];
    in.take(15);
    for (size_t* count : {&h.isutcnt, &h.isstdcnt, &h.leapcnt, &h.timecnt, &h.typecnt, &h.charcnt})
        *count = static_cast<size_t>(static_cast<uint32_t>(big_endian(in.take(4))));
    return h;
}

std::vector<Observance> read_types(ByteReader& in, const TzifHeader& h) {
    if (h.typecnt == 0) throw NotTzif("it has no local time types");
    const std::string_view info = in.take(h.typecnt * 6);
    const std::string_view chars = in.take(h.charcnt);
    std::vector<Observance> types;
    for (size_t i = 0; i < h.typecnt; ++i) {
        const std::string_view ttinfo = info.substr(i * 6, 6);
        const auto isdst = static_cast<unsigned char>(ttinfo[4]);
        const auto desigidx = static_cast<unsigned char>(ttinfo[5]);
        if (isdst > 1 || desigidx >= chars.size())
            throw NotTzif("local time type " + std::to_string(i) + " is invalid");
        const std::string_view name = chars.substr(desigidx);
        types.push_back({static_cast<int>(big_endian(ttinfo.substr(0, 4))), isdst == 1,
                         std::string(name.substr(0, name.find('\0')))});
    }
    return types;
}

// "\n<TZ string>\n" after the data block.
std::string read_footer(std::string_view rest) {
    if (rest.size() < 2 || rest.front() != '\n' || rest.back() != '\n' ||
        rest.find('\n', 1) != rest.size() - 1)
        throw NotTzif("its footer is not a TZ string between two newlines");
    if (rest.size() == 2)
        throw Unsupported("it has no rule for instants after its last transition (an empty TZ string)");
    return std::string(rest.substr(1, rest.size() - 2));
}

TzifContents read_tzif(std::string_view data) {
    ByteReader in(data);
    const TzifHeader v1 = read_header(in);
    if (v1.version < '2') throw Unsupported("it is a version 1 file, without 64-bit times or a rule for the future");
    in.take(v1.block_size(4));
    const TzifHeader h = read_header(in);
    if (h.leapcnt != 0)
        throw Unsupported("it counts leap seconds in its times (a \"right/\" zone), which ritme's UTC instants do not");
    TzifContents tzif;
    const std::string_view times = in.take(h.timecnt * 8);
    const std::string_view indices = in.take(h.timecnt);
    tzif.types = read_types(in, h);
    for (size_t i = 0; i < h.timecnt; ++i) {
        tzif.times.push_back(big_endian(times.substr(i * 8, 8)));
        tzif.type_of.push_back(static_cast<unsigned char>(indices[i]));
        if (static_cast<size_t>(tzif.type_of.back()) >= h.typecnt) throw NotTzif("a transition has no local time type");
        if (i > 0 && tzif.times[i] <= tzif.times[i - 1]) throw NotTzif("its transitions are not in time order");
    }
    in.take(h.isstdcnt + h.isutcnt);  // indicators for POSIX default rules, which a footer makes moot
    tzif.footer = read_footer(in.rest());
    return tzif;
}

std::string zoneinfo_directory() {
    const char* tzdir = std::getenv("TZDIR");
    return tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo";
}

bool plausible_zone_name(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '/' && c != '_' && c != '-' && c != '+')
            return false;
    return true;
}

std::string read_zone_file(const std::string& path, const std::string& name) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw TimeZoneError("unknown time zone \"" + name + "\": " + path + " is a directory of zones, not a zone");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw TimeZoneError("unknown time zone \"" + name + "\": " + path + " does not exist");
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace

// ---- PosixTzRule ------------------------------------------------------------------------

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
    const Change start{instant_of(local_seconds(daylight_start_, year) - standard_.utc_offset_seconds), true};
    const Change end{instant_of(local_seconds(daylight_end_, year) - daylight_->utc_offset_seconds), false};
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

// ---- TimeZone ---------------------------------------------------------------------------

TimeZone::TimeZone(std::string name, PosixTzRule footer, const TzifContents& tzif)
    : name_(std::move(name)), footer_(std::move(footer)) {
    // Before the first transition RFC 8536 (section 3.2) has time type 0. glibc 2.36 takes
    // the first standard-time type instead; zic makes them the same type.
    initial_ = observance_index(tzif.types.front());
    for (size_t i = 0; i < tzif.times.size(); ++i) add_transition(tzif.times[i], tzif.types[tzif.type_of[i]]);
    if (tzif.times.empty()) {
        footer_from_ = std::numeric_limits<int64_t>::min();  // the footer alone defines the zone
    } else {
        footer_from_ = std::max(tzif.times.back(), index_end);
        expand_footer(tzif.times.back());
    }
    index_buckets();
}

TimeZone TimeZone::load(std::string_view iana_name) {
    const std::string name(iana_name);
    if (!plausible_zone_name(iana_name))
        throw TimeZoneError("\"" + name + "\" is not a time zone name like Europe/Amsterdam");
    const std::string path = zoneinfo_directory() + "/" + name;
    const std::string data = read_zone_file(path, name);
    const std::string zone = "time zone \"" + name + "\": ";
    TzifContents tzif;
    try {
        tzif = read_tzif(data);
    } catch (const NotTzif& e) {
        throw TimeZoneError(zone + path + " is not a valid TZif file: " + e.what());
    } catch (const Unsupported& e) {
        throw TimeZoneError(zone + "ritme cannot use " + path + ": " + e.what());
    }
    try {
        return TimeZone(name, PosixTzRule::parse(tzif.footer), tzif);
    } catch (const TimeZoneError& e) {
        throw TimeZoneError(zone + e.what() + " (the footer of " + path + ")");
    } catch (const std::exception& e) {  // a transition beyond the years Boost.DateTime knows
        throw TimeZoneError(zone + "ritme cannot use " + path + ": " + e.what());
    }
}

TimeZone TimeZone::utc() {
    TzifContents tzif;
    tzif.types.push_back({0, false, "UTC"});
    return TimeZone("UTC", PosixTzRule::parse("UTC0"), tzif);
}

int TimeZone::observance_index(const Observance& observance) {
    const auto found = std::find(observances_.begin(), observances_.end(), observance);
    if (found != observances_.end()) return static_cast<int>(found - observances_.begin());
    observances_.push_back(observance);
    return static_cast<int>(observances_.size() - 1);
}

// Keeps the table to real changes: types that differ only in what ritme ignores, and
// the footer confirming the table's last observance, add nothing.
void TimeZone::add_transition(int64_t at, const Observance& after) {
    if (!times_.empty() && times_.back() == at) {  // of two changes at one instant the later counts
        times_.pop_back();
        after_.pop_back();
    }
    const int index = observance_index(after);
    if (index == (after_.empty() ? initial_ : after_.back())) return;
    times_.push_back(at);
    after_.push_back(index);
}

// The footer rules from the table's last transition on (RFC 8536; glibc agrees). Its
// changes are written into the table up to index_end, so look-ups need not evaluate it.
void TimeZone::expand_footer(int64_t table_end) {
    const UtcInstant end = instant_of(table_end);
    add_transition(table_end, footer_.observance_at(end));
    for (int year = year_of(end.utc.date()) - 1; year <= last_expanded_year; ++year) {
        for (const PosixTzRule::Change& change : footer_.changes_in(year)) {
            const int64_t at = seconds_of(change.at);
            if (at > table_end && at < index_end)
                add_transition(at, change.to_daylight ? *footer_.daylight() : footer_.standard());
        }
    }
}

void TimeZone::index_buckets() {
    const size_t count = static_cast<size_t>((index_end - index_begin) >> bucket_shift) + 1;
    bucket_first_.resize(count);
    for (size_t b = 0; b < count; ++b) {
        const int64_t start = index_begin + (static_cast<int64_t>(b) << bucket_shift);
        const auto first = std::lower_bound(times_.begin(), times_.end(), start);
        bucket_first_[b] = static_cast<uint32_t>(first - times_.begin());
    }
}

const Observance& TimeZone::lookup(int64_t utc_seconds) const {
    if (utc_seconds >= footer_from_) return footer_.observance_at(instant_of(utc_seconds));
    size_t passed;  // changes at or before the instant
    if (utc_seconds >= index_begin && utc_seconds < index_end) {
        passed = bucket_first_[static_cast<size_t>((utc_seconds - index_begin) >> bucket_shift)];
        while (passed < times_.size() && times_[passed] <= utc_seconds) ++passed;
    } else {
        passed = static_cast<size_t>(std::upper_bound(times_.begin(), times_.end(), utc_seconds) - times_.begin());
    }
    return observances_[passed == 0 ? initial_ : after_[passed - 1]];
}

const Observance& TimeZone::observance_at(UtcInstant instant) const { return lookup(seconds_of(instant)); }

UtcConversion TimeZone::to_utc(LocalDateTime local, LocalTimePolicy policy) const {
    const int64_t wall = seconds_of(local.date) + local.time.minutes() * 60;
    // The wall time can only be read with an offset in effect within a day of it.
    const int before = offset_at(wall - seconds_per_day);
    const int after = offset_at(wall + seconds_per_day);
    const bool before_fits = offset_at(wall - before) == before;
    const bool after_fits = after != before && offset_at(wall - after) == after;
    if (before_fits != after_fits) return {LocalTimeKind::unique, instant_of(wall - (before_fits ? before : after))};
    if (!before_fits) {  // the clocks skip this time
        if (policy.gap == GapPolicy::shift_forward) return {LocalTimeKind::in_gap, instant_of(wall - before)};
        return {LocalTimeKind::in_gap, std::nullopt};
    }
    // The time happens twice; read with the larger offset it comes first.
    switch (policy.overlap) {
        case OverlapPolicy::earlier: return {LocalTimeKind::ambiguous, instant_of(wall - std::max(before, after))};
        case OverlapPolicy::later: return {LocalTimeKind::ambiguous, instant_of(wall - std::min(before, after))};
        case OverlapPolicy::reject: break;
    }
    return {LocalTimeKind::ambiguous, std::nullopt};
}

int TimeZone::utc_offset_minutes(UtcInstant instant) const { return offset_at(seconds_of(instant)) / 60; }

LocalDateTime TimeZone::to_local(UtcInstant instant) const {
    const pt::ptime wall = instant.utc + pt::seconds(offset_at(seconds_of(instant)));
    return {wall.date(), TimeOfDay::from_minutes(static_cast<int>(wall.time_of_day().total_seconds() / 60))};
}

std::vector<Transition> TimeZone::transitions(UtcInstant from, UtcInstant to) const {
    const int64_t begin = seconds_of(from), end = seconds_of(to);
    std::vector<int64_t> candidates;
    for (auto it = std::upper_bound(times_.begin(), times_.end(), begin);
         it != times_.end() && *it < std::min(end, footer_from_); ++it)
        candidates.push_back(*it);
    if (end > footer_from_) {  // past the table: the footer rule's own changes
        const UtcInstant rule_from = instant_of(std::max(begin, footer_from_));
        for (int year = year_of(rule_from.utc.date()) - 1; year <= year_of(to.utc.date()); ++year) {
            for (const PosixTzRule::Change& change : footer_.changes_in(year)) {
                const int64_t at = seconds_of(change.at);
                if (at > begin && at >= footer_from_ && at < end) candidates.push_back(at);
            }
        }
    }
    std::vector<Transition> changes;
    const Observance* current = &observance_at(from);
    for (int64_t at : candidates) {
        const Observance& next = lookup(at);
        if (next == *current) continue;
        changes.push_back({instant_of(at), *current, next});
        current = &next;
    }
    return changes;
}

}  // namespace ritme
