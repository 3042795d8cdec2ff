#include "engine/base/phrase.hpp"

namespace ritme {

Phrase::Phrase(std::string text) : text_(std::move(text)) {}
Phrase::Phrase(const char* text) : text_(text) {}

Phrase Phrase::said_by(std::function<std::string(Language)> say) {
    Phrase out;
    out.kind_ = Kind::said;
    out.say_ = std::move(say);
    return out;
}

Phrase Phrase::joined(std::vector<Phrase> parts, std::string separator) {
    Phrase out;
    out.kind_ = Kind::joined;
    out.text_ = std::move(separator);
    out.arguments_ = std::move(parts);
    return out;
}

bool Phrase::empty() const {
    switch (kind_) {
        case Kind::literal: return text_.empty();
        case Kind::joined:
            for (const auto& part : arguments_)
                if (!part.empty()) return false;
            return true;
        default: return false;
    }
}

std::string Phrase::in(Language language) const {
    switch (kind_) {
        case Kind::literal: return text_;
        case Kind::said: return say_(language);
        case Kind::joined: {
            std::string out;
            for (const auto& part : arguments_) {
                if (part.empty()) continue;
                if (!out.empty()) out += text_;
                out += part.in(language);
            }
            return out;
        }
        case Kind::translated:
        case Kind::counted: break;
    }
    std::vector<std::string> said;
    said.reserve(arguments_.size());
    for (const auto& argument : arguments_) said.push_back(argument.in(language));
    const std::vector<std::string_view> views(said.begin(), said.end());
    return kind_ == Kind::translated ? Translations::installed().text(language, text_, views)
                                     : Translations::installed().count(language, n_, text_, many_, views);
}

Phrase phrase(std::string_view english, std::vector<Phrase> arguments) {
    Phrase out;
    out.kind_ = Phrase::Kind::translated;
    out.text_ = english;
    out.arguments_ = std::move(arguments);
    return out;
}

Phrase phrase_count(long n, std::string_view english_one, std::string_view english_many,
                    std::vector<Phrase> arguments) {
    Phrase out;
    out.kind_ = Phrase::Kind::counted;
    out.text_ = english_one;
    out.many_ = english_many;
    out.n_ = n;
    out.arguments_ = std::move(arguments);
    return out;
}

}  // namespace ritme
