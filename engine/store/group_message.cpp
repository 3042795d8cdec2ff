#include "engine/store/group_message.hpp"

#include <stdexcept>

namespace ritme {

std::string GroupMessage::language_for(const std::string& language) const {
    if (texts.count(language)) return language;
    const std::string primary = language.substr(0, language.find('-'));
    if (texts.count(primary)) return primary;
    return "nl";
}

const std::string& GroupMessage::text_for(const std::string& language) const {
    const auto found = texts.find(language_for(language));
    if (found == texts.end()) throw std::logic_error("a group message has a Dutch text");
    return found->second;
}

}  // namespace ritme
