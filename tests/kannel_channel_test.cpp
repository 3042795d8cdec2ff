// The kannel adapter: the sendsms request it builds (UTF-8 text, coding by what the text
// needs, the dlr-url with ritme's delivery id), the settings it refuses, and how it reads
// Kannel's answers. The real Kannel is in tests/gateways/test_kannel.py.

#include "adapters/kannel/kannel_channel.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>

using namespace ritme;

namespace {

ChannelSettings kannel_settings(std::map<std::string, std::string> values) {
    ::setenv("RITME_TEST_KANNEL_PASSWORD", "pa ss&word", 1);
    ChannelSettings settings;
    settings.channel = "sms";
    settings.values = {{"url", "http://127.0.0.1:13013/cgi-bin/sendsms"},
                       {"username", "ritme"},
                       {"password_env", "RITME_TEST_KANNEL_PASSWORD"}};
    for (auto& [key, value] : values) settings.values[key] = value;
    return settings;
}

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const ChannelConfigError& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

OutgoingMessage sms(std::string text, int64_t id = 4711) {
    OutgoingMessage message;
    message.delivery_id = id;
    message.channel = "sms";
    message.to = "+31612345678";
    message.language = "nl";
    message.kind = "reminder";
    message.text = std::move(text);
    return message;
}

int hex_value(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

std::string percent_decode(std::string_view text) {
    std::string decoded;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            decoded += text[i];
        }
    }
    return decoded;
}

// The query of a GET request, field by field: raw (as on the wire) and decoded.
struct Query {
    std::map<std::string, std::string> raw;
    std::map<std::string, std::string> decoded;
    std::string base;
};

Query query_of(const std::string& url) {
    Query query;
    const size_t mark = url.find('?');
    query.base = url.substr(0, mark);
    std::string_view rest = mark == std::string::npos ? std::string_view{} : std::string_view(url).substr(mark + 1);
    while (!rest.empty()) {
        const size_t amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const size_t equals = pair.find('=');
        const std::string key(pair.substr(0, equals));
        const std::string value(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1));
        CHECK_MESSAGE(!query.raw.contains(key), "field twice: " << key);
        query.raw[key] = value;
        query.decoded[key] = percent_decode(value);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    }
    return query;
}

bool has_header(const HttpRequest& request, const std::string& header) {
    for (const auto& h : request.headers)
        if (h == header) return true;
    return false;
}

HttpResponse answer(long status, std::string body = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

// A loopback port nobody listens on.
int closed_port() {
    const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    socklen_t length = sizeof address;
    ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(probe);
    return ntohs(address.sin_port);
}

// A one-request HTTP server on a loopback port: it reads one request and sends `reply`
// with the request line put in where `reply` says {request}, as a careless proxy might.
class OneAnswerServer {
public:
    explicit OneAnswerServer(std::string reply) : reply_(std::move(reply)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(listener_, 1) == 0);
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~OneAnswerServer() {
        thread_.join();
        ::close(listener_);
    }
    int port() const { return port_; }
    const std::string& request() const { return request_; }

private:
    void serve() {
        const int connection = ::accept(listener_, nullptr, nullptr);
        if (connection < 0) return;
        char buffer[4096];
        while (request_.find("\r\n\r\n") == std::string::npos) {
            const ssize_t got = ::read(connection, buffer, sizeof buffer);
            if (got <= 0) break;
            request_.append(buffer, static_cast<size_t>(got));
        }
        std::string body = reply_;
        const size_t at = body.find("{request}");
        if (at != std::string::npos) body.replace(at, 9, request_.substr(0, request_.find("\r\n")));
        const std::string response = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: " +
                                     std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        CHECK(::write(connection, response.data(), response.size()) == static_cast<ssize_t>(response.size()));
        ::close(connection);
    }

    std::string reply_;
    int listener_ = -1;
    int port_ = 0;
    std::string request_;
    std::thread thread_;
};

}  // namespace

TEST_SUITE_BEGIN("kannel_channel");

