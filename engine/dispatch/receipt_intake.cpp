#include "engine/dispatch/receipt_intake.hpp"

#include "engine/base/utf8.hpp"
#include "engine/dispatch/failure_follow_ups.hpp"
#include "engine/message/message_facts.hpp"

#include <optional>
#include <string_view>

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

// The gateway's words as they are kept: valid UTF-8 on one line, of a length a reason
// shows. A channel's reader should hand them so, but they are the gateway's to fill (an
// SMS centre's reply): kept as they came, bytes that are no UTF-8 made the receipt, the
// delivery's reason and the lead's alert rows the store will not read back, and with
// them her messages, her export and the due sends; a newline would split a log line.
constexpr size_t max_detail_bytes = 200;

std::string kept_words(std::string_view words, size_t max_bytes) {
    std::string kept = valid_utf8(cut_utf8(words, max_bytes));
    for (char& c : kept)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return kept;
}

// Words that kept_words() would keep as they are.
bool kept_as_given(std::string_view words, size_t max_bytes) {
    if (words.size() > max_bytes) return false;
    for (char c : words)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return is_valid_utf8(words);
}

ReceiptReport kept_report(const ReceiptReport& given) {
    ReceiptReport report = given;
    report.detail = kept_words(given.detail, max_detail_bytes);
    report.report_key = valid_utf8(given.report_key);  // the same key stays the same
    return report;
}

// The report as it is kept: the given one itself when it needs no change (as nearly all
// do: receipts come in thousands a second), else a kept copy in `kept`.
const ReceiptReport& kept_report(const ReceiptReport& given, std::optional<ReceiptReport>& kept) {
    if (kept_as_given(given.detail, max_detail_bytes) && is_valid_utf8(given.report_key)) return given;
    return kept.emplace(kept_report(given));
}

std::string undelivered_reason(const ReceiptReport& report) {
    std::string reason = "the gateway reported it " + report.status;
    if (!report.detail.empty()) reason += " (" + report.detail + ")";
    return reason;
}

}  // namespace

ReceiptIntake::ReceiptIntake(Store& store, const DaemonConfig& config, const ChannelSet& channels, Log& log)
    : store_(store), config_(config), channels_(channels), log_(log), zone_(TimeZone::load(config.timezone)) {}

ReceiptCounts ReceiptIntake::operator()(const std::string& channel, const std::vector<ReceiptReport>& reports,
                                        UtcInstant now) {
    return take({ReceiptCall{channel, reports, now}});
}

ReceiptCounts ReceiptIntake::take(const std::vector<ReceiptCall>& calls) {
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
            for (const auto& given : calls[i].reports) {
                std::optional<ReceiptReport> kept;
                const ReceiptReport& report = kept_report(given, kept);
                // Most reports name ritme's own id: stored in one step, the delivery read
                // only for a final failure (its follow-up) or to tell a repeat from a stranger.
                std::optional<Delivery> delivery;
                int64_t id = report.delivery_id.value_or(0);
                if (!report.delivery_id) {
                    delivery = store_.delivery_by_provider_id(channel, report.provider_id);
                    if (delivery) id = delivery->id;
                }
                if (id == 0 || !store_.add_receipt(channel, {id, now, report.status, report.detail, report.report_key})) {
                    if (id != 0 && delivery_for(store_, channel, report)) ++counted[i].repeated;
                    else ++counted[i].unknown;
                    continue;
                }
                ++counted[i].stored;
                // Formatted only when written: receipts come in thousands a second.
                const auto details = [&] {
                    return "id=" + std::to_string(id) + " channel=" + channel + " status=\"" + report.status + "\"";
                };
                const auto stored = [&] {
                    if (log_.enabled(LogLevel::info)) lines.push_back({LogLevel::info, "receipt.stored", details()});
                };
                if (!report.final_failure) {
                    stored();
                    continue;
                }
                if (!delivery) delivery = store_.delivery(id);
                std::string reason = undelivered_reason(report);
                Delivery failed = *delivery;
                failed.reason = reason;
                auto follow_up = follow_ups.after_failure(failed, reason, now);
                if (follow_up) reason = with_fallback_note(reason, *follow_up);
                // A delivery failed, expired or cancelled already has had its follow-up.
                if (!store_.mark_undelivered(id, reason, now)) {
                    stored();
                    continue;
                }
                ++counted[i].undelivered;
                if (follow_up) store_.add_delivery(follow_up->row);
                lines.push_back({LogLevel::warning, "delivery.undelivered", details() + " reason=\"" + reason + "\""});
            }
        }
    });
    // Counted once committed: a write that threw (StoreBusy) stored nothing.
    ReceiptCounts taken;
    for (size_t i = 0; i < calls.size(); ++i) {
        const std::string& channel = calls[i].channel;
        taken.stored += counted[i].stored;
        taken.repeated += counted[i].repeated;
        taken.unknown += counted[i].unknown;
        taken.undelivered += counted[i].undelivered;
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
    counts_.stored += taken.stored;
    counts_.repeated += taken.repeated;
    counts_.unknown += taken.unknown;
    counts_.undelivered += taken.undelivered;
    return taken;
}

}  // namespace ritme
