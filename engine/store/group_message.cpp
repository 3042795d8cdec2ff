#include "engine/store/group_message.hpp"

#include <stdexcept>

namespace ritme {

const std::string& GroupMessage::text_for(const std::string& language) const {
    if (const auto own = texts.find(language); own != texts.end()) return own->second;
    const std::string primary = language.substr(0, language.find('-'));
    if (const auto found = texts.find(primary); found != texts.end()) return found->second;
    const auto dutch = texts.find("nl");
    if (dutch == texts.end()) throw std::logic_error("a group message has a Dutch text");
    return dutch->second;
}

}  // namespace ritme
