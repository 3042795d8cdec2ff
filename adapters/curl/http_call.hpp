#pragma once
// One HTTP request to a gateway through libcurl, and the generic reading of its answer
// (messaging.md): no answer, a timeout, 429 and 5xx are temporary (Retry-After
// honoured); 401 and 403 mean the channel's config is wrong; any other 4xx can never
// succeed for this message; 2xx is accepted.

#include "adapters/curl/curl_handles.hpp"
#include "engine/channel/channel.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

struct HttpRequest {
    std::string method = "POST";        // GET, POST, PUT
    std::string url;
    std::vector<std::string> headers;   // "Name: value"
    std::string body;                   // sent as is; empty for GET
    std::string username;               // HTTP Basic authentication when not empty
    std::string password;
    std::chrono::milliseconds timeout{10'000};         // the whole exchange
    std::chrono::milliseconds connect_timeout{5'000};
    std::string ca_file;                // empty: the system's CA store
};

struct HttpResponse {
    long status = 0;                    // 0 when no answer arrived
    std::string body;                   // at most the first 64 KiB
    std::optional<std::chrono::seconds> retry_after;
    std::string transport_error;        // libcurl's words when no answer arrived
    bool timed_out = false;
    bool config_error = false;          // no answer because of the URL, protocol or certificate
};

HttpResponse perform_http(CurlHandles& handles, const HttpRequest& request);

// The generic rule above; `gateway` names it in reasons ("kannel: HTTP 503 …"). A
// 2xx gives SendResult::accepted() without a provider id: the adapter reads that.
SendResult classify_http(const HttpResponse& response, std::string_view gateway);

// The first line of a response body, trimmed, with what looks like a phone number or
// an e-mail address masked, and cut to 200 bytes: enough of the gateway's words for a
// reason, never a whole page.
std::string gateway_words(std::string_view body);

// Valid UTF-8 of at most `limit` bytes: never a split character; invalid bytes become '?'.
std::string utf8_prefix(std::string_view text, size_t limit);

// "%20"-style escaping for URL query values and form bodies.
std::string url_encode(std::string_view text);

}  // namespace ritme
