#include "engine/dispatch/lead_messages.hpp"

#include "engine/base/translation.hpp"
#include "engine/message/follow_up_text.hpp"
#include "engine/message/lead_overview.hpp"
#include "engine/planner/overview_plan.hpp"

#include <nlohmann/json.hpp>

namespace ritme {

namespace {

// Leads have no language of their own yet: Dutch, as the municipalities' staff read.
constexpr Language lead_language = Language::nl;
// How far a lead's first overview looks back for failures and answers.
constexpr int first_overview_days = 7;

LeadMessage unused(std::string why) { return {std::nullopt, std::move(why), false}; }
LeadMessage failure(std::string why) { return {std::nullopt, std::move(why), true}; }

std::optional<std::string> address_of(const StoredLead& lead, Medium medium) {
    const std::string& to = medium == Medium::sms ? lead.mobile : lead.email;
    if (to.empty()) return std::nullopt;
    return to;
}

OutgoingMessage message_for(const Delivery& delivery, Medium medium, std::string to, std::string subject,
                            std::string text) {
    return {delivery.id, delivery.channel,  medium, std::move(to), std::string(tag_of(lead_language)),
            std::string(name_of(delivery.kind)), std::move(subject), std::move(text)};
}

}  // namespace

LeadMessages::LeadMessages(const Store& store) : store_(store) {}

LeadMessage LeadMessages::compose(const Delivery& delivery, Medium medium, UtcInstant now) const {
    if (delivery.kind == DeliveryKind::overview) return overview(delivery, medium, now);
    if (delivery.kind == DeliveryKind::follow_up) return follow_up(delivery, medium);
    return failure("not a message to a lead: " + std::string(name_of(delivery.kind)));
}

LeadMessage LeadMessages::overview(const Delivery& delivery, Medium medium, UtcInstant now) const {
    const auto subject = overview_subject(delivery);
    if (!subject) return failure("an overview without its lead and day");
    const auto lead = store_.lead(subject->lead_id);
    if (!lead) return unused("the lead was removed");
    const auto to = address_of(*lead, medium);
    if (!to) return failure(medium == Medium::sms ? "the lead has no mobile number" : "the lead has no e-mail address");
    // Failures and answers since her last overview that went (one that had nothing to say
    // or was missed while down leaves them for this one); her first looks back a week.
    const UtcInstant until = now < delivery.send_at ? delivery.send_at : now;
    UtcInstant since{until.utc - boost::posix_time::hours(first_overview_days * 24)};
    DeliveryQuery earlier;
    earlier.kinds = {DeliveryKind::overview};
    earlier.states = {DeliveryState::sent};
    const std::string hers = "overview:" + lead->id + ":";
    for (const auto& row : store_.deliveries(earlier))
        if (row.key.starts_with(hers) && row.id != delivery.id && row.sent_at && since < *row.sent_at &&
            *row.sent_at < until)
            since = *row.sent_at;
    const LeadOverview gathered = gather_lead_overview(store_, *lead, subject->day, since, until);
    if (gathered.nothing_to_say()) return unused("nothing to say");
    OverviewText text = lead_overview_text(gathered, lead_language);
    return {message_for(delivery, medium, *to, std::move(text.subject), std::move(text.text)), {}, false};
}

LeadMessage LeadMessages::follow_up(const Delivery& delivery, Medium medium) const {
    int64_t follow_up_id = 0;
    std::string lead_id;
    try {
        const auto payload = nlohmann::json::parse(delivery.payload);
        follow_up_id = payload.at("follow_up").get<int64_t>();
        lead_id = payload.at("lead").get<std::string>();
    } catch (const std::exception&) {
        return failure("a follow-up message without its follow-up and lead");
    }
    const auto found = store_.follow_up(follow_up_id);
    if (!found) return unused("the follow-up is gone");
    if (!found->open()) return unused("the follow-up was marked done meanwhile");
    // Marked otherwise since (a mistake put right): nothing to call about.
    bool still_absent = false;
    for (const auto& record : store_.attendance_of_participant(found->participant_id))
        if (record.session_id == found->session_id && record.status == AttendanceStatus::absent) still_absent = true;
    if (!still_absent) return unused("she is no longer marked absent");
    const auto lead = store_.lead(lead_id);
    if (!lead) return unused("the lead was removed");
    const auto to = address_of(*lead, medium);
    if (!to) return failure(medium == Medium::sms ? "the lead has no mobile number" : "the lead has no e-mail address");
    const auto participant = store_.participant(found->participant_id);
    const auto session = store_.session(found->session_id);
    if (!participant || !session) return unused("the participant or the session is gone");
    std::string text = absent_without_notice_text(participant->name, *session, lead_language);
    std::string subject = tr(lead_language, "ritme: {1} was not there", {participant->name});
    return {message_for(delivery, medium, *to, std::move(subject), "ritme: " + text), {}, false};
}

}  // namespace ritme
