#pragma once
// Takes the delivery reports a channel read from its gateway's call (/receipts/CHANNEL)
// into the store: each report finds its delivery (by ritme's id on that channel, or by
// the gateway's own id for the message), is stored once however often the gateway sends
// it, and a final failure ("not delivered", "rejected by the SMS centre") makes the
// delivery failed, with what follows from that: the channel's fallback, else an alert to
// the lead (FailureFollowUps, the dispatcher's own rule).
//
// One call is one transaction, committed before it returns; a database locked past its
// timeout throws StoreBusy with nothing written, so the HTTP layer answers 503 and the
// gateway tries again. Several requests' reports can go in one call (take): the daemon
// commits the receipts that arrived in one turn of its loop together, since a commit,
// not the reading, is what a receipt costs. Runs on the daemon's loop thread, like
// everything that writes.

#include "engine/base/log.hpp"
#include "engine/channel/callback.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/dispatch/channel_set.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_zone.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ritme {

// What the intake did since it was made, for metrics and status.
struct ReceiptCounts {
    int64_t stored = 0;       // reports written
    int64_t repeated = 0;     // a report the delivery had already: not stored again
    int64_t unknown = 0;      // no delivery on that channel: counted, not stored
    int64_t undelivered = 0;  // final failures that made a delivery failed
};

// The reports one request carried, from one channel's gateway.
struct ReceiptCall {
    std::string channel;
    std::vector<ReceiptReport> reports;
    UtcInstant now;
};

class ReceiptIntake {
public:
    ReceiptIntake(Store& store, const DaemonConfig& config, const ChannelSet& channels, Log& log);

    // The shape the daemon's HTTP interface calls: the reports one request carried.
    // Returns what this call did; `undelivered` > 0 means it failed deliveries and may
    // have added their follow-ups (a fallback, the lead's alert), so there is news to send.
    ReceiptCounts operator()(const std::string& channel, const std::vector<ReceiptReport>& reports, UtcInstant now);
    // Several requests' reports in one transaction: all stored, or (StoreBusy) none.
    ReceiptCounts take(const std::vector<ReceiptCall>& calls);

    const ReceiptCounts& counts() const { return counts_; }

private:
    Store& store_;
    const DaemonConfig& config_;
    const ChannelSet& channels_;
    Log& log_;
    TimeZone zone_;  // the config's: quiet hours for a fallback or an alert
    ReceiptCounts counts_;
};

}  // namespace ritme
