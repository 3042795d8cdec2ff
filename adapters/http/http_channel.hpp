#pragma once
// SMS through an HTTP provider, described by a preset (config/providers/*.toml): CM.com,
// MessageBird, Twilio, Spryng, or your own. The channel gives the preset its settings and
// secrets, sends each message as one request over kept connections, and reads the answer.

#include "adapters/curl/curl_handles.hpp"
#include "adapters/curl/http_call.hpp"
#include "adapters/http/provider_preset.hpp"
#include "engine/channel/channel_registry.hpp"

#include <chrono>
#include <map>
#include <string>

namespace ritme {

AdapterInfo http_adapter();

class HttpProviderChannel : public Channel {
public:
    // `settings`: the values of preset_setting_names, secrets already read; report_url
    // may hold {delivery}, replaced by each message's delivery id.
    // `callback_token`: the secret the provider's calls to ritme carry (a URL token, or
    // MessageBird's signing key); empty when the channel has none.
    HttpProviderChannel(ProviderPreset preset, std::map<std::string, std::string, std::less<>> settings,
                        std::chrono::seconds timeout, std::string ca_file, std::string callback_token = {});

    SendResult send(const OutgoingMessage& message) override;
    // The provider's delivery reports and texts, as its preset declares and proves them.
    CallbackReading read_callback(CallbackKind kind, const CallbackRequest& request) const override;

    // The request one message becomes; what send() hands to libcurl.
    HttpRequest request_for(const OutgoingMessage& message) const;
    const ProviderPreset& preset() const { return preset_; }

private:
    ProviderPreset preset_;
    std::map<std::string, std::string, std::less<>> settings_;
    std::chrono::seconds timeout_;
    std::string ca_file_;
    CallbackSecrets secrets_;
    CurlHandles handles_;
};

}  // namespace ritme
