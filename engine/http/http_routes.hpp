#pragma once
// What the daemon answers on each path, on its loop thread: /healthz, /metrics, a lead's
// sign-in (/, /signin, /signout: LeadAccess), her programme pages (/p/…, /ritme.css:
// ProgrammePages), the calendar feeds (/feed/TOKEN.ics), and the gateways' calls /receipts/CHANNEL
// and /inbound/CHANNEL, which the named channel reads
// (ChannelSet::read_callback) and the daemon's functions take in. The HTTP layer only
// parses, calls and answers (DESIGN.md): what a receipt or an answer changes is theirs.

#include "engine/channel/callback.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/dispatch/channel_set.hpp"
#include "engine/http/http_server.hpp"
#include "engine/http/lead_access.hpp"
#include "engine/http/metrics_registry.hpp"
#include "engine/http/programme_pages.hpp"
#include "engine/store/store.hpp"
#include "engine/time/clock.hpp"

#include <exception>
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
// The daemon's group commit: takes a request's reports to be committed with others of the
// same loop turn, and calls `done` on the loop thread once they are (no exception) or
// were not (StoreBusy, StoreError): only then is the request answered.
using ReceiptsDone = std::function<void(std::exception_ptr failure)>;
using ReceiptsLaterFunction = std::function<void(const std::string& channel, std::vector<ReceiptReport> reports,
                                                 UtcInstant now, ReceiptsDone done)>;

// Seconds a gateway is asked to wait before calling again after a 503.
inline constexpr int busy_retry_after_seconds = 5;

class HttpRoutes {
public:
    HttpRoutes(Store& store, Log& log, MetricsRegistry& metrics, ReceiptsFunction receipts, InboundFunction inbound);

    // The config and channels answers are read with; a reload gives new ones. Both must
    // outlive their use.
    void use(const DaemonConfig& config, const ChannelSet& channels);
    // From now on receipts go to `later` and their requests are answered once committed.
    void receipts_later(ReceiptsLaterFunction later);

    // Answers at once, or (a receipt, with receipts_later) once its group is committed.
    void answer(const CallbackRequest& request, const HttpRespond& respond);
    // Answers at once; without receipts_later only.
    HttpAnswer answer(const CallbackRequest& request);

    // Who is signed in, for the lead's page routes.
    LeadAccess& lead_access() { return leads_; }
    // The lead's programme pages: their setup (school holidays, message planning), what
    // they call after a change, the sections others add.
    ProgrammePages& programme_pages() { return pages_; }

private:
    HttpAnswer health(const CallbackRequest& request);
    HttpAnswer metrics(const CallbackRequest& request);
    void callback(CallbackKind kind, const std::string& channel, const CallbackRequest& request,
                  const HttpRespond& respond);
    // The answer to a store's failure (StoreBusy: 503 with Retry-After).
    HttpAnswer failed(const std::string& channel, std::exception_ptr failure);
    // A 401 when the config has a metrics token and the request does not carry it.
    std::optional<HttpAnswer> unauthorised(const CallbackRequest& request) const;

    Store& store_;
    Log& log_;
    MetricsRegistry& metrics_;
    ReceiptsFunction receipts_;
    InboundFunction inbound_;
    ReceiptsLaterFunction receipts_later_;
    const DaemonConfig* config_ = nullptr;
    const ChannelSet* channels_ = nullptr;
    LeadAccess leads_{store_};
    ProgrammePages pages_{store_, leads_};
};

// Equal texts, compared in time that does not depend on where they differ.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace ritme
