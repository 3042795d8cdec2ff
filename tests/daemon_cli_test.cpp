// placeholder: tests for daemon_cli
#include <doctest/doctest.h>
