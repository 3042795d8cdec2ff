#include "adapters/http/http_channel.hpp"

namespace ritme {

AdapterInfo http_adapter() {
    return {"http", "(not built yet)", {}, [](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
                throw settings.error("the http adapter is not built yet");
            }};
}

}  // namespace ritme
