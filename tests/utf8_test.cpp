// UTF-8 reading, counting and cutting (engine/base/utf8): what is well formed, how far
// a malformed sequence reaches, and that a cut never splits a code point.

#include "engine/base/utf8.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ritme;

namespace {

const std::string e_umlaut = "\xC3\xAB";       // ë, 2 bytes
const std::string euro = "\xE2\x82\xAC";       // €, 3 bytes
const std::string emoji = "\xF0\x9F\x98\x80";  // 😀, 4 bytes
const std::string fffd = "\xEF\xBF\xBD";       // U+FFFD

// The code points of `text`, a malformed sequence as U+FFFD, and the lengths they take.
std::vector<char32_t> code_points(std::string_view text) {
    std::vector<char32_t> out;
    for (size_t at = 0; at < text.size();) {
        const Utf8CodePoint next = decode_utf8(text, at);
        REQUIRE(next.length >= 1);
        REQUIRE(next.length <= 4);
        out.push_back(next.code_point);
        at += next.length;
    }
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("utf8");

TEST_CASE("well-formed text decodes to its code points, one to four bytes each") {
    CHECK(code_points("a" + e_umlaut + euro + emoji) == std::vector<char32_t>{U'a', U'ë', U'€', U'😀'});
    CHECK(decode_utf8(emoji, 0).length == 4);
    CHECK(decode_utf8(emoji, 0).valid);
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("Tot dinsdag in Belgi" + e_umlaut + " " + euro + " " + emoji));
    CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
    CHECK(is_valid_utf8(fffd));               // a replacement character that was typed is text
    CHECK(decode_utf8(fffd, 0).valid);
}

TEST_CASE("a stray continuation byte, a lead byte cut short, a byte never in UTF-8: each is one U+FFFD") {
    CHECK_FALSE(is_valid_utf8("\x80"));
    CHECK_FALSE(is_valid_utf8("ab\xFF"));
    CHECK_FALSE(is_valid_utf8("caf\xE9"));      // Latin-1 é
    CHECK_FALSE(is_valid_utf8("\xE2\x82"));     // € without its last byte
    CHECK_FALSE(is_valid_utf8("\xE2\x82" "a"));
    CHECK(code_points("ab\xFF" "c") == std::vector<char32_t>{U'a', U'b', replacement_character, U'c'});
    // A lead byte and the continuation bytes that fit it are one malformed unit; what
    // follows is read afresh.
    CHECK(code_points("\xE2\x82" "a") == std::vector<char32_t>{replacement_character, U'a'});
    CHECK(decode_utf8("\xE2\x82" "a", 0).length == 2);
    CHECK(code_points("\xF0\x9F\x98") == std::vector<char32_t>{replacement_character});
    CHECK(code_points("\x80\x80") == std::vector<char32_t>{replacement_character, replacement_character});
    CHECK_FALSE(decode_utf8("\xFE", 0).valid);
}

TEST_CASE("overlong forms, surrogates and code points beyond U+10FFFF are not UTF-8") {
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // '/' in two bytes
    CHECK_FALSE(is_valid_utf8("\xC1\xBF"));
    CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // '/' in three bytes
    CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
    CHECK_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
    CHECK(is_valid_utf8("\xED\x9F\xBF"));            // U+D7FF, just below the surrogates
    CHECK(is_valid_utf8("\xE0\xA0\x80"));            // U+0800, the shortest three-byte form
    // None of them reads as the character it spells: an overlong '/' is no path separator.
    for (const std::string& bad : {std::string("\xC0\xAF"), std::string("\xE0\x80\xAF"), std::string("\xED\xA0\x80")})
        for (char32_t c : code_points(bad)) CHECK(c == replacement_character);
}

TEST_CASE("code points are counted, a malformed sequence as one") {
    CHECK(count_code_points("") == 0);
    CHECK(count_code_points("abc") == 3);
    CHECK(count_code_points("M" + e_umlaut + "ller " + emoji) == 8);
    CHECK(count_code_points("caf\xE9") == 4);
    CHECK(count_code_points("\xE2\x82") == 1);
}

TEST_CASE("a cut keeps at most the bytes asked for and never splits a code point") {
    CHECK(cut_utf8("abc", 10) == "abc");
    CHECK(cut_utf8("abc", 2) == "ab");
    CHECK(cut_utf8("abc", 0) == "");
    CHECK(cut_utf8(e_umlaut + e_umlaut, 3) == e_umlaut);
    CHECK(cut_utf8("a" + emoji, 4) == "a");
    CHECK(cut_utf8("a" + emoji, 5) == "a" + emoji);
    // Every cut of a text of one-, two-, three- and four-byte characters is whole characters.
    const std::string text = "a" + e_umlaut + euro + emoji + "b" + emoji + euro;
    for (size_t limit = 0; limit <= text.size() + 1; ++limit) {
        const std::string_view cut = cut_utf8(text, limit);
        CHECK(cut.size() <= limit);
        CHECK(is_valid_utf8(cut));
        CHECK(text.starts_with(cut));
        // Nothing more would fit: the next character is longer than what is left.
        if (cut.size() < text.size()) CHECK(cut.size() + decode_utf8(text, cut.size()).length > limit);
    }
    // A malformed byte is a unit of its own: the cut may fall after it.
    CHECK(cut_utf8("\x80\x80\x80", 2) == "\x80\x80");
    CHECK(cut_utf8("ab\xE2\x82", 3) == "ab");
}

TEST_CASE("malformed sequences are replaced, well-formed text is kept as it is") {
    const std::string good = "Tot dinsdag in Belgi" + e_umlaut + " " + emoji;
    CHECK(valid_utf8(good) == good);
    CHECK(valid_utf8("caf\xE9 ferm\xE9") == "caf" + fffd + " ferm" + fffd);
    CHECK(valid_utf8("caf\xE9 ferm\xE9", "?") == "caf? ferm?");
    CHECK(valid_utf8("\xE2\x82" "a") == fffd + "a");
    CHECK(valid_utf8("\xC0\xAF") == fffd + fffd);
    CHECK(valid_utf8("\xED\xA0\x80", "?") == "???");
    CHECK(is_valid_utf8(valid_utf8("\xF0\x9F\x98 \xFF\xC3")));
}

TEST_SUITE_END();
