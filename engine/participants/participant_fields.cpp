#include "engine/participants/participant_fields.hpp"

#include "engine/base/did_you_mean.hpp"
#include "engine/base/identifier.hpp"
#include "engine/base/text.hpp"
#include "engine/holidays/closure_rules.hpp"
#include "engine/participants/masking.hpp"
#include "engine/time/date_range.hpp"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <random>

namespace ritme {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::string_view phone_hint = "write it like 06-12345678 or +32 470 12 34 56";
constexpr std::string_view commitment_hint =
    "write a commitment like \"ma 09:00-12:00 taalles\" or \"2026-03-10 13:00-14:00 oudergesprek\"";
constexpr std::string_view commitments_hint =
    "write commitments like \"ma 09:00-12:00 taalles; 2026-03-10 13:00-14:00 oudergesprek\"";
constexpr int max_children_in_care = 20;

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool is_control(char c) { return std::iscntrl(static_cast<unsigned char>(c)) != 0; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

bool all_of(std::string_view s, bool (*test)(char)) { return !s.empty() && std::all_of(s.begin(), s.end(), test); }

// Pieces between any of the separator characters, empty pieces included.
std::vector<std::string_view> split(std::string_view s, std::string_view separators) {
    std::vector<std::string_view> pieces;
    size_t begin = 0;
    for (size_t end = s.find_first_of(separators); end != std::string_view::npos;
         end = s.find_first_of(separators, begin)) {
        pieces.push_back(s.substr(begin, end - begin));
        begin = end + 1;
    }
    pieces.push_back(s.substr(begin));
    return pieces;
}

// A typed value in a message, kept on one line: a cell may hold line breaks.
std::string quoted(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else
            out += is_control(c) ? '?' : c;
    }
    return out + "\"";
}

std::string_view parse_problem(PhoneNumberUtil::ErrorType error) {
    switch (error) {
        case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return "unknown country code";
        case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
        case PhoneNumberUtil::TOO_SHORT_NSN: return "too short";
        case PhoneNumberUtil::TOO_LONG_NSN: return "too long";
        default: return "not a phone number";
    }
}

std::string_view length_problem(PhoneNumberUtil::ValidationResult result) {
    switch (result) {
        case PhoneNumberUtil::TOO_SHORT: return "too short";
        case PhoneNumberUtil::TOO_LONG: return "too long";
        case PhoneNumberUtil::INVALID_COUNTRY_CODE: return "unknown country code";
        default: return "wrong number of digits";
    }
}

std::string_view kind_of(PhoneNumberUtil::PhoneNumberType type) {
    switch (type) {
        case PhoneNumberUtil::FIXED_LINE: return "a landline";
        case PhoneNumberUtil::TOLL_FREE: return "a free-phone number";
        case PhoneNumberUtil::PREMIUM_RATE: return "a premium-rate number";
        case PhoneNumberUtil::SHARED_COST: return "a shared-cost number";
        case PhoneNumberUtil::VOIP: return "an internet (VoIP) number";
        case PhoneNumberUtil::PERSONAL_NUMBER: return "a forwarding number";
        case PhoneNumberUtil::PAGER: return "a pager number";
        case PhoneNumberUtil::UAN: return "a company number";
        case PhoneNumberUtil::VOICEMAIL: return "a voicemail number";
        default: return "a number of unknown kind";
    }
}

std::optional<std::string_view> email_problem(std::string_view text) {
    if (std::any_of(text.begin(), text.end(), [](char c) { return is_space(c) || is_control(c); }))
        return "contains a space";
    const size_t at = text.find('@');
    if (at == std::string_view::npos) return "no @";
    if (text.find('@', at + 1) != std::string_view::npos) return "more than one @";
    if (at == 0) return "nothing before the @";
    const std::string_view domain = text.substr(at + 1);
    if (domain.empty()) return "no domain after the @";
    if (domain.find('.') == std::string_view::npos) return "the domain has no dot";
    if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos)
        return "the domain has an empty part";
    return std::nullopt;
}

bool is_script_subtag(std::string_view s) { return s.size() == 4 && all_of(s, is_alpha); }
bool is_region_subtag(std::string_view s) {
    return (s.size() == 2 && all_of(s, is_alpha)) || (s.size() == 3 && all_of(s, is_digit));
}

// The canonical form of the subtags after the language, or what is wrong with them.
std::optional<std::string> canonical_subtags(std::span<const std::string_view> subtags, std::string& problem) {
    std::string out;
    size_t i = 0;
    if (i < subtags.size() && is_script_subtag(subtags[i])) {
        out += "-" + upper(subtags[i].substr(0, 1)) + lower(subtags[i].substr(1));  // "Hant"
        ++i;
    }
    if (i < subtags.size() && is_region_subtag(subtags[i])) {
        out += "-" + upper(subtags[i]);  // "BR"
        ++i;
    }
    if (i == subtags.size()) return out;
    problem = subtags[i].empty() ? std::string("an empty part between dashes")
                                 : quoted(subtags[i]) + " is neither a script like Hant nor a region like BR";
    return std::nullopt;
}

