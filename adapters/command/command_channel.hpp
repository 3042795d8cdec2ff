#pragma once
// Runs an executable per message with the message as JSON on stdin: exit 0 sent, 75 retry, other failed.

#include "adapters/channel_registry.hpp"

namespace ritme {

AdapterInfo command_adapter();

}  // namespace ritme
