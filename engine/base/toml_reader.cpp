#include "engine/base/toml_reader.hpp"

#include "engine/base/did_you_mean.hpp"

#include <sstream>
#include <vector>

namespace ritme {

SourcePosition position_of(const toml::source_region& region) {
    return {region.path ? std::string(*region.path) : std::string("<input>"), static_cast<int>(region.begin.line),
            static_cast<int>(region.begin.column)};
}

std::string toml_value_text(const toml::node& node) {
    if (auto text = node.as_string()) return "\"" + text->get() + "\"";
    std::ostringstream out;
    node.visit([&out](const auto& value) { out << toml::toml_formatter(value, toml::format_flags::none); });
    std::string result = out.str();
    for (auto& c : result)
        if (c == '\n') c = ' ';
    return result;
}

std::optional<toml::table> parse_toml(std::string_view text, const std::string& source_name, Diagnostics& diagnostics) {
    try {
        return toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        diagnostics.error(position_of(e.source()), "not valid TOML: " + std::string(e.description()),
                          "check the quotes, brackets and `key = value` pairs on this line");
        return std::nullopt;
    }
}


TomlTableReader::TomlTableReader(const toml::table& table, std::string label, Diagnostics& diagnostics)
    : table_(table), label_(std::move(label)), diagnostics_(diagnostics) {}

SourcePosition TomlTableReader::position() const { return position_of(table_.source()); }

SourcePosition TomlTableReader::position_of_key(std::string_view key) const {
    if (auto node = table_.get(key)) return position_of(node->source());
    return position();
}

void TomlTableReader::allow_only(const std::vector<std::string_view>& known) {
    const std::vector<std::string_view>& candidates = known;
    for (const auto& [key, node] : table_) {
        bool is_known = false;
        for (auto k : known) is_known = is_known || key.str() == k;
        if (is_known) continue;
        std::string hint;
        if (auto match = closest_match(key.str(), candidates))
            hint = "did you mean " + *match + "?";
        else
            hint = "known keys here: " + join_alternatives(candidates);
        diagnostics_.error(position_of(key.source()), label_ + ": unknown key `" + std::string(key.str()) + "`",
                           hint);
    }
}

const toml::node* TomlTableReader::find(std::string_view key, Presence presence) {
    const toml::node* node = table_.get(key);
    if (!node && presence == Presence::required)
        diagnostics_.error(position(), label_ + ": `" + std::string(key) + "` is missing",
                           "add `" + std::string(key) + " = …` to this table");
    return node;
}

void TomlTableReader::error_at(std::string_view key, std::string message, std::string hint) {
    diagnostics_.error(position_of_key(key), label_ + ": " + std::move(message), std::move(hint));
}

void TomlTableReader::report_wrong_type(std::string_view key, const toml::node& node, std::string_view expected,
                                        std::string_view example, std::string_view note) {
    error_at(key, "`" + std::string(key) + " = " + toml_value_text(node) + "` is not " + std::string(expected),
             "write it like `" + std::string(key) + " = " + std::string(example) + "`" + std::string(note));
}

void TomlTableReader::report_bad_word(std::string_view key, std::string_view typed,
                                      std::span<const std::string_view> words, std::string_view what) {
    std::string hint;
    if (auto match = closest_match(typed, words))
        hint = "did you mean " + *match + "?";
    else
        hint = "use " + join_alternatives(words);
    const std::string expected = what.empty() ? "one of " + join_alternatives(words) : std::string(what);
    error_at(key, "`" + std::string(key) + " = \"" + std::string(typed) + "\"` is not " + expected, hint);
}

std::optional<std::string> TomlTableReader::string(std::string_view key, Presence presence) {
    const toml::node* node = find(key, presence);
    if (!node) return std::nullopt;
    if (auto value = node->value<std::string>(); value && node->is_string()) return *value;
    report_wrong_type(key, *node, "text", "\"…\"");
    return std::nullopt;
}

std::optional<int64_t> TomlTableReader::integer(std::string_view key, int64_t min, int64_t max, Presence presence) {
    const toml::node* node = find(key, presence);
    if (!node) return std::nullopt;
    if (!node->is_integer()) {
        report_wrong_type(key, *node, "a whole number", std::to_string(min == 0 ? 8 : min));
        return std::nullopt;
    }
    int64_t value = node->as_integer()->get();
    if (value < min || value > max) {
        error_at(key, "`" + std::string(key) + " = " + std::to_string(value) + "` is out of range",
                 "use a number from " + std::to_string(min) + " to " + std::to_string(max));
        return std::nullopt;
    }
    return value;
}

}  // namespace ritme
