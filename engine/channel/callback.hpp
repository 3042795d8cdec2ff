#pragma once
// What a gateway tells ritme over HTTP, as a channel reads it (DESIGN.md rule 1: the
// engine's HTTP interface hands the request to the channel it names and gets these back,
// never knowing the gateway's shape): delivery reports on messages ritme sent, and texts
// participants sent back. Each adapter proves the request is its gateway's (a shared
// token, a signature) before reading anything from it.

#include "engine/time/instant.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ritme {

// The two things a gateway calls ritme for: /receipts/CHANNEL and /inbound/CHANNEL.
enum class CallbackKind { receipt, inbound };

// One HTTP request as the channel sees it: nothing of Beast, so adapters need no HTTP
// server library. Header names are lower-case; query and form values are decoded.
struct CallbackRequest {
    std::string method;       // "GET", "POST"
    std::string target;       // as received: "/receipts/sms?delivery=12&type=1"
    std::string path;         // "/receipts/sms"
    std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in order
    std::string body;
    // The URL the gateway called, as it sees ritme: the daemon's public_url (or
    // http://LISTEN) followed by `target`. Twilio signs this.
    std::string public_url;
    UtcInstant received_at;

    // The first value of a header (name in any case), or nothing.
    std::optional<std::string> header(std::string_view name) const;
    // The first value of a query parameter, or nothing.
    std::optional<std::string> query_value(std::string_view name) const;
    // The body read as application/x-www-form-urlencoded, decoded, in order; empty when
    // the content type is another.
    std::vector<std::pair<std::string, std::string>> form() const;
    // The first value of a form field, or nothing.
    std::optional<std::string> form_value(std::string_view name) const;
};

// application/x-www-form-urlencoded text (a query string or a form body), decoded, in
// order: '+' is a space, %XX a byte, a broken escape kept as it stands.
std::vector<std::pair<std::string, std::string>> decode_form(std::string_view text);

// A gateway's report on one message, in words the engine keeps (receipt_status in
// engine/store/delivery.hpp). The delivery is named by ritme's own id (Kannel's dlr-url
// carries it) or by the gateway's id for the message (a provider's callback).
struct ReceiptReport {
    std::optional<int64_t> delivery_id;
    std::string provider_id;
    std::string status;         // receipt_status::delivered, not_delivered, …
    bool final_failure = false; // the message will never arrive: the fallback goes
    std::string detail;         // the gateway's words or code; never a number or a body
    // Tells a report sent twice from a second one: the same report, repeated by a
    // gateway that did not see our 200, has the same key.
    std::string report_key;
};

// A text a participant sent back.
struct InboundText {
    std::string from;         // the sender's number as the gateway gave it
    std::string to;           // the number she wrote to, when known
    std::string text;         // valid UTF-8 (UCS-2 and other codings decoded)
    std::string provider_id;  // the gateway's id for the text, when it gives one
};

// What the channel made of a request.
struct CallbackReading {
    enum class Verdict {
        read,          // proven and read: `receipts` or `inbound` hold it
        forbidden,     // not proven to come from the gateway: 403, logged without its body
        bad_request,   // proven, but not a report or text this channel understands: 400
        not_handled,   // this channel takes no such callback: 404
    };
    Verdict verdict = Verdict::not_handled;
    std::string problem;  // for the log: why forbidden or bad; never the body or a number
    std::vector<ReceiptReport> receipts;
    std::optional<InboundText> inbound;
    // What the gateway expects back on success (Twilio: an empty TwiML response);
    // empty: "OK" as text/plain.
    std::string reply_body;
    std::string reply_content_type;

    static CallbackReading refused(Verdict verdict, std::string problem) {
        CallbackReading reading;
        reading.verdict = verdict;
        reading.problem = std::move(problem);
        return reading;
    }
};

}  // namespace ritme
