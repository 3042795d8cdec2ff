#include "engine/daemon/gateway_calls.hpp"

namespace ritme {

ReceiptsFunction store_receipts(Store& store, Log& log) {
    return [&store, &log](const std::string& channel, const std::vector<ReceiptReport>& reports, UtcInstant now) {
        int stored = 0, unknown = 0;
        store.write([&] {
            for (const auto& report : reports) {
                std::optional<int64_t> id = report.delivery_id;
                if (!id && !report.provider_id.empty())
                    if (const auto delivery = store.delivery_by_provider_id(channel, report.provider_id))
                        id = delivery->id;
                if (id && store.add_receipt({*id, now, report.status, report.detail})) ++stored;
                else ++unknown;
            }
        });
        if (unknown > 0)
            log.info("receipt.unknown", "channel=" + channel + " reports=" + std::to_string(unknown) +
                                            " reason=\"names no delivery in the store\"");
        log.debug("receipt.stored", "channel=" + channel + " reports=" + std::to_string(stored));
    };
}

InboundFunction log_inbound(Log& log) {
    return [&log](const std::string& channel, const InboundText&, UtcInstant) {
        log.info("answer.received", "channel=" + channel);
    };
}

}  // namespace ritme
