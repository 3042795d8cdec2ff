#include <doctest/doctest.h>

TEST_SUITE_BEGIN("html_calendar");

TEST_SUITE_END();
