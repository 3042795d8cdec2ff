#include "engine/http/http_server.hpp"

#include "engine/base/utf8.hpp"
#include "engine/http/http_request.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <optional>
#include <unordered_set>

namespace ritme {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

HttpAnswer HttpAnswer::text(unsigned status, std::string body, std::string problem) {
    HttpAnswer answer;
    answer.status = status;
    answer.body = std::move(body);
    answer.problem = std::move(problem);
    return answer;
}

std::string path_for_log(std::string_view target) {
    std::string_view path = target.substr(0, target.find('?'));
    // A calendar feed's path is its secret.
    if (path.starts_with("/feed/")) return "/feed/...";
    size_t end = 0;
    for (int segment = 0; segment < 2 && end != std::string_view::npos; ++segment)
        end = path.find('/', end + 1);
    const bool cut = end != std::string_view::npos;
    if (cut) path = path.substr(0, end);
    if (path.size() > 64) path = path.substr(0, 64);
    std::string out;
    for (char c : valid_utf8(path, "?")) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f || c == '"' || c == '\\' || c == ' ') {
            static constexpr char digits[] = "0123456789ABCDEF";
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 15];
        } else {
            out += c;
        }
    }
    if (cut) out += "/…";
    return out.empty() ? "-" : out;
}

class HttpServer::State : public std::enable_shared_from_this<HttpServer::State> {
public:
    State(asio::io_context& io, const tcp::endpoint& endpoint, HttpLimits limits, std::string base_url,
          const Clock& clock, Log& log, DeferredHttpHandler handler)
        : io_(io),
          acceptor_(io, endpoint),
          retry_timer_(io),
          limits_(limits),
          base_url_(std::move(base_url)),
          clock_(clock),
          log_(log),
          handler_(std::move(handler)) {
        port_ = acceptor_.local_endpoint().port();
    }

    class Connection;

    void accept();
    void stop();
    void refused_request(unsigned status, std::string_view method, std::string_view target,
                         std::string_view problem) {
        log_.warning("http.refused", "status=" + std::to_string(status) + " method=" +
                                         (method.empty() ? std::string("-") : path_for_log(method)) +
                                         " path=" + path_for_log(target) + " reason=\"" + std::string(problem) + "\"");
    }

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    asio::steady_timer retry_timer_;
    HttpLimits limits_;
    std::string base_url_;
    const Clock& clock_;
    Log& log_;
    DeferredHttpHandler handler_;
    std::unordered_set<Connection*> open_;
    std::atomic<size_t> open_count_{0};  // open_.size(), for other threads (tests)
    std::atomic<uint64_t> refused_{0};
    uint16_t port_ = 0;
    uint64_t refused_unlogged_ = 0;
    std::chrono::steady_clock::time_point last_refusal_log_{};
    bool stopped_ = false;
};

class HttpServer::State::Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(std::shared_ptr<State> server, tcp::socket socket)
        : server_(std::move(server)),
          socket_(std::move(socket)),
          timer_(socket_.get_executor()),
          buffer_(server_->limits_.header_bytes + server_->limits_.body_bytes + 4096) {
        server_->open_.insert(this);
        server_->open_count_ = server_->open_.size();
    }
    ~Connection() {
        server_->open_.erase(this);
        server_->open_count_ = server_->open_.size();
    }

    void start() { wait_for_request(server_->limits_.read_timeout); }

    void close() {
        if (closed_) return;
        closed_ = true;
        timer_.cancel();
        error_code ignored;
        socket_.close(ignored);
    }

