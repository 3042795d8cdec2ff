#include <doctest/doctest.h>

TEST_SUITE_BEGIN("ics_calendar");

TEST_SUITE_END();
