// A lead's sign-in over HTTP, on a real HttpServer on loopback with the daemon's routes:
// the link's GET only shows a button, its POST gives a session cookie and / lists only
// her programmes; a used or expired link is refused; another lead's programme is 403; a
// forged CSRF token is refused; signing out and revoking end the session. Tokens never
// reach the log.

#include "engine/changes/apply.hpp"
#include "engine/changes/lead_changes.hpp"
#include "engine/http/http_routes.hpp"
#include "engine/http/http_server.hpp"
#include "engine/http/lead_pages.hpp"
#include "engine/store/memory_store.hpp"
#include "shared_clock.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <sstream>
#include <thread>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

UtcInstant at(int day, int hour) { return {pt::ptime(make_date(2026, 3, day), pt::hours(hour))}; }

struct Response {
    int status = 0;
    std::string head, body;
    bool has(std::string_view text) const { return head.find(text) != std::string::npos; }
    // The value of the session cookie Set-Cookie gives, or empty.
    std::string session_cookie() const {
        const auto from = head.find("Set-Cookie: ritme_session=");
        if (from == std::string::npos) return {};
        const auto start = from + std::string_view("Set-Cookie: ritme_session=").size();
        return head.substr(start, head.find(';', start) - start);
    }
};

// One request on a new loopback connection, answered in full (the server closes after
// "Connection: close").
Response request_once(uint16_t port, const std::string& request) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string received;
    char buffer[4096];
    for (ssize_t got; (got = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) received.append(buffer, static_cast<size_t>(got));
    ::close(fd);
    Response response;
    const auto end = received.find("\r\n\r\n");
    if (end == std::string::npos) return response;
    response.head = received.substr(0, end + 2);
    response.body = received.substr(end + 4);
    response.status = std::stoi(response.head.substr(9, 3));
    return response;
}

std::string get(const std::string& target, const std::string& cookie = {}) {
    return "GET " + target + " HTTP/1.1\r\nHost: ritme\r\nConnection: close\r\n" +
           (cookie.empty() ? "" : "Cookie: theme=dark; ritme_session=" + cookie + "\r\n") + "\r\n";
}

std::string post(const std::string& target, const std::string& form, const std::string& cookie = {}) {
    return "POST " + target + " HTTP/1.1\r\nHost: ritme\r\nConnection: close\r\n" +
           (cookie.empty() ? "" : "Cookie: ritme_session=" + cookie + "\r\n") +
           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + std::to_string(form.size()) +
           "\r\n\r\n" + form;
}

