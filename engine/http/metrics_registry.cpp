#include "engine/http/metrics_registry.hpp"

#include <charconv>
#include <map>

namespace ritme {

namespace {

std::string number(double value) {
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, error == std::errc() ? end : buffer);
}

// A label value escaped as the text format wants: backslash, quote, newline.
std::string label(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

DueCounts count_due(const Store& store, UtcInstant now, int late_after_seconds) {
    DueCounts counts;
    DeliveryQuery waiting;
    waiting.states = {DeliveryState::planned, DeliveryState::retry};
    for (const auto& delivery : store.deliveries(waiting)) {
        if (now.utc < delivery.send_at.utc) break;  // by send_at: the rest are later
        ++counts.due;
        if (delivery.send_at.utc + boost::posix_time::seconds(late_after_seconds) < now.utc) ++counts.overdue;
    }
    return counts;
}

void MetricsRegistry::observe_send_lateness(double seconds) {
    if (!(seconds > 0)) seconds = 0;
    const std::lock_guard lock(mutex_);
    ++lateness_.count;
    lateness_.sum += seconds;
    for (size_t i = 0; i < lateness_buckets.size(); ++i)
        if (seconds <= lateness_buckets[i]) ++lateness_.buckets[i];
}

void MetricsRegistry::count_receipts(uint64_t reports) {
    const std::lock_guard lock(mutex_);
    receipts_ += reports;
}

void MetricsRegistry::count_reply() {
    const std::lock_guard lock(mutex_);
    ++replies_;
}

MetricsRegistry::Lateness MetricsRegistry::send_lateness() const {
    const std::lock_guard lock(mutex_);
    return lateness_;
}

uint64_t MetricsRegistry::receipts() const {
    const std::lock_guard lock(mutex_);
    return receipts_;
}

uint64_t MetricsRegistry::replies() const {
    const std::lock_guard lock(mutex_);
    return replies_;
}

double MetricsRegistry::Lateness::bound_of(double quantile) const {
    for (size_t i = 0; i < buckets.size(); ++i)
        if (count > 0 && static_cast<double>(buckets[i]) >= quantile * static_cast<double>(count))
            return lateness_buckets[i];
    return count == 0 ? 0 : 1e300;
}

std::string MetricsRegistry::text(const MetricsSnapshot& snapshot) const {
    const Lateness lateness = send_lateness();
    std::string out;

    header(out, "ritme_deliveries_total", "gauge", "Deliveries in the store by state and channel.");
    std::map<std::pair<std::string, std::string>, int> rows;  // sorted, so scrapes compare line by line
    for (const auto& count : snapshot.deliveries) rows[{count.channel, std::string(name_of(count.state))}] += count.count;
    for (const auto& [key, count] : rows)
        out += "ritme_deliveries_total{state=\"" + label(key.second) + "\",channel=\"" + label(key.first) + "\"} " +
               std::to_string(count) + "\n";

    header(out, "ritme_deliveries_due", "gauge", "Planned or retry deliveries whose send time has come.");
    out += "ritme_deliveries_due " + std::to_string(snapshot.due) + "\n";
    header(out, "ritme_deliveries_overdue", "gauge",
           "Deliveries due for longer than dispatch.late_after_seconds and not yet sent.");
    out += "ritme_deliveries_overdue " + std::to_string(snapshot.overdue) + "\n";

    header(out, "ritme_send_lateness_seconds", "histogram",
           "Time from a message's send_at to its send, for each message this process sent.");
    for (size_t i = 0; i < lateness_buckets.size(); ++i)
        out += "ritme_send_lateness_seconds_bucket{le=\"" + number(lateness_buckets[i]) + "\"} " +
               std::to_string(lateness.buckets[i]) + "\n";
    out += "ritme_send_lateness_seconds_bucket{le=\"+Inf\"} " + std::to_string(lateness.count) + "\n";
    out += "ritme_send_lateness_seconds_sum " + number(lateness.sum) + "\n";
    out += "ritme_send_lateness_seconds_count " + std::to_string(lateness.count) + "\n";

    header(out, "ritme_receipts_received_total", "counter", "Delivery reports read from gateways' calls.");
    out += "ritme_receipts_received_total " + std::to_string(receipts()) + "\n";
    header(out, "ritme_replies_received_total", "counter", "Texts from participants read from gateways' calls.");
    out += "ritme_replies_received_total " + std::to_string(replies()) + "\n";

    header(out, "ritme_channel_paused", "gauge", "1 while a channel rests after a gateway fault, else 0.");
    for (const auto& [channel, paused] : snapshot.channel_paused)
        out += "ritme_channel_paused{channel=\"" + label(channel) + "\"} " + (paused ? "1" : "0") + "\n";
    return out;
}

}  // namespace ritme
