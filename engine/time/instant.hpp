#pragma once
// Instants are UTC; local date-times exist only at the edges (DESIGN.md rule 2).
// The two types do not convert into each other except through a TimeZone.

#include "engine/time/time_of_day.hpp"

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include <string>

namespace ritme {

using Date = boost::gregorian::date;

// A point in time, UTC, whole seconds.
struct UtcInstant {
    boost::posix_time::ptime utc;

    std::string iso() const;  // "2026-03-05T08:30:00Z"
    bool operator==(const UtcInstant& other) const { return utc == other.utc; }
    bool operator<(const UtcInstant& other) const { return utc < other.utc; }
};

// A wall-clock date and time in some zone the holder knows.
struct LocalDateTime {
    Date date;
    TimeOfDay time;

    std::string iso() const;  // "2026-03-05T09:30"
    bool operator==(const LocalDateTime& other) const { return date == other.date && time == other.time; }
};

std::string iso_date(Date date);  // "2026-03-05"

// Boost stores dates in narrow unsigned fields; these keep call sites in plain ints.
inline Date make_date(int year, int month, int day) {
    return Date(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                static_cast<unsigned short>(day));
}
inline int year_of(Date date) { return static_cast<int>(date.year()); }

}  // namespace ritme
