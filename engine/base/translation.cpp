#include "engine/base/translation.hpp"

#include "engine/base/installed_data.hpp"
#include "engine/base/text.hpp"

#include <boost/locale/generator.hpp>
#include <boost/locale/message.hpp>

#include <array>
#include <cstdlib>
#include <filesystem>

namespace ritme {
namespace {

constexpr std::array<Language, 2> languages{Language::nl, Language::en};
constexpr const char* domain = "ritme";

// The locale Boost.Locale builds for a language; its region only picks the catalogue
// directory it also tries (nl_NL, then nl).
std::string locale_name(Language language) {
    return language == Language::nl ? "nl_NL.UTF-8" : "en_GB.UTF-8";
}

// "{1}" … "{9}" replaced by the arguments in one pass, so an argument's own braces stay.
std::string with_arguments(std::string_view text, std::span<const std::string_view> arguments) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}' && text[i + 1] >= '1' && text[i + 1] <= '9' &&
            static_cast<size_t>(text[i + 1] - '1') < arguments.size()) {
            out += arguments[text[i + 1] - '1'];
            i += 2;
            continue;
        }
        out += text[i];
    }
    return out;
}

}  // namespace

std::string_view tag_of(Language language) { return language == Language::nl ? "nl" : "en"; }

std::optional<Language> parse_language(std::string_view text) {
    // The language is what comes before a region, an encoding or a modifier.
    const std::string language = lower(text.substr(0, text.find_first_of("-_.@")));
    if (language == "nl") return Language::nl;
    if (language == "en") return Language::en;
    return std::nullopt;
}

Language language_from_environment() {
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(name);
        if (value && *value) return parse_language(value).value_or(Language::en);
    }
    return Language::en;
}

Translations::Translations(const std::string& directory) {
    boost::locale::generator generator;
    generator.add_messages_path(directory);
    generator.add_messages_domain(domain);
    for (const Language language : languages) {
        locales_.emplace(language, generator(locale_name(language)));
        const auto file = std::filesystem::path(directory) / tag_of(language) / "LC_MESSAGES" / "ritme.mo";
        std::error_code ignored;
        found_[language] = std::filesystem::is_regular_file(file, ignored);
    }
}

const Translations& Translations::installed() {
    static const Translations translations(installed_or("locale", RITME_DEFAULT_LOCALE_DIR));
    return translations;
}

bool Translations::has_catalogue(Language language) const { return found_.at(language); }

std::string Translations::text(Language language, std::string_view english,
                               std::initializer_list<std::string_view> arguments) const {
    return text(language, english, std::span<const std::string_view>(arguments.begin(), arguments.size()));
}

std::string Translations::text(Language language, std::string_view english,
                               std::span<const std::string_view> arguments) const {
    return with_arguments(boost::locale::translate(std::string(english)).str(locales_.at(language)), arguments);
}

std::string Translations::count(Language language, long n, std::string_view english_one,
                                std::string_view english_many, std::initializer_list<std::string_view> arguments) const {
    return count(language, n, english_one, english_many,
                 std::span<const std::string_view>(arguments.begin(), arguments.size()));
}

std::string Translations::count(Language language, long n, std::string_view english_one,
                                std::string_view english_many, std::span<const std::string_view> arguments) const {
    std::string translated =
        boost::locale::translate(std::string(english_one), std::string(english_many), n).str(locales_.at(language));
    const std::string number = std::to_string(n);
    for (size_t at = translated.find("{n}"); at != std::string::npos; at = translated.find("{n}", at + number.size()))
        translated.replace(at, 3, number);
    return with_arguments(translated, arguments);
}

std::string tr(Language language, std::string_view english, std::initializer_list<std::string_view> arguments) {
    return Translations::installed().text(language, english, arguments);
}

std::string tr_count(Language language, long n, std::string_view english_one, std::string_view english_many,
                     std::initializer_list<std::string_view> arguments) {
    return Translations::installed().count(language, n, english_one, english_many, arguments);
}

}  // namespace ritme
