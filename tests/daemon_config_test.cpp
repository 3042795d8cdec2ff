// placeholder: tests for daemon_config
#include <doctest/doctest.h>
