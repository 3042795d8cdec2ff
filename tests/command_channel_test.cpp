#include <doctest/doctest.h>

TEST_SUITE("command_channel") {}
