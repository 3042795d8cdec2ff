#pragma once
// What a change a person asked for came to: what it did, or every reason it was refused.
// A refused change stores nothing. Front ends (the CLI, later HTTP) print it; they hold
// no domain rules.
//
// Messages name the fields of a request as {field} ("{reason} is empty", "give {phone}
// or {email}"); each front end spells them its own way, the CLI as options ("--reason").

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

struct ChangeError {
    enum class Kind {
        bad_input,  // the request names what is not there, or gives a value that cannot be
        conflict,   // the request is well formed, but the state does not allow it (cancelled already)
    };
    Kind kind = Kind::bad_input;
    std::string field;    // the request field it is about ("to", "location"), or empty
    std::string message;  // "2026-01-10T09:30 (Europe/Amsterdam) is in the past"
    std::string hint;     // "choose a time to come"; may be empty
};

template <typename T>
struct ChangeResult {
    std::vector<ChangeError> errors;  // not empty: refused, nothing stored
    T value{};                        // what was done, when nothing was refused

    ChangeResult() = default;
    ChangeResult(T done) : value(std::move(done)) {}
    ChangeResult(ChangeError error) { errors.push_back(std::move(error)); }
    ChangeResult(std::vector<ChangeError> refused) : errors(std::move(refused)) {}

    bool ok() const { return errors.empty(); }
};

// A change refused under {strict} because it has warnings, which come with the refusal
// for the front end to print first: a conflict, nothing stored.
ChangeError refused_for_warnings(size_t warnings);

// The error as one line: "--to: 2026-01-10T09:30 (Europe/Amsterdam) is in the past; choose a
// time to come". `spell` names a field as the front end shows it, or returns nothing to leave
// "{field}" as written. The field goes in front unless the message begins with it.
std::string describe(const ChangeError& error,
                     const std::function<std::optional<std::string>(std::string_view field)>& spell);

}  // namespace ritme
