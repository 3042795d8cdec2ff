#pragma once
// For tests of what happens when the wall clock is set: steps the clock forward by one
// nanosecond and back again (ADJ_SETOFFSET, relative steps). Timers armed with
// TFD_TIMER_CANCEL_ON_SET hear a clock change, and the clock ends where it was: nothing
// is read and written back, so no time is lost and a test run under faketime cannot set
// the machine's clock to its fake time. (A step by zero changes nothing the kernel
// reports.)

#include <sys/timex.h>

#include <cerrno>
#include <system_error>

namespace ritme::test {

// False when this user may not set the clock (EPERM: it needs CAP_SYS_TIME).
inline bool step_wall_clock_there_and_back() {
    const auto step = [](long nanoseconds) {
        timex adjustment{};
        adjustment.modes = ADJ_SETOFFSET | ADJ_NANO;
        // A negative offset is written as -1 s plus nanoseconds below a second.
        adjustment.time.tv_sec = nanoseconds < 0 ? -1 : 0;
        adjustment.time.tv_usec = nanoseconds < 0 ? 1'000'000'000 + nanoseconds : nanoseconds;
        return ::clock_adjtime(CLOCK_REALTIME, &adjustment) >= 0;
    };
    if (step(1) && step(-1)) return true;
    if (errno == EPERM) return false;
    throw std::system_error(errno, std::generic_category(), "clock_adjtime");
}

}  // namespace ritme::test
