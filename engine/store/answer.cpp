#include "engine/store/answer.hpp"

#include <array>
#include <utility>

namespace ritme {
namespace {

// As the store writes them; never renamed.
constexpr std::array<std::pair<AnswerReading, std::string_view>, 5> reading_names{{
    {AnswerReading::cannot_come, "cannot_come"},
    {AnswerReading::coming, "coming"},
    {AnswerReading::stop, "stop"},
    {AnswerReading::start, "start"},
    {AnswerReading::free_text, "free_text"},
}};

template <typename Enum, size_t N>
std::string_view name_in(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
    for (const auto& [candidate, name] : names)
        if (candidate == value) return name;
    return "unknown";
}

template <typename Enum, size_t N>
std::optional<Enum> parse_in(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view text) {
    for (const auto& [value, name] : names)
        if (name == text) return value;
    return std::nullopt;
}

}  // namespace

std::string_view name_of(AnswerReading reading) { return name_in(reading_names, reading); }
std::optional<AnswerReading> parse_answer_reading(std::string_view text) { return parse_in(reading_names, text); }

}  // namespace ritme
