#include "engine/message/sms_text.hpp"

#include "engine/base/utf8.hpp"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

namespace ritme {
namespace {

// The GSM 03.38 tables as messaging.md lists them. Line feed and carriage return are in
// the basic table, form feed in the extension table.
constexpr std::u32string_view gsm7_basic =
    U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    U"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
constexpr std::u32string_view gsm7_extension = U"\f^{}\\[~]|€";

constexpr int gsm7_single = 160;
constexpr int gsm7_part = 153;
constexpr int ucs2_single = 70;
constexpr int ucs2_part = 67;

// Reads one code point at `at` and moves past it; a malformed sequence reads as U+FFFD,
// which no GSM-7 table holds, so a broken text is counted as UCS-2.
char32_t next_code_point(std::string_view text, size_t& at) {
    const Utf8CodePoint next = decode_utf8(text, at);
    at += next.length;
    return next.code_point;
}

// Septets a character takes in GSM-7: 1 in the basic table, 2 in the extension table
// (the escape and the character), 0 when GSM-7 cannot carry it.
class Gsm7Widths {
public:
    Gsm7Widths() {
        for (char32_t c : gsm7_basic) add(c, 1);
        for (char32_t c : gsm7_extension) add(c, 2);
        std::sort(others_.begin(), others_.end());
    }

    int width(char32_t c) const {
        if (c < ascii_.size()) return ascii_[c];
        const auto found = std::lower_bound(others_.begin(), others_.end(), std::pair<char32_t, int>{c, 0});
        return found != others_.end() && found->first == c ? found->second : 0;
    }

private:
    void add(char32_t c, int septets) {
        if (c < ascii_.size())
            ascii_[c] = static_cast<unsigned char>(septets);
        else
            others_.emplace_back(c, septets);
    }

    std::array<unsigned char, 128> ascii_{};
    std::vector<std::pair<char32_t, int>> others_;
};

const Gsm7Widths& gsm7_widths() {
    static const Gsm7Widths widths;
    return widths;
}

bool is_gsm7(std::string_view utf8) {
    const Gsm7Widths& widths = gsm7_widths();
    for (size_t at = 0; at < utf8.size();)
        if (widths.width(next_code_point(utf8, at)) == 0) return false;
    return true;
}

// Counts units and the parts of a split message at the same time: parts are filled
// greedily and a character (an escape pair, a surrogate pair) never straddles two parts,
// so a part may end one unit short.
class PartCounter {
public:
    PartCounter(int single, int part) : single_(single), part_(part) {}

    void add(int width) {
        units_ += width;
        if (used_ + width > part_) {
            ++parts_;
            used_ = 0;
        }
        used_ += width;
    }
    int units() const { return units_; }
    int segments() const { return units_ == 0 ? 0 : units_ <= single_ ? 1 : parts_; }

private:
    int single_;
    int part_;
    int units_ = 0;
    int parts_ = 1;
    int used_ = 0;
};

// What a reader sees the same in plain GSM-7, or nullptr: typographic quotes, dashes,
// the ellipsis and non-breaking spaces.
const char* plain_equivalent(char32_t c) {
    switch (c) {
        case U'\u2018': case U'\u2019': case U'\u201A': case U'\u201B': case U'\u2032':
            return "'";
        case U'\u201C': case U'\u201D': case U'\u201E': case U'\u201F': case U'\u2033':
            return "\"";
        case U'\u2010': case U'\u2011': case U'\u2012': case U'\u2013': case U'\u2014': case U'\u2015':
        case U'\u2212':
            return "-";
        case U'\u2026':
            return "...";
        case U'\u00A0': case U'\u2007': case U'\u202F':
            return " ";
        default:
            return nullptr;
    }
}

}  // namespace

std::string_view name_of(SmsEncoding encoding) { return encoding == SmsEncoding::gsm7 ? "GSM-7" : "UCS-2"; }

SmsLength measure_sms(std::string_view utf8) {
    const Gsm7Widths& gsm7 = gsm7_widths();
    PartCounter septets(gsm7_single, gsm7_part);
    PartCounter utf16_units(ucs2_single, ucs2_part);
    bool fits_gsm7 = true;
    for (size_t at = 0; at < utf8.size();) {
        const char32_t c = next_code_point(utf8, at);
        const int width = gsm7.width(c);
        if (width == 0) fits_gsm7 = false;
        if (fits_gsm7) septets.add(width);
        utf16_units.add(c > 0xFFFF ? 2 : 1);
    }
    if (fits_gsm7) return {SmsEncoding::gsm7, septets.units(), septets.segments()};
    return {SmsEncoding::ucs2, utf16_units.units(), utf16_units.segments()};
}

std::string normalise_for_gsm7(std::string_view utf8) {
    if (is_gsm7(utf8)) return std::string(utf8);
    std::string plain;
    plain.reserve(utf8.size());
    for (size_t at = 0; at < utf8.size();) {
        const size_t start = at;
        const char32_t c = next_code_point(utf8, at);
        if (const char* replacement = plain_equivalent(c))
            plain += replacement;
        else
            plain.append(utf8.substr(start, at - start));
    }
    // Anything else outside GSM-7 (ë, Arabic, an emoji) makes the text UCS-2 anyway, and
    // in UCS-2 the typography costs nothing: keep what the author wrote.
    return is_gsm7(plain) ? plain : std::string(utf8);
}

}  // namespace ritme
