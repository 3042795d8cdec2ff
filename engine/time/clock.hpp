#pragma once
// The clock is injected (DESIGN.md rule 2): production reads the system clock, tests
// and `ritme simulate` run on a clock they set and advance themselves.

#include "engine/time/instant.hpp"

#include <boost/date_time/posix_time/conversion.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace ritme {

class Clock {
public:
    virtual ~Clock() = default;
    virtual UtcInstant now() const = 0;
};

// Whole seconds of std::chrono::system_clock: the clock the daemon's timers wait on. (std::time(),
// behind Boost's second_clock, lags it by up to a tick, so a timer woken on the second would
// still read the second before.)
class SystemClock final : public Clock {
public:
    UtcInstant now() const override {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::system_clock::now().time_since_epoch());
        return {boost::posix_time::from_time_t(static_cast<std::time_t>(seconds.count()))};
    }
};

class ManualClock final : public Clock {
public:
    explicit ManualClock(UtcInstant start) : now_(start) {}
    UtcInstant now() const override { return now_; }
    void set(UtcInstant instant) { now_ = instant; }
    void advance(boost::posix_time::time_duration by) { now_.utc += by; }

private:
    UtcInstant now_;
};

// The clock's time in ISO 8601, for the log's timestamps.
inline std::function<std::string()> iso_timestamps(const Clock& clock) {
    return [&clock] { return clock.now().iso(); };
}

}  // namespace ritme