private:
    // Waits for the next request, at most `wait`, by reading what comes: a read, unlike a
    // wait for readiness, needs no change to the loop's epoll set (a system call per
    // request, which at thousands of receipts a second is a good part of the cost).
    void wait_for_request(std::chrono::milliseconds wait) {
        if (closed_) return;
        reading_ = false;
        parser_.emplace();
        limit_request(*parser_, server_->limits_);
        if (buffer_.size() > 0) return parse_request();  // pipelined: it is here already
        arm(wait);
        socket_.async_read_some(buffer_.prepare(boost::beast::read_size(buffer_, 4096)),
                                [self = shared_from_this()](error_code error, size_t got) {
                                    if (error || self->closed_) return self->close();
                                    self->buffer_.commit(got);
                                    self->parse_request();
                                });
    }

    // Parses what came of a request: most come whole in one read. The rest must follow
    // within the read timeout (no slow-loris).
    void parse_request() {
        reading_ = true;
        arm(server_->limits_.read_timeout);
        error_code error;
        while (buffer_.size() > 0 && !parser_->is_done()) {
            const size_t used = parser_->put(buffer_.data(), error);
            buffer_.consume(used);
            if (error == http::error::need_more) {
                error = {};
                break;
            }
            if (error || used == 0) break;
        }
        if (error || parser_->is_done()) return on_read(error);
        http::async_read(socket_, buffer_, *parser_,
                         [self = shared_from_this()](error_code failure, size_t) { self->on_read(failure); });
    }

    // The connection's one deadline. Moving it later is a store: the timer, still waiting
    // for an earlier one, finds the new deadline when it fires and waits again. Each
    // request moves it three times, each later than the last, so a busy connection's timer
    // is neither cancelled nor waited for anew (each would be a turn of the loop).
    void arm(std::chrono::milliseconds wait) {
        deadline_ = std::chrono::steady_clock::now() + wait;
        if (timer_waiting_ && timer_.expiry() <= deadline_) return;
        wait_for_deadline();
    }

    // Nothing to time until the next arm().
    void disarm() { deadline_ = SteadyTime::max(); }

    void wait_for_deadline() {
        timer_waiting_ = true;
        timer_.expires_at(deadline_);
        timer_.async_wait([weak = weak_from_this()](error_code error) {
            auto self = weak.lock();
            if (!self) return;
            if (error) {
                // Cancelled by close(), or replaced by a wait for an earlier deadline.
                if (self->closed_) self->timer_waiting_ = false;
                return;
            }
            self->timer_waiting_ = false;
            if (self->closed_ || self->deadline_ == SteadyTime::max()) return;
            if (std::chrono::steady_clock::now() < self->deadline_) return self->wait_for_deadline();
            self->timed_out();
        });
    }

    void timed_out() {
        if (closed_) return;
        if (reading_) server_->refused_request(408, method(), target(), "the request did not arrive in time");
        else if (writing_) server_->log_.debug("http.closed", "reason=\"the answer was not read in time\"");
        close();
    }

    // What the parser got of the request line so far, for the log.
    std::string method() const { return parser_ ? std::string(parser_->get().method_string()) : ""; }
    std::string target() const { return parser_ ? std::string(parser_->get().target()) : ""; }

    void on_read(error_code error) {
        disarm();
        if (closed_) return;
        if (!error) return answer_request();
        if (error == http::error::header_limit) return refuse(431, "the header is larger than the limit");
        if (error == http::error::body_limit) return refuse(413, "the body is larger than the limit");
        if (error == http::error::buffer_overflow) return refuse(413, "the request is larger than the limit");
        if (error == http::error::end_of_stream || error == http::error::partial_message ||
            error.category() != http::make_error_code(http::error::end_of_stream).category())
            return close();  // the client went away: nobody to answer
        return refuse(400, "malformed request: " + error.message());
    }

    // A request that cannot be answered: its 4xx, then the connection closes.
    void refuse(unsigned status, const std::string& problem) {
        server_->refused_request(status, method(), target(), problem);
        HttpAnswer answer = HttpAnswer::text(status, problem + "\n");
        write(std::move(answer), false);
    }

    void answer_request() {
        auto& request = parser_->get();
        auto made = callback_request_of(request, server_->base_url_, server_->clock_.now());
        if (auto* refusal = std::get_if<RequestRefusal>(&made)) return refuse(refusal->status, refusal->problem);
        CallbackRequest call = std::move(std::get<CallbackRequest>(made));

        const bool keep_alive = request.keep_alive();
        // The next request is read only once this one is answered, so the connection
        // keeps what the log needs of it; `respond` stays small (no copies of texts).
        const uint64_t serial = ++requests_;
        answering_method_ = call.method;
        answering_target_ = call.target;
        HttpRespond respond = [self = shared_from_this(), serial, keep_alive](HttpAnswer answer) {
            if (self->answered_ >= serial) return;
            self->answered_ = serial;
            if (self->closed_) return;
            if (answer.status >= 400)
                self->server_->refused_request(answer.status, self->answering_method_, self->answering_target_,
                                               answer.problem);
            self->write(std::move(answer), keep_alive && !self->server_->stopped_);
        };
        try {
            server_->handler_(call, respond);
        } catch (const std::exception& e) {
            server_->log_.error("http.error", "path=" + path_for_log(call.target) + " reason=\"" + e.what() + "\"");
            respond(HttpAnswer::text(500, "internal error\n", "internal error"));
        }
    }

    // One answer at a time: the next request is read only once this one is written.
    void write(HttpAnswer answer, bool keep_alive) {
        reading_ = false;
        writing_ = true;
        response_ = {};
        response_.version(11);
        response_.result(answer.status);
        response_.set(http::field::server, "ritme");
        response_.set(http::field::content_type, answer.content_type);
        for (const auto& [name, value] : answer.headers) response_.set(name, value);
        response_.body() = std::move(answer.body);
        response_.keep_alive(keep_alive);
        response_.prepare_payload();
        arm(server_->limits_.read_timeout);
        http::async_write(socket_, response_, [self = shared_from_this(), keep_alive](error_code error, size_t) {
            self->writing_ = false;
            self->disarm();
            if (self->closed_) return;
            if (error) return self->close();
            if (!keep_alive) return self->linger_close();
            self->wait_for_request(self->server_->limits_.idle_timeout);
        });
    }

    // Closes after the answer: a close with unread bytes waiting would reset the
    // connection and could lose the answer at the client, so what it still sends is
    // read and dropped for a moment first.
    void linger_close() {
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
        arm(std::chrono::milliseconds(1000));
        drain();
    }

    void drain() {
        socket_.async_read_some(asio::buffer(scratch_), [self = shared_from_this()](error_code error, size_t) {
            if (error || self->closed_) return self->close();
            self->drain();
        });
    }

    std::shared_ptr<State> server_;
    tcp::socket socket_;
    using SteadyTime = std::chrono::steady_clock::time_point;
    asio::steady_timer timer_;
    SteadyTime deadline_ = SteadyTime::max();
    bool timer_waiting_ = false;
    boost::beast::flat_buffer buffer_;
    std::optional<HttpRequestParser> parser_;
    http::response<http::string_body> response_;
    std::array<char, 4096> scratch_{};
    uint64_t requests_ = 0;  // requests handed to the handler
    uint64_t answered_ = 0;  // the last of them answered
    std::string answering_method_;
    std::string answering_target_;
    bool reading_ = false;
    bool writing_ = false;
    bool closed_ = false;
};

