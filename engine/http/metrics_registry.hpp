#pragma once
// What the daemon counts for /metrics, and the Prometheus text format (0.0.4) it is
// read in. Counters and the send-lateness histogram live here for the life of the
// process; the figures read from the store at each scrape (deliveries by state, due,
// overdue, paused channels) come in as a MetricsSnapshot. Labels carry channel names
// and states only: never a number or a name.

#include "engine/store/delivery.hpp"
#include "engine/store/store.hpp"

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace ritme {

// What the store and the channels say at the moment of a scrape.
struct MetricsSnapshot {
    std::vector<DeliveryCount> deliveries;
    int due = 0;      // planned or retry with send_at at or before now
    int overdue = 0;  // of those, due for longer than late_after
    std::vector<std::pair<std::string, bool>> channel_paused;  // channel name, paused
};

// Planned or retry deliveries whose send time has come, and of those the ones due for
// longer than `late_after_seconds` (missed: the daemon is down or stuck). Reads every
// waiting row; throws StoreError.
struct DueCounts {
    int due = 0;
    int overdue = 0;
};
DueCounts count_due(const Store& store, UtcInstant now, int late_after_seconds);

class MetricsRegistry {
public:
    // The histogram's upper bounds in seconds, as `le` labels.
    static constexpr std::array<double, 14> lateness_buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                             1,     2.5,  5,     10,   30,  60,  300};

    // A message went out `seconds` after its send_at (negative counts as 0). Safe from
    // any thread.
    void observe_send_lateness(double seconds);
    void count_receipts(uint64_t reports);
    void count_reply();

    struct Lateness {
        uint64_t count = 0;
        double sum = 0;
        std::array<uint64_t, lateness_buckets.size()> buckets{};  // cumulative, as exposed
        // The smallest bucket bound that holds at least `quantile` of the sends; +inf
        // (as 1e300) when the largest does not.
        double bound_of(double quantile) const;
    };
    Lateness send_lateness() const;
    uint64_t receipts() const;
    uint64_t replies() const;

    // The whole exposition, metric after metric, each with # HELP and # TYPE.
    std::string text(const MetricsSnapshot& snapshot) const;

private:
    mutable std::mutex mutex_;
    Lateness lateness_;
    uint64_t receipts_ = 0;
    uint64_t replies_ = 0;
};

}  // namespace ritme
