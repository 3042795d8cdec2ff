#include "engine/http/calendar_feed_route.hpp"

#include "engine/changes/calendar_feeds.hpp"

namespace ritme {

std::optional<HttpAnswer> calendar_feed_answer(const Store& store, const CallbackRequest& request) {
    constexpr std::string_view prefix = "/feed/", suffix = ".ics";
    const std::string_view path = request.path;
    if (!path.starts_with(prefix)) return std::nullopt;
    if (request.method != "GET") {
        HttpAnswer answer = HttpAnswer::text(405, "method not allowed\n", "method not allowed");
        answer.headers.emplace_back("Allow", "GET");
        return answer;
    }
    std::string_view token = path.substr(prefix.size());
    if (!token.ends_with(suffix)) return HttpAnswer::text(404, "not found\n", "no such feed");
    token.remove_suffix(suffix.size());
    const auto file = feed_file(store, token);
    if (!file) return HttpAnswer::text(404, "not found\n", "no such feed");

    HttpAnswer answer = HttpAnswer::text(200, file->ics);
    const auto seen = request.header("if-none-match");
    // An app may send several ETags, weak or strong; any one of them that is this file's will do.
    if (seen && (seen->find(file->etag) != std::string::npos || *seen == "*")) {
        answer.status = 304;
        answer.body.clear();
    }
    answer.content_type = "text/calendar; charset=utf-8";
    answer.headers.emplace_back("ETag", file->etag);
    // Only the subscriber's app keeps it; it asks again, and a 304 costs little.
    answer.headers.emplace_back("Cache-Control", "private, no-cache");
    return answer;
}

}  // namespace ritme