// The daemon's routes on loopback, plus a stand-in for the page's programme route
// (/programma/ID) that asks LeadAccess who may see it, as the page will.
class Site {
public:
    explicit Site(std::string base_url = "https://ritme.example.nl")
        : routes(store, log, metrics, [](auto&&...) {}, [](auto&&...) {}) {
        for (const std::string id : {"almere", "zeewolde"}) {
            const auto plan = test::plan(test::led_programme_toml(id));
            store.write([&] { apply_programme(store, plan, {at(1, 9), "operator", "apply"}); });
        }
        server = std::make_unique<HttpServer>(
            io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0), HttpLimits{},
            std::move(base_url), clock, log, [this](const CallbackRequest& request) {
                if (request.path.starts_with("/programma/")) {
                    auto access = routes.lead_access().lead_of_programme(request, request.path.substr(11));
                    if (auto* refused = std::get_if<HttpAnswer>(&access)) return *refused;
                    return HttpAnswer::text(200, "programma " + request.path.substr(11) + "\n");
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
    }

    // A lead leading `programmes`, and a fresh sign-in link's token for her.
    std::string lead(const std::string& name, const std::vector<std::string>& programmes) {
        return add_lead(store, {name, name + "@example.org", std::nullopt}, programmes, {clock.now(), "op", "lead add"})
            .value.id;
    }
    std::string link(const std::string& lead_id) {
        const auto made = make_sign_in_link(store, lead_id, "https://ritme.example.nl", {clock.now(), "op", "lead link"});
        return made.value.url.substr(made.value.url.find("token=") + 6);
    }
    // Signs in with a new link; the session cookie's value.
    std::string signed_in(const std::string& lead_id) {
        const auto answer = request_once(port, post("/signin", "token=" + link(lead_id)));
        REQUIRE(answer.status == 303);
        return answer.session_cookie();
    }
    std::string csrf(const std::string& cookie) {
        const auto home = request_once(port, get("/", cookie));
        const auto from = home.body.find("name=\"csrf\" value=\"");
        REQUIRE(from != std::string::npos);
        const auto start = from + std::string_view("name=\"csrf\" value=\"").size();
        return home.body.substr(start, home.body.find('"', start) - start);
    }

    test::SharedClock clock{at(2, 9)};
    MemoryStore store;
    std::ostringstream log_stream;
    Log log{log_stream, LogLevel::debug, iso_timestamps(clock)};
    MetricsRegistry metrics;
    HttpRoutes routes;
    boost::asio::io_context io;
    std::unique_ptr<HttpServer> server;
    uint16_t port = 0;
    std::thread thread;
};

}  // namespace

TEST_SUITE_BEGIN("lead_access");

TEST_CASE("a link: GET shows a form and uses nothing; POST sets the session cookie; / lists only her programmes") {
    Site site;
    const auto ans = site.lead("Ans", {"almere"});
    const auto token = site.link(ans);

    const auto form = request_once(site.port, get("/signin?token=" + token));
    CHECK(form.status == 200);
    CHECK(form.body.find("<html lang=\"nl\">") != std::string::npos);
    CHECK(form.body.find("method=\"post\" action=\"/signin\"") != std::string::npos);
    CHECK(form.has("Referrer-Policy: no-referrer"));
    CHECK(request_once(site.port, get("/signin?token=" + token)).status == 200);  // a scanner's second fetch

    const auto signed_in = request_once(site.port, post("/signin", "token=" + token));
    CHECK(signed_in.status == 303);
    CHECK(signed_in.has("Location: /\r\n"));
    CHECK(signed_in.has("HttpOnly; SameSite=Strict; Path=/; Max-Age=604800; Secure"));
    const auto cookie = signed_in.session_cookie();
    CHECK(cookie.size() == 64);

    const auto home = request_once(site.port, get("/", cookie));
    CHECK(home.status == 200);
    CHECK(home.body.find("Ingelogd als Ans") != std::string::npos);
    const auto almere = site.store.programme("almere")->name;
    CHECK(home.body.find("<a href=\"/p/almere\">" + lead_pages::escape(almere) + "</a>") != std::string::npos);
    CHECK(home.body.find("<li>") == home.body.rfind("<li>"));  // zeewolde is not hers

    CHECK(request_once(site.port, get("/")).status == 401);
    CHECK(request_once(site.port, get("/", "forged")).status == 401);
    // Nothing secret in the log: paths only.
    CHECK(site.log_stream.str().find(token) == std::string::npos);
    CHECK(site.log_stream.str().find(cookie) == std::string::npos);
}

TEST_CASE("a used link, an expired one (25 hours on) and an unknown one are refused with a Dutch 403") {
    Site site;
    const auto ans = site.lead("Ans", {"almere"});
    const auto token = site.link(ans);
    CHECK(request_once(site.port, post("/signin", "token=" + token)).status == 303);
    const auto again = request_once(site.port, post("/signin", "token=" + token));
    CHECK(again.status == 403);
    CHECK(again.body.find("Deze link is verlopen of al gebruikt; vraag een nieuwe aan") != std::string::npos);
    CHECK(again.session_cookie().empty());

    const auto late = site.link(ans);
    site.clock.set({site.clock.now().utc + pt::hours(25)});
    CHECK(request_once(site.port, post("/signin", "token=" + late)).status == 403);
    CHECK(request_once(site.port, post("/signin", "token=0123")).status == 403);
    CHECK(request_once(site.port, post("/signin", "")).status == 403);
}

TEST_CASE("the cookie is not Secure when ritme is reached over plain http") {
    Site site("http://127.0.0.1:8470");
    const auto answer = request_once(site.port, post("/signin", "token=" + site.link(site.lead("Ans", {"almere"}))));
    CHECK(answer.status == 303);
    CHECK(answer.has("Max-Age=604800\r\n"));
    CHECK_FALSE(answer.has("Secure"));
}

TEST_CASE("a second lead cannot open the first lead's programme") {
    Site site;
    const auto ans = site.signed_in(site.lead("Ans", {"almere"}));
    const auto bea = site.signed_in(site.lead("Bea", {"zeewolde"}));
    CHECK(request_once(site.port, get("/programma/almere", ans)).status == 200);
    const auto refused = request_once(site.port, get("/programma/almere", bea));
    CHECK(refused.status == 403);
    CHECK(refused.body.find("Geen toegang") != std::string::npos);
    CHECK(request_once(site.port, get("/programma/zeewolde", bea)).status == 200);
    CHECK(request_once(site.port, get("/programma/almere")).status == 401);
}

TEST_CASE("signing out needs the session's CSRF token; a forged one is refused; then the cookie is dead") {
    Site site;
    const auto cookie = site.signed_in(site.lead("Ans", {"almere"}));
    const auto csrf = site.csrf(cookie);
    CHECK(csrf.size() == 64);
    CHECK(csrf != cookie);
    CHECK(request_once(site.port, post("/signout", "csrf=" + std::string(64, 'a'), cookie)).status == 403);
    CHECK(request_once(site.port, post("/signout", "", cookie)).status == 403);
    // Another session's token is no good either.
    const auto other = site.signed_in(site.lead("Bea", {"zeewolde"}));
    CHECK(request_once(site.port, post("/signout", "csrf=" + site.csrf(other), cookie)).status == 403);
    CHECK(request_once(site.port, get("/", cookie)).status == 200);

    const auto out = request_once(site.port, post("/signout", "csrf=" + csrf, cookie));
    CHECK(out.status == 200);
    CHECK(out.has("Set-Cookie: ritme_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"));
    CHECK(request_once(site.port, get("/", cookie)).status == 401);
    CHECK(request_once(site.port, get("/signout")).status == 405);
}

TEST_CASE("revoking a lead ends her sessions at once; a session idle for 12 hours ends too") {
    Site site;
    const auto ans = site.lead("Ans", {"almere"});
    const auto cookie = site.signed_in(ans);
    const auto idle = site.signed_in(site.lead("Bea", {"zeewolde"}));
    CHECK(request_once(site.port, get("/", cookie)).status == 200);
    REQUIRE(revoke_lead(site.store, ans, {site.clock.now(), "op", "lead revoke"}).ok());
    CHECK(request_once(site.port, get("/", cookie)).status == 401);

    site.clock.set({site.clock.now().utc + pt::hours(12) + pt::minutes(1)});
    CHECK(request_once(site.port, get("/", idle)).status == 401);
}

TEST_SUITE_END();
