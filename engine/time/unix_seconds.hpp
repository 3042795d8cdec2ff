#pragma once
// Internal to engine/time: instants and dates as seconds since 1970-01-01T00:00:00Z,
// the unit of TZif files and of the zone's table of changes.

#include "engine/time/instant.hpp"

#include <cstdint>

namespace ritme {

inline constexpr int64_t seconds_per_day = 86400;

inline int64_t unix_seconds(UtcInstant instant) {
    static const boost::posix_time::ptime epoch(make_date(1970, 1, 1));
    return (instant.utc - epoch).total_seconds();
}
inline UtcInstant from_unix_seconds(int64_t seconds) {
    static const boost::posix_time::ptime epoch(make_date(1970, 1, 1));
    return {epoch + boost::posix_time::seconds(seconds)};
}
// The first second of `date`, UTC.
inline int64_t unix_seconds(Date date) {
    static const Date epoch_date = make_date(1970, 1, 1);
    return (static_cast<int64_t>(date.day_number()) - static_cast<int64_t>(epoch_date.day_number())) * seconds_per_day;
}

}  // namespace ritme
