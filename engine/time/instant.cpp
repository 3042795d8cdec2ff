#include "engine/time/instant.hpp"

#include <cstdio>

namespace ritme {

std::string iso_date(Date date) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", static_cast<int>(date.year()),
                  static_cast<int>(date.month()), static_cast<int>(date.day()));
    return buffer;
}

std::string UtcInstant::iso() const {
    auto time = utc.time_of_day();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "T%02d:%02d:%02dZ", static_cast<int>(time.hours()),
                  static_cast<int>(time.minutes()), static_cast<int>(time.seconds()));
    return iso_date(utc.date()) + buffer;
}

std::string LocalDateTime::iso() const { return iso_date(date) + "T" + time.str(); }

}  // namespace ritme
