#include "adapters/http/setting_pattern.hpp"

#include <re2/re2.h>

#include <optional>
#include <utility>

namespace ritme {

namespace {

constexpr unsigned long max_repeat_count = 1000;  // RE2's own limit

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RE2 reads `{N}` with N past its integer range as the literal text "{N}", where
// std::regex (and the author) meant a count: such a count is refused, not reread. Escaped
// braces and braces in a character class are literal in both.
std::optional<std::string> oversized_repeat(std::string_view pattern) {
    bool in_class = false;
    for (size_t at = 0; at < pattern.size(); ++at) {
        const char c = pattern[at];
        if (c == '\\') {
            ++at;
            continue;
        }
        if (in_class) {
            in_class = c != ']';
            continue;
        }
        if (c == '[') {
            in_class = true;
            if (at + 1 < pattern.size() && pattern[at + 1] == '^') ++at;
            if (at + 1 < pattern.size() && pattern[at + 1] == ']') ++at;  // "[]…]": the ] is a member
            continue;
        }
        if (c != '{') continue;
        size_t end = at + 1;
        bool oversized = false;
        for (int part = 0; part < 2 && end < pattern.size(); ++part) {
            const size_t digits = end;
            while (end < pattern.size() && is_digit(pattern[end])) ++end;
            const std::string_view number = pattern.substr(digits, end - digits);
            oversized = oversized || number.size() > 4 || (!number.empty() && std::stoul(std::string(number)) > max_repeat_count);
            if (part == 0 && end < pattern.size() && pattern[end] == ',') ++end;
            else break;
        }
        if (oversized && end < pattern.size() && pattern[end] == '}')
            return std::string(pattern.substr(at, end + 1 - at));
    }
    return std::nullopt;
}

}  // namespace

SettingPattern::SettingPattern(std::string text, std::shared_ptr<const re2::RE2> compiled)
    : text_(std::move(text)), compiled_(std::move(compiled)) {}

std::variant<SettingPattern, std::string> SettingPattern::compile(std::string_view pattern) {
    if (pattern.size() > max_pattern_bytes)
        return "it is " + std::to_string(pattern.size()) + " bytes long; a pattern has at most " +
               std::to_string(max_pattern_bytes);
    if (const auto repeat = oversized_repeat(pattern))
        return "the repeat count " + *repeat + " is over " + std::to_string(max_repeat_count);
    re2::RE2::Options options;
    options.set_log_errors(false);  // the error is returned, not written to stderr
    options.set_max_mem(memory_budget);
    options.set_never_capture(true);  // only whether the value fits is asked
    auto compiled = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!compiled->ok()) return compiled->error();
    return SettingPattern(std::string(pattern), std::move(compiled));
}

bool SettingPattern::whole_match(std::string_view value) const {
    if (value.size() > max_value_bytes) return false;
    return re2::RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *compiled_);
}

}  // namespace ritme
