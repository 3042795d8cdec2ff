#include "adapters/curl/http_call.hpp"

#include "engine/base/utf8.hpp"
#include "engine/participants/masking.hpp"

#include <memory>

namespace ritme {
namespace {

constexpr size_t max_body = 64 * 1024;

size_t collect_body(char* data, size_t size, size_t count, void* target) {
    auto* body = static_cast<std::string*>(target);
    const size_t bytes = size * count;
    if (body->size() < max_body) body->append(data, std::min(bytes, max_body - body->size()));
    return bytes;
}

struct HeaderList {
    curl_slist* list = nullptr;
    ~HeaderList() { curl_slist_free_all(list); }
};

}  // namespace

HttpResponse perform_http(CurlHandles& handles, const HttpRequest& request) {
    HttpResponse response;
    const auto lease = handles.take();
    CURL* curl = lease.get();
    HeaderList headers;
    for (const auto& header : request.headers) headers.list = curl_slist_append(headers.list, header.c_str());
    // Without this, curl sends "Expect: 100-continue" on larger POSTs and waits a second.
    headers.list = curl_slist_append(headers.list, "Expect:");

    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    if (!request.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, request.ca_file.c_str());
    if (!request.username.empty()) {
        curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(curl, CURLOPT_USERNAME, request.username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, request.password.c_str());
    }
    if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        if (request.method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    const CURLcode result = curl_easy_perform(curl);
    // The handle goes back to the pool with its connection: it must not keep pointers
    // into this frame (the error buffer, the header list, the body).
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
    if (result != CURLE_OK) {
        response.timed_out = result == CURLE_OPERATION_TIMEDOUT;
        switch (result) {
            case CURLE_UNSUPPORTED_PROTOCOL: case CURLE_URL_MALFORMAT: case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_CERTPROBLEM: case CURLE_LOGIN_DENIED:
                response.config_error = true;
                break;
            default: break;
        }
        response.transport_error = *error ? std::string(error) : curl_easy_strerror(result);
        response.status = 0;
        return response;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    curl_off_t retry_after = 0;
    if (curl_easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
        response.retry_after = std::chrono::seconds(retry_after);
    return response;
}

// Valid UTF-8 of at most `limit` bytes: a cut never splits a character, and bytes that
// are not UTF-8 (a Latin-1 proxy page) become '?'. Reasons end up in JSON and in logs.
std::string utf8_prefix(std::string_view text, size_t limit) {
    return std::string(cut_utf8(valid_utf8(text, "?"), limit));
}

std::string gateway_words(std::string_view body) {
    const size_t end = body.find_first_of("\r\n");
    std::string_view line = body.substr(0, end);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    // Masked before it is cut, so no part of a number or an address is left.
    const std::string masked = mask_contacts_in_text(line);
    std::string words = utf8_prefix(masked, 200);
    if (masked.size() > 200) words += "…";
    return words;
}

SendResult classify_http(const HttpResponse& response, std::string_view gateway) {
    const std::string name(gateway);
    if (response.status == 0) {
        const std::string problem = utf8_prefix(response.transport_error, 300);
        // A URL, protocol or certificate curl cannot work with fails every message alike.
        if (response.config_error) return SendResult::misconfigured(name + ": " + problem);
        return SendResult::retry_later(name + ": " + (response.timed_out ? "no answer in time: " : "no answer: ") +
                                       problem);
    }
    const std::string words = gateway_words(response.body);
    const std::string status = name + ": HTTP " + std::to_string(response.status) + (words.empty() ? "" : " " + words);
    if (response.status >= 200 && response.status < 300) return SendResult::accepted();
    if (response.status == 429 || response.status >= 500) return SendResult::retry_later(status, response.retry_after);
    if (response.status == 401 || response.status == 403)
        return SendResult::misconfigured(status + " (the channel's credentials were refused)");
    if (response.status >= 400) return SendResult::permanent_failure(status);
    // 3xx: the URL moved (http:// to https://, a new path): the channel's config.
    if (response.status >= 300) return SendResult::misconfigured(status + " (the gateway's URL moved; update `url`)");
    return SendResult::retry_later(status);
}

std::string url_encode(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(text.size() * 3);
    for (const unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += hex[c >> 4];
            encoded += hex[c & 15];
        }
    }
    return encoded;
}

}  // namespace ritme
