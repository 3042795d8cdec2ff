#include "engine/participants/masking.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <string>

namespace ritme {
namespace {

using i18n::phonenumbers::PhoneNumberUtil;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string mask_email(std::string_view address) {
    const auto at = address.rfind('@');
    if (at == std::string_view::npos || at == 0) return "***";
    return std::string(address.substr(0, 1)) + "***" + std::string(address.substr(at));
}

std::string mask_phone(std::string_view e164) {
    constexpr std::string_view hidden = "****";
    if (e164.size() < 2 || e164.front() != '+' || !std::all_of(e164.begin() + 1, e164.end(), is_digit)) return std::string(hidden);
    // In E.164 the national number follows the country code, and country codes are a
    // prefix code of one to three digits: finding it needs no full parse (which runs
    // regular expressions and is far slower; the dispatcher masks every number it logs).
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    const std::string_view digits = e164.substr(1);
    size_t code_length = 0;
    std::string region;
    for (size_t length = 1; length <= 3 && length < digits.size(); ++length) {
        util.GetRegionCodeForCountryCode(std::stoi(std::string(digits.substr(0, length))), &region);
        if (region != "ZZ") {
            code_length = length;
            break;
        }
    }
    if (code_length == 0) return std::string(hidden);
    const std::string_view national = digits.substr(code_length);
    // The first digit, then at least four hidden: a short national number (Eritrea
    // has seven digits) shows fewer of its last digits.
    const size_t tail = national.size() > 5 ? std::min<size_t>(4, national.size() - 5) : 0;
    if (tail == 0) return std::string(hidden);
    return "+" + std::string(digits.substr(0, code_length)) + " " + national.front() + " " + std::string(hidden) +
           std::string(national.substr(national.size() - tail));
}

}  // namespace ritme
