// placeholder: tests for planner
#include <doctest/doctest.h>
