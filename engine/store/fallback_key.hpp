#pragma once
// A message sent again through its channel's fallback (email when an SMS failed for
// good, or when there is no phone number any more) is a delivery of its own: the
// original's key with a prefix and the fallback channel's name. Unique per original and
// fallback, and recognisable to the planner as not one of its own rows.

#include "engine/store/delivery.hpp"

#include <string>
#include <string_view>

namespace ritme {

inline constexpr std::string_view fallback_key_prefix = "fallback:";

inline std::string fallback_key(const std::string& original_key, const std::string& fallback_channel) {
    return std::string(fallback_key_prefix) + original_key + ">" + fallback_channel;
}

inline bool is_fallback(const Delivery& delivery) { return delivery.key.starts_with(fallback_key_prefix); }

}  // namespace ritme
