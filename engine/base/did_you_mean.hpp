#pragma once
// "Did you mean …?" for keys and values a lead mistyped.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ritme {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), so
// that "thurdsay" is one edit away from "thursday". Case-insensitive.
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed`, if it is close enough to be a plausible typo.
std::optional<std::string> closest_match(std::string_view typed, std::span<const std::string_view> candidates);

// "a, b or c": for hints that list every allowed value.
std::string join_alternatives(std::span<const std::string_view> values);

}  // namespace ritme
