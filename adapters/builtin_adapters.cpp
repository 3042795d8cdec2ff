#include "adapters/builtin_adapters.hpp"

#include "adapters/outbox/outbox_channel.hpp"

namespace ritme {

void register_builtin_adapters(ChannelRegistry& registry) { registry.add(outbox_adapter()); }

}  // namespace ritme
