// placeholder: tests for reminder_rules
#include <doctest/doctest.h>
