#pragma once
// A lead-facing text made where its facts are known and said later in the reader's
// language: the engine's checks say what is wrong once, in English with "{1}", "{2}", …
// (a msgid of config/locale/LANGUAGE.po), and keep the values; the page, the HTML
// calendar and the CLI say it in their reader's language (Phrase::in). An argument is a
// phrase itself, so a weekday or a count inside a text is translated with it; a plain
// string (a name, a time, a number) is the same in every language.

#include "engine/base/translation.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

class Phrase {
public:
    Phrase() = default;
    Phrase(std::string text);  // NOLINT: a value said the same in every language
    Phrase(const char* text);  // NOLINT
    // Said by `say` in each language: a date as its readers write it.
    static Phrase said_by(std::function<std::string(Language)> say);
    // The phrases one after the other, `separator` between the ones that are not empty.
    static Phrase joined(std::vector<Phrase> parts, std::string separator);

    std::string in(Language language) const;
    std::string english() const { return in(Language::en); }
    bool empty() const;

private:
    friend Phrase phrase(std::string_view english, std::vector<Phrase> arguments);
    friend Phrase phrase_count(long n, std::string_view english_one, std::string_view english_many,
                               std::vector<Phrase> arguments);

    enum class Kind { literal, translated, counted, said, joined };
    Kind kind_ = Kind::literal;
    std::string text_;  // literal: the text; translated, counted: the msgid; joined: the separator
    std::string many_;  // counted: the plural msgid
    long n_ = 0;
    std::vector<Phrase> arguments_;
    std::function<std::string(Language)> say_;
};

// Shorthands found by scripts/check-catalogue (xgettext keywords phrase:1 and
// phrase_count:2,3), like tr and tr_count, whose rules they follow.
Phrase phrase(std::string_view english, std::vector<Phrase> arguments = {});
Phrase phrase_count(long n, std::string_view english_one, std::string_view english_many,
                    std::vector<Phrase> arguments = {});

}  // namespace ritme
