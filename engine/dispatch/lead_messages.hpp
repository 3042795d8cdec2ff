#pragma once
// The messages to a lead whose text comes from the catalogues (Dutch; English when a
// lead's language says so, and leads have none yet), made right before they go from the
// store as it is then: her daily overview, and a follow-up that cannot wait for it
// (absent without notice). Whom to: the lead the row names, on its channel's medium.

#include "engine/channel/channel.hpp"
#include "engine/store/store.hpp"

#include <optional>
#include <string>

namespace ritme {

struct LeadMessage {
    std::optional<OutgoingMessage> message;
    // When there is none: why, and whether that is a failure (no address) or the row
    // simply has no use any more (nothing to say, the follow-up was done meanwhile).
    std::string why;
    bool failed = false;
};

class LeadMessages {
public:
    explicit LeadMessages(const Store& store);

    // For a row of kind overview or follow_up, going at `now` on `medium`.
    LeadMessage compose(const Delivery& delivery, Medium medium, UtcInstant now) const;

private:
    LeadMessage overview(const Delivery& delivery, Medium medium, UtcInstant now) const;
    LeadMessage follow_up(const Delivery& delivery, Medium medium) const;

    const Store& store_;
};

}  // namespace ritme
