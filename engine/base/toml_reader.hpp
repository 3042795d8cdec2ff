#pragma once
// Strict reading of one TOML table: every key must be known, every value of the right
// type; each problem becomes a Diagnostic at the value's file:line:col, and reading
// goes on so that a file with several problems reports all of them in one run.

#include "engine/base/diagnostic.hpp"

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ritme {

SourcePosition position_of(const toml::source_region& region);

// A TOML value as a lead would write it, for messages: "thurdsay" → "\"thurdsay\"".
std::string toml_value_text(const toml::node& node);

enum class Presence { optional, required };

class TomlTableReader {
public:
    // `label` names the table in messages: "[programme]", "slot 2", "[childcare]".
    TomlTableReader(const toml::table& table, std::string label, Diagnostics& diagnostics);

    // Reports each key not in `known` as an error, suggesting the closest known key.
    void allow_only(const std::vector<std::string_view>& known);

    const toml::table& table() const { return table_; }
    const std::string& label() const { return label_; }
    Diagnostics& diagnostics() { return diagnostics_; }
    SourcePosition position() const;
    SourcePosition position_of_key(std::string_view key) const;

    const toml::node* find(std::string_view key, Presence presence = Presence::optional);

    std::optional<std::string> string(std::string_view key, Presence presence = Presence::optional);
    std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max,
                                   Presence presence = Presence::optional);

    // One of a fixed set of words, e.g. on_holiday = "skip" | "extend".
    template <typename Enum>
    std::optional<Enum> choice(std::string_view key, std::span<const std::pair<std::string_view, Enum>> choices,
                               Presence presence = Presence::optional) {
        auto text = string(key, presence);
        if (!text) return std::nullopt;
        for (const auto& [word, value] : choices)
            if (*text == word) return value;
        std::vector<std::string_view> words;
        for (const auto& choice : choices) words.push_back(choice.first);
        report_bad_word(key, *text, words);
        return std::nullopt;
    }

    // "`key = value` is not …" at the key's value.
    void error_at(std::string_view key, std::string message, std::string hint = {});
    void report_bad_word(std::string_view key, std::string_view typed, std::span<const std::string_view> words,
                         std::string_view what = {});  // default "one of a, b or c"
    // "`key = value` is not <expected>", with an example of the right form.
    void report_wrong_type(std::string_view key, const toml::node& node, std::string_view expected,
                           std::string_view example, std::string_view note = {});

private:
    const toml::table& table_;
    std::string label_;
    Diagnostics& diagnostics_;
};

// Parses TOML text; a syntax error becomes a diagnostic at its position and no table.
std::optional<toml::table> parse_toml(std::string_view text, const std::string& source_name, Diagnostics& diagnostics);

}  // namespace ritme
