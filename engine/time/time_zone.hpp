#pragma once
// A time zone from the system tz database, by IANA name ("Europe/Amsterdam").
//
// The zone is read from its TZif file (RFC 8536) the way glibc reads it: the table of
// transitions covers the past and every change the tz maintainers have scheduled, and
// the POSIX TZ rule in the file's footer covers every instant after the table's last
// transition. Changes only the table knows (Morocco's clocks in Ramadan, a country
// abolishing DST) are therefore honoured.
//
// The footer rule is expanded into the table once, when the zone is loaded, and the
// table is indexed by fixed spans of time, so a conversion is a shift and a step or two
// through the table rather than a rule evaluation.
//
// Reading the file (tzif_reader.hpp) and the footer rule (posix_tz_rule.hpp) are
// internal to engine/time: the rest of ritme converts through TimeZone only.

#include "engine/time/instant.hpp"

#include <cstdint>
#include <memory>
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

// The policy for local times people write (session times, times on the command line):
// 02:30 in the spring gap means 03:30 summer time; 02:30 in the autumn overlap means the
// first 02:30. Sessions never start there in practice; the checks warn when one does.
inline constexpr LocalTimePolicy session_time_policy{GapPolicy::shift_forward, OverlapPolicy::earlier};

enum class LocalTimeKind { unique, in_gap, ambiguous };

struct UtcConversion {
    LocalTimeKind kind = LocalTimeKind::unique;
    std::optional<UtcInstant> instant;  // empty when the policy rejects the time
};

// What the clocks show for a while: "CEST", two hours east of UTC, summer time.
struct Observance {
    int utc_offset_seconds = 0;  // east of UTC: +7200
    bool is_dst = false;         // as tzdata says: Europe/Dublin's winter GMT is its DST
    std::string abbreviation;    // "CEST", "+0530"

    bool operator==(const Observance&) const = default;
};

// The clocks changing from one observance to another.
struct Transition {
    UtcInstant at;  // the first instant of `after`
    Observance before;
    Observance after;
};

class PosixTzRule;
struct TzifContents;

class TimeZone {
public:
    // Throws TimeZoneError naming the zone and what is wrong: an unknown name, a file
    // that is not TZif, or a TZif file ritme cannot use.
    static TimeZone load(std::string_view iana_name);
    static TimeZone utc();

    const std::string& name() const { return name_; }

    UtcConversion to_utc(LocalDateTime local, LocalTimePolicy policy) const;
    LocalDateTime to_local(UtcInstant instant) const;
    int utc_offset_minutes(UtcInstant instant) const;

    // For writing the zone out (VTIMEZONE): the observance at an instant, and every
    // change after `from` and before `to`, in time order.
    const Observance& observance_at(UtcInstant instant) const;
    std::vector<Transition> transitions(UtcInstant from, UtcInstant to) const;

private:
    TimeZone(std::string name, std::shared_ptr<const PosixTzRule> footer, const TzifContents& tzif);
    void add_transition(int64_t at, const Observance& after);
    void expand_footer(int64_t table_end);
    void index_buckets();
    int observance_index(const Observance& observance);
    const Observance& lookup(int64_t utc_seconds) const;
    int offset_at(int64_t utc_seconds) const { return lookup(utc_seconds).utc_offset_seconds; }

    std::string name_;
    std::shared_ptr<const PosixTzRule> footer_;  // the TZif footer's rule; copies share it
    std::vector<Observance> observances_;        // distinct; the table refers to them by index
    int initial_ = 0;                            // in effect before the first change
    std::vector<int64_t> times_;                 // UTC seconds of each change, ascending
    std::vector<int> after_;                     // per change: the observance from then on
    int64_t footer_from_ = 0;                    // from here on the footer rule is evaluated directly
    std::vector<uint32_t> bucket_first_;         // per span of time: index of its first change or the next
};

}  // namespace ritme
