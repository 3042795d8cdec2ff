// placeholder: tests for message_renderer
#include <doctest/doctest.h>
