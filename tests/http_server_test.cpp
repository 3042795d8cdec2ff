// The daemon's HTTP interface: the server's limits (keep-alive, header and body size,
// malformed requests, invalid UTF-8, slow and idle clients, the connection cap), the
// routes' mapping of a channel's reading to status codes, /healthz, /metrics, the
// refusal to listen off loopback unprotected, and the daemon sending on time while
// 10,000 idle connections are open. Clients are plain sockets, so what goes over the
// wire is exactly what the test writes.

#include "engine/changes/apply.hpp"
#include "engine/config/config_reader.hpp"
#include "engine/config/listen_address.hpp"
#include "engine/daemon/daemon.hpp"
#include "engine/http/health_probe.hpp"
#include "engine/http/http_routes.hpp"
#include "engine/http/http_server.hpp"
#include "engine/http/metrics_registry.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "forwarding_store.hpp"
#include "shared_clock.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

namespace {

UtcInstant utc(int year, int month, int day, int hour, int minute) {
    return {pt::ptime(make_date(year, month, day), pt::hours(hour) + pt::minutes(minute))};
}

// A loopback TCP client on a blocking socket with a receive timeout.
class Client {
public:
    explicit Client(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        timeval timeout{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    }
    ~Client() {
        if (fd_ >= 0) ::close(fd_);
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    Client(Client&& other) noexcept : fd_(std::exchange(other.fd_, -1)), connected_(other.connected_) {}

    bool connected() const { return connected_; }

    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (sent <= 0) return false;
            bytes.remove_prefix(static_cast<size_t>(sent));
        }
        return true;
    }

    struct Response {
        int status = 0;  // 0: the connection closed (or timed out) without an answer
        std::string head;
        std::string body;
        bool has_header(std::string_view line) const { return head.find(line) != std::string::npos; }
    };

    // Reads one response: its head, then Content-Length bytes of body.
    Response receive() {
        Response response;
        size_t end = 0;
        while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
            if (!fill()) return response;
        response.head = pending_.substr(0, end + 2);
        pending_.erase(0, end + 4);
        response.status = std::stoi(response.head.substr(9, 3));
        size_t length = 0;
        std::string lower = response.head;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (const auto at = lower.find("content-length: "); at != std::string::npos)
            length = std::stoul(lower.substr(at + 16));
        while (pending_.size() < length)
            if (!fill()) break;
        response.body = pending_.substr(0, length);
        pending_.erase(0, std::min(length, pending_.size()));
        return response;
    }

    Response exchange(std::string_view request) {
        if (!send(request)) return {};
        return receive();
    }

    // Whether the server closed the connection (reads end) within the receive timeout.
    bool closed_by_server() {
        char byte;
        for (;;) {
            const auto got = ::recv(fd_, &byte, 1, 0);
            if (got == 0) return true;
            if (got < 0) return errno == ECONNRESET;
        }
    }

private:
    bool fill() {
        char buffer[4096];
        const auto got = ::recv(fd_, buffer, sizeof buffer, 0);
        if (got <= 0) return false;
        pending_.append(buffer, static_cast<size_t>(got));
        return true;
    }

    int fd_ = -1;
    bool connected_ = false;
    std::string pending_;
};

std::string get(std::string_view target, std::string_view extra_headers = "") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: ritme\r\n" + std::string(extra_headers) + "\r\n";
}

