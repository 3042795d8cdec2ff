#pragma once
// UTF-8 as ritme reads, counts and cuts it. Text from outside (a CSV file, a gateway's
// answer, a command's output) may hold bytes that are not UTF-8: a malformed sequence
// (a stray continuation byte, a lead byte without its continuation bytes, an overlong
// form, a surrogate, a code point beyond U+10FFFF) is read as one U+FFFD as long as its
// longest well-formed start (Unicode's "maximal subpart", as ICU and browsers read
// it), so any bytes can be walked through, counted and cut without a throw.

#include <cstddef>
#include <string>
#include <string_view>

namespace ritme {

inline constexpr char32_t replacement_character = U'\uFFFD';

// One code point read from UTF-8 text.
struct Utf8CodePoint {
    char32_t code_point = replacement_character;  // U+FFFD when malformed
    size_t length = 1;                            // bytes taken, 1 to 4
    bool valid = false;
};

// The code point that starts at byte `at`, which must be inside `text`.
Utf8CodePoint decode_utf8(std::string_view text, size_t at);

bool is_valid_utf8(std::string_view text);

// Code points, a malformed sequence counting as one.
size_t count_code_points(std::string_view text);

// The longest start of `text` of at most `max_bytes` bytes that does not end inside a
// code point (a malformed byte is a unit of its own and may be cut after).
std::string_view cut_utf8(std::string_view text, size_t max_bytes);

// `text` with each malformed sequence replaced by `replacement` (by default U+FFFD).
std::string valid_utf8(std::string_view text, std::string_view replacement = "\xEF\xBF\xBD");

}  // namespace ritme
