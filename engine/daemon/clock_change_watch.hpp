#pragma once
// Wakes the daemon when the wall clock is set: an NTP step, a resume from suspend, an
// operator's `date -s`. The due timer waits for a wall-clock instant, but Asio waits on
// a monotonic deadline computed when it was armed, so after a jump forward a due
// reminder would wait out the old deadline (hours). The watch is a timerfd on
// CLOCK_REALTIME armed with TFD_TIMER_CANCEL_ON_SET for a time it never reaches: it
// makes no wake-up (DESIGN.md rule 5) until the clock is set, when reading it fails
// with ECANCELED; the watch then arms it again and calls back.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <functional>

namespace ritme {

class ClockChangeWatch {
public:
    // Throws std::system_error when the kernel gives no such timer.
    ClockChangeWatch(boost::asio::io_context& io, std::function<void()> changed);
    ~ClockChangeWatch();
    void stop();

private:
    void wait();

    boost::asio::posix::stream_descriptor descriptor_;
    std::function<void()> changed_;
    bool stopped_ = false;
};

}  // namespace ritme