TEST_CASE("a Dutch GSM-7 text goes as UTF-8 with coding 0, the number with its + encoded") {
    const KannelSettings settings = read_kannel_settings(kannel_settings({{"from", "Gemeente"}}));
    const std::string text = "Hallo Anna, dinsdag 12 januari om 10:30 in 't Buurthuis (Stationsplein 1). 100% & €5!";
    const HttpRequest request = kannel_request(settings, sms(text));
    CHECK(request.method == "GET");
    CHECK(request.body.empty());
    const Query query = query_of(request.url);
    CHECK(query.base == "http://127.0.0.1:13013/cgi-bin/sendsms");
    CHECK(query.decoded.at("username") == "ritme");
    CHECK(query.decoded.at("password") == "pa ss&word");
    CHECK(query.raw.at("password") == "pa%20ss%26word");
    CHECK(query.decoded.at("from") == "Gemeente");
    CHECK(query.raw.at("to") == "%2B31612345678");
    CHECK(query.decoded.at("text") == text);
    CHECK(contains(query.raw.at("text"), "%27t%20Buurthuis"));
    CHECK(contains(query.raw.at("text"), "100%25%20%26%20%E2%82%AC5%21"));  // € is E2 82 AC in UTF-8
    CHECK(query.decoded.at("charset") == "UTF-8");
    CHECK(query.decoded.at("coding") == "0");
    CHECK(!query.raw.contains("smsc"));
}

TEST_CASE("Arabic, Ukrainian and Dutch with ë need UCS-2: coding 2, the text still UTF-8") {
    const KannelSettings settings = read_kannel_settings(kannel_settings({}));
    // م و ع د: U+0645 U+0648 U+0639 U+062F, two UTF-8 bytes each.
    const std::string arabic = "\u0645\u0648\u0639\u062F";
    const Query arabic_query = query_of(kannel_request(settings, sms(arabic + " 10:30")).url);
    CHECK(arabic_query.raw.at("text") == "%D9%85%D9%88%D8%B9%D8%AF%2010%3A30");
    CHECK(arabic_query.decoded.at("coding") == "2");
    CHECK(arabic_query.decoded.at("charset") == "UTF-8");

    const std::string ukrainian = "Зустріч у вівторок о 10:30";
    const Query ukrainian_query = query_of(kannel_request(settings, sms(ukrainian)).url);
    CHECK(ukrainian_query.decoded.at("text") == ukrainian);
    CHECK(ukrainian_query.decoded.at("coding") == "2");

    const Query belgium = query_of(kannel_request(settings, sms("Tot ziens in België")).url);
    CHECK(belgium.raw.at("text") == "Tot%20ziens%20in%20Belgi%C3%AB");
    CHECK(belgium.decoded.at("coding") == "2");

    const Query french = query_of(kannel_request(settings, sms("Café à 10:30")).url);  // é and à are GSM-7
    CHECK(french.decoded.at("coding") == "0");
}

TEST_CASE("the dlr-url carries the delivery id, Kannel's escapes stay for Kannel, all of it encoded") {
    const KannelSettings settings = read_kannel_settings(kannel_settings({}));
    CHECK(settings.dlr_mask == 31);
    CHECK(kannel_dlr_url(settings, 4711) ==
          "http://127.0.0.1:8470/receipts/sms?delivery=4711&type=%d&reply=%A&token=");
    const Query query = query_of(kannel_request(settings, sms("Hallo", 4711)).url);
    CHECK(query.decoded.at("dlr-mask") == "31");
    CHECK(query.raw.at("dlr-url") == "http%3A%2F%2F127.0.0.1%3A8470%2Freceipts%2Fsms%3Fdelivery%3D4711%26type%3D%25d%26"
                                     "reply%3D%25A%26token%3D");
    CHECK(query.decoded.at("dlr-url") == "http://127.0.0.1:8470/receipts/sms?delivery=4711&type=%d&reply=%A&token=");

    const KannelSettings own = read_kannel_settings(kannel_settings(
        {{"dlr_mask", "9"}, {"dlr_url", "https://ritme.example/dlr/{delivery}?t=%d&again={delivery}"}}));
    CHECK(kannel_dlr_url(own, 12) == "https://ritme.example/dlr/12?t=%d&again=12");
    CHECK(query_of(kannel_request(own, sms("x", 12)).url).decoded.at("dlr-mask") == "9");

    const KannelSettings none = read_kannel_settings(kannel_settings({{"dlr_mask", "0"}, {"dlr_url", ""}}));
    const Query quiet = query_of(kannel_request(none, sms("Hallo")).url);
    CHECK(!quiet.raw.contains("dlr-mask"));
    CHECK(!quiet.raw.contains("dlr-url"));
}

