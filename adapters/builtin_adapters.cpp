#include "adapters/builtin_adapters.hpp"

#include "adapters/command/command_channel.hpp"
#include "adapters/http/http_channel.hpp"
#include "adapters/kannel/kannel_channel.hpp"
#include "adapters/outbox/outbox_channel.hpp"
#include "adapters/smtp/smtp_channel.hpp"

namespace ritme {

void register_builtin_adapters(ChannelRegistry& registry) {
    registry.add(outbox_adapter());
    registry.add(smtp_adapter());
    registry.add(kannel_adapter());
    registry.add(http_adapter());
    registry.add(command_adapter());
}

}  // namespace ritme
