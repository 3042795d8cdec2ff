#pragma once
// A message a lead writes to her whole group: her words per language (Dutch always),
// kept once here; each participant's delivery of kind `group` names it in its payload, so
// the outbox holds no body. Erasing a participant leaves it: it names nobody.

#include "engine/time/instant.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace ritme {

struct GroupMessage {
    int64_t id = 0;  // 0 until stored
    std::string programme_id;
    std::map<std::string, std::string> texts;  // by language; "nl" always
    std::string author;                        // the lead's name, or the operator
    UtcInstant created_at;
    UtcInstant send_at;                        // when it may go (before quiet hours)

    // The language of the text a reader of `language` gets: hers, else its primary
    // language ("pt-BR" reads pt), else Dutch.
    std::string language_for(const std::string& language) const;
    const std::string& text_for(const std::string& language) const;
    bool operator==(const GroupMessage&) const = default;
};

}  // namespace ritme
