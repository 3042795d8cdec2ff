#pragma once
// Why a message did not reach her, in a few causes a lead can act on, read from the
// gateway's words (the send's reason, the receipt's status and detail) so that the lead
// never reads them: "nummer bestaat niet" rather than "command: exit 1: gateway: Not
// routable". Failures of one cause for one participant are told to the lead once.

#include "engine/base/translation.hpp"

#include <string>
#include <string_view>

namespace ritme {

enum class FailureCause {
    no_such_number,  // the number does not exist or cannot be routed
    unreachable,     // the phone was off or out of reach until the SMS centre gave up
    refused,         // the provider or the SMS centre refused it
    other,           // did not arrive, for a reason the gateway did not say plainly
};
std::string_view name_of(FailureCause cause);  // "no-such-number", …

// The cause the gateway's words point to; `words`: the reason, statuses and details, in any order.
FailureCause classify_failure(std::string_view words);

// In the lead's language: "nummer bestaat niet", "telefoon stond uit of buiten bereik",
// "geweigerd door de provider", "kwam niet aan".
std::string failure_cause_text(FailureCause cause, Language language);

}  // namespace ritme
