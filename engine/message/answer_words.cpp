#include "engine/message/answer_words.hpp"

#include "engine/base/input_file.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/message/answer_reading.hpp"
#include "engine/participants/participant_fields.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace ritme {
namespace {

namespace fs = std::filesystem;

// The keys of answers.toml and what each word under them means.
constexpr std::array<std::pair<std::string_view, AnswerReading>, 4> meanings{{
    {"cannot_come", AnswerReading::cannot_come},
    {"coming", AnswerReading::coming},
    {"stop", AnswerReading::stop},
    {"start", AnswerReading::start},
}};

std::string_view key_of(AnswerReading reading) {
    for (const auto& [key, meaning] : meanings)
        if (meaning == reading) return key;
    return "free_text";
}

std::string primary_language(const std::string& language) { return language.substr(0, language.find('-')); }

}  // namespace

std::optional<AnswerReading> universal_answer(const std::string& folded) {
    if (folded == "no") return AnswerReading::cannot_come;
    if (folded == "yes") return AnswerReading::coming;
    if (folded == "stop") return AnswerReading::stop;
    if (folded == "start") return AnswerReading::start;
    return std::nullopt;
}

bool AnswerWords::add_language(const std::string& language, std::string_view toml_text, const std::string& file_name,
                               Diagnostics& diagnostics) {
    const int errors_before = diagnostics.error_count();
    const auto table = parse_toml(toml_text, file_name, diagnostics);
    if (!table) return false;
    TomlTableReader reader(*table, file_name, diagnostics);
    std::vector<std::string_view> keys;
    for (const auto& [key, meaning] : meanings) keys.push_back(key);
    reader.allow_only(keys);

    Language words;
    for (const auto& [key, meaning] : meanings) {
        const toml::node* node = reader.find(key);
        if (!node) continue;
        const toml::array* list = node->as_array();
        if (!list) {
            reader.report_wrong_type(key, *node, "a list of words", "[\"nee\", \"kan niet\"]");
            continue;
        }
        for (const toml::node& item : *list) {
            const SourcePosition where = position_of(item.source());
            const auto* text = item.as_string();
            if (!text) {
                diagnostics.error(where, "`" + std::string(key) + "` lists " + toml_value_text(item) + ", not a word",
                                  "write each word in quotes: [\"nee\", \"1\"]");
                continue;
            }
            const std::string written = text->get();
            const std::string folded = fold_answer_text(written);
            if (folded.empty()) {
                diagnostics.error(where, "`" + std::string(key) + "` lists \"" + written + "\", which has no letters or digits",
                                  "an answer is read without punctuation, emoji and spaces around it");
                continue;
            }
            const auto universal = universal_answer(folded);
            if (universal && *universal != meaning) {
                diagnostics.error(where,
                                  "\"" + written + "\" means " + std::string(key_of(*universal)) + " in every language",
                                  "remove it from `" + std::string(key) + "`");
                continue;
            }
            const auto [found, added] = words.by_folded.emplace(folded, meaning);
            if (!added && found->second != meaning) {
                diagnostics.error(where,
                                  "\"" + written + "\" is also listed under `" + std::string(key_of(found->second)) + "`",
                                  "a word can mean one thing only; remove it from one of the two");
                continue;
            }
            if (added) words.as_written[meaning].push_back(written);
        }
    }
    if (diagnostics.error_count() > errors_before) return false;
    languages_[language] = std::move(words);
    return true;
}

std::optional<AnswerWords> AnswerWords::load(const fs::path& directory, Diagnostics& diagnostics) {
    const int errors_before = diagnostics.error_count();
    AnswerWords words;
    std::error_code error;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(directory, error))
        if (entry.is_directory() && entry.path().filename().string().front() != '.') {
            const fs::path file = entry.path() / std::string(answer_words_file);
            if (fs::is_regular_file(file, error)) files.push_back(file);
        }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
        FieldError refusal;
        const auto language = normalise_language(file.parent_path().filename().string(), refusal);
        if (!language) continue;  // the template loading reports the directory's name
        const auto text = read_input_file(file, input_limits::template_file, diagnostics);
        if (!text) continue;
        words.add_language(*language, *text, file.string(), diagnostics);
    }
    if (diagnostics.error_count() > errors_before) return std::nullopt;
    return words;
}

const AnswerWords::Language* AnswerWords::find(const std::string& language) const {
    if (const auto found = languages_.find(language); found != languages_.end()) return &found->second;
    if (const auto found = languages_.find(primary_language(language)); found != languages_.end()) return &found->second;
    return nullptr;
}

std::optional<AnswerReading> AnswerWords::meaning(const std::string& folded, const std::string& language) const {
    const Language* own = find(language);
    if (!own) own = find("nl");
    if (own)
        if (const auto found = own->by_folded.find(folded); found != own->by_folded.end()) return found->second;
    return universal_answer(folded);
}

std::vector<std::string> AnswerWords::languages() const {
    std::vector<std::string> out;
    for (const auto& [language, words] : languages_) out.push_back(language);
    return out;
}

std::vector<std::string> AnswerWords::words(const std::string& language, AnswerReading reading) const {
    const auto found = languages_.find(language);
    if (found == languages_.end()) return {};
    const auto list = found->second.as_written.find(reading);
    return list == found->second.as_written.end() ? std::vector<std::string>{} : list->second;
}

}  // namespace ritme
