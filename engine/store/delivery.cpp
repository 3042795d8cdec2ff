#include "engine/store/delivery.hpp"

#include "engine/base/enum_names.hpp"

#include <array>
#include <utility>

namespace ritme {
namespace {

// The names as the store writes them and `ritme status` prints them; never renamed.
constexpr std::array<std::pair<DeliveryKind, std::string_view>, 9> kind_names{{
    {DeliveryKind::reminder, "reminder"},
    {DeliveryKind::appointment, "appointment"},
    {DeliveryKind::change, "change"},
    {DeliveryKind::alert, "alert"},
    {DeliveryKind::confirmation, "confirmation"},
    {DeliveryKind::answer_alert, "answer-alert"},
    {DeliveryKind::follow_up, "follow-up"},
    {DeliveryKind::overview, "overview"},
    {DeliveryKind::group, "group"},
}};

constexpr std::array<std::pair<DeliveryState, std::string_view>, 7> state_names{{
    {DeliveryState::planned, "planned"},
    {DeliveryState::claimed, "claimed"},
    {DeliveryState::sent, "sent"},
    {DeliveryState::retry, "retry"},
    {DeliveryState::failed, "failed"},
    {DeliveryState::expired, "expired"},
    {DeliveryState::cancelled, "cancelled"},
}};

}  // namespace

std::string_view name_of(DeliveryKind kind) { return name_in(kind_names, kind); }

std::optional<DeliveryKind> parse_delivery_kind(std::string_view text) { return parse_in(kind_names, text); }

bool is_for_lead(DeliveryKind kind) {
    return kind == DeliveryKind::alert || kind == DeliveryKind::answer_alert || kind == DeliveryKind::follow_up ||
           kind == DeliveryKind::overview;
}

std::string_view name_of(DeliveryState state) { return name_in(state_names, state); }

std::optional<DeliveryState> parse_delivery_state(std::string_view text) { return parse_in(state_names, text); }

bool is_pending(DeliveryState state) {
    return state == DeliveryState::planned || state == DeliveryState::retry || state == DeliveryState::claimed;
}

}  // namespace ritme
