#include "engine/base/did_you_mean.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace ritme {

int edit_distance(std::string_view a, std::string_view b) {
    const size_t n = a.size(), m = b.size();
    std::vector<int> d((n + 1) * (m + 1));
    auto at = [&](size_t i, size_t j) -> int& { return d[i * (m + 1) + j]; };
    auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
    for (size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int>(i);
    for (size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int>(j);
    for (size_t i = 1; i <= n; ++i) {
        for (size_t j = 1; j <= m; ++j) {
            int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    }
    return at(n, m);
}

std::optional<std::string> closest_match(std::string_view typed, std::span<const std::string_view> candidates) {
    // A third of the word may be wrong, at least one letter: enough for typos,
    // not so much that unrelated words are offered.
    const int allowed = std::max<int>(1, static_cast<int>(typed.size()) / 3);
    std::optional<std::string> best;
    int best_distance = allowed + 1;
    for (auto candidate : candidates) {
        int distance = edit_distance(typed, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = std::string(candidate);
        }
    }
    return best;
}

std::string join_alternatives(std::span<const std::string_view> values) {
    std::string out;
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += (i + 1 == values.size()) ? " or " : ", ";
        out += values[i];
    }
    return out;
}

}  // namespace ritme
