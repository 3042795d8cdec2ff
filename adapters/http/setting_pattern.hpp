#pragma once
// A preset's `pattern` for a channel setting ([settings] in config/providers/*.toml),
// compiled once with RE2. std::regex backtracks: '^(a+)+$' never ends on a value that
// almost fits, '^.*$' on a long value overflows the stack, and a large repeat count
// overflows inside its compiler. RE2 matches in time linear in the value, within a
// memory budget, and refuses repeat counts over 1000; the lengths of the pattern and of
// the values it is matched against are bounded as well.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace re2 {
class RE2;
}

namespace ritme {

class SettingPattern {
public:
    static constexpr size_t max_pattern_bytes = 1000;
    static constexpr size_t max_value_bytes = 4096;
    static constexpr int64_t memory_budget = 1 << 20;  // bytes for the compiled pattern and its DFAs

    // The compiled pattern, or why it cannot be one ("missing ]: [a-").
    static std::variant<SettingPattern, std::string> compile(std::string_view pattern);

    // Whether the whole value fits (as std::regex_match did). A value longer than
    // max_value_bytes never fits: the channel refuses it before asking.
    bool whole_match(std::string_view value) const;

    const std::string& text() const { return text_; }

private:
    SettingPattern(std::string text, std::shared_ptr<const re2::RE2> compiled);

    std::string text_;
    std::shared_ptr<const re2::RE2> compiled_;  // RE2 is thread-safe for matching
};

}  // namespace ritme
