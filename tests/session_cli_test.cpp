// placeholder: tests for session_cli
#include <doctest/doctest.h>
