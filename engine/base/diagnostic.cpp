#include "engine/base/diagnostic.hpp"

#include <algorithm>
#include <tuple>

namespace ritme {

std::string SourcePosition::str() const {
    if (line <= 0) return file;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string_view name_of(Severity severity) { return severity == Severity::error ? "error" : "warning"; }

std::string Diagnostic::str() const {
    std::string out = where.str() + ": " + std::string(name_of(severity)) + ": " + message;
    if (!hint.empty()) out += "; " + hint;
    return out;
}

std::string Diagnostic::message_in(Language language) const {
    return message_phrase ? message_phrase->in(language) : message;
}

std::string Diagnostic::hint_in(Language language) const { return hint_phrase ? hint_phrase->in(language) : hint; }

void Diagnostics::add(Severity severity, SourcePosition where, const Phrase& message, const Phrase& hint) {
    items_.push_back({severity, std::move(where), message.english(), hint.english(), message, hint});
}

void Diagnostics::error(SourcePosition where, std::string message, std::string hint) {
    items_.push_back(
        {Severity::error, std::move(where), std::move(message), std::move(hint), std::nullopt, std::nullopt});
}

void Diagnostics::warning(SourcePosition where, std::string message, std::string hint) {
    items_.push_back(
        {Severity::warning, std::move(where), std::move(message), std::move(hint), std::nullopt, std::nullopt});
}

void Diagnostics::append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

int Diagnostics::error_count() const {
    return static_cast<int>(std::count_if(items_.begin(), items_.end(),
                                          [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

int Diagnostics::warning_count() const { return static_cast<int>(items_.size()) - error_count(); }

void Diagnostics::sort_by_position() {
    std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.where.file, a.where.line, a.where.column) <
               std::tie(b.where.file, b.where.line, b.where.column);
    });
}

}  // namespace ritme
