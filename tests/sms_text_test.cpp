#include "engine/message/sms_text.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace ritme;

namespace {

std::string repeated(const std::string& piece, int times) {
    std::string text;
    for (int i = 0; i < times; ++i) text += piece;
    return text;
}

const std::string e_umlaut = "\xC3\xAB";          // ë: not in GSM-7
const std::string euro = "\xE2\x82\xAC";          // €: GSM-7 extension table
const std::string emoji = "\xF0\x9F\x98\x80";     // 😀: outside the BMP, a surrogate pair
const std::string left_quote = "\xE2\x80\x98";    // ‘
const std::string right_quote = "\xE2\x80\x99";   // ’
const std::string left_double = "\xE2\x80\x9C";   // “
const std::string right_double = "\xE2\x80\x9D";  // ”
const std::string en_dash = "\xE2\x80\x93";       // –
const std::string em_dash = "\xE2\x80\x94";       // —
const std::string ellipsis = "\xE2\x80\xA6";      // …
const std::string no_break_space = "\xC2\xA0";

}  // namespace

TEST_SUITE("sms_text") {
    TEST_CASE("an empty text is no segment") {
        const SmsLength length = measure_sms("");
        CHECK(length.encoding == SmsEncoding::gsm7);
        CHECK(length.units == 0);
        CHECK(length.segments == 0);
    }

    TEST_CASE("GSM-7: 160 septets in one message, 153 per part after that") {
        CHECK(measure_sms(repeated("a", 160)).segments == 1);
        CHECK(measure_sms(repeated("a", 160)).units == 160);
        CHECK(measure_sms(repeated("a", 161)).segments == 2);
        CHECK(measure_sms(repeated("a", 153 * 2)).segments == 2);
        CHECK(measure_sms(repeated("a", 153 * 2 + 1)).segments == 3);
        CHECK(measure_sms(repeated("a", 153 * 3)).segments == 3);
        CHECK(measure_sms(repeated("a", 161)).encoding == SmsEncoding::gsm7);
    }

    TEST_CASE("UCS-2: 70 units in one message, 67 per part after that") {
        CHECK(measure_sms(repeated(e_umlaut, 70)).segments == 1);
        CHECK(measure_sms(repeated(e_umlaut, 70)).units == 70);
        CHECK(measure_sms(repeated(e_umlaut, 71)).segments == 2);
        CHECK(measure_sms(repeated(e_umlaut, 67 * 2)).segments == 2);
        CHECK(measure_sms(repeated(e_umlaut, 67 * 2 + 1)).segments == 3);
        CHECK(measure_sms(repeated(e_umlaut, 71)).encoding == SmsEncoding::ucs2);
    }

    TEST_CASE("the accented letters of the basic table stay GSM-7, one septet each") {
        // éèüÄßΔ£§
        const std::string text = "\xC3\xA9\xC3\xA8\xC3\xBC\xC3\x84\xC3\x9F\xCE\x94\xC2\xA3\xC2\xA7";
        const SmsLength length = measure_sms(text);
        CHECK(length.encoding == SmsEncoding::gsm7);
        CHECK(length.units == 8);
        CHECK(measure_sms("line\nbreak\r").units == 11);
    }

    TEST_CASE("extension characters take two septets") {
        const SmsLength length = measure_sms("{}[]~|^\\" + euro);
        CHECK(length.encoding == SmsEncoding::gsm7);
        CHECK(length.units == 18);
        CHECK(measure_sms(repeated(euro, 80)).segments == 1);  // 160 septets
        CHECK(measure_sms(repeated(euro, 80) + "a").segments == 2);
    }

    TEST_CASE("an escape pair is never split across parts") {
        // 152 + 2 + 152 = 306 septets would fill two parts exactly by division, but the
        // euro sign does not fit in the first part's last septet and moves to the second.
        const std::string text = repeated("a", 152) + euro + repeated("a", 152);
        const SmsLength length = measure_sms(text);
        CHECK(length.units == 306);
        CHECK(length.segments == 3);
        // Where the pair fits, nothing moves.
        CHECK(measure_sms(repeated("a", 151) + euro + repeated("a", 153)).segments == 2);
    }

    TEST_CASE("an emoji is two UTF-16 units and its surrogate pair is never split") {
        CHECK(measure_sms(emoji).encoding == SmsEncoding::ucs2);
        CHECK(measure_sms(emoji).units == 2);
        CHECK(measure_sms(repeated(emoji, 35)).segments == 1);  // 70 units
        CHECK(measure_sms(repeated(emoji, 36)).segments == 2);
        const std::string text = repeated(e_umlaut, 66) + emoji + repeated(e_umlaut, 66);
        CHECK(measure_sms(text).units == 134);
        CHECK(measure_sms(text).segments == 3);
        CHECK(measure_sms(repeated(e_umlaut, 65) + emoji + repeated(e_umlaut, 67)).segments == 2);
    }

    TEST_CASE("one Dutch letter outside the table makes the whole message UCS-2") {
        const std::string plain = "Tot dinsdag in Belgie";
        CHECK(measure_sms(plain).encoding == SmsEncoding::gsm7);
        const SmsLength dutch = measure_sms("Tot dinsdag in Belgi" + e_umlaut);
        CHECK(dutch.encoding == SmsEncoding::ucs2);
        CHECK(dutch.units == static_cast<int>(plain.size()));
        // The same 100 letters: one part in GSM-7, two in UCS-2.
        CHECK(measure_sms(repeated("e", 100)).segments == 1);
        CHECK(measure_sms(repeated("e", 99) + e_umlaut).segments == 2);
    }

    TEST_CASE("a backtick is not GSM-7") {
        CHECK(measure_sms("a`b").encoding == SmsEncoding::ucs2);
    }

    TEST_CASE("Arabic text is UCS-2, one unit per letter") {
        const std::string hello = "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7";  // مرحبا
        const SmsLength length = measure_sms(hello);
        CHECK(length.encoding == SmsEncoding::ucs2);
        CHECK(length.units == 5);
        CHECK(length.segments == 1);
        CHECK(measure_sms(repeated(hello, 14)).segments == 1);  // 70 units
        CHECK(measure_sms(repeated(hello, 15)).segments == 2);
    }

    TEST_CASE("malformed UTF-8 is counted, as UCS-2") {
        const SmsLength length = measure_sms(std::string("ab\xFF") + "c");
        CHECK(length.encoding == SmsEncoding::ucs2);
        CHECK(length.units == 4);
    }

    TEST_CASE("typography becomes plain when that keeps the text GSM-7") {
        const std::string typed = left_quote + "Bus 4" + right_quote + " " + en_dash + " halte " + left_double +
                                  "Stadhuis" + right_double + em_dash + "om" + no_break_space + "9 uur" + ellipsis;
        CHECK(measure_sms(typed).encoding == SmsEncoding::ucs2);
        const std::string plain = normalise_for_gsm7(typed);
        CHECK(plain == "'Bus 4' - halte \"Stadhuis\"-om 9 uur...");
        CHECK(measure_sms(plain).encoding == SmsEncoding::gsm7);
    }

    TEST_CASE("typography stays as written when the text is UCS-2 anyway") {
        const std::string typed =
            left_quote + "Belgi" + e_umlaut + right_quote + " " + en_dash + " idee" + e_umlaut + "n";
        CHECK(normalise_for_gsm7(typed) == typed);
        const std::string with_emoji = left_double + "Tot straks" + right_double + " " + emoji;
        CHECK(normalise_for_gsm7(with_emoji) == with_emoji);
    }

    TEST_CASE("a GSM-7 text comes back unchanged") {
        const std::string text =
            "Hallo Fatima, tot dinsdag 3 maart om 09:30.\nLukt het niet? Bel +31612345678. " + euro;
        CHECK(normalise_for_gsm7(text) == text);
        CHECK(normalise_for_gsm7("") == "");
    }

    TEST_CASE("encodings are named as gateways name them") {
        CHECK(name_of(SmsEncoding::gsm7) == "GSM-7");
        CHECK(name_of(SmsEncoding::ucs2) == "UCS-2");
    }
}
