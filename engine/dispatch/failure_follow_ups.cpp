#include "engine/dispatch/failure_follow_ups.hpp"

#include "engine/store/fallback_key.hpp"

#include <nlohmann/json.hpp>

namespace ritme {

namespace {

UtcInstant plus_seconds(UtcInstant instant, int64_t count) {
    instant.utc += boost::posix_time::seconds(static_cast<long>(count));
    return instant;
}

}  // namespace

FailureFollowUps::FailureFollowUps(const Store& store, const DaemonConfig& config, const ChannelSet& channels,
                                   MessageFactsSource& facts, const TimeZone& zone)
    : store_(store), config_(config), channels_(channels), facts_(facts), zone_(zone) {}

UtcInstant FailureFollowUps::outside_quiet_hours(const std::string& channel, UtcInstant at) const {
    const ChannelConfig* config = channels_.config(channel);
    if (!config || !config->quiet_hours || config_.reminders.quiet_hours.empty()) return at;
    return config_.reminders.quiet_hours.end_of(at, zone_);
}

std::optional<FollowUp> FailureFollowUps::after_failure(const Delivery& failed, const std::string& reason,
                                                        UtcInstant now) {
    if (auto fallback = fallback_for(failed, now)) return FollowUp{FollowUp::Kind::fallback, std::move(*fallback)};
    if (auto alert = alert_for(failed, reason, now)) return FollowUp{FollowUp::Kind::alert, std::move(*alert)};
    return std::nullopt;
}

std::optional<Delivery> FailureFollowUps::alert_for(const Delivery& failed, const std::string& reason,
                                                    UtcInstant now) {
    // An alert to the lead that failed is not reported to that same lead.
    if (failed.kind == DeliveryKind::alert || failed.kind == DeliveryKind::answer_alert || failed.programme_id.empty())
        return std::nullopt;
    Delivery alert;
    alert.kind = DeliveryKind::alert;
    alert.programme_id = failed.programme_id;
    // About whom, in its own column: erasing that participant erases the alert too.
    alert.participant_id = failed.participant_id;
    // A gateway's words may not be UTF-8: replaced, never a throw that loses the batch.
    alert.payload = nlohmann::json{{"reason", reason}, {"about", failed.id}}.dump(-1, ' ', false,
                                                                               nlohmann::json::error_handler_t::replace);
    // The lead hears on the first channel that reaches them: SMS, else e-mail.
    for (Medium medium : {Medium::sms, Medium::email}) {
        const ChannelConfig* channel = config_.channel_for(medium);
        if (!channel || !facts_.address_for(alert, medium).address) continue;
        alert.channel = channel->name;
        alert.key = "alert:" + std::to_string(failed.id) + ":" + channel->name;
        alert.due_at = now;
        alert.send_at = outside_quiet_hours(channel->name, now);
        alert.expires_at = plus_seconds(now, 7 * 24 * 3600);
        alert.updated_at = now;
        return alert;
    }
    return std::nullopt;
}

std::optional<Delivery> FailureFollowUps::fallback_for(const Delivery& failed, UtcInstant now) {
    if (failed.kind == DeliveryKind::alert || is_fallback(failed)) return std::nullopt;
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
