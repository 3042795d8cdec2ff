#pragma once
// The messages a change sends, as the lead who made it reads them: per kind and channel
// how many, to whom (display names, never an address) and when the first goes; the rows
// the change cancelled, by reason; and one of the messages rendered as the dispatcher
// renders it, with its SMS segments. `ritme apply` and `ritme session …` print it, after
// the change or, with --dry-run, instead of it.

#include "engine/channel/medium.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/store/store.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

struct OutgoingGroup {
    DeliveryKind kind = DeliveryKind::reminder;
    std::string channel;
    int count = 0;
    std::vector<std::string> recipients;  // display names, sorted, each once
    UtcInstant first_send_at;
};

struct CancelledGroup {
    DeliveryKind kind = DeliveryKind::reminder;
    std::string reason;
    int count = 0;
};

struct SampleMessage {
    DeliveryKind kind = DeliveryKind::reminder;
    std::string channel;
    Medium medium = Medium::sms;
    std::string recipient;           // her display name
    RenderedMessage message;         // its text with phone numbers masked (DESIGN.md rule 7)
    std::optional<SmsLength> sms;    // for an SMS: measured on the text as it goes
};

struct OutboxPreview {
    std::vector<OutgoingGroup> outgoing;    // change notices first, then reminders, appointment reminders
    std::vector<CancelledGroup> cancelled;  // in the same order of kinds, then by reason
    std::optional<SampleMessage> sample;    // the first change notice, else the first message to go
    std::string no_sample;                  // why there is no sample although messages go

    int outgoing_count() const;
    int cancelled_count() const;
};

// `channel_media`: the medium of each channel of the daemon config; `timezone`: the
// config's, for appointments outside a programme. Reads the store as it is: call it in
// the transaction that planned the rows, before a dry run rolls it back.
OutboxPreview preview_outbox(const Store& store, const std::vector<Delivery>& planned,
                             const std::vector<Delivery>& cancelled, const MessageRenderer& renderer,
                             const std::map<std::string, Medium>& channel_media, const std::string& timezone);

// "change notice", "reminder", "appointment reminder", "alert to the lead"; plural with `many`.
std::string message_kind_words(DeliveryKind kind, bool many);

}  // namespace ritme
