// The clock-change watch on the real wall clock: setting CLOCK_REALTIME (here stepping
// it forward and back by a nanosecond, a change all the same) wakes it, and it is armed again for the next.

#include "engine/daemon/clock_change_watch.hpp"
#include "wall_clock_set.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <ctime>

using namespace ritme;

using test::step_wall_clock_there_and_back;

TEST_SUITE_BEGIN("clock_change_watch");

TEST_CASE("setting the wall clock wakes the watch, once for each change, and nothing else does") {
    boost::asio::io_context io;
    int changes = 0;
    ClockChangeWatch watch(io, [&] {
        ++changes;
        io.stop();
    });
    // Nothing happens by itself: no wake-up while the clock runs on.
    io.run_for(std::chrono::milliseconds(50));
    CHECK(changes == 0);

    for (int expected = 1; expected <= 2; ++expected) {
        if (!step_wall_clock_there_and_back()) {
            MESSAGE("skipped: setting the clock needs CAP_SYS_TIME, which this user lacks");
            return;
        }
        io.restart();
        io.run_for(std::chrono::seconds(10));
        CHECK(changes == expected);
    }
}

TEST_CASE("a stopped watch calls back no more") {
    boost::asio::io_context io;
    int changes = 0;
    ClockChangeWatch watch(io, [&] { ++changes; });
    watch.stop();
    if (!step_wall_clock_there_and_back()) {
        MESSAGE("skipped: setting the clock needs CAP_SYS_TIME, which this user lacks");
        return;
    }
    io.run_for(std::chrono::milliseconds(100));
    CHECK(changes == 0);
}

TEST_SUITE_END();
