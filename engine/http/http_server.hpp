#pragma once
// The daemon's HTTP/1.1 server: Boost.Beast on the daemon's own io_context (no thread of
// its own), keep-alive, and limits so no caller can tie it up (DESIGN.md: HTTP in the same
// loop). Each request becomes a CallbackRequest, is answered by the handler on the loop
// thread, and the answer is written back. A deferred handler may answer later (a receipt
// is answered once its group is committed): its connection waits, reads nothing more
// meanwhile, and the other connections go on.
//
// Limits: header and body size (431, 413), a whole request must arrive within
// read_timeout of its first byte (a client sending a byte a second is cut off), a kept-
// alive connection is closed after idle_timeout without a request, and at most
// max_connections are open: one more is accepted and closed at once, so a flood costs a
// file descriptor for a moment instead of filling the listen backlog, where healthy
// gateways' connections would wait behind it unseen. A request Beast cannot parse is a
// 400 and its connection is closed; the daemon goes on.

#include "engine/base/log.hpp"
#include "engine/channel/callback.hpp"
#include "engine/time/clock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ritme {

struct HttpLimits {
    size_t header_bytes = 8 * 1024;
    size_t body_bytes = 64 * 1024;
    std::chrono::milliseconds read_timeout{10'000};  // from a request's first byte to its end; and each write
    std::chrono::milliseconds idle_timeout{60'000};  // between requests on a kept-alive connection
    size_t max_connections = 1000;
};

// What a handler answers.
struct HttpAnswer {
    unsigned status = 200;
    std::string body;
    std::string content_type = "text/plain; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;  // Retry-After, Allow, WWW-Authenticate
    // Why a request was refused, for the log line; never its body, query or a number.
    std::string problem;

    static HttpAnswer text(unsigned status, std::string body, std::string problem = {});
};

using HttpHandler = std::function<HttpAnswer(const CallbackRequest&)>;
// Answers a request, once, on the loop thread; a connection closed meanwhile drops it.
using HttpRespond = std::function<void(HttpAnswer)>;
// A handler that answers through `respond`, at once or later on the loop thread.
using DeferredHttpHandler = std::function<void(const CallbackRequest&, HttpRespond respond)>;

class HttpServer {
public:
    // Listens on `endpoint` (port 0: any free port) and accepts on `io`. `base_url` is
    // what CallbackRequest::public_url starts with. Throws boost::system::system_error
    // when it cannot listen.
    HttpServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, HttpLimits limits,
               std::string base_url, const Clock& clock, Log& log, HttpHandler handler);
    HttpServer(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint, HttpLimits limits,
               std::string base_url, const Clock& clock, Log& log, DeferredHttpHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // The port it listens on.
    uint16_t port() const;
    // Connections open now, and connections refused at the cap since the start.
    size_t connections() const;
    uint64_t refused_connections() const;
    // After a reload: the new public URL. Call on the loop thread.
    void set_base_url(std::string base_url);
    // Stops accepting and closes every connection. Call on the loop thread.
    void stop();

    class State;

private:
    std::shared_ptr<State> state_;
};

// "/receipts/sms/…?delivery=12" as the log may show it: the path's first two segments
// only (a later one may hold a token), no query, control bytes and broken UTF-8 escaped.
std::string path_for_log(std::string_view target);

}  // namespace ritme
