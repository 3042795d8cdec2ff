#include "engine/message/local_dates.hpp"

#include <unicode/dtptngen.h>
#include <unicode/localebuilder.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>

#include <memory>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace ritme {
namespace {

constexpr double milliseconds_per_day = 86'400'000.0;
constexpr double milliseconds_per_minute = 60'000.0;

// ICU skeletons: fields wanted, in no order; ICU picks each locale's order and words.
constexpr std::string_view weekday_date_skeleton = "EEEEdMMMM";
constexpr std::string_view short_weekday_date_skeleton = "EEEdMMM";
constexpr std::string_view time_skeleton = "jm";  // "j": the locale's preferred hour cycle

// The reader's language; the Netherlands' region when the tag names none; always the
// Gregorian calendar; Latin digits unless the tag asks for others ("ar-u-nu-arab"): the
// digits of the Dutch letters and the phones' keypads, where ICU would give Arabic ("٠٩:٣٠")
// or Persian ("۹:۳۰") ones (config/templates/README.md).
icu::Locale reader_locale(const std::string& language) {
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale tagged = icu::Locale::forLanguageTag(language, status);
    if (U_FAILURE(status) || tagged.isBogus() || *tagged.getLanguage() == '\0') {
        status = U_ZERO_ERROR;
        tagged = icu::Locale("nl");
    }
    icu::LocaleBuilder builder;
    builder.setLocale(tagged);
    if (*tagged.getCountry() == '\0') builder.setRegion("NL");
    builder.setUnicodeLocaleKeyword("ca", "gregory");
    if (tagged.getUnicodeKeywordValue<std::string>("nu", status).empty()) builder.setUnicodeLocaleKeyword("nu", "latn");
    status = U_ZERO_ERROR;  // ICU reports a keyword the tag does not have as an error
    icu::Locale locale = builder.build(status);
    return U_FAILURE(status) ? tagged : locale;
}

std::unique_ptr<icu::SimpleDateFormat> make_formatter(std::string_view skeleton, const std::string& language) {
    const icu::Locale locale = reader_locale(language);
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::DateTimePatternGenerator> patterns(
        icu::DateTimePatternGenerator::createInstance(locale, status));
    if (U_FAILURE(status) || !patterns)
        throw std::runtime_error("no date patterns for language \"" + language + "\": " + u_errorName(status));
    const icu::UnicodeString pattern = patterns->getBestPattern(
        icu::UnicodeString::fromUTF8(icu::StringPiece(skeleton.data(), static_cast<int32_t>(skeleton.size()))),
        status);
    auto formatter = std::make_unique<icu::SimpleDateFormat>(pattern, locale, status);
    if (U_FAILURE(status))
        throw std::runtime_error("no date format for language \"" + language + "\": " + u_errorName(status));
    // The instant below is the civil value read as UTC; formatting in UTC shifts nothing.
    formatter->adoptTimeZone(icu::TimeZone::getGMT()->clone());
    return formatter;
}

// Formatters are costly to build and not safe to share while formatting, so each thread
// keeps its own, one per skeleton and language. Messages in a batch mostly name the same
// few days and times, so the texts are kept too (a few per day of the year: small).
struct CachedFormat {
    std::unique_ptr<icu::SimpleDateFormat> formatter;
    std::unordered_map<UDate, std::string> texts;
};
constexpr size_t max_cached_texts = 4096;

std::string format(UDate instant, std::string_view skeleton, const std::string& language) {
    thread_local std::unordered_map<std::string, CachedFormat> formats;
    std::string key;
    key.reserve(skeleton.size() + 1 + language.size());
    key.append(skeleton).append(1, '|').append(language);
    auto found = formats.find(key);
    if (found == formats.end())
        found = formats.emplace(key, CachedFormat{make_formatter(skeleton, language), {}}).first;
    CachedFormat& cached = found->second;
    if (const auto text = cached.texts.find(instant); text != cached.texts.end()) return text->second;

    icu::UnicodeString text;
    cached.formatter->format(instant, text);
    std::string utf8;
    text.toUTF8String(utf8);
    if (cached.texts.size() >= max_cached_texts) cached.texts.clear();
    cached.texts.emplace(instant, utf8);
    return utf8;
}

UDate civil_instant(Date date, TimeOfDay time) {
    const auto days = (date - make_date(1970, 1, 1)).days();
    return static_cast<double>(days) * milliseconds_per_day + time.minutes() * milliseconds_per_minute;
}

}  // namespace

std::string format_weekday_date(Date date, const std::string& language) {
    if (date.is_special()) return {};
    return format(civil_instant(date, TimeOfDay()), weekday_date_skeleton, language);
}

std::string format_short_weekday_date(Date date, const std::string& language) {
    if (date.is_special()) return {};
    return format(civil_instant(date, TimeOfDay()), short_weekday_date_skeleton, language);
}

std::string format_time(TimeOfDay time, const std::string& language) {
    return format(civil_instant(make_date(1970, 1, 1), time), time_skeleton, language);
}

}  // namespace ritme
