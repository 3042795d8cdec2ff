#include "engine/base/roff.hpp"

#include "engine/base/utf8.hpp"

#include <cstdio>

namespace ritme {

std::string roff_text(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    bool line_start = true;
    for (size_t at = 0; at < text.size();) {
        const char c = text[at];
        if (static_cast<unsigned char>(c) >= 0x80) {
            // troff reads bytes, not UTF-8: a named code point renders alike everywhere.
            const Utf8CodePoint point = decode_utf8(text, at);
            char escape[16];
            std::snprintf(escape, sizeof escape, "\\[u%04X]", static_cast<unsigned>(point.code_point));
            out += escape;
            at += point.length;
            line_start = false;
            continue;
        }
        ++at;
        if (c == '\n') {
            out += '\n';
            line_start = true;
            continue;
        }
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        line_start = false;
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    return out;
}

std::string roff_heading(std::string_view text) { return ".SH \"" + roff_text(text) + "\"\n"; }

std::string roff_subheading(std::string_view text) { return ".SS \"" + roff_text(text) + "\"\n"; }

}  // namespace ritme
