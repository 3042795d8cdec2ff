#pragma once
// An enum's names as the store and the CLI write them: a fixed table of (value, name)
// pairs, looked up both ways. Tables stay beside their enum; only the lookup is shared.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace ritme {

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

// The name of `value`; "unknown" for a value the table lacks.
template <typename Enum, std::size_t N>
std::string_view name_in(const EnumNames<Enum, N>& names, Enum value) {
    for (const auto& [candidate, name] : names)
        if (candidate == value) return name;
    return "unknown";
}

// The value named `text`, or nothing.
template <typename Enum, std::size_t N>
std::optional<Enum> parse_in(const EnumNames<Enum, N>& names, std::string_view text) {
    for (const auto& [value, name] : names)
        if (name == text) return value;
    return std::nullopt;
}

}  // namespace ritme
