#pragma once
// What the daemon answers on each path, on its loop thread: /healthz, /metrics, and the
// gateways' calls /receipts/CHANNEL and /inbound/CHANNEL, which the named channel reads
// (ChannelSet::read_callback) and the daemon's functions take in. The HTTP layer only
// parses, calls and answers (DESIGN.md): what a receipt or an answer changes is theirs.

#include "engine/channel/callback.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/dispatch/channel_set.hpp"
#include "engine/http/http_server.hpp"
#include "engine/http/metrics_registry.hpp"
#include "engine/store/store.hpp"
#include "engine/time/clock.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ritme {

// What the daemon does with a channel's reading. Both run on the loop thread, commit
// before returning, and throw StoreBusy when the database is locked (the answer is 503,
// so the gateway retries).
using ReceiptsFunction =
    std::function<void(const std::string& channel, const std::vector<ReceiptReport>& reports, UtcInstant now)>;
using InboundFunction = std::function<void(const std::string& channel, const InboundText& text, UtcInstant now)>;

// Seconds a gateway is asked to wait before calling again after a 503.
inline constexpr int busy_retry_after_seconds = 5;

class HttpRoutes {
public:
    HttpRoutes(Store& store, Log& log, MetricsRegistry& metrics, ReceiptsFunction receipts, InboundFunction inbound);

    // The config and channels answers are read with; a reload gives new ones. Both must
    // outlive their use.
    void use(const DaemonConfig& config, const ChannelSet& channels);

    HttpAnswer answer(const CallbackRequest& request);

private:
    HttpAnswer health(const CallbackRequest& request);
    HttpAnswer metrics(const CallbackRequest& request);
    HttpAnswer callback(CallbackKind kind, const std::string& channel, const CallbackRequest& request);
    // A 401 when the config has a metrics token and the request does not carry it.
    std::optional<HttpAnswer> unauthorised(const CallbackRequest& request) const;

    Store& store_;
    Log& log_;
    MetricsRegistry& metrics_;
    ReceiptsFunction receipts_;
    InboundFunction inbound_;
    const DaemonConfig* config_ = nullptr;
    const ChannelSet* channels_ = nullptr;
};

// Equal texts, compared in time that does not depend on where they differ.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace ritme
