#pragma once
// What a channel carries; a participant chooses media, the config maps them to channels.

#include <optional>
#include <string_view>

namespace ritme {

enum class Medium { sms, email };
std::string_view name_of(Medium medium);  // "sms", "email"
std::optional<Medium> parse_medium(std::string_view text);

}  // namespace ritme
