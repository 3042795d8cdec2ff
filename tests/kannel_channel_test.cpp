#include <doctest/doctest.h>

TEST_SUITE("kannel_channel") {}