TEST_CASE("smsc routes to one SMS centre; a url with a query of its own keeps it") {
    const KannelSettings settings = read_kannel_settings(
        kannel_settings({{"url", "http://kannel.example:13013/cgi-bin/sendsms?account=gemeente"}, {"smsc", "kpn"}}));
    const Query query = query_of(kannel_request(settings, sms("Hallo")).url);
    CHECK(query.base == "http://kannel.example:13013/cgi-bin/sendsms");
    CHECK(query.decoded.at("account") == "gemeente");
    CHECK(query.decoded.at("smsc") == "kpn");
    CHECK(!query.raw.contains("from"));  // empty: the sendsms-user's default-sender
}

TEST_CASE("method post: the text is the body, the fields are X-Kannel-* headers") {
    const KannelSettings settings =
        read_kannel_settings(kannel_settings({{"method", "post"}, {"from", "Gemeente"}, {"smsc", "kpn"}}));
    const std::string text = "Привіт,\nзустріч о 10:30";
    const HttpRequest request = kannel_request(settings, sms(text, 99));
    CHECK(request.method == "POST");
    CHECK(request.url == "http://127.0.0.1:13013/cgi-bin/sendsms");
    CHECK(request.body == text);
    CHECK(has_header(request, "Content-Type: text/plain; charset=UTF-8"));
    CHECK(has_header(request, "X-Kannel-Username: ritme"));
    CHECK(has_header(request, "X-Kannel-Password: pa ss&word"));
    CHECK(has_header(request, "X-Kannel-To: +31612345678"));
    CHECK(has_header(request, "X-Kannel-From: Gemeente"));
    CHECK(has_header(request, "X-Kannel-SMSC: kpn"));
    CHECK(has_header(request, "X-Kannel-Coding: 2"));
    CHECK(has_header(request, "X-Kannel-DLR-Mask: 31"));
    CHECK(has_header(request, "X-Kannel-DLR-Url: http://127.0.0.1:8470/receipts/sms?delivery=99&type=%d&reply=%A&token="));
}

TEST_CASE("settings: url, username and a password are required; the rest is checked with a hint") {
    const KannelSettings defaults = read_kannel_settings(kannel_settings({}));
    CHECK(defaults.timeout == std::chrono::seconds(10));
    CHECK(!defaults.post);
    CHECK(defaults.from.empty());
    CHECK(kannel_request(defaults, sms("x")).timeout == std::chrono::seconds(10));

    auto without = [](const std::string& key) {
        ChannelSettings settings = kannel_settings({});
        settings.values.erase(key);
        return settings;
    };
    CHECK(contains(error_of([&] { read_kannel_settings(without("url")); }), "needs `url`"));
    CHECK(contains(error_of([&] { read_kannel_settings(without("username")); }), "needs `username`"));
    const std::string no_password = error_of([&] { read_kannel_settings(without("password_env")); });
    CHECK(no_password.starts_with("[channel.sms]: "));
    CHECK(contains(no_password, "password_file"));

    CHECK(contains(error_of([] { read_kannel_settings(kannel_settings({{"url", "127.0.0.1:13013"}})); }),
                   "is not an http:// or https:// URL"));
    CHECK(contains(error_of([] { read_kannel_settings(kannel_settings({{"dlr_mask", "32"}})); }), "0 to 31"));
    CHECK(contains(error_of([] { read_kannel_settings(kannel_settings({{"dlr_mask", "all"}})); }),
                   "not a whole number"));
    CHECK(contains(error_of([] {
                       read_kannel_settings(kannel_settings({{"dlr_url", "http://127.0.0.1:8470/receipts?type=%d"}}));
                   }),
                   "{delivery}"));
    CHECK(contains(error_of([] { read_kannel_settings(kannel_settings({{"dlr_url", ""}})); }), "dlr_mask = 0"));
    CHECK(contains(error_of([] { read_kannel_settings(kannel_settings({{"timeout_seconds", "0"}})); }), "1 to 300"));
    CHECK(contains(error_of([] { read_kannel_settings(kannel_settings({{"method", "put"}})); }), "get or post"));
    CHECK(contains(error_of([] { read_kannel_settings(kannel_settings({{"from", "Gemeente\r\nX-Evil: 1"}})); }),
                   "one line"));

    ::setenv("RITME_TEST_KANNEL_PASSWORD", "pa ss&word", 1);
    ChannelSettings inline_env = kannel_settings({{"password_env", "RITME_TEST_KANNEL_UNSET"}});
    ::unsetenv("RITME_TEST_KANNEL_UNSET");
    CHECK(contains(error_of([&] { read_kannel_settings(inline_env); }), "not set"));
}

