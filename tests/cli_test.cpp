#include <doctest/doctest.h>

TEST_SUITE_BEGIN("cli");

TEST_SUITE_END();
