#pragma once
// The words participants may answer with, per language, from answers.toml beside each
// language's templates (config/templates/<lang>/answers.toml):
//     cannot_come = ["nee", "kan niet", "1"]
//     coming = ["ja", "2"]
//     stop = ["stop"]
//     start = ["start"]
// Unknown keys, values that are not lists of text, and a word given two meanings are
// errors at file:line:col. NO, YES, STOP and START are understood in every language.

#include "engine/base/diagnostic.hpp"
#include "engine/store/answer.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// The file name beside the templates.
inline constexpr std::string_view answer_words_file = "answers.toml";

class AnswerWords {
public:
    // Reads <lang>/answers.toml under `directory` for every language directory that has
    // one; nothing when one has errors (reported in `diagnostics`).
    static std::optional<AnswerWords> load(const std::filesystem::path& directory, Diagnostics& diagnostics);
    // One language's file from its text, for tests and `load`.
    bool add_language(const std::string& language, std::string_view toml_text, const std::string& file_name,
                      Diagnostics& diagnostics);

    // What a folded text (fold_answer_text) means in `language`, else in its primary
    // language ("fa-AF" reads fa), else, for a language with no words of its own, in nl
    // (she gets the nl and en messages); then the universal words. Nothing: her own words.
    std::optional<AnswerReading> meaning(const std::string& folded, const std::string& language) const;

    std::vector<std::string> languages() const;  // with a file, sorted
    // A language's words for one meaning, as written in its file; empty when none.
    std::vector<std::string> words(const std::string& language, AnswerReading reading) const;

private:
    struct Language {
        std::map<std::string, AnswerReading> by_folded;
        std::map<AnswerReading, std::vector<std::string>> as_written;
    };
    const Language* find(const std::string& language) const;
    std::map<std::string, Language> languages_;
};

// The words understood in every language, folded: no, yes, stop, start.
std::optional<AnswerReading> universal_answer(const std::string& folded);

}  // namespace ritme
