#pragma once
// What the daemon does with gateways' calls once a channel has read them (the two
// functions engine/http/http_routes.hpp calls): delivery reports go to the receipt
// intake (stored once, a final failure fails the delivery and sends its fallback or tells
// the lead), a participant's text to the answer intake (excused, confirmed, the lead
// told). Made for one setup: a reload makes them anew with the new channels and words.

#include "engine/base/log.hpp"
#include "engine/changes/answer_intake.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/dispatch/receipt_intake.hpp"
#include "engine/store/store.hpp"

namespace ritme {

class GatewayCalls {
public:
    GatewayCalls(Store& store, const DaemonSetup& setup, Log& log);

    ReceiptCounts receipts(const std::string& channel, const std::vector<ReceiptReport>& reports, UtcInstant now) {
        return receipts_(channel, reports, now);
    }
    // Several requests' reports in one transaction (the daemon's group commit).
    ReceiptCounts receipts(const std::vector<ReceiptCall>& calls) { return receipts_.take(calls); }
    void inbound(const std::string& channel, const InboundText& text, UtcInstant now) {
        answers_(channel, text, now);
    }

    const ReceiptCounts& receipt_counts() const { return receipts_.counts(); }

private:
    ReceiptIntake receipts_;
    AnswerIntake answers_;
};

}  // namespace ritme
