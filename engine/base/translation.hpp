#pragma once
// Lead-facing text in the lead's language, through gettext catalogues (Boost.Locale):
// code says it in English ("present"), the catalogue `ritme.mo` of each language says it
// in that one ("aanwezig"). Catalogues are compiled from config/locale/LANGUAGE.po and
// installed as <data>/locale/LANGUAGE/LC_MESSAGES/ritme.mo. Participants' messages are
// not here: they are templates per language (config/templates).
//
// A msgid the catalogue lacks is shown in English, never as an error: a missing
// translation is a test failure (config/locale/nl.po is complete), not a crash.
// Safe to use from several threads once made.

#include <initializer_list>
#include <locale>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ritme {

enum class Language { nl, en };

std::string_view tag_of(Language language);  // "nl", "en"
// From a BCP 47 tag or a POSIX locale name: "nl", "nl-BE", "nl_NL.UTF-8" → nl; "en",
// "en_GB.UTF-8" → en; other languages, "C" and "POSIX" → none.
std::optional<Language> parse_language(std::string_view text);

// The language of the CLI's own words: the first of LC_ALL, LC_MESSAGES and LANG that is
// set and not empty (POSIX's order) decides; Dutch when it names Dutch, else English.
Language language_from_environment();

class Translations {
public:
    // Reads DIRECTORY/LANGUAGE/LC_MESSAGES/ritme.mo for every language.
    explicit Translations(const std::string& directory);

    // The catalogues installed with ritme, or the build tree's; made once.
    static const Translations& installed();

    // Whether the language's catalogue was found (English works without one).
    bool has_catalogue(Language language) const;

    // `english` (a msgid) in `language`. "{1}", "{2}", … in the text are replaced by
    // `arguments` after translating, so a translation may put them in its own order.
    std::string text(Language language, std::string_view english,
                     std::initializer_list<std::string_view> arguments = {}) const;
    // With a plural: `english_one` for n == 1 in English, `english_many` else; the
    // catalogue's Plural-Forms choose in the other language. "{n}" is replaced by n, "{1}",
    // … by the arguments.
    std::string count(Language language, long n, std::string_view english_one, std::string_view english_many,
                      std::initializer_list<std::string_view> arguments = {}) const;
    // The same with the arguments in a span, for texts whose arguments are made at run time.
    std::string text(Language language, std::string_view english, std::span<const std::string_view> arguments) const;
    std::string count(Language language, long n, std::string_view english_one, std::string_view english_many,
                      std::span<const std::string_view> arguments) const;

private:
    std::map<Language, std::locale> locales_;
    std::map<Language, bool> found_;
};

// Shorthands over Translations::installed(); code says its texts through these, so
// scripts/check-catalogue finds them (xgettext keywords tr:2 and tr_count:3,4).
std::string tr(Language language, std::string_view english, std::initializer_list<std::string_view> arguments = {});
std::string tr_count(Language language, long n, std::string_view english_one, std::string_view english_many,
                     std::initializer_list<std::string_view> arguments = {});

}  // namespace ritme
