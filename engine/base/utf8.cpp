#include "engine/base/utf8.hpp"

#include <unicode/utf8.h>

#include <cstdint>

namespace ritme {

// ICU's macro follows the Unicode standard's rules for what is well formed and how far
// a malformed sequence reaches; it is already linked for dates in message text.
Utf8CodePoint decode_utf8(std::string_view text, size_t at) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
    const size_t start = at;
    UChar32 code = 0;
    U8_NEXT(bytes, at, text.size(), code);
    if (code < 0) return {replacement_character, at - start, false};
    return {static_cast<char32_t>(code), at - start, true};
}

bool is_valid_utf8(std::string_view text) {
    for (size_t at = 0; at < text.size();) {
        const Utf8CodePoint next = decode_utf8(text, at);
        if (!next.valid) return false;
        at += next.length;
    }
    return true;
}

size_t count_code_points(std::string_view text) {
    size_t count = 0;
    for (size_t at = 0; at < text.size(); at += decode_utf8(text, at).length) ++count;
    return count;
}

std::string_view cut_utf8(std::string_view text, size_t max_bytes) {
    if (text.size() <= max_bytes) return text;
    size_t end = 0;
    while (true) {
        const size_t next = end + decode_utf8(text, end).length;
        if (next > max_bytes) break;
        end = next;
    }
    return text.substr(0, end);
}

std::string valid_utf8(std::string_view text, std::string_view replacement) {
    std::string out;
    out.reserve(text.size());
    for (size_t at = 0; at < text.size();) {
        const Utf8CodePoint next = decode_utf8(text, at);
        if (next.valid)
            out.append(text.substr(at, next.length));
        else
            out.append(replacement);
        at += next.length;
    }
    return out;
}

}  // namespace ritme
