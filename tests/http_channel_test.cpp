#include <doctest/doctest.h>

TEST_SUITE("http_channel") {}
