#include "engine/channel/medium.hpp"

namespace ritme {

std::string_view name_of(Medium medium) { return medium == Medium::sms ? "sms" : "email"; }

std::optional<Medium> parse_medium(std::string_view text) {
    if (text == "sms") return Medium::sms;
    if (text == "email") return Medium::email;
    return std::nullopt;
}

}  // namespace ritme
