#include "engine/changes/change_result.hpp"

#include "engine/base/text.hpp"

namespace ritme {

namespace {

bool is_field_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

std::string spelled(std::string_view text,
                    const std::function<std::optional<std::string>(std::string_view field)>& spell) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        const size_t open = text.find('{', i);
        if (open == std::string_view::npos) break;
        size_t close = open + 1;
        while (close < text.size() && is_field_char(text[close])) ++close;
        out.append(text.substr(i, open - i));
        if (close < text.size() && text[close] == '}' && close > open + 1) {
            if (auto name = spell(text.substr(open + 1, close - open - 1))) {
                out += *name;
                i = close + 1;
                continue;
            }
        }
        out += '{';
        i = open + 1;
    }
    out.append(text.substr(i));
    return out;
}

}  // namespace

ChangeError refused_for_warnings(size_t warnings) {
    return {ChangeError::Kind::conflict, "strict",
            "{strict} refuses a change with warnings: " +
                counted(static_cast<int>(warnings), "warning", "warnings") + ", nothing changed",
            "choose another time, or leave out {strict} to make the change all the same"};
}

std::string describe(const ChangeError& error,
                     const std::function<std::optional<std::string>(std::string_view field)>& spell) {
    std::string text;
    if (!error.field.empty() && !error.message.starts_with("{" + error.field + "}"))
        text = spelled("{" + error.field + "}", spell) + ": ";
    text += spelled(error.message, spell);
    if (!error.hint.empty()) text += "; " + spelled(error.hint, spell);
    return text;
}

}  // namespace ritme
