#include "engine/http/http_request.hpp"

#include "engine/base/utf8.hpp"

#include <optional>

namespace ritme {

namespace http = boost::beast::http;

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A path's %XX escapes decoded; nothing when an escape is broken.
std::optional<std::string> decoded_path(std::string_view path) {
    std::string out;
    out.reserve(path.size());
    for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] != '%') {
            out += path[i];
            continue;
        }
        if (i + 2 >= path.size()) return std::nullopt;
        const int high = hex_value(path[i + 1]);
        const int low = hex_value(path[i + 2]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace

void limit_request(HttpRequestParser& parser, const HttpLimits& limits) {
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
}

std::variant<CallbackRequest, RequestRefusal> callback_request_of(http::request<http::string_body>& request,
                                                                  std::string_view base_url, UtcInstant now) {
    CallbackRequest call;
    call.method = std::string(request.method_string());
    call.target = std::string(request.target());
    const std::string_view target = call.target;
    if (target.empty() || target.front() != '/') return RequestRefusal{400, "the target is not a path (origin-form)"};
    const size_t question = target.find('?');
    const auto path = decoded_path(target.substr(0, question));
    if (!path) return RequestRefusal{400, "a broken %-escape in the path"};
    if (!is_valid_utf8(*path)) return RequestRefusal{400, "the path is not valid UTF-8"};
    call.path = *path;
    if (question != std::string_view::npos) call.query = decode_form(target.substr(question + 1));
    for (const auto& field : request)
        call.headers.emplace_back(lower(std::string(field.name_string())), std::string(field.value()));
    call.body = std::move(request.body());
    call.public_url = std::string(base_url) + call.target;
    call.received_at = now;
    return call;
}

}  // namespace ritme
