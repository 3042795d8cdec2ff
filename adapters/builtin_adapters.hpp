#pragma once
// The adapters that ship with ritme, registered explicitly by main (no static
// self-registration, DESIGN.md rule 1).

#include "engine/channel/channel_registry.hpp"

namespace ritme {

void register_builtin_adapters(ChannelRegistry& registry);

}  // namespace ritme
