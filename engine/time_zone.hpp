#pragma once
// A time zone from the system tz database, by IANA name ("Europe/Amsterdam").
//
// The zone's current rule is the POSIX TZ string in the footer of its TZif file, read
// with Boost.DateTime. That rule is exact for every date after the zone's last rule
// change (1996 for Europe/Amsterdam); programmes are planned for the years to come.
// DST transitions are tabulated per year when the zone is loaded, so converting a
// local time is a table look-up, not a rule evaluation.

#include "engine/instant.hpp"

#include <boost/date_time/local_time/posix_time_zone.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

class TimeZoneError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// What a local time means on a day the clocks change.
enum class GapPolicy {
    reject,         // a time the clocks skip (02:30 on the last Sunday of March) has no instant
    shift_forward,  // it means the same time after the skip: 02:30 becomes 03:30 CEST
};
enum class OverlapPolicy {
    reject,   // a time that happens twice (02:30 on the last Sunday of October) has no instant
    earlier,  // the first of the two, still in summer time
    later,    // the second, in standard time
};
struct LocalTimePolicy {
    GapPolicy gap = GapPolicy::reject;
    OverlapPolicy overlap = OverlapPolicy::reject;
};

enum class LocalTimeKind { unique, in_gap, ambiguous };

struct UtcConversion {
    LocalTimeKind kind = LocalTimeKind::unique;
    std::optional<UtcInstant> instant;  // empty when the policy rejects the time
};

class TimeZone {
public:
    // Throws TimeZoneError naming the zone and what is wrong with it.
    static TimeZone load(std::string_view iana_name);
    static TimeZone utc();

    const std::string& name() const { return name_; }

    UtcConversion to_utc(LocalDateTime local, LocalTimePolicy policy) const;
    LocalDateTime to_local(UtcInstant instant) const;
    int utc_offset_minutes(UtcInstant instant) const;

    // The rule, for writing it out (VTIMEZONE).
    struct Rule {
        std::string standard_abbreviation;  // "CET"
        std::string dst_abbreviation;       // "CEST"; empty without DST
        int standard_offset_minutes = 0;    // east of UTC: +60
        int dst_offset_minutes = 0;         // +120
    };
    const Rule& rule() const { return rule_; }
    bool has_dst() const { return zone_.has_dst(); }
    // Local wall times at which DST begins (in standard time) and ends (in DST).
    boost::posix_time::ptime dst_start_local(int year) const;
    boost::posix_time::ptime dst_end_local(int year) const;

private:
    TimeZone(std::string name, const std::string& boost_rule, Rule rule);
    bool is_dst_at(boost::posix_time::ptime utc) const;

    struct YearTransitions {
        boost::posix_time::ptime dst_start_utc;
        boost::posix_time::ptime dst_end_utc;
    };
    YearTransitions transitions_for(int year) const;

    std::string name_;
    boost::local_time::posix_time_zone zone_;
    Rule rule_;
    static constexpr int first_tabulated_year = 1970;
    std::vector<YearTransitions> years_;  // first_tabulated_year .. 2199
};

// The POSIX TZ string of a TZif footer turned into the form Boost.DateTime reads:
// Boost counts offsets east of UTC as positive, POSIX west, so the signs flip, and
// Boost wants alphabetic abbreviations where tzdata may write "<+03>".
// Returns the rule and fills in the abbreviations and offsets.
std::string boost_rule_from_tz_footer(std::string_view footer, TimeZone::Rule& rule);

}  // namespace ritme