std::string post(std::string_view target, std::string_view body) {
    return "POST " + std::string(target) +
           " HTTP/1.1\r\nHost: ritme\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// A channel whose reading the test chooses through the query: ?verdict=forbidden, …
class FakeChannel final : public Channel {
public:
    SendResult send(const OutgoingMessage&) override { return SendResult::accepted(); }
    CallbackReading read_callback(CallbackKind kind, const CallbackRequest& request) const override {
        const std::string verdict = request.query_value("verdict").value_or("read");
        using Verdict = CallbackReading::Verdict;
        if (verdict == "forbidden") return CallbackReading::refused(Verdict::forbidden, "bad token");
        if (verdict == "bad") return CallbackReading::refused(Verdict::bad_request, "no status");
        if (verdict == "none") return CallbackReading::refused(Verdict::not_handled, "no inbound here");
        CallbackReading reading;
        reading.verdict = Verdict::read;
        if (kind == CallbackKind::receipt) {
            ReceiptReport report;
            report.delivery_id = std::stoll(request.query_value("delivery").value_or("1"));
            report.status = std::string(receipt_status::delivered);
            report.detail = "DELIVRD";
            reading.receipts.push_back(report);
        } else {
            reading.inbound = InboundText{"+31612345678", "", "NEE", ""};
            reading.reply_body = "<Response/>";
            reading.reply_content_type = "text/xml";
        }
        return reading;
    }
};

// A store that cannot be read: /healthz says so.
class BrokenStore final : public test::ForwardingStore {
public:
    using test::ForwardingStore::ForwardingStore;
    std::optional<UtcInstant> next_send_at() const override { throw StoreError("disk I/O error"); }
    std::vector<DeliveryCount> delivery_counts() const override { throw StoreError("disk I/O error"); }
};

// A server and its routes on an io_context of their own thread, as the daemon runs them.
struct Site {
    explicit Site(HttpLimits limits = small_limits(), Store* use_store = nullptr)
        : clock(utc(2026, 3, 2, 9, 0)),
          store(use_store ? *use_store : memory),
          routes(store, log, metrics,
                 [this](const std::string& channel, const std::vector<ReceiptReport>& reports, UtcInstant) {
                     const std::lock_guard lock(mutex);
                     if (fail == "busy") throw StoreBusy("database is locked");
                     if (fail == "broken") throw StoreError("disk I/O error");
                     for (const auto& report : reports) receipts.emplace_back(channel, *report.delivery_id);
                 },
                 [this](const std::string& channel, const InboundText& text, UtcInstant) {
                     const std::lock_guard lock(mutex);
                     inbound.emplace_back(channel, text.text);
                 }) {
        ChannelConfig sms;
        sms.name = "sms";
        sms.adapter = "fake";
        config.channels["sms"] = sms;
        channels.add(sms, std::make_unique<FakeChannel>());
        routes.use(config, channels);
        server = std::make_unique<HttpServer>(
            io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0), limits,
            "https://ritme.example.nl", clock, log, [this](const CallbackRequest& request) {
                {
                    const std::lock_guard lock(mutex);
                    last_public_url = request.public_url;
                }
                return routes.answer(request);
            });
        port = server->port();
        thread = std::thread([this] { io.run(); });
    }
    ~Site() {
        boost::asio::post(io, [this] { server->stop(); });
        io.stop();
        thread.join();
        server.reset();
    }

    static HttpLimits small_limits() {
        HttpLimits limits;
        limits.header_bytes = 2048;
        limits.body_bytes = 4096;
        limits.read_timeout = std::chrono::milliseconds(500);
        limits.idle_timeout = std::chrono::milliseconds(500);
        limits.max_connections = 50;
        return limits;
    }

    std::string log_text() {
        const std::lock_guard lock(mutex);
        return log_stream.str();
    }

    ManualClock clock;
    MemoryStore memory;
    Store& store;
    std::mutex mutex;
    std::ostringstream log_stream;
    Log log{log_stream, LogLevel::debug, iso_timestamps(clock)};
    MetricsRegistry metrics;
    DaemonConfig config;
    ChannelSet channels;
    std::string fail;
    std::vector<std::pair<std::string, int64_t>> receipts;
    std::vector<std::pair<std::string, std::string>> inbound;
    std::string last_public_url;
    HttpRoutes routes;
    boost::asio::io_context io;
    std::unique_ptr<HttpServer> server;
    uint16_t port = 0;
    std::thread thread;
};

}  // namespace

TEST_SUITE_BEGIN("http_server");

