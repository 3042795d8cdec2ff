#pragma once
// SMS through an HTTP provider, described by a preset (config/providers/*.toml): CM.com, MessageBird, Twilio, Spryng, or your own.

#include "adapters/channel_registry.hpp"

namespace ritme {

AdapterInfo http_adapter();

}  // namespace ritme
