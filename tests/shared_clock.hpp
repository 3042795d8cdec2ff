#pragma once
// Virtual time for tests that run the daemon's loop on another thread: the test sets it
// while the loop reads it.

#include "engine/time/clock.hpp"

#include <mutex>

namespace ritme::test {

class SharedClock final : public Clock {
public:
    explicit SharedClock(UtcInstant start) : now_(start) {}
    UtcInstant now() const override {
        const std::lock_guard lock(mutex_);
        return now_;
    }
    void set(UtcInstant instant) {
        const std::lock_guard lock(mutex_);
        now_ = instant;
    }

private:
    mutable std::mutex mutex_;
    UtcInstant now_;
};

}  // namespace ritme::test
