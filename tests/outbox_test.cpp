// placeholder: tests for outbox
#include <doctest/doctest.h>
