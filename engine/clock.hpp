#pragma once
// The clock is injected (DESIGN.md rule 2): production reads the system clock, tests
// and `ritme simulate` run on a clock they set and advance themselves.

#include "engine/instant.hpp"

#include <boost/date_time/posix_time/posix_time_types.hpp>

namespace ritme {

class Clock {
public:
    virtual ~Clock() = default;
    virtual UtcInstant now() const = 0;
};

class SystemClock final : public Clock {
public:
    UtcInstant now() const override { return {boost::posix_time::second_clock::universal_time()}; }
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

}  // namespace ritme
