#include <doctest/doctest.h>

TEST_SUITE("template_preview") {}
