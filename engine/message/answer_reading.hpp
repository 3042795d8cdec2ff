#pragma once
// Reading a participant's answer: her text folded to one plain form (NFKC, lower case,
// Arabic and Persian letter variants and digits folded, marks, punctuation and emoji
// around it trimmed, spaces collapsed), then compared with the answer words of her
// language and the words every language accepts (NO, YES, STOP, START).

#include "engine/store/answer.hpp"

#include <string>
#include <string_view>

namespace ritme {

class AnswerWords;

// The folded form of a text, as answers and answer words are compared: "  NEE!! " →
// "nee", "لأ" → "لا", "۱" → "1", "kan   niet." → "kan niet". Text that is not UTF-8
// has its bad bytes replaced.
std::string fold_answer_text(std::string_view text);

// What `text` says in `language` (a BCP 47 tag): one of the words, or her own words.
AnswerReading read_answer(const AnswerWords& words, std::string_view text, const std::string& language);

}  // namespace ritme