TEST_CASE("a deferred answer: its connection waits for it while other connections are answered") {
    ManualClock clock(utc(2026, 3, 2, 9, 0));
    std::ostringstream log_stream;
    Log log(log_stream, LogLevel::debug, iso_timestamps(clock));
    boost::asio::io_context io;
    std::mutex mutex;
    std::vector<HttpRespond> held;
    HttpServer server(io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0),
                      Site::small_limits(), "http://127.0.0.1", clock, log,
                      DeferredHttpHandler([&](const CallbackRequest& request, const HttpRespond& respond) {
                          if (request.path != "/later") return respond(HttpAnswer::text(200, "now\n"));
                          const std::lock_guard lock(mutex);
                          held.push_back(respond);
                      }));
    std::thread thread([&] { io.run(); });
    Client waiting(server.port());
    REQUIRE(waiting.send(get("/later")));
    for (int i = 0; i < 200; ++i) {
        {
            const std::lock_guard lock(mutex);
            if (!held.empty()) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    Client other(server.port());
    CHECK(other.exchange(get("/healthz")).body == "now\n");
    {
        const std::lock_guard lock(mutex);
        REQUIRE(held.size() == 1);
    }
    boost::asio::post(io, [&] {
        held.front()(HttpAnswer::text(200, "stored\n"));
        held.front()(HttpAnswer::text(500, "twice\n"));  // a second answer is dropped
    });
    const auto answer = waiting.receive();
    CHECK(answer.status == 200);
    CHECK(answer.body == "stored\n");
    CHECK(waiting.exchange(get("/healthz")).body == "now\n");  // kept alive
    boost::asio::post(io, [&] { server.stop(); });
    thread.join();
}

TEST_CASE("keep-alive: several requests on one connection, each answered") {
    Site site;
    Client client(site.port);
    REQUIRE(client.connected());
    for (int i = 0; i < 3; ++i) {
        const auto response = client.exchange(get("/healthz"));
        CHECK(response.status == 200);
        CHECK(response.body == "ok\n");
        CHECK_FALSE(response.has_header("Connection: close"));
    }
    // Pipelined: two requests in one write, two answers in order.
    REQUIRE(client.send(get("/healthz") + get("/nowhere")));
    CHECK(client.receive().status == 200);
    CHECK(client.receive().status == 404);
    CHECK(site.server->connections() == 1);
}

TEST_CASE("limits: an oversized header is 431, an oversized body 413, and the connection closes") {
    Site site;
    {
        Client client(site.port);
        const auto response = client.exchange(get("/healthz", "X-Padding: " + std::string(4000, 'a') + "\r\n"));
        CHECK(response.status == 431);
        CHECK(client.closed_by_server());
    }
    {
        Client client(site.port);
        const auto response = client.exchange(post("/receipts/sms", std::string(5000, 'a')));
        CHECK(response.status == 413);
        CHECK(client.closed_by_server());
    }
    CAPTURE(site.log_text());
    CHECK(site.log_text().find("http.refused status=413 method=POST path=/receipts/sms") != std::string::npos);
    Client after(site.port);
    CHECK(after.exchange(get("/healthz")).status == 200);  // the server goes on
}

TEST_CASE("a malformed request is 400 and closes its connection; the server goes on") {
    Site site;
    for (const std::string& bad : {std::string("NOT HTTP AT ALL\r\n\r\n"), std::string("GET / HTTP/9\r\n\r\n"),
                                  std::string("GET /healthz HTTP/1.1\r\nContent-Length: x\r\n\r\n"),
                                  std::string("GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n")}) {
        CAPTURE(bad);
        Client client(site.port);
        CHECK(client.exchange(bad).status == 400);
        CHECK(client.closed_by_server());
    }
    Client after(site.port);
    CHECK(after.exchange(get("/healthz")).status == 200);
}

TEST_CASE("invalid UTF-8 or a broken escape in the path is 400; the log shows no query and no later segment") {
    Site site;
    Client client(site.port);
    CHECK(client.exchange(get("/receipts/%FF%FE")).status == 400);
    Client second(site.port);
    CHECK(second.exchange(get("/receipts/sms%G1")).status == 400);
    Client third(site.port);
    CHECK(third.exchange(get("/receipts/\xff\xfe")).status == 400);
    Client fourth(site.port);
    CHECK(fourth.exchange(get("/receipts/sms/secret-token-123?to=%2B31612345678&verdict=forbidden")).status == 403);
    const std::string log = site.log_text();
    CHECK(log.find("path=/receipts/%FF%FE") != std::string::npos);
    CHECK(log.find("secret-token-123") == std::string::npos);
    CHECK(log.find("31612345678") == std::string::npos);
    CHECK(log.find("path=/receipts/sms/…") != std::string::npos);
}

TEST_CASE("an unknown path is 404, a wrong method 405 with Allow") {
    Site site;
    Client client(site.port);
    CHECK(client.exchange(get("/nowhere")).status == 404);  // "/" is the lead's page (lead_access)
    CHECK(client.exchange(get("/receipts/")).status == 404);
    CHECK(client.exchange(get("/receipts/nochannel")).status == 404);
    const auto wrong = client.exchange("DELETE /healthz HTTP/1.1\r\nHost: ritme\r\n\r\n");
    CHECK(wrong.status == 405);
    CHECK(wrong.has_header("Allow: GET"));
    const auto put = client.exchange("PUT /receipts/sms HTTP/1.1\r\nHost: ritme\r\nContent-Length: 0\r\n\r\n");
    CHECK(put.status == 405);
    CHECK(put.has_header("Allow: GET, POST"));
    CHECK(client.exchange(get("/healthz")).status == 200);  // refused by route, the connection stays
}

TEST_CASE("a slow client is cut off after the read timeout; an idle kept-alive connection after the idle timeout") {
    Site site;
    {
        // One byte every 50 ms: the request would take seconds; the read timeout is 500 ms.
        Client client(site.port);
        const std::string request = get("/healthz", "X-Slow: " + std::string(60, 'a') + "\r\n");
        const auto started = std::chrono::steady_clock::now();
        bool cut_off = false;
        for (char c : request) {
            if (!client.send(std::string_view(&c, 1))) {
                cut_off = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (std::chrono::steady_clock::now() - started > std::chrono::seconds(3)) break;
        }
        CHECK((cut_off || client.closed_by_server()));
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
        CHECK(site.log_text().find("status=408") != std::string::npos);
    }
    {
        Client client(site.port);
        CHECK(client.exchange(get("/healthz")).status == 200);
        const auto answered = std::chrono::steady_clock::now();
        CHECK(client.closed_by_server());  // blocks until the idle timeout closes it
        CHECK(std::chrono::steady_clock::now() - answered < std::chrono::seconds(3));
    }
}

TEST_CASE("beyond max_connections a connection is accepted and closed at once") {
    HttpLimits limits = Site::small_limits();
    limits.max_connections = 3;
    limits.read_timeout = std::chrono::seconds(30);
    Site site(limits);
    std::vector<Client> held;
    for (int i = 0; i < 3; ++i) {
        held.emplace_back(site.port);
        CHECK(held.back().exchange(get("/healthz")).status == 200);
    }
    Client extra(site.port);
    CHECK(extra.closed_by_server());
    CHECK(site.server->refused_connections() == 1);
    held.pop_back();  // a slot frees
    for (int tries = 0; tries < 200 && site.server->connections() >= 3; ++tries)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Client again(site.port);
    CHECK(again.exchange(get("/healthz")).status == 200);
}

TEST_CASE("a channel's reading maps to 200, 403, 400, 404; a busy store to 503 with Retry-After, a broken one to 500") {
    Site site;
    Client client(site.port);
    const auto read = client.exchange(get("/receipts/sms?delivery=12&type=1"));
    CHECK(read.status == 200);
    CHECK(read.body == "OK");
    const auto posted = client.exchange(post("/receipts/sms?delivery=13", "status=1"));
    CHECK(posted.status == 200);
    const auto inbound = client.exchange(post("/inbound/sms", "From=%2B31612345678&Body=NEE"));
    CHECK(inbound.status == 200);
    CHECK(inbound.body == "<Response/>");
    CHECK(inbound.has_header("Content-Type: text/xml"));
    CHECK(client.exchange(get("/receipts/sms?verdict=forbidden")).status == 403);
    CHECK(client.exchange(get("/receipts/sms?verdict=bad")).status == 400);
    CHECK(client.exchange(get("/inbound/sms?verdict=none")).status == 404);
    CHECK(client.exchange(get("/receipts/email")).status == 404);  // no such channel
    {
        const std::lock_guard lock(site.mutex);
        site.fail = "busy";
    }
    const auto busy = client.exchange(get("/receipts/sms?delivery=14"));
    CHECK(busy.status == 503);
    CHECK(busy.has_header("Retry-After: 5"));
    {
        const std::lock_guard lock(site.mutex);
        site.fail = "broken";
    }
    CHECK(client.exchange(get("/receipts/sms?delivery=15")).status == 500);
    const std::lock_guard lock(site.mutex);
    CHECK(site.receipts == std::vector<std::pair<std::string, int64_t>>{{"sms", 12}, {"sms", 13}});
    CHECK(site.inbound == std::vector<std::pair<std::string, std::string>>{{"sms", "NEE"}});
    CHECK(site.last_public_url == "https://ritme.example.nl/receipts/sms?delivery=15");
    CHECK(site.metrics.receipts() == 2);
    CHECK(site.metrics.replies() == 1);
    CHECK(site.log_stream.str().find("reason=\"bad token\"") != std::string::npos);
    CHECK(site.log_stream.str().find("NEE") == std::string::npos);  // no text in the log
}

TEST_CASE("/healthz: 200 with the database readable, 503 with the reason when not; a metrics token is asked for") {
    MemoryStore memory;
    BrokenStore broken(memory);
    {
        Site site(Site::small_limits(), &broken);
        Client client(site.port);
        const auto response = client.exchange(get("/healthz"));
        CHECK(response.status == 503);
        CHECK(response.body.find("disk I/O error") != std::string::npos);
        CHECK(client.exchange(get("/metrics")).status == 503);
    }
    Site site;
    site.config.metrics_token = "s3cret-token";
    Client client(site.port);
    const auto none = client.exchange(get("/healthz"));
    CHECK(none.status == 401);
    CHECK(none.has_header("WWW-Authenticate: Bearer"));
    CHECK(client.exchange(get("/metrics", "Authorization: Bearer wrong\r\n")).status == 401);
    CHECK(client.exchange(get("/healthz", "Authorization: Bearer s3cret-token\r\n")).status == 200);
    CHECK(client.exchange(get("/metrics", "Authorization: Bearer s3cret-token\r\n")).status == 200);
    CHECK(site.log_text().find("s3cret") == std::string::npos);
}

TEST_CASE("/metrics: the Prometheus text format with deliveries by state and channel, due, overdue, lateness, "
          "receipts, replies and paused channels; no numbers or names in labels") {
    Site site;
    Participant amina;
    amina.id = "p-amina";
    amina.name = "Amina";
    amina.phone = "+31612345678";
    amina.channels.sms = true;
    const UtcInstant now = site.clock.now();
    site.store.write([&] {
        site.store.put_participant(amina);
        auto add = [&](std::string key, UtcInstant send_at) {
            Delivery delivery;
            delivery.key = std::move(key);
            delivery.kind = DeliveryKind::reminder;
            delivery.participant_id = amina.id;
            delivery.channel = "sms";
            delivery.due_at = send_at;
            delivery.send_at = send_at;
            delivery.expires_at = {send_at.utc + pt::hours(5)};
            delivery.updated_at = now;
            site.store.add_delivery(delivery);
        };
        add("r:a@1", {now.utc - pt::minutes(30)});  // overdue: past late_after (300 s)
        add("r:b@1", {now.utc - pt::seconds(10)});  // due
        add("r:c@1", {now.utc + pt::hours(1)});     // later
    });
    site.metrics.observe_send_lateness(0.003);
    site.metrics.observe_send_lateness(0.2);
    site.metrics.observe_send_lateness(1000);
    Client client(site.port);
    // The request's received_at is the clock's: the same instant as `now`.
    const auto response = client.exchange(get("/metrics"));
    REQUIRE(response.status == 200);
    CHECK(response.has_header("version=0.0.4"));
    const std::string& text = response.body;
    for (const char* metric : {"ritme_deliveries_total", "ritme_deliveries_due", "ritme_deliveries_overdue",
                               "ritme_send_lateness_seconds", "ritme_receipts_received_total",
                               "ritme_replies_received_total", "ritme_channel_paused"}) {
        CAPTURE(metric);
        CHECK(text.find(std::string("# HELP ") + metric + " ") != std::string::npos);
        CHECK(text.find(std::string("# TYPE ") + metric + " ") != std::string::npos);
    }
    CHECK(text.find("ritme_deliveries_total{state=\"planned\",channel=\"sms\"} 3\n") != std::string::npos);
    CHECK(text.find("ritme_deliveries_due 2\n") != std::string::npos);
    CHECK(text.find("ritme_deliveries_overdue 1\n") != std::string::npos);
    CHECK(text.find("ritme_send_lateness_seconds_bucket{le=\"0.005\"} 1\n") != std::string::npos);
    CHECK(text.find("ritme_send_lateness_seconds_bucket{le=\"0.25\"} 2\n") != std::string::npos);
    CHECK(text.find("ritme_send_lateness_seconds_bucket{le=\"300\"} 2\n") != std::string::npos);
    CHECK(text.find("ritme_send_lateness_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
    CHECK(text.find("ritme_send_lateness_seconds_count 3\n") != std::string::npos);
    CHECK(text.find("ritme_channel_paused{channel=\"sms\"} 0\n") != std::string::npos);
    CHECK(text.find("31612345678") == std::string::npos);
    CHECK(text.find("Amina") == std::string::npos);
    CHECK(text.find("p-amina") == std::string::npos);
    CHECK(text.back() == '\n');
}

TEST_CASE("listening off loopback is refused without public_url and a metrics token; allowed with both") {
    const fs::path dir = fs::temp_directory_path() / ("ritme-http-config-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const ChannelRegistry registry;
    auto load = [&](const std::string& text, Diagnostics& problems) {
        std::ofstream(dir / "ritme.toml") << text;
        return load_daemon_config(dir / "ritme.toml", registry, problems);
    };
    {
        Diagnostics problems;
        CHECK_FALSE(load("listen = \"0.0.0.0:8470\"\n", problems));
        std::ostringstream out;
        for (const auto& d : problems.items()) out << d.message << "\n";
        CHECK(out.str().find("public_url and metrics_token_file are not set") != std::string::npos);
    }
    {
        Diagnostics problems;
        CHECK_FALSE(load("listen = \"192.0.2.10:8470\"\npublic_url = \"https://ritme.example.nl\"\n", problems));
    }
    std::ofstream(dir / "metrics.token") << "s3cret\n";
    fs::permissions(dir / "metrics.token", fs::perms::owner_read | fs::perms::owner_write);
    {
        Diagnostics problems;
        const auto config = load("listen = \"0.0.0.0:8470\"\npublic_url = \"https://ritme.example.nl/\"\n"
                                 "metrics_token_file = \"metrics.token\"\n",
                                 problems);
        REQUIRE(config);
        CHECK(config->metrics_token == "s3cret");
        CHECK(config->callback_base_url() == "https://ritme.example.nl");
    }
    fs::permissions(dir / "metrics.token", fs::perms::others_read, fs::perm_options::add);
    {
        Diagnostics problems;
        CHECK_FALSE(load("metrics_token_file = \"metrics.token\"\n", problems));  // every user can read it
    }
    {
        Diagnostics problems;
        const auto config = load("listen = \"[::1]:0\"\n", problems);  // loopback, any free port
        REQUIRE(config);
        CHECK(config->callback_base_url() == "http://[::1]:0");
    }
    fs::remove_all(dir);

    CHECK(ListenAddress::parse("127.0.0.1:8470")->is_loopback());
    CHECK(ListenAddress::parse("localhost:8470")->is_loopback());
    CHECK(ListenAddress::parse("[::1]:8470")->is_loopback());
    CHECK_FALSE(ListenAddress::parse("0.0.0.0:8470")->is_loopback());
    CHECK_FALSE(ListenAddress::parse("localhost"));
    CHECK_FALSE(ListenAddress::parse("127.0.0.1:70000"));

    // The channels' part, checked once they are made: one that reads calls unproven.
    struct Unproven final : Channel {
        SendResult send(const OutgoingMessage&) override { return SendResult::accepted(); }
        bool reads_unproven_callbacks() const override { return true; }
    };
    ChannelSet channels;
    ChannelConfig sms;
    sms.name = "sms";
    channels.add(sms, std::make_unique<Unproven>());
    ChannelConfig email;
    email.name = "email";
    channels.add(email, std::make_unique<FakeChannel>());
    CHECK(channels.unproven_callback_channels() == std::vector<std::string>{"sms"});
}

TEST_CASE("constant-time comparison of tokens") {
    CHECK(equal_in_constant_time("abc", "abc"));
    CHECK_FALSE(equal_in_constant_time("abc", "abd"));
    CHECK_FALSE(equal_in_constant_time("abc", "abcd"));
    CHECK_FALSE(equal_in_constant_time("", "a"));
    CHECK(equal_in_constant_time("", ""));
}

namespace {

// Records the steady time each message reached it.
class TimingChannel final : public Channel {
public:
    SendResult send(const OutgoingMessage&) override {
        const std::lock_guard lock(mutex_);
        sent_.push_back(std::chrono::steady_clock::now());
        changed_.notify_all();
        return SendResult::accepted();
    }
    bool wait_for(size_t count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return sent_.size() >= count; });
    }
    std::vector<std::chrono::steady_clock::time_point> sent() {
        const std::lock_guard lock(mutex_);
        return sent_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::chrono::steady_clock::time_point> sent_;
};

using test::SharedClock;

}  // namespace

TEST_CASE("10,000 idle connections: the daemon keeps sending reminders on time and still answers") {
    // Virtual time a year ahead of the machine's: the due timer, waiting on the real
    // clock, does not fire by itself; setting the clock makes the reminders due.
    const auto machine =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    const UtcInstant start{pt::from_time_t(static_cast<std::time_t>(machine.count())) + pt::hours(24 * 400)};
    const fs::path dir = fs::temp_directory_path() / ("ritme-http-idle-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto store = SqliteStore::open((dir / "ritme.db").string());
    SharedClock clock(start);
    std::ostringstream log_text;
    Log log(log_text, LogLevel::info, iso_timestamps(clock));

    DaemonSetup setup;
    setup.config.timezone = "Europe/Amsterdam";
    setup.config.templates = test::source_path("config/templates");
    setup.config.listen = "127.0.0.1:0";
    std::string why;
    setup.config.reminders.appointment_offsets = {*ReminderOffset::parse("3h", why)};
    ChannelConfig sms;
    sms.name = "sms";
    sms.adapter = "timing";
    sms.medium = Medium::sms;
    sms.quiet_hours = false;
    setup.config.channels["sms"] = sms;
    Diagnostics problems;
    setup.renderer = MessageRenderer::load(setup.config.templates, problems);
    REQUIRE(setup.renderer);
    auto timing = std::make_unique<TimingChannel>();
    TimingChannel* channel = timing.get();
    setup.channels.add(sms, std::move(timing));
    setup.rules = planning_rules(setup.config);

    // Twenty participants, each with an appointment five hours on: reminders due at +2 h.
    constexpr int people = 20;
    store->write([&] {
        for (int i = 0; i < people; ++i) {
            Participant p;
            p.id = "p-" + std::to_string(100 + i);
            p.name = "Deelnemer " + std::to_string(i);
            p.phone = "+316" + std::to_string(20000000 + i);
            p.channels.sms = true;
            store->put_participant(p);
            Appointment appointment;
            appointment.participant_id = p.id;
            appointment.start_utc = {start.utc + pt::hours(5)};
            appointment.where = "Stationsplein 1";
            store->put_appointment(appointment);
        }
    });

    HttpLimits limits;  // the daemon's own: 1,000 connections, 10 s read timeout
    Daemon daemon(*store, clock, log, std::move(setup), [] { return std::optional<DaemonSetup>(); }, limits);
    std::atomic<int> status{-1};
    std::thread loop([&] { status = daemon.run(); });
    for (int tries = 0; tries < 2000 && daemon.http_port() == 0; ++tries)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(daemon.http_port() != 0);

    // 10,000 connections that send nothing: the first thousand are held, the rest are
    // closed at once.
    std::vector<Client> idle;
    idle.reserve(10000);
    for (int i = 0; i < 10000; ++i) idle.emplace_back(daemon.http_port());
    int connected = 0;
    for (const auto& client : idle) connected += client.connected();
    CHECK(connected == 10000);
    CHECK(daemon.http_connections() <= limits.max_connections);

    // The reminders fall due now: each goes at once, idle connections or not.
    clock.set({start.utc + pt::hours(2)});
    const auto due = std::chrono::steady_clock::now();
    daemon.clock_was_set();
    REQUIRE(channel->wait_for(people));
    const auto sends = channel->sent();
    const auto last = *std::max_element(sends.begin(), sends.end());
    const double seconds = std::chrono::duration<double>(last - due).count();
    MESSAGE("all " << people << " reminders sent " << seconds * 1000 << " ms after they fell due, with "
                   << daemon.http_connections() << " connections open");
    CHECK(seconds < 1.0);
    // And it still answers: a held idle connection can ask /healthz.
    CHECK(idle.front().exchange(get("/healthz")).status == 200);
    idle.clear();
    daemon.stop();
    loop.join();
    CHECK(status == 0);
    // The daemon's own figures, once every send has ended: each within the first bucket
    // (on virtual time the lateness is the clock's, which stood still).
    const auto lateness = daemon.metrics().send_lateness();
    CHECK(lateness.count == people);
    CHECK(lateness.bound_of(0.99) <= 0.005);
    store.reset();
    fs::remove_all(dir);
}
