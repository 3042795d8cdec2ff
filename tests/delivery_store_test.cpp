// placeholder: tests for delivery_store
#include <doctest/doctest.h>
