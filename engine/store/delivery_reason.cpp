#include "engine/store/delivery_reason.hpp"

#include <array>
#include <optional>
#include <utility>
#include <vector>

namespace ritme {
namespace {

// The wording of each reason: the stored English and the catalogues' msgid at once.
// tr_later marks it for scripts/check-catalogue.
constexpr std::string_view tr_later(std::string_view english) { return english; }

constexpr std::array<std::pair<DeliveryReason, std::string_view>, 17> wordings{{
    {DeliveryReason::session_changed, tr_later("session #{1} changed")},
    {DeliveryReason::appointment_changed, tr_later("appointment {1} changed")},
    {DeliveryReason::appointment_removed, tr_later("appointment removed")},
    {DeliveryReason::programme_removed, tr_later("programme removed")},
    {DeliveryReason::participant_removed, tr_later("participant removed")},
    {DeliveryReason::no_longer_enrolled, tr_later("no longer enrolled")},
    {DeliveryReason::nothing_left_to_tell, tr_later("nothing left to tell: she knows it as it is")},
    {DeliveryReason::rules_changed, tr_later("the reminder rules changed")},
    {DeliveryReason::cannot_come, tr_later("she answered that she cannot come")},
    {DeliveryReason::opted_out_of_sms, tr_later("opted out of SMS")},
    {DeliveryReason::channels_changed, tr_later("the participant's channels changed")},
    {DeliveryReason::planned_anew, tr_later("planned anew")},
    {DeliveryReason::joined_with_reminder, tr_later("joined with the {1} reminder")},
    {DeliveryReason::same_moment, tr_later("due at the same moment as the {1} reminder")},
    {DeliveryReason::quiet_hours_same_moment, tr_later("quiet hours: would go at the same moment as the {1} reminder")},
    {DeliveryReason::quiet_hours_before, tr_later("quiet hours: would go before the {1} reminder")},
    {DeliveryReason::quiet_hours_too_close,
     tr_later("quiet hours: would go {1} after the {2} reminder, less than min_gap {3}")},
}};

std::string_view wording_of(DeliveryReason reason) {
    for (const auto& [kind, wording] : wordings)
        if (kind == reason) return wording;
    return {};
}

// The values of `stored` when it has the shape of `wording` ("{1}" standing for any
// text without the wording's next literal piece); nothing when it has not.
std::optional<std::vector<std::string>> values_in(std::string_view stored, std::string_view wording) {
    std::vector<std::string> values;
    size_t at = 0;  // in stored
    size_t i = 0;   // in wording
    while (i < wording.size()) {
        const size_t hole = wording.find('{', i);
        const std::string_view literal = wording.substr(i, hole == std::string_view::npos ? hole : hole - i);
        if (stored.substr(at, literal.size()) != literal) return std::nullopt;
        at += literal.size();
        if (hole == std::string_view::npos) break;
        i = hole + 3;  // "{1}"
        const size_t next = wording.find('{', i);
        const std::string_view after = wording.substr(i, next == std::string_view::npos ? next : next - i);
        const size_t end = after.empty() ? stored.size() : stored.find(after, at);
        if (end == std::string_view::npos || end == at) return std::nullopt;
        values.emplace_back(stored.substr(at, end - at));
        at = end;
    }
    if (at != stored.size()) return std::nullopt;
    return values;
}

}  // namespace

std::string stored_reason(DeliveryReason reason, std::initializer_list<std::string_view> values) {
    const std::string_view wording = wording_of(reason);
    std::string out;
    for (size_t i = 0; i < wording.size(); ++i) {
        if (wording[i] == '{' && i + 2 < wording.size() && wording[i + 2] == '}') {
            const size_t index = static_cast<size_t>(wording[i + 1] - '1');
            if (index < values.size()) out += values.begin()[index];
            i += 2;
            continue;
        }
        out += wording[i];
    }
    return out;
}

Phrase reason_phrase(std::string_view stored) {
    for (const auto& [kind, wording] : wordings)
        if (auto values = values_in(stored, wording)) {
            std::vector<Phrase> arguments(values->begin(), values->end());
            return phrase(wording, std::move(arguments));
        }
    return Phrase(std::string(stored));
}

}  // namespace ritme
