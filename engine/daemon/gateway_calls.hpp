#pragma once
// What the daemon does with gateways' calls once a channel has read them: the two
// functions the HTTP routes call (engine/http/http_routes.hpp). For now stand-ins, kept
// here in one place so the receipt intake and the answers replace them whole:
// receipts are stored on the delivery they name; an inbound text is only logged, without
// its sender's number or its words.

#include "engine/base/log.hpp"
#include "engine/http/http_routes.hpp"
#include "engine/store/store.hpp"

namespace ritme {

ReceiptsFunction store_receipts(Store& store, Log& log);
InboundFunction log_inbound(Log& log);

}  // namespace ritme