TEST_CASE("the adapter declares every setting with help; the registry makes a channel from them") {
    const AdapterInfo info = kannel_adapter();
    CHECK(info.name == "kannel");
    std::map<std::string, AdapterSetting> declared;
    for (const auto& setting : info.settings) {
        CHECK_MESSAGE(!setting.help.empty(), setting.name);
        declared[setting.name] = setting;
    }
    for (const char* name : {"url", "username", "password_file", "password_env", "from", "smsc", "dlr_mask", "dlr_url",
                             "timeout_seconds", "method", "receipt_token_file", "receipt_token_env"})
        CHECK_MESSAGE(declared.contains(name), name);
    CHECK(declared.at("url").required);
    CHECK(declared.at("username").required);
    CHECK(declared.at("dlr_mask").default_value == "31");
    CHECK(declared.at("method").default_value == "\"get\"");
    CHECK(info.make(kannel_settings({})) != nullptr);
    CHECK(contains(error_of([&] { info.make(kannel_settings({{"method", "soap"}})); }), "get or post"));
}

TEST_CASE("Kannel's answers: 202 accepted or queued, 503 later, 403 the channel, other 4xx never") {
    const SendResult accepted = read_kannel_answer(answer(202, "0: Accepted for delivery"));
    CHECK(accepted.outcome == SendResult::Outcome::sent);
    CHECK(accepted.provider_status == "accepted");
    CHECK(accepted.provider_id.empty());  // reports match on the delivery id in the dlr-url

    const SendResult queued = read_kannel_answer(answer(202, "3: Queued for later delivery"));
    CHECK(queued.outcome == SendResult::Outcome::sent);
    CHECK(queued.provider_status == "queued");

    const SendResult busy = read_kannel_answer(answer(503, "Temporal failure, try again later."));
    CHECK(busy.outcome == SendResult::Outcome::retry);
    CHECK(!busy.channel_fault);
    CHECK(busy.reason == "kannel: HTTP 503 Temporal failure, try again later.");
    CHECK(read_kannel_answer(answer(500, "oops")).outcome == SendResult::Outcome::retry);

    const SendResult refused = read_kannel_answer(answer(403, "Authorization failed for sendsms"));
    CHECK(refused.outcome == SendResult::Outcome::retry);
    CHECK(refused.channel_fault);
    CHECK(contains(refused.reason, "Authorization failed for sendsms"));

    const SendResult barred = read_kannel_answer(answer(400, "Number(s) has/have been denied by white- and/or "
                                                             "black-lists."));
    CHECK(barred.outcome == SendResult::Outcome::failed);
    CHECK(!barred.channel_fault);
    CHECK(barred.reason == "kannel: HTTP 400 Number(s) has/have been denied by white- and/or black-lists.");

    // Answers that every message would get: the channel's config, not the message.
    const SendResult no_sender = read_kannel_answer(answer(400, "Sender missing and no global set, rejected"));
    CHECK(no_sender.outcome == SendResult::Outcome::retry);
    CHECK(no_sender.channel_fault);
    CHECK(contains(no_sender.reason, "`from`"));
    const SendResult wrong_path = read_kannel_answer(answer(404, "Unknown request."));
    CHECK(wrong_path.channel_fault);
    CHECK(contains(wrong_path.reason, "/cgi-bin/sendsms"));

    HttpResponse silent;
    silent.timed_out = true;
    silent.transport_error = "Operation timed out after 10001 milliseconds with 0 bytes received";
    const SendResult slow = read_kannel_answer(silent);
    CHECK(slow.outcome == SendResult::Outcome::retry);
    CHECK(contains(slow.reason, "kannel: no answer in time"));
}

TEST_CASE("a send over HTTP: the gateway's words in the reason, never the password") {
    OneAnswerServer server("Bad request line: {request}");
    const auto channel = kannel_adapter().make(kannel_settings(
        {{"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/cgi-bin/sendsms"}, {"timeout_seconds", "5"}}));
    const SendResult result = channel->send(sms("Hallo Anna"));
    CHECK(result.outcome == SendResult::Outcome::failed);
    CHECK(result.reason == "kannel: HTTP 400 Bad request line: GET /cgi-bin/sendsms?… HTTP/1.1");
    CHECK(!contains(result.reason, "pa%20ss%26word"));
    CHECK(!contains(result.reason, "pa ss&word"));
    CHECK(!contains(result.reason, "Hallo"));
    CHECK(contains(server.request(), "text=Hallo%20Anna"));

    // Nobody listening: a temporary problem, with libcurl's words.
    const auto nowhere = kannel_adapter().make(
        kannel_settings({{"url", "http://127.0.0.1:" + std::to_string(closed_port()) + "/cgi-bin/sendsms"}}));
    const SendResult down = nowhere->send(sms("Hallo"));
    CHECK(down.outcome == SendResult::Outcome::retry);
    CHECK(contains(down.reason, "kannel: no answer"));
    CHECK(!contains(down.reason, "pa%20ss%26word"));
}

