#include "engine/changes/answer_listing.hpp"

namespace ritme {
namespace {

std::string subject_of(const StoredAnswer& answer) {
    if (answer.session_id) return answer.programme_id + "#s" + std::to_string(answer.session_id);
    if (answer.appointment_id) return "a" + std::to_string(answer.appointment_id);
    return "nothing she was asked";
}

// Why the lead has not heard of it; empty when they have.
std::string still_waiting(const Store& store, const StoredAnswer& answer) {
    if (!answer.for_lead) return {};
    if (!answer.lead_delivery_id) return "no lead to tell (the programme names no lead with a phone or e-mail)";
    const auto message = store.delivery(answer.lead_delivery_id);
    if (!message) return "the message to the lead is gone";
    switch (message->state) {
        case DeliveryState::sent: return {};
        case DeliveryState::planned:
        case DeliveryState::claimed: return "not sent yet (" + std::string(name_of(message->state)) + ")";
        case DeliveryState::retry: return "not sent yet (retry: " + message->reason + ")";
        case DeliveryState::failed:
        case DeliveryState::expired:
        case DeliveryState::cancelled: return std::string(name_of(message->state)) + ": " + message->reason;
    }
    return {};
}

}  // namespace

std::vector<WaitingAnswer> answers_waiting_for_lead(const Store& store) {
    std::vector<WaitingAnswer> waiting;
    for (auto& answer : store.answers(""))
        if (auto why = still_waiting(store, answer); !why.empty()) waiting.push_back({std::move(answer), std::move(why)});
    return waiting;
}

std::string answer_outcome(const Store& store, const StoredAnswer& answer) {
    std::string text = "read as " + std::string(name_of(answer.reading)) + ", about " + subject_of(answer);
    if (answer.too_late) text += " (after its start)";
    if (!answer.for_lead) return text;
    const std::string why = still_waiting(store, answer);
    return text + (why.empty() ? "; the lead was told" : "; the lead: " + why);
}

}  // namespace ritme
