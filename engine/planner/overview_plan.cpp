#include "engine/planner/overview_plan.hpp"

#include "engine/time/local_time_text.hpp"

#include <nlohmann/json.hpp>

namespace ritme {

namespace {

// An overview not sent by this long after its time (the daemon was down) is of no use.
constexpr int overview_useful_hours = 10;

}  // namespace

UtcInstant overview_time(Date day, TimeOfDay at, const TimeZone& zone) {
    return *zone.to_utc({day, at}, session_time_policy).instant;
}

int plan_overviews(Store& store, const OverviewRules& rules, const TimeZone& zone, UtcInstant now) {
    int added = 0;
    const Date today = zone.to_local(now).date;
    for (const auto& lead : store.leads()) {
        if (lead.programmes.empty()) continue;
        std::string channel;
        if (!lead.email.empty() && !rules.email_channel.empty()) channel = rules.email_channel;
        else if (!lead.mobile.empty() && !rules.sms_channel.empty()) channel = rules.sms_channel;
        if (channel.empty()) continue;
        for (const Date day : {today, today + boost::gregorian::days(1)}) {
            const UtcInstant at = overview_time(day, rules.at, zone);
            if (!(now < at)) continue;
            Delivery row;
            row.kind = DeliveryKind::overview;
            row.key = "overview:" + lead.id + ":" + iso_date(day);
            row.channel = channel;
            row.due_at = at;
            row.send_at = at;
            row.expires_at = {at.utc + boost::posix_time::hours(overview_useful_hours)};
            row.updated_at = now;
            row.payload = nlohmann::json{{"lead", lead.id}, {"day", iso_date(day)}}.dump();
            if (store.add_delivery(row)) ++added;
        }
    }
    return added;
}

std::optional<OverviewSubject> overview_subject(const Delivery& delivery) {
    try {
        const auto payload = nlohmann::json::parse(delivery.payload);
        OverviewSubject subject;
        subject.lead_id = payload.at("lead").get<std::string>();
        const auto day = parse_local_date(payload.at("day").get<std::string>());
        if (!day) return std::nullopt;
        subject.day = *day;
        return subject;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace ritme
