#include "engine/dispatch/failure_follow_ups.hpp"

#include "engine/store/fallback_key.hpp"


namespace ritme {

FailureFollowUps::FailureFollowUps(const Store& store, const DaemonConfig& config, const ChannelSet& channels,
                                   MessageFactsSource& facts, const TimeZone& zone)
    : store_(store), config_(config), channels_(channels), facts_(facts), zone_(zone) {}

UtcInstant FailureFollowUps::outside_quiet_hours(const std::string& channel, UtcInstant at) const {
    const ChannelConfig* config = channels_.config(channel);
    if (!config || !config->quiet_hours || config_.reminders.quiet_hours.empty()) return at;
    return config_.reminders.quiet_hours.end_of(at, zone_);
}

std::optional<FollowUp> FailureFollowUps::after_failure(const Delivery& failed, const std::string&, UtcInstant now) {
    if (auto fallback = fallback_for(failed, now)) return FollowUp{FollowUp::Kind::fallback, std::move(*fallback)};
    return std::nullopt;
}

std::optional<Delivery> FailureFollowUps::fallback_for(const Delivery& failed, UtcInstant now) {
    // The lead's follow-ups and overview are addressed from her stored contact, not through
    // the participant's facts: no fallback for them.
    if (failed.kind == DeliveryKind::alert || failed.kind == DeliveryKind::follow_up ||
        failed.kind == DeliveryKind::overview || is_fallback(failed))
        return std::nullopt;
    const ChannelConfig* channel = channels_.config(failed.channel);
    if (!channel || channel->fallback.empty()) return std::nullopt;
    const ChannelConfig* fallback = channels_.config(channel->fallback);
    if (!fallback || !facts_.address_for(failed, fallback->medium).address) return std::nullopt;
    // She may get this message on the fallback channel anyway (she chose both media):
    // one copy is enough.
    DeliveryQuery same;
    if (failed.session_id) same.session_id = failed.session_id;
    else if (failed.appointment_id) same.appointment_id = failed.appointment_id;
    else same.programme_id = failed.programme_id;
    same.participant_id = failed.participant_id;
    same.kinds = {failed.kind};
    same.states = {DeliveryState::planned, DeliveryState::claimed, DeliveryState::retry, DeliveryState::sent};
    for (const auto& other : store_.deliveries(same))
        if (other.channel == fallback->name && other.offset == failed.offset &&
            other.session_version == failed.session_version &&
            other.appointment_version == failed.appointment_version)
            return std::nullopt;
    Delivery row = failed;
    row.id = 0;
    row.key = fallback_key(failed.key, fallback->name);
    row.channel = fallback->name;
    row.due_at = now;
    row.send_at = outside_quiet_hours(fallback->name, now);
    if (!(row.send_at < row.expires_at)) return std::nullopt;
    row.state = DeliveryState::planned;
    row.attempts = 0;
    row.reason.clear();
    row.provider_id.clear();
    row.provider_status.clear();
    row.claimed_by.clear();
    row.claimed_until = {};
    row.sent_at.reset();
    row.updated_at = now;
    return row;
}

std::string with_fallback_note(const std::string& reason, const FollowUp& follow_up) {
    if (follow_up.kind != FollowUp::Kind::fallback) return reason;
    return reason + "; sending through " + follow_up.row.channel + " instead";
}

}  // namespace ritme
