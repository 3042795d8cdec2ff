#include "engine/participants/masking.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace ritme {
namespace {

using i18n::phonenumbers::PhoneNumberUtil;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_letter_or_digit(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Bytes of an address's local part and of its domain; bytes above 0x7f are taken as
// letters (internationalised addresses).
bool is_local_part_byte(char c) {
    return is_letter_or_digit(c) || static_cast<unsigned char>(c) >= 0x80 ||
           std::string_view(".%+-!#$&'*/=?^`{|}~").find(c) != std::string_view::npos;
}

bool is_domain_byte(char c) { return is_letter_or_digit(c) || c == '.' || c == '-' || static_cast<unsigned char>(c) >= 0x80; }

constexpr std::string_view phone_separators = " -./()";
constexpr size_t min_phone_digits = 9;    // a Dutch mobile number without its 0
constexpr size_t max_phone_digits = 17;   // E.164's 15 after "00"

// Digit runs that are something else, which the separators would join into one run:
// a date ("2026-12-04", "04-12-2026", with - / or .) or an IPv4 address. Returns the
// length of the one at the start of `text`, or 0.
size_t not_a_phone_number(std::string_view text) {
    const auto digits_at = [&](size_t from, size_t count) {
        if (from + count > text.size()) return false;
        for (size_t i = from; i < from + count; ++i)
            if (!is_digit(text[i])) return false;
        return true;
    };
    const auto date_separator = [&](size_t at) {
        return at < text.size() && (text[at] == '-' || text[at] == '/' || text[at] == '.');
    };
    if (digits_at(0, 4) && date_separator(4) && digits_at(5, 2) && text[7] == text[4] && digits_at(8, 2)) return 10;
    if (digits_at(0, 2) && date_separator(2) && digits_at(3, 2) && text[5] == text[2] && digits_at(6, 4)) return 10;
    size_t at = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (at >= text.size() || text[at] != '.') return 0;
            ++at;
        }
        const size_t start = at;
        while (at < text.size() && at - start < 3 && is_digit(text[at])) ++at;
        if (at == start) return 0;
    }
    // Not followed by more digits or a fifth group ("06.12.34.56.78" is a number).
    if (at < text.size() && (is_digit(text[at]) || (text[at] == '.' && at + 1 < text.size() && is_digit(text[at + 1]))))
        return 0;
    return at;
}

// The phone-like run that starts at `text[0]` (a '+' or a digit): its length in bytes
// and its digits; 0 when none starts there.
size_t phone_run(std::string_view text, std::string& digits) {
    digits.clear();
    size_t at = text.front() == '+' ? 1 : 0;
    size_t end = 0;
    while (at < text.size()) {
        if (is_digit(text[at])) {
            digits += text[at++];
            end = at;
            continue;
        }
        // At most two separators between groups ("6) 1234", "(0)6"), never at the end.
        size_t next = at;
        while (next < text.size() && next - at < 2 && phone_separators.find(text[next]) != std::string_view::npos)
            ++next;
        if (next == at || next >= text.size() || !is_digit(text[next])) break;
        at = next;
    }
    if (digits.size() < min_phone_digits || digits.size() > max_phone_digits) return 0;
    return end;
}

std::string masked_phone_run(std::string_view run, const std::string& digits) {
    std::string international;
    if (run.front() == '+') international = "+" + digits;
    else if (digits.starts_with("00")) international = "+" + digits.substr(2);
    else if (!digits.starts_with("0")) international = "+" + digits;  // "31612345678", as some gateways write it
    if (!international.empty()) {
        std::string masked = mask_phone(international);
        if (masked != "****") return masked;
    }
    return "****" + digits.substr(digits.size() - 4);
}

// Where the e-mail-like run around the '@' at `at` begins and ends; nothing when the
// '@' is not inside one.
std::optional<std::pair<size_t, size_t>> email_run(std::string_view text, size_t at) {
    size_t begin = at;
    while (begin > 0 && is_local_part_byte(text[begin - 1])) --begin;
    size_t end = at + 1;
    while (end < text.size() && is_domain_byte(text[end])) ++end;
    while (end > at + 1 && (text[end - 1] == '.' || text[end - 1] == '-')) --end;  // a full stop after it
    const std::string_view domain = text.substr(at + 1, end - at - 1);
    const size_t dot = domain.find('.');
    if (begin == at || dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size()) return std::nullopt;
    return std::pair{begin, end};
}

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

std::string mask_contacts_in_text(std::string_view text) {
    // E-mail addresses first: a gateway's address may be digits ("0612345678@sms.example").
    std::string without_addresses;
    size_t copied = 0;
    for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
        if (at < copied) continue;
        const auto run = email_run(text, at);
        if (!run) continue;
        without_addresses.append(text.substr(copied, run->first - copied));
        without_addresses += mask_email(text.substr(run->first, run->second - run->first));
        copied = run->second;
        at = copied - 1;
    }
    without_addresses.append(text.substr(copied));

    const std::string_view rest = without_addresses;
    std::string masked;
    masked.reserve(rest.size());
    std::string digits;
    for (size_t at = 0; at < rest.size();) {
        const char c = rest[at];
        // Never from the middle of a number; after a letter is fine ("tel0612345678", "%2B316…").
        const bool may_start = (c == '+' && at + 1 < rest.size() && is_digit(rest[at + 1])) ||
                               (is_digit(c) && (at == 0 || !is_digit(rest[at - 1])));
        if (!may_start) {
            masked += c;
            ++at;
            continue;
        }
        if (const size_t other = not_a_phone_number(rest.substr(at)); other > 0) {
            masked.append(rest.substr(at, other));
            at += other;
            continue;
        }
        if (const size_t length = phone_run(rest.substr(at), digits); length > 0) {
            masked += masked_phone_run(rest.substr(at, length), digits);
            at += length;
            continue;
        }
        // Not a number to mask: its digits stay as they are.
        do masked += rest[at++];
        while (at < rest.size() && is_digit(rest[at]));
    }
    return masked;
}

}  // namespace ritme
