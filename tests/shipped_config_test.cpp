#include <doctest/doctest.h>

TEST_SUITE_BEGIN("shipped_config");

TEST_SUITE_END();
