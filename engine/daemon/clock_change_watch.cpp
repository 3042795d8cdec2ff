#include "engine/daemon/clock_change_watch.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace ritme {

namespace {

// Year 10000: past any instant ritme keeps (Boost.DateTime ends with 9999); the kernel
// holds it as "never".
constexpr time_t never = 253402300800;

// Arms the timer again: a clock change cancels it until it is set anew.
bool arm(int fd) {
    itimerspec spec{};
    spec.it_value.tv_sec = never;
    return ::timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) == 0;
}

int armed_clock_timer() {
    const int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create");
    if (!arm(fd)) {
        const int error = errno;
        ::close(fd);
        throw std::system_error(error, std::generic_category(), "timerfd_settime");
    }
    return fd;
}

}  // namespace

ClockChangeWatch::ClockChangeWatch(boost::asio::io_context& io, std::function<void()> changed)
    : descriptor_(io, armed_clock_timer()), changed_(std::move(changed)) {
    wait();
}

ClockChangeWatch::~ClockChangeWatch() { stop(); }

void ClockChangeWatch::stop() {
    stopped_ = true;
    boost::system::error_code ignored;
    descriptor_.cancel(ignored);
    descriptor_.close(ignored);
}

void ClockChangeWatch::wait() {
    // Waits for readability and reads here: Asio reports its own cancel as ECANCELED too.
    descriptor_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](boost::system::error_code error) {
        if (error || stopped_) return;
        uint64_t expirations = 0;
        const bool clock_set = ::read(descriptor_.native_handle(), &expirations, sizeof expirations) < 0 &&
                               errno == ECANCELED;
        // Unarmed, the timer would report no further change: then the watch ends here.
        const bool armed = !clock_set || arm(descriptor_.native_handle());
        if (clock_set) changed_();
        if (armed && !stopped_) wait();
    });
}

}  // namespace ritme
