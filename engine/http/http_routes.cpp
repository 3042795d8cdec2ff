#include "engine/http/http_routes.hpp"

#include "engine/http/calendar_feed_route.hpp"

#include <algorithm>
#include <optional>

namespace ritme {

namespace {

HttpAnswer wrong_method(std::string_view allowed) {
    HttpAnswer answer = HttpAnswer::text(405, "method not allowed\n", "method not allowed");
    answer.headers.emplace_back("Allow", std::string(allowed));
    return answer;
}

}  // namespace

bool equal_in_constant_time(std::string_view a, std::string_view b) {
    // Every byte of the longer text is looked at, whatever the lengths.
    const size_t length = std::max(a.size(), b.size());
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < length; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        difference |= static_cast<unsigned char>(x ^ y);
    }
    return difference == 0;
}

HttpRoutes::HttpRoutes(Store& store, Log& log, MetricsRegistry& metrics, ReceiptsFunction receipts,
                       InboundFunction inbound)
    : store_(store), log_(log), metrics_(metrics), receipts_(std::move(receipts)), inbound_(std::move(inbound)) {}

void HttpRoutes::use(const DaemonConfig& config, const ChannelSet& channels) {
    config_ = &config;
    channels_ = &channels;
}

void HttpRoutes::receipts_later(ReceiptsLaterFunction later) { receipts_later_ = std::move(later); }

HttpAnswer HttpRoutes::answer(const CallbackRequest& request) {
    HttpAnswer answered;
    answer(request, [&answered](HttpAnswer answer) { answered = std::move(answer); });
    return answered;
}

void HttpRoutes::answer(const CallbackRequest& request, const HttpRespond& respond) {
    const std::string& path = request.path;
    const bool get = request.method == "GET";
    if (path == "/healthz") return respond(get ? health(request) : wrong_method("GET"));
    if (path == "/metrics") return respond(get ? metrics(request) : wrong_method("GET"));
    for (const auto& [prefix, kind] : {std::pair{std::string_view("/receipts/"), CallbackKind::receipt},
                                       std::pair{std::string_view("/inbound/"), CallbackKind::inbound}}) {
        if (!path.starts_with(prefix)) continue;
        // The channel's name is the next segment; what follows is the channel's (a token).
        const std::string rest = path.substr(prefix.size());
        const std::string channel = rest.substr(0, rest.find('/'));
        if (channel.empty()) break;
        if (!get && request.method != "POST") return respond(wrong_method("GET, POST"));
        return callback(kind, channel, request, respond);
    }
    try {
        if (auto answered = calendar_feed_answer(store_, request)) return respond(std::move(*answered));
        if (auto answered = leads_.answer(request)) return respond(std::move(*answered));
        if (auto answered = pages_.answer(request)) return respond(std::move(*answered));
    } catch (const StoreError&) {
        return respond(failed("lead", std::current_exception()));
    } catch (const std::exception&) {
        // A page that cannot be drawn (a time zone gone from the system) is this request's
        // 500 and a log line; the daemon and its sends go on.
        return respond(failed("lead", std::current_exception()));
    }
    respond(HttpAnswer::text(404, "not found\n", "no such path"));
}

std::optional<HttpAnswer> HttpRoutes::unauthorised(const CallbackRequest& request) const {
    if (!config_ || config_->metrics_token.empty()) return std::nullopt;
    const std::string given = request.header("authorization").value_or("");
    if (equal_in_constant_time(given, "Bearer " + config_->metrics_token)) return std::nullopt;
    HttpAnswer answer = HttpAnswer::text(401, "unauthorised\n", given.empty() ? "no bearer token" : "wrong bearer token");
    answer.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ritme\"");
    return answer;
}

HttpAnswer HttpRoutes::health(const CallbackRequest& request) {
    if (auto refused = unauthorised(request)) return *refused;
    // The loop turns: it is answering this. The database: one indexed read.
    try {
        (void)store_.next_send_at();
    } catch (const StoreError& e) {
        return HttpAnswer::text(503, std::string("database: ") + e.what() + "\n", "database unreachable");
    }
    return HttpAnswer::text(200, "ok\n");
}

HttpAnswer HttpRoutes::metrics(const CallbackRequest& request) {
    if (auto refused = unauthorised(request)) return *refused;
    MetricsSnapshot snapshot;
    try {
        snapshot.deliveries = store_.delivery_counts();
        const DueCounts due =
            count_due(store_, request.received_at, config_ ? config_->dispatch.late_after_seconds : 300);
        snapshot.due = due.due;
        snapshot.overdue = due.overdue;
    } catch (const StoreError& e) {
        return HttpAnswer::text(503, std::string("database: ") + e.what() + "\n", "database unreachable");
    }
    if (config_ && channels_)
        for (const auto& [name, channel] : config_->channels)
            snapshot.channel_paused.emplace_back(name, channels_->pause_of(name).has_value());
    HttpAnswer answer = HttpAnswer::text(200, metrics_.text(snapshot));
    answer.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return answer;
}

void HttpRoutes::callback(CallbackKind kind, const std::string& channel, const CallbackRequest& request,
                          const HttpRespond& respond) {
    if (!channels_) return respond(HttpAnswer::text(503, "starting\n", "not ready"));
    CallbackReading reading = channels_->read_callback(channel, kind, request);
    using Verdict = CallbackReading::Verdict;
    switch (reading.verdict) {
    case Verdict::forbidden:
        return respond(HttpAnswer::text(403, "forbidden\n", reading.problem));
    case Verdict::bad_request:
        return respond(HttpAnswer::text(400, "bad request\n", reading.problem));
    case Verdict::not_handled:
        return respond(HttpAnswer::text(404, "not found\n", reading.problem));
    case Verdict::read:
        break;
    }
    HttpAnswer done = HttpAnswer::text(200, reading.reply_body.empty() ? "OK" : reading.reply_body);
    if (!reading.reply_content_type.empty()) done.content_type = reading.reply_content_type;
    if (kind == CallbackKind::receipt && !reading.receipts.empty() && receipts_later_) {
        // The 200 only once committed: a 200 tells the gateway the report is stored.
        const size_t count = reading.receipts.size();
        receipts_later_(channel, std::move(reading.receipts), request.received_at,
                        [this, channel, count, done = std::move(done), respond](std::exception_ptr failure) mutable {
                            if (failure) return respond(failed(channel, failure));
                            metrics_.count_receipts(count);
                            respond(std::move(done));
                        });
        return;
    }
    try {
        if (kind == CallbackKind::receipt) {
            if (!reading.receipts.empty()) receipts_(channel, reading.receipts, request.received_at);
            metrics_.count_receipts(reading.receipts.size());
        } else if (reading.inbound) {
            inbound_(channel, *reading.inbound, request.received_at);
            metrics_.count_reply();
        }
    } catch (const StoreError&) {
        return respond(failed(channel, std::current_exception()));
    }
    respond(done);
}

HttpAnswer HttpRoutes::failed(const std::string& channel, std::exception_ptr failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const StoreBusy&) {
        HttpAnswer answer = HttpAnswer::text(503, "busy; try again\n", "database busy");
        answer.headers.emplace_back("Retry-After", std::to_string(busy_retry_after_seconds));
        return answer;
    } catch (const StoreError& e) {
        log_.error("http.store", "channel=" + channel + " reason=\"" + e.what() + "\"");
    } catch (const std::exception& e) {
        log_.error("http.error", "channel=" + channel + " reason=\"" + e.what() + "\"");
    }
    return HttpAnswer::text(500, "internal error\n", "store error");
}

}  // namespace ritme
