#pragma once
// What follows when a message failed for good, whether its send failed or the gateway
// later reported it undelivered (a final failure receipt): the same message on its
// channel's fallback when that reaches her. One rule, used by the dispatcher and the
// receipt intake alike. The lead is not alerted message by message: the failures that
// no fallback made good go in her daily overview, named, with a plain cause, once per
// participant and cause (lead_overview.hpp).

#include "engine/config/daemon_config.hpp"
#include "engine/dispatch/channel_set.hpp"
#include "engine/message/message_facts.hpp"
#include "engine/store/store.hpp"
#include "engine/time/time_zone.hpp"

#include <optional>
#include <string>

namespace ritme {

// The delivery to add for one that failed, and what it is.
struct FollowUp {
    enum class Kind { fallback };
    Kind kind;
    Delivery row;
};

class FailureFollowUps {
public:
    // `zone`: the config's, for quiet hours. All are kept by reference.
    FailureFollowUps(const Store& store, const DaemonConfig& config, const ChannelSet& channels,
                     MessageFactsSource& facts, const TimeZone& zone);

    // Another channel may still reach her: the fallback. Nothing for an alert, a
    // follow-up or an overview to a lead, or when no other channel reaches her.
    std::optional<FollowUp> after_failure(const Delivery& failed, const std::string& reason, UtcInstant now);
    // The same message on the failed channel's fallback, when that reaches the person.
    std::optional<Delivery> fallback_for(const Delivery& failed, UtcInstant now);

    // When a channel that keeps quiet hours may send at or after `at`: `at`, or their end.
    UtcInstant outside_quiet_hours(const std::string& channel, UtcInstant at) const;

private:
    const Store& store_;
    const DaemonConfig& config_;
    const ChannelSet& channels_;
    MessageFactsSource& facts_;
    const TimeZone& zone_;
};

// The reason a failed delivery keeps when its fallback goes: "…; sending through email instead".
std::string with_fallback_note(const std::string& reason, const FollowUp& follow_up);

}  // namespace ritme
