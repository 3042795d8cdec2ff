#include "engine/message/failure_cause.hpp"

#include "engine/base/text.hpp"

#include <array>

namespace ritme {

namespace {

bool mentions(const std::string& text, std::initializer_list<std::string_view> words) {
    for (const auto word : words)
        if (text.find(word) != std::string::npos) return true;
    return false;
}

}  // namespace

std::string_view name_of(FailureCause cause) {
    switch (cause) {
        case FailureCause::no_such_number: return "no-such-number";
        case FailureCause::unreachable: return "unreachable";
        case FailureCause::refused: return "refused";
        case FailureCause::other: return "other";
    }
    return "other";
}

FailureCause classify_failure(std::string_view words) {
    const std::string text = lower(words);
    // The number first: an SMS centre that rejects a message for its number says both.
    if (mentions(text, {"not routable", "unroutable", "no route", "invalid number", "invalid destination",
                        "invalid recipient", "invalid phone", "unknown subscriber", "unknown number", "no such number",
                        "does not exist", "unallocated", "not a mobile", "no phone number", "not a valid",
                        "number is not", "21211", "21614"}))
        return FailureCause::no_such_number;
    if (mentions(text, {"absent subscriber", "unreachable", "not reachable", "switched off", "phone off",
                        "out of coverage", "out of range", "validity", "expired", "stat:expired", "undeliv",
                        "not delivered", "gave up after"}))
        return FailureCause::unreachable;
    if (mentions(text, {"rejected", "refused", "blocked", "barred", "blacklist", "spam", "denied", "forbidden",
                        "not allowed", "nack", "21610"}))
        return FailureCause::refused;
    return FailureCause::other;
}

std::string failure_cause_text(FailureCause cause, Language language) {
    switch (cause) {
        case FailureCause::no_such_number: return tr(language, "number does not exist");
        case FailureCause::unreachable: return tr(language, "phone was off or out of reach");
        case FailureCause::refused: return tr(language, "refused by the provider");
        case FailureCause::other: return tr(language, "did not arrive");
    }
    return tr(language, "did not arrive");
}

}  // namespace ritme
