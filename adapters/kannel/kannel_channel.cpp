#include "adapters/kannel/kannel_channel.hpp"

namespace ritme {

AdapterInfo kannel_adapter() {
    return {"kannel", "(not built yet)", {}, [](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
                throw settings.error("the kannel adapter is not built yet");
            }};
}

}  // namespace ritme