// One part of a channels value: "sms" or "email".
std::optional<Channels> channel_named(std::string_view word) {
    if (word == "sms") return Channels{true, false};
    if (word == "email" || word == "e-mail") return Channels{false, true};
    return std::nullopt;
}

std::optional<Weekday> parse_day(std::string_view word) {
    const std::string lowered = lower(word);
    for (Weekday day : all_weekdays)
        if (lowered == dutch_abbreviation_of(day)) return day;
    return parse_weekday(word);
}

std::optional<int> parse_digits(std::string_view s) {
    int value = 0;
    if (!all_of(s, is_digit)) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return value;
}

// "2026-03-10" exactly: a commitment's date is read by people in several countries.
std::optional<Date> parse_iso_date(std::string_view word) {
    if (word.size() != 10 || word[4] != '-' || word[7] != '-') return std::nullopt;
    auto year = parse_digits(word.substr(0, 4)), month = parse_digits(word.substr(5, 2)),
         day = parse_digits(word.substr(8, 2));
    if (!year || !month || !day) return std::nullopt;
    return supported_date(*year, *month, *day);
}

// Where the time range in "09:00 - 12:00 taalles" ends: two digits after its second
// colon, so that spaces around the dash are fine; without two colons, at the first space.
size_t end_of_time_range(std::string_view rest) {
    const size_t first = rest.find(':');
    const size_t second = first == std::string_view::npos ? first : rest.find(':', first + 1);
    if (second != std::string_view::npos) return std::min(second + 3, rest.size());
    return std::min(rest.find_first_of(" \t"), rest.size());
}

}  // namespace

std::optional<std::string> normalise_name(std::string_view typed, FieldError& error) {
    const std::string_view name = trim(typed);
    if (name.empty()) {
        error = {"no name given", "every participant needs a name to show the lead"};
        return std::nullopt;
    }
    if (std::any_of(name.begin(), name.end(), is_control)) {
        error = {quoted(name) + " contains a line break or another control character", "write the name on one line"};
        return std::nullopt;
    }
    return std::string(name);
}

std::optional<std::string> normalise_mobile_number(std::string_view typed, FieldError& error) {
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    const std::string text(trim(typed));
    auto refuse = [&](std::string_view why) {
        error = {quoted(text) + " is not a valid mobile number (" + std::string(why) + ")", std::string(phone_hint)};
        return std::nullopt;
    };
    PhoneNumber number;
    if (auto parsed = util.Parse(text, "NL", &number); parsed != PhoneNumberUtil::NO_PARSING_ERROR)
        return refuse(parse_problem(parsed));
    if (auto possible = util.IsPossibleNumberWithReason(number); possible != PhoneNumberUtil::IS_POSSIBLE)
        return refuse(length_problem(possible));
    if (!util.IsValidNumber(number)) return refuse("no such number");
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    const auto type = util.GetNumberType(number);
    if (type != PhoneNumberUtil::MOBILE && type != PhoneNumberUtil::FIXED_LINE_OR_MOBILE) {
        // A real number: masked, like every phone number ritme prints.
        error = {quoted(mask_phone(e164)) + " is " + std::string(kind_of(type)) + ", not a mobile number",
                 "reminders go by SMS; give a mobile number, or leave the phone empty and give an e-mail address"};
        return std::nullopt;
    }
    return e164;
}

bool is_e164(std::string_view number) {
    constexpr size_t min_digits = 7, max_digits = 15;
    if (number.size() < 1 + min_digits || number.size() > 1 + max_digits) return false;
    return number.front() == '+' && number[1] != '0' && all_of(number.substr(1), is_digit);
}

std::optional<std::string> normalise_email(std::string_view typed, FieldError& error) {
    const std::string_view text = trim(typed);
    if (auto problem = email_problem(text)) {
        error = {quoted(text) + " is not an e-mail address (" + std::string(*problem) + ")",
                 "write it like naam@voorbeeld.nl"};
        return std::nullopt;
    }
    const size_t at = text.find('@');
    return std::string(text.substr(0, at + 1)) + lower(text.substr(at + 1));
}

std::optional<std::string> normalise_language(std::string_view typed, FieldError& error) {
    std::string text(trim(typed));
    std::replace(text.begin(), text.end(), '_', '-');  // "pt_BR" as in locale names
    const std::vector<std::string_view> subtags = split(text, "-");
    std::string problem = "the language must be 2 or 3 letters";
    const std::string_view language = subtags.front();
    if (language.size() >= 2 && language.size() <= 3 && all_of(language, is_alpha)) {
        if (auto rest = canonical_subtags(std::span(subtags).subspan(1), problem)) return lower(language) + *rest;
    }
    error = {quoted(text) + " is not a language tag (" + problem + ")",
             "use a BCP 47 tag such as nl, en, ar, ti, tr, uk, fa, so or pt-BR"};
    return std::nullopt;
}

