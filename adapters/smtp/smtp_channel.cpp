#include "adapters/smtp/smtp_channel.hpp"

namespace ritme {

AdapterInfo smtp_adapter() {
    return {"smtp", "(not built yet)", {}, [](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
                throw settings.error("the smtp adapter is not built yet");
            }};
}

}  // namespace ritme
