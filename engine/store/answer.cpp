#include "engine/store/answer.hpp"

#include "engine/base/enum_names.hpp"

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

}  // namespace

std::string_view name_of(AnswerReading reading) { return name_in(reading_names, reading); }
std::optional<AnswerReading> parse_answer_reading(std::string_view text) { return parse_in(reading_names, text); }

}  // namespace ritme
