// placeholder: tests for dispatcher
#include <doctest/doctest.h>
