#pragma once
// A problem found in a lead's or operator's input, with where it is and how to fix it.

#include "engine/base/phrase.hpp"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

enum class Severity { error, warning };

struct SourcePosition {
    std::string file;
    int line = 0;    // 1-based; 0 when the problem belongs to the file as a whole
    int column = 0;  // 1-based

    std::string str() const;  // "file:line:col", or "file" without a line
};

struct Diagnostic {
    Severity severity = Severity::error;
    SourcePosition where;
    std::string message;  // what is wrong, naming the key: "slot 2: `day = \"thurdsay\"` is not a weekday"
    std::string hint;     // how to fix it: "did you mean thursday?"; may be empty

    // A check's message and hint as phrases (Diagnostics::add), to say them in a lead's
    // language; message and hint above are their English.
    std::optional<Phrase> message_phrase;
    std::optional<Phrase> hint_phrase;

    // "file:line:col: error: message; hint"
    std::string str() const;
    // The message and hint in `language`: the phrases', or the English when there are none.
    std::string message_in(Language language) const;
    std::string hint_in(Language language) const;
};

std::string_view name_of(Severity severity);

// How reading an input file went.
enum class LoadStatus {
    ok,          // read, perhaps with warnings
    invalid,     // the TOML is well-formed but says something wrong: see the diagnostics
    unreadable,  // the file cannot be read, or is not TOML at all
};

class Diagnostics {
public:
    void error(SourcePosition where, std::string message, std::string hint = {});
    void warning(SourcePosition where, std::string message, std::string hint = {});
    void add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
    // With a message and hint a lead may read in her language.
    void add(Severity severity, SourcePosition where, const Phrase& message, const Phrase& hint);
    void append(const Diagnostics& other);

    const std::vector<Diagnostic>& items() const { return items_; }
    bool has_errors() const;
    int error_count() const;
    int warning_count() const;
    bool empty() const { return items_.empty(); }

    // Orders by file, line and column, so a lead reads problems top to bottom.
    void sort_by_position();

private:
    std::vector<Diagnostic> items_;
};

}  // namespace ritme
