#include <doctest/doctest.h>

TEST_SUITE_BEGIN("ics_closures");

TEST_SUITE_END();
