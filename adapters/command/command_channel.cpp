#include "adapters/command/command_channel.hpp"

namespace ritme {

AdapterInfo command_adapter() {
    return {"command", "(not built yet)", {}, [](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
                throw settings.error("the command adapter is not built yet");
            }};
}

}  // namespace ritme