std::optional<Channels> parse_channels(std::string_view typed, FieldError& error) {
    const std::string text = lower(trim(typed));
    if (text == "both") return Channels{true, true};
    Channels channels;
    for (std::string_view part : split(text, "+")) {
        auto named = channel_named(trim(part));
        if (!named) {
            constexpr std::array<std::string_view, 3> forms{"sms", "email", "sms+email"};
            auto suggestion = closest_match(text, forms);
            error = {quoted(trim(typed)) + " is not one of sms, email or sms+email",
                     suggestion ? "did you mean " + *suggestion + "?" : "write sms, email or sms+email"};
            return std::nullopt;
        }
        channels.sms = channels.sms || named->sms;
        channels.email = channels.email || named->email;
    }
    return channels;
}

std::string format_channels(Channels channels) {
    if (channels.sms && channels.email) return "sms+email";
    if (channels.sms) return "sms";
    if (channels.email) return "email";
    return "none";
}

std::optional<int> parse_children_in_care(std::string_view typed, FieldError& error) {
    const std::string_view text = trim(typed);
    auto count = text.size() <= 2 ? parse_digits(text) : std::nullopt;
    if (count && *count <= max_children_in_care) return count;
    error = {quoted(text) + " is not a number of children",
             "write a whole number from 0 to " + std::to_string(max_children_in_care)};
    return std::nullopt;
}

std::optional<std::string> normalise_school_calendar(std::string_view typed,
                                                     std::span<const std::string> known_school_ids, FieldError& error) {
    const std::string value = lower(trim(typed));
    if (parse_region(value) ||
        std::find(known_school_ids.begin(), known_school_ids.end(), value) != known_school_ids.end())
        return value;
    std::vector<std::string_view> candidates(region_names.begin(), region_names.end());
    candidates.insert(candidates.end(), known_school_ids.begin(), known_school_ids.end());
    auto suggestion = closest_match(value, candidates);
    error = {quoted(trim(typed)) + " is neither a region nor a known school",
             suggestion ? "did you mean " + *suggestion + "?"
                        : "use noord, midden or zuid, or the id of a school applied with `ritme apply`"};
    return std::nullopt;
}

std::optional<Commitment> parse_commitment(std::string_view typed, FieldError& error) {
    const std::string_view text = trim(typed);
    auto refuse = [&](std::string message) {
        error = {std::move(message), std::string(commitment_hint)};
        return std::nullopt;
    };
    const size_t day_end = std::min(text.find_first_of(" \t"), text.size());
    const std::string_view day_word = text.substr(0, day_end);
    Commitment commitment;
    if (auto date = parse_iso_date(day_word))
        commitment.date = *date;
    else if (auto day = parse_day(day_word))
        commitment.weekday = *day;
    else
        return refuse(quoted(day_word) + " is not a day or a date");

    const std::string_view rest = trim(text.substr(day_end));
    const std::string_view range_text = rest.substr(0, end_of_time_range(rest));
    if (range_text.empty()) return refuse("no time range after " + quoted(day_word));
    auto range = TimeRange::parse(range_text);
    if (!range) return refuse(quoted(range_text) + " is not a time range like 09:00-12:00 (the end after the start)");
    commitment.time = *range;
    commitment.label = std::string(trim(rest.substr(range_text.size())));
    return commitment;
}

std::optional<std::vector<Commitment>> parse_commitments(std::string_view typed, FieldError& error) {
    std::vector<Commitment> commitments;
    // A lead may also put each commitment on its own line inside one cell (Alt+Enter).
    for (std::string_view item : split(typed, ";\n")) {
        item = trim(item);
        if (item.empty()) continue;
        auto commitment = parse_commitment(item, error);
        if (!commitment) {
            error = {"in " + quoted(item) + ": " + error.message, std::string(commitments_hint)};
            return std::nullopt;
        }
        commitments.push_back(std::move(*commitment));
    }
    return commitments;
}

std::string format_commitment(const Commitment& commitment) {
    std::string out =
        commitment.weekday ? std::string(dutch_abbreviation_of(*commitment.weekday)) : iso_date(*commitment.date);
    out += " " + commitment.time.str();
    if (!commitment.label.empty()) out += " " + commitment.label;
    return out;
}

std::string format_commitments(const std::vector<Commitment>& commitments) {
    std::string out;
    for (const Commitment& commitment : commitments) {
        if (!out.empty()) out += "; ";
        out += format_commitment(commitment);
    }
    return out;
}

std::string generate_participant_id() {
    // Crockford's base 32 leaves out i, l, o and u, which are read as other characters.
    constexpr std::string_view alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    std::random_device device;
    std::uint64_t bits = (std::uint64_t{device()} << 32) | device();
    std::string id = "p-";
    for (int i = 0; i < 10; ++i, bits >>= 5) id += alphabet[bits & 31];
    return id;
}

}  // namespace ritme
