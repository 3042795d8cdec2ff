#include "engine/time/time_zone.hpp"

#include "engine/time/posix_tz_rule.hpp"
#include "engine/time/tzif_reader.hpp"
#include "engine/time/unix_seconds.hpp"

#include <algorithm>
#include <limits>

namespace ritme {
namespace pt = boost::posix_time;

namespace {

// Changes between 1900 and 2200 are found through buckets of 2^22 s (about 49 days),
// each holding the index of its first change: the clocks change at most a few times in
// such a span, so a look-up is a shift and a step or two. The footer rule is written
// into the table up to the end of that range.
constexpr int64_t index_begin = -2208988800;  // 1900-01-01T00:00:00Z
constexpr int64_t index_end = 7258118400;     // 2200-01-01T00:00:00Z
constexpr int last_expanded_year = 2199;
constexpr int bucket_shift = 22;

}  // namespace

TimeZone::TimeZone(std::string name, std::shared_ptr<const PosixTzRule> footer, const TzifContents& tzif)
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
    } catch (const UnsupportedTzif& e) {
        throw TimeZoneError(zone + "ritme cannot use " + path + ": " + e.what());
    }
    try {
        return TimeZone(name, std::make_shared<const PosixTzRule>(PosixTzRule::parse(tzif.footer)), tzif);
    } catch (const TimeZoneError& e) {
        throw TimeZoneError(zone + e.what() + " (the footer of " + path + ")");
    } catch (const std::exception& e) {  // a transition beyond the years Boost.DateTime knows
        throw TimeZoneError(zone + "ritme cannot use " + path + ": " + e.what());
    }
}

TimeZone TimeZone::utc() {
    TzifContents tzif;
    tzif.types.push_back({0, false, "UTC"});
    return TimeZone("UTC", std::make_shared<const PosixTzRule>(PosixTzRule::parse("UTC0")), tzif);
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
    const UtcInstant end = from_unix_seconds(table_end);
    add_transition(table_end, footer_->observance_at(end));
    for (int year = year_of(end.utc.date()) - 1; year <= last_expanded_year; ++year) {
        for (const PosixTzRule::Change& change : footer_->changes_in(year)) {
            const int64_t at = unix_seconds(change.at);
            if (at > table_end && at < index_end)
                add_transition(at, change.to_daylight ? *footer_->daylight() : footer_->standard());
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
    if (utc_seconds >= footer_from_) return footer_->observance_at(from_unix_seconds(utc_seconds));
    size_t passed;  // changes at or before the instant
    if (utc_seconds >= index_begin && utc_seconds < index_end) {
        passed = bucket_first_[static_cast<size_t>((utc_seconds - index_begin) >> bucket_shift)];
        while (passed < times_.size() && times_[passed] <= utc_seconds) ++passed;
    } else {
        passed = static_cast<size_t>(std::upper_bound(times_.begin(), times_.end(), utc_seconds) - times_.begin());
    }
    return observances_[passed == 0 ? initial_ : after_[passed - 1]];
}

const Observance& TimeZone::observance_at(UtcInstant instant) const { return lookup(unix_seconds(instant)); }

UtcConversion TimeZone::to_utc(LocalDateTime local, LocalTimePolicy policy) const {
    const int64_t wall = unix_seconds(local.date) + local.time.minutes() * 60;
    // The wall time can only be read with an offset in effect within a day of it.
    const int before = offset_at(wall - seconds_per_day);
    const int after = offset_at(wall + seconds_per_day);
    const bool before_fits = offset_at(wall - before) == before;
    const bool after_fits = after != before && offset_at(wall - after) == after;
    if (before_fits != after_fits) return {LocalTimeKind::unique, from_unix_seconds(wall - (before_fits ? before : after))};
    if (!before_fits) {  // the clocks skip this time
        if (policy.gap == GapPolicy::shift_forward) return {LocalTimeKind::in_gap, from_unix_seconds(wall - before)};
        return {LocalTimeKind::in_gap, std::nullopt};
    }
    // The time happens twice; read with the larger offset it comes first.
    switch (policy.overlap) {
        case OverlapPolicy::earlier: return {LocalTimeKind::ambiguous, from_unix_seconds(wall - std::max(before, after))};
        case OverlapPolicy::later: return {LocalTimeKind::ambiguous, from_unix_seconds(wall - std::min(before, after))};
        case OverlapPolicy::reject: break;
    }
    return {LocalTimeKind::ambiguous, std::nullopt};
}

int TimeZone::utc_offset_minutes(UtcInstant instant) const { return offset_at(unix_seconds(instant)) / 60; }

LocalDateTime TimeZone::to_local(UtcInstant instant) const {
    const pt::ptime wall = instant.utc + pt::seconds(offset_at(unix_seconds(instant)));
    return {wall.date(), TimeOfDay::from_minutes(static_cast<int>(wall.time_of_day().total_seconds() / 60))};
}

std::vector<Transition> TimeZone::transitions(UtcInstant from, UtcInstant to) const {
    const int64_t begin = unix_seconds(from), end = unix_seconds(to);
    std::vector<int64_t> candidates;
    for (auto it = std::upper_bound(times_.begin(), times_.end(), begin);
         it != times_.end() && *it < std::min(end, footer_from_); ++it)
        candidates.push_back(*it);
    if (end > footer_from_) {  // past the table: the footer rule's own changes
        const UtcInstant rule_from = from_unix_seconds(std::max(begin, footer_from_));
        for (int year = year_of(rule_from.utc.date()) - 1; year <= year_of(to.utc.date()); ++year) {
            for (const PosixTzRule::Change& change : footer_->changes_in(year)) {
                const int64_t at = unix_seconds(change.at);
                if (at > begin && at >= footer_from_ && at < end) candidates.push_back(at);
            }
        }
    }
    std::vector<Transition> changes;
    const Observance* current = &observance_at(from);
    for (int64_t at : candidates) {
        const Observance& next = lookup(at);
        if (next == *current) continue;
        changes.push_back({from_unix_seconds(at), *current, next});
        current = &next;
    }
    return changes;
}

}  // namespace ritme
