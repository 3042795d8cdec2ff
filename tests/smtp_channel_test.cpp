#include <doctest/doctest.h>

TEST_SUITE("smtp_channel") {}
