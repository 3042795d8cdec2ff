#include "engine/dispatch/receipt_intake.hpp"

#include "engine/dispatch/failure_follow_ups.hpp"
#include "engine/message/message_facts.hpp"

#include <optional>

namespace ritme {

namespace {

// The delivery a report is about, on the channel whose gateway sent it: a report never
// reaches another channel's delivery, whatever id it names.
std::optional<Delivery> delivery_for(const Store& store, const std::string& channel, const ReceiptReport& report) {
    if (report.delivery_id) {
        auto found = store.delivery(*report.delivery_id);
        if (found && found->channel == channel) return found;
        return std::nullopt;
    }
    return store.delivery_by_provider_id(channel, report.provider_id);
}

std::string undelivered_reason(const ReceiptReport& report) {
    std::string reason = "the gateway reported it " + report.status;
    if (!report.detail.empty()) reason += " (" + report.detail + ")";
    return reason;
}

}  // namespace

ReceiptIntake::ReceiptIntake(Store& store, const DaemonConfig& config, const ChannelSet& channels, Log& log)
    : store_(store), config_(config), channels_(channels), log_(log), zone_(TimeZone::load(config.timezone)) {}

void ReceiptIntake::operator()(const std::string& channel, const std::vector<ReceiptReport>& reports,
                               UtcInstant now) {
    take({ReceiptCall{channel, reports, now}});
}

void ReceiptIntake::take(const std::vector<ReceiptCall>& calls) {
    std::vector<ReceiptCounts> counted(calls.size());
    std::vector<Log::Line> lines;
    store_.write([&] {
        counted.assign(calls.size(), {});
        lines.clear();
        // Read afresh for each transaction: the participant or the lead may have changed since.
        MessageFactsSource facts(store_, config_.timezone);
        FailureFollowUps follow_ups(store_, config_, channels_, facts, zone_);
        for (size_t i = 0; i < calls.size(); ++i) {
            const std::string& channel = calls[i].channel;
            const UtcInstant now = calls[i].now;
            for (const auto& report : calls[i].reports) {
                const auto delivery = delivery_for(store_, channel, report);
                if (!delivery) {
                    ++counted[i].unknown;
                    continue;
                }
                if (!store_.add_receipt({delivery->id, now, report.status, report.detail, report.report_key})) {
                    ++counted[i].repeated;
                    continue;
                }
                ++counted[i].stored;
                std::string details = "id=" + std::to_string(delivery->id) + " channel=" + channel + " status=\"" +
                                      report.status + "\"";
                if (!report.final_failure) {
                    lines.push_back({LogLevel::info, "receipt.stored", std::move(details)});
                    continue;
                }
                std::string reason = undelivered_reason(report);
                Delivery failed = *delivery;
                failed.reason = reason;
                auto follow_up = follow_ups.after_failure(failed, reason, now);
                if (follow_up) reason = with_fallback_note(reason, *follow_up);
                // A delivery failed, expired or cancelled already has had its follow-up.
                if (!store_.mark_undelivered(delivery->id, reason, now)) {
                    lines.push_back({LogLevel::info, "receipt.stored", std::move(details)});
                    continue;
                }
                ++counted[i].undelivered;
                if (follow_up) store_.add_delivery(follow_up->row);
                lines.push_back({LogLevel::warning, "delivery.undelivered", details + " reason=\"" + reason + "\""});
            }
        }
    });
    // Counted once committed: a write that threw (StoreBusy) stored nothing.
    for (size_t i = 0; i < calls.size(); ++i) {
        const std::string& channel = calls[i].channel;
        counts_.stored += counted[i].stored;
        counts_.repeated += counted[i].repeated;
        counts_.unknown += counted[i].unknown;
        counts_.undelivered += counted[i].undelivered;
        if (counted[i].repeated)
            lines.push_back({LogLevel::debug, "receipt.repeated",
                             "channel=" + channel + " count=" + std::to_string(counted[i].repeated)});
        // Without the report's content: its ids may be made up by whoever called.
        if (counted[i].unknown)
            lines.push_back({LogLevel::warning, "receipt.unknown",
                             "channel=" + channel + " count=" + std::to_string(counted[i].unknown) +
                                 " reason=\"no delivery on this channel has the id the report names\""});
    }
    if (!lines.empty()) log_.write(lines);
}

}  // namespace ritme