TEST_CASE("a recipient that is not E.164 fails without a request: an address, a leading 0 after the +") {
    const auto channel = kannel_adapter().make(
        kannel_settings({{"url", "http://127.0.0.1:" + std::to_string(closed_port()) + "/cgi-bin/sendsms"}}));
    for (const char* to : {"amina@example.nl", "+0612345678", "0612345678"}) {
        OutgoingMessage message = sms("Hallo");
        message.to = to;
        const SendResult result = channel->send(message);
        CHECK_MESSAGE(result.outcome == SendResult::Outcome::failed, to);
        CHECK_MESSAGE(contains(result.reason, "not a phone number in E.164 form"), to);
    }
}


TEST_CASE("Kannel's \"Not routable\" fails that message; any other 403 is the channel's credentials") {
    HttpResponse not_routable;
    not_routable.status = 403;
    not_routable.body = "Not routable. Do not try again.";
    const SendResult result = read_kannel_answer(not_routable);
    CHECK(result.outcome == SendResult::Outcome::failed);
    CHECK(!result.channel_fault);
    CHECK(result.reason.find("allowed-prefix") != std::string::npos);

    HttpResponse refused;
    refused.status = 403;
    refused.body = "Authorization failed for sendsms";
    CHECK(read_kannel_answer(refused).channel_fault);
}

TEST_CASE("Kannel's report types read as words a lead understands") {
    CHECK(kannel_receipt_status(1) == "delivered");
    CHECK(kannel_receipt_status(2) == "not delivered");
    CHECK(kannel_receipt_status(4) == "queued by the gateway");
    CHECK(kannel_receipt_status(8) == "accepted by the SMS centre");
    CHECK(kannel_receipt_status(16) == "rejected by the SMS centre");
    // A report is one type; a mask of several, or another number, is not a report.
    for (const int type : {0, 3, 9, 31, 32, -1}) CHECK_FALSE(kannel_receipt_status(type).has_value());
}

TEST_CASE("a secret written inside url or dlr_url is refused, without repeating it") {
    const std::string userinfo = error_of(
        [] { read_kannel_settings(kannel_settings({{"url", "http://ritme:s3cr3t@127.0.0.1:13013/cgi-bin/sendsms"}})); });
    CHECK(userinfo == "[channel.sms]: `url` holds a secret in the config text (a password in its user:password@ "
                      "part); put it in password_file / token_file (or password_env / token_env); the adapter adds "
                      "it to each request");
    const std::string query = error_of([] {
        read_kannel_settings(
            kannel_settings({{"url", "http://127.0.0.1:13013/cgi-bin/sendsms?username=ritme&password=s3cr3t"}}));
    });
    CHECK(contains(query, "`url` holds a secret in the config text (the query parameter `password`)"));
    CHECK_FALSE(contains(query, "s3cr3t"));
    // Before the check that repeats the url.
    CHECK_FALSE(contains(error_of([] { read_kannel_settings(kannel_settings({{"url", "127.0.0.1?pass=s3cr3t"}})); }),
                         "s3cr3t"));
    const std::string report = error_of([] {
        read_kannel_settings(kannel_settings(
            {{"dlr_url", "http://127.0.0.1:8470/receipts/kannel?delivery={delivery}&type=%d&token=s3cr3t"}}));
    });
    CHECK(contains(report, "`dlr_url` holds a secret in the config text (the query parameter `token`)"));
    CHECK_FALSE(contains(report, "s3cr3t"));
}

TEST_CASE("Kannel's words have any number or address masked, not only the recipient's") {
    const SendResult refused = read_kannel_answer(answer(400, "Invalid receiver 0031687654321 (forwarded to ops@kannel.example)"));
    CHECK(refused.reason == "kannel: HTTP 400 Invalid receiver +31 6 ****4321 (forwarded to o***@kannel.example)");
}

TEST_SUITE_END();
