#pragma once
// SMS length and encoding (messaging.md): GSM-7 when every character is in the basic
// or extension table (extension characters count two septets), UCS-2 otherwise,
// counted in UTF-16 code units. Segments: 160/153 septets, 70/67 units.

#include <string>
#include <string_view>

namespace ritme {

enum class SmsEncoding { gsm7, ucs2 };
std::string_view name_of(SmsEncoding encoding);

struct SmsLength {
    SmsEncoding encoding = SmsEncoding::gsm7;
    int units = 0;     // septets for GSM-7, UTF-16 code units for UCS-2
    int segments = 0;  // 0 for an empty text
};

SmsLength measure_sms(std::string_view utf8);

// Curly quotes to straight, en and em dashes to a hyphen, the ellipsis to three dots,
// non-breaking spaces to spaces: only in a text that is GSM-7 afterwards; any other
// text comes back unchanged.
std::string normalise_for_gsm7(std::string_view utf8);

}  // namespace ritme
