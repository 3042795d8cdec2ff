#include "engine/daemon/retention_pass.hpp"

namespace ritme {

std::optional<RetentionPass> retention_pass(Store& store, LeasedWork& leased, ChannelSet& channels,
                                            int retention_days, UtcInstant now, std::chrono::seconds term,
                                            const std::string& actor, bool only_when_due,
                                            std::optional<Lease>* held) {
    std::optional<RetentionPass> pass;
    const auto other = leased.run("retention", now, term, [&] {
        if (only_when_due && now < next_retention_at(store, now)) return;
        pass.emplace();
        pass->run = run_retention(store, retention_days, now, actor);
        if (pass->run.past_retention.empty()) return;
        for (const auto& [channel, forgotten] : channels.forget({"", pass->run.past_retention})) {
            pass->channel_items += forgotten.removed;
            for (const auto& problem : forgotten.problems) pass->problems.push_back("channel " + channel + ": " + problem);
        }
    });
    if (held) *held = other;
    return pass;
}

std::string retention_log_fields(const RetentionPass& pass) {
    const RetentionCounts& c = pass.run.record.counts;
    return "days=" + std::to_string(pass.run.record.retention_days) + " deliveries=" + std::to_string(c.deliveries) +
           " receipts=" + std::to_string(c.receipts) + " answers=" + std::to_string(c.answers) +
           " group_messages=" + std::to_string(c.group_messages) + " appointments=" + std::to_string(c.appointments) +
           " participants=" + std::to_string(c.participants) + " channel_files=" + std::to_string(pass.channel_items);
}

}  // namespace ritme
