// placeholder: tests for sms_text
#include <doctest/doctest.h>
