#include "engine/message/answer_reading.hpp"

#include "engine/message/answer_words.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <stdexcept>

namespace ritme {
namespace {

// Arabic and Persian keyboards write the same letter as different code points, and a
// phone may add vowel marks or the stretching tatweel: one form each, marks removed.
// Returns 0 for a code point to drop.
UChar32 fold_arabic(UChar32 c) {
    switch (c) {
        case 0x06CC:  // Farsi yeh
        case 0x0649:  // alef maksura
        case 0x06D2:  // yeh barree
            return 0x064A;
        case 0x06A9:  // keheh
            return 0x0643;
        case 0x0629:  // teh marbuta
        case 0x06C0:  // heh with yeh above
        case 0x06D5:  // ae
            return 0x0647;
        case 0x0623:  // alef with hamza above
        case 0x0625:  // alef with hamza below
        case 0x0622:  // alef with madda
        case 0x0671:  // alef wasla
            return 0x0627;
        case 0x0640:  // tatweel
        case 0x0670:  // superscript alef
        case 0x200B: case 0x200C: case 0x200D: case 0x200E: case 0x200F:  // zero-width and direction marks
        case 0x061C: case 0xFEFF:
            return 0;
        default: break;
    }
    if (c >= 0x064B && c <= 0x065F) return 0;  // harakat
    if (c >= 0x06D6 && c <= 0x06ED) return 0;  // Quranic marks
    if (c >= 0x202A && c <= 0x202E) return 0;  // direction embeddings
    if (c >= 0x2066 && c <= 0x2069) return 0;  // direction isolates
    if (c >= 0x0660 && c <= 0x0669) return '0' + (c - 0x0660);  // Arabic-Indic digits
    if (c >= 0x06F0 && c <= 0x06F9) return '0' + (c - 0x06F0);  // Extended Arabic-Indic digits
    return c;
}

// What counts as part of a word at its ends: letters, digits and combining marks
// (Ge'ez, Devanagari); punctuation, symbols and emoji around it are trimmed.
bool is_word_part(UChar32 c) {
    if (u_isalnum(c)) return true;
    const int8_t type = u_charType(c);
    return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK;
}

}  // namespace

std::string fold_answer_text(std::string_view text) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU has no NFKC normaliser: ") + u_errorName(status));
    const icu::UnicodeString source =
        icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    icu::UnicodeString normal = nfkc->normalize(source, status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("cannot normalise a text: ") + u_errorName(status));
    normal.toLower(icu::Locale::getRoot());

    // Folded code points; runs of space become one; ends trimmed below.
    std::u32string folded;
    bool space = false;
    for (int32_t i = 0; i < normal.length();) {
        const UChar32 c = normal.char32At(i);
        i += U16_LENGTH(c);
        const UChar32 f = fold_arabic(c);
        if (f == 0) continue;
        if (u_isUWhiteSpace(f) || f == 0x00A0) {
            space = true;
            continue;
        }
        if (space && !folded.empty()) folded.push_back(U' ');
        space = false;
        folded.push_back(static_cast<char32_t>(f));
    }
    size_t begin = 0, end = folded.size();
    while (begin < end && (folded[begin] == U' ' || !is_word_part(static_cast<UChar32>(folded[begin])))) ++begin;
    while (end > begin && (folded[end - 1] == U' ' || !is_word_part(static_cast<UChar32>(folded[end - 1])))) --end;

    icu::UnicodeString result;
    for (size_t i = begin; i < end; ++i) result.append(static_cast<UChar32>(folded[i]));
    // Folding the Arabic letters may leave a form NFKC would write otherwise.
    result = nfkc->normalize(result, status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("cannot normalise a text: ") + u_errorName(status));
    std::string out;
    result.toUTF8String(out);
    return out;
}

AnswerReading read_answer(const AnswerWords& words, std::string_view text, const std::string& language) {
    const std::string folded = fold_answer_text(text);
    if (folded.empty()) return AnswerReading::free_text;
    return words.meaning(folded, language).value_or(AnswerReading::free_text);
}

}  // namespace ritme