void HttpServer::State::accept() {
    acceptor_.async_accept([self = shared_from_this()](error_code error, tcp::socket socket) {
        if (self->stopped_ || error == asio::error::operation_aborted) return;
        if (error) {
            // Out of file descriptors, most likely: try again shortly rather than spin.
            self->log_.warning("http.accept", "reason=\"" + error.message() + "\"");
            self->retry_timer_.expires_after(std::chrono::milliseconds(100));
            self->retry_timer_.async_wait([self](error_code e) {
                if (!e) self->accept();
            });
            return;
        }
        if (self->open_.size() >= self->limits_.max_connections) {
            ++self->refused_;
            ++self->refused_unlogged_;
            error_code ignored;
            socket.close(ignored);
            const auto now = std::chrono::steady_clock::now();
            if (now - self->last_refusal_log_ >= std::chrono::seconds(10)) {
                self->log_.warning("http.busy", "connections=" + std::to_string(self->open_.size()) +
                                                    " closed_at_once=" + std::to_string(self->refused_unlogged_) +
                                                    " hint=\"max_connections reached; a connection closes when no "
                                                    "request comes within the read or idle timeout\"");
                self->last_refusal_log_ = now;
                self->refused_unlogged_ = 0;
            }
        } else {
            std::make_shared<Connection>(self, std::move(socket))->start();
        }
        self->accept();
    });
}

void HttpServer::State::stop() {
    if (stopped_) return;
    stopped_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    const std::vector<Connection*> open(open_.begin(), open_.end());
    for (Connection* connection : open) connection->close();
}

HttpServer::HttpServer(asio::io_context& io, const tcp::endpoint& endpoint, HttpLimits limits, std::string base_url,
                       const Clock& clock, Log& log, HttpHandler handler)
    : HttpServer(io, endpoint, limits, std::move(base_url), clock, log,
                 DeferredHttpHandler([handler = std::move(handler)](const CallbackRequest& request,
                                                                     const HttpRespond& respond) {
                     respond(handler(request));
                 })) {}

HttpServer::HttpServer(asio::io_context& io, const tcp::endpoint& endpoint, HttpLimits limits, std::string base_url,
                       const Clock& clock, Log& log, DeferredHttpHandler handler)
    : state_(std::make_shared<State>(io, endpoint, limits, std::move(base_url), clock, log, std::move(handler))) {
    state_->accept();
}

HttpServer::~HttpServer() { stop(); }

uint16_t HttpServer::port() const { return state_->port_; }
size_t HttpServer::connections() const { return state_->open_count_; }
uint64_t HttpServer::refused_connections() const { return state_->refused_; }
void HttpServer::set_base_url(std::string base_url) { state_->base_url_ = std::move(base_url); }
void HttpServer::stop() { state_->stop(); }

}  // namespace ritme
