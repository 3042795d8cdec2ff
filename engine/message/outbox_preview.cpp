#include "engine/message/outbox_preview.hpp"

#include "engine/message/message_facts.hpp"
#include "engine/participants/masking.hpp"

#include <algorithm>
#include <set>
#include <tuple>

namespace ritme {
namespace {

// The order a lead reads them in: the news first.
int rank(DeliveryKind kind) {
    switch (kind) {
        case DeliveryKind::change: return 0;
        case DeliveryKind::reminder: return 1;
        case DeliveryKind::appointment: return 2;
        case DeliveryKind::alert: return 3;
        case DeliveryKind::confirmation: return 4;
        case DeliveryKind::answer_alert: return 5;
        case DeliveryKind::follow_up: return 6;
        case DeliveryKind::overview: return 7;
        case DeliveryKind::group: return 8;
    }
    return 9;
}

void replace_all(std::string& text, const std::string& what, const std::string& with) {
    if (what.empty()) return;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
        text.replace(at, what.size(), with);
}

class Names {
public:
    explicit Names(const Store& store) : store_(store) {}

    const std::string& of(const Delivery& row) {
        // An alert names whom it is about, and goes to the lead.
        const bool to_lead = is_for_lead(row.kind);
        const std::string key = (to_lead ? "lead:" : "") + row.participant_id;
        auto found = names_.find(key);
        if (found == names_.end()) {
            std::string name = "the lead";
            if (!to_lead) {
                const auto participant = store_.participant(row.participant_id);
                name = participant ? participant->name : row.participant_id;
            }
            found = names_.emplace(key, std::move(name)).first;
        }
        return found->second;
    }

private:
    const Store& store_;
    std::map<std::string, std::string> names_;
};

// `row` as the dispatcher would send it now, or why it cannot say.
std::optional<SampleMessage> render_sample(const Delivery& row, MessageFactsSource& facts, Names& names,
                                           const MessageRenderer& renderer,
                                           const std::map<std::string, Medium>& channel_media, std::string& why) {
    const auto medium = channel_media.find(row.channel);
    if (medium == channel_media.end()) {
        why = "the daemon config has no channel \"" + row.channel + "\"";
        return std::nullopt;
    }
    const AddressLookup address = facts.address_for(row, medium->second);
    if (!address.address) {
        why = address.why;
        return std::nullopt;
    }
    const auto message_facts = facts.facts_for(row, why);
    if (!message_facts) return std::nullopt;
    SampleMessage sample;
    sample.kind = row.kind;
    sample.channel = row.channel;
    sample.medium = medium->second;
    sample.recipient = names.of(row);
    sample.message = renderer.render(*message_facts, address.address->language, medium->second);
    if (sample.medium == Medium::sms) sample.sms = measure_sms(sample.message.text);
    const std::string to_phone = sample.medium == Medium::sms ? address.address->to : std::string();
    for (const auto& phone : {message_facts->lead_phone, to_phone}) {
        replace_all(sample.message.text, phone, mask_phone(phone));
        replace_all(sample.message.subject, phone, mask_phone(phone));
    }
    return sample;
}

}  // namespace

int OutboxPreview::outgoing_count() const {
    int n = 0;
    for (const auto& group : outgoing) n += group.count;
    return n;
}

int OutboxPreview::cancelled_count() const {
    int n = 0;
    for (const auto& group : cancelled) n += group.count;
    return n;
}

std::string message_kind_words(DeliveryKind kind, bool many) {
    switch (kind) {
        case DeliveryKind::change: return many ? "change notices" : "change notice";
        case DeliveryKind::reminder: return many ? "reminders" : "reminder";
        case DeliveryKind::appointment: return many ? "appointment reminders" : "appointment reminder";
        case DeliveryKind::alert: return many ? "alerts to the lead" : "alert to the lead";
        case DeliveryKind::confirmation: return many ? "confirmations of answers" : "confirmation of an answer";
        case DeliveryKind::answer_alert: return many ? "answers passed to the lead" : "answer passed to the lead";
        case DeliveryKind::follow_up: return many ? "follow-ups told to the lead" : "follow-up told to the lead";
        case DeliveryKind::overview: return many ? "daily overviews to leads" : "daily overview to a lead";
        case DeliveryKind::group: return many ? "messages to the group" : "message to the group";
    }
    return many ? "messages" : "message";
}

OutboxPreview preview_outbox(const Store& store, const std::vector<Delivery>& planned,
                             const std::vector<Delivery>& cancelled, const MessageRenderer& renderer,
                             const std::map<std::string, Medium>& channel_media, const std::string& timezone) {
    Names names(store);
    OutboxPreview preview;

    std::map<std::tuple<int, std::string>, std::pair<OutgoingGroup, std::set<std::string>>> outgoing;
    for (const auto& row : planned) {
        auto& [group, recipients] = outgoing[{rank(row.kind), row.channel}];
        if (group.count == 0 || row.send_at < group.first_send_at) group.first_send_at = row.send_at;
        group.kind = row.kind;
        group.channel = row.channel;
        ++group.count;
        recipients.insert(names.of(row));
    }
    for (auto& [key, entry] : outgoing) {
        auto& [group, recipients] = entry;
        group.recipients.assign(recipients.begin(), recipients.end());
        preview.outgoing.push_back(std::move(group));
    }

    std::map<std::tuple<int, std::string>, CancelledGroup> by_reason;
    for (const auto& row : cancelled) {
        auto& group = by_reason[{rank(row.kind), row.reason}];
        group.kind = row.kind;
        group.reason = row.reason;
        ++group.count;
    }
    for (auto& [key, group] : by_reason) preview.cancelled.push_back(std::move(group));

    if (planned.empty()) return preview;
    // The news the lead just made when there is some (a change notice), as an SMS when
    // one goes (its length counts), the first to go, and of those the first by name.
    const auto sample_order = [&](const Delivery& row) {
        const auto medium = channel_media.find(row.channel);
        const bool sms = medium != channel_media.end() && medium->second == Medium::sms;
        return std::make_tuple(row.kind != DeliveryKind::change, !sms, row.send_at.utc, names.of(row));
    };
    const Delivery* chosen = &planned.front();
    for (const auto& row : planned)
        if (sample_order(row) < sample_order(*chosen)) chosen = &row;
    MessageFactsSource facts(store, timezone);
    try {
        preview.sample = render_sample(*chosen, facts, names, renderer, channel_media, preview.no_sample);
    } catch (const std::exception& e) {
        preview.no_sample = std::string("cannot render the message: ") + e.what();
    }
    return preview;
}

}  // namespace ritme
