#pragma once
// What a message needs from the store: the session or appointment it is about, the
// programme's locations and lead, the participant's name, language and address.
// Gathered per delivery and cached across batches (a programme's definition is parsed
// once), until the store changes underneath and forget() is called.

#include "engine/channel/medium.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/store/store.hpp"
#include "engine/time/time_zone.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace ritme {

struct MessageAddress {
    std::string to;        // E.164 or e-mail address
    std::string language;  // the reader's
};

// Whom a delivery goes to, or why there is no one to reach.
struct AddressLookup {
    std::optional<MessageAddress> address;
    std::string why;         // when there is no address: "no phone number"
    bool opted_out = false;  // the participant asked for no SMS: cancelled, not failed
};

class MessageFactsSource {
public:
    MessageFactsSource(const Store& store, std::string default_timezone);

    // The facts for a delivery; nothing, with the reason in `why`, when what it names
    // is gone from the store.
    std::optional<MessageFacts> facts_for(const Delivery& delivery, std::string& why);
    // Whom it goes to on this medium; nothing, with the reason, when there is no one
    // to reach there (no phone, opted out of SMS, no lead contact).
    AddressLookup address_for(const Delivery& delivery, Medium medium);

    const TimeZone& zone(const std::string& name);
    void forget();

private:
    const Programme* programme(const std::string& id);
    const Participant* participant(const std::string& id);

    const Store& store_;
    std::string default_timezone_;
    std::map<std::string, std::optional<Programme>> programmes_;
    std::map<std::string, std::optional<Participant>> participants_;
    std::map<int64_t, StoredSession> sessions_;
    std::map<std::string, std::unique_ptr<TimeZone>> zones_;
};

// The first word of a display name: reminders greet people by their first name.
std::string first_name_of(const std::string& display_name);

}  // namespace ritme
