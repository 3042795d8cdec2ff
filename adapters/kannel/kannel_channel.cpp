#include "adapters/kannel/kannel_channel.hpp"

#include "adapters/secret.hpp"
#include "adapters/url_secret.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/participants/masking.hpp"
#include "engine/participants/participant_fields.hpp"

#include <algorithm>
#include <memory>
#include <string_view>
#include <vector>

namespace ritme {
namespace {

constexpr std::string_view gateway = "kannel";
constexpr std::string_view delivery_placeholder = "{delivery}";

bool starts_with_http(std::string_view url) { return url.starts_with("http://") || url.starts_with("https://"); }

bool has_control_character(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    if (from.empty()) return text;
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// A proxy in front of smsbox may echo the request, query and all, in its answer: the
// password and the text are taken out before any of it becomes a reason, and before
// the reason is cut short, so no part of them is left either.
std::string without_secrets(std::string words, const HttpRequest& request, const KannelSettings& settings,
                            const OutgoingMessage& message) {
    if (const size_t query = request.url.find('?'); query != std::string::npos)
        words = replace_all(std::move(words), std::string_view(request.url).substr(query + 1), "…");
    for (const std::string& secret : {settings.password, message.text}) {
        if (secret.empty()) continue;
        words = replace_all(std::move(words), url_encode(secret), "****");
        words = replace_all(std::move(words), secret, "****");
    }
    // The recipient's number, in any form the answer may echo: masked, as in logs.
    if (!message.to.empty()) {
        const std::string masked = mask_phone(message.to);
        words = replace_all(std::move(words), url_encode(message.to), masked);
        words = replace_all(std::move(words), message.to, masked);
        if (message.to.front() == '+') words = replace_all(std::move(words), message.to.substr(1), masked);
    }
    return words;
}

// Settings that go into a header (POST) or straight into Kannel's routing: one line each.
void require_one_line(const ChannelSettings& settings, const std::string& key, const std::string& value) {
    if (has_control_character(value))
        throw settings.error_at(key, "`" + key + "` contains a control character (a line break?); write it on one line");
}

std::vector<AdapterSetting> declared_settings() {
    auto settings = std::vector<AdapterSetting>{
        {"url", "", "smsbox's sendsms interface, e.g. \"http://127.0.0.1:13013/cgi-bin/sendsms\"", true},
        {"username", "", "the username of a sendsms-user group in Kannel's config", true},
    };
    for (auto& secret : secret_settings("password", "password of Kannel's sendsms-user"))
        settings.push_back(std::move(secret));
    const std::vector<AdapterSetting> rest = {
        {"from", "\"\"", "the sender (a number or up to 11 letters); empty: the sendsms-user's default-sender", false},
        {"smsc", "\"\"", "send through this smsc-id only; empty: Kannel routes", false},
        {"dlr_mask", "31",
         "delivery reports to ask for, Kannel's bits: 1 delivered, 2 not delivered, 4 queued, 8 accepted by the SMSC, "
         "16 rejected by it; 0 = none",
         false},
        {"dlr_url", "\"http://127.0.0.1:8470/receipts/kannel?delivery={delivery}&type=%d&at=%T\"",
         "where Kannel sends delivery reports; {delivery} becomes ritme's delivery id, Kannel fills in %d, %T, …",
         false},
        {"timeout_seconds", "10", "give up on one request after this long and retry the message later", false},
        {"method", "\"get\"",
         "\"get\": every field in the query; \"post\": the text in the body, the fields in X-Kannel-* headers",
         false},
    };
    settings.insert(settings.end(), rest.begin(), rest.end());
    return settings;
}

// The config reader fills in defaults; a channel made from fewer keys (a test, a
// caller of its own) gets the same ones. The declared defaults are plain TOML strings
// without escapes, or numbers.
ChannelSettings with_defaults(ChannelSettings settings) {
    for (const auto& setting : declared_settings()) {
        if (setting.default_value.empty() || settings.values.contains(setting.name)) continue;
        std::string value = setting.default_value;
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        settings.values.emplace(setting.name, std::move(value));
    }
    return settings;
}

class KannelChannel : public Channel {
public:
    explicit KannelChannel(KannelSettings settings) : settings_(std::move(settings)) {}

    SendResult send(const OutgoingMessage& message) override {
        // Kannel takes any text as a number: a channel of the wrong medium would hand it
        // an e-mail address and an e-mail's text.
        if (!is_e164(message.to))
            return SendResult::permanent_failure("kannel: the recipient is not a phone number in E.164 form; is "
                                                 "channel " + message.channel + " meant for SMS?");
        const HttpRequest request = kannel_request(settings_, message);
        HttpResponse response = perform_http(handles_, request);
        response.body = without_secrets(std::move(response.body), request, settings_, message);
        response.transport_error = without_secrets(std::move(response.transport_error), request, settings_, message);
        return read_kannel_answer(response);
    }

private:
    const KannelSettings settings_;
    CurlHandles handles_;  // one kept-alive connection per handle, shared by the worker threads
};

}  // namespace

KannelSettings read_kannel_settings(const ChannelSettings& given) {
    const ChannelSettings settings = with_defaults(given);
    KannelSettings kannel;
    kannel.url = settings.get("url");
    if (kannel.url.empty())
        throw settings.error_at("url", "the kannel adapter needs `url`, smsbox's sendsms interface, e.g. "
                             "url = \"http://127.0.0.1:13013/cgi-bin/sendsms\"");
    refuse_secret_in_url(settings, "url");  // before any message that repeats the url
    if (!starts_with_http(kannel.url) || has_control_character(kannel.url) ||
        kannel.url.find(' ') != std::string::npos)
        throw settings.error_at("url", "`url = \"" + kannel.url + "\"` is not an http:// or https:// URL; write smsbox's "
                             "sendsms-port and path, e.g. \"http://127.0.0.1:13013/cgi-bin/sendsms\"");

    kannel.username = settings.get("username");
    if (kannel.username.empty())
        throw settings.error_at("username", "the kannel adapter needs `username`, the username of a sendsms-user group in "
                             "Kannel's config");
    require_one_line(settings, "username", kannel.username);

    kannel.password = read_secret(settings, "password");
    if (kannel.password.empty())
        throw settings.error_at("password_file", "the kannel adapter needs the sendsms-user's password: set `password_file` to a file "
                             "only ritme can read, or `password_env` to an environment variable");
    if (has_control_character(kannel.password))
        throw settings.error_at(settings.written.contains("password_env") ? "password_env" : "password_file",
                                "the password in `password_file` or `password_env` contains a control character; "
                             "keep it on one line");

    kannel.from = settings.get("from");
    require_one_line(settings, "from", kannel.from);
    kannel.smsc = settings.get("smsc");
    require_one_line(settings, "smsc", kannel.smsc);

    kannel.dlr_mask = static_cast<int>(settings.integer("dlr_mask", 0, 31));
    kannel.dlr_url = settings.get("dlr_url");
    refuse_secret_in_url(settings, "dlr_url");
    if (kannel.dlr_mask != 0) {
        if (kannel.dlr_url.empty())
            throw settings.error_at("dlr_mask", "`dlr_mask = " + std::to_string(kannel.dlr_mask) +
                                 "` asks for delivery reports but `dlr_url` is empty; give the URL Kannel calls, "
                                 "or set dlr_mask = 0 for no reports");
        if (!starts_with_http(kannel.dlr_url) || has_control_character(kannel.dlr_url))
            throw settings.error_at("dlr_url", "`dlr_url = \"" + kannel.dlr_url +
                                 "\"` is not an http:// or https:// URL on one line");
        if (kannel.dlr_url.find(delivery_placeholder) == std::string::npos)
            throw settings.error_at("dlr_url", "`dlr_url` has no {delivery}: a report could not be matched to its message; "
                                 "add ?delivery={delivery} (Kannel fills in %d, %T and its other escapes itself)");
    }

    kannel.timeout = std::chrono::seconds(settings.integer("timeout_seconds", 1, 300));

    const std::string method = settings.get("method", "get");
    if (method != "get" && method != "post")
        throw settings.error_at("method", "`method = \"" + method + "\"` is not get or post; write method = \"get\" (fields in the "
                             "query) or \"post\" (text in the body, fields in X-Kannel-* headers)");
    kannel.post = method == "post";
    return kannel;
}

std::string kannel_dlr_url(const KannelSettings& settings, int64_t delivery_id) {
    return replace_all(settings.dlr_url, delivery_placeholder, std::to_string(delivery_id));
}

HttpRequest kannel_request(const KannelSettings& settings, const OutgoingMessage& message) {
    const bool ucs2 = measure_sms(message.text).encoding == SmsEncoding::ucs2;
    const std::string coding = ucs2 ? "2" : "0";
    const bool reports = settings.dlr_mask != 0;

    HttpRequest request;
    request.timeout = settings.timeout;
    request.connect_timeout = std::min<std::chrono::milliseconds>(settings.timeout, std::chrono::seconds(5));
    if (settings.post) {
        // Kannel reads the body in the charset of its Content-Type and the rest from headers.
        request.method = "POST";
        request.url = settings.url;
        request.body = message.text;
        request.headers = {
            "Content-Type: text/plain; charset=UTF-8",
            "X-Kannel-Username: " + settings.username,
            "X-Kannel-Password: " + settings.password,
            "X-Kannel-To: " + message.to,
            "X-Kannel-Coding: " + coding,
        };
        if (!settings.from.empty()) request.headers.push_back("X-Kannel-From: " + settings.from);
        if (!settings.smsc.empty()) request.headers.push_back("X-Kannel-SMSC: " + settings.smsc);
        if (reports) {
            request.headers.push_back("X-Kannel-DLR-Mask: " + std::to_string(settings.dlr_mask));
            request.headers.push_back("X-Kannel-DLR-Url: " + kannel_dlr_url(settings, message.delivery_id));
        }
        return request;
    }

    std::string url = settings.url;
    url += settings.url.find('?') == std::string::npos ? '?' : '&';
    const auto field = [&url](std::string_view name, std::string_view value, bool first = false) {
        if (!first) url += '&';
        url.append(name);
        url += '=';
        url += url_encode(value);
    };
    field("username", settings.username, true);
    field("password", settings.password);
    if (!settings.from.empty()) field("from", settings.from);
    field("to", message.to);
    field("text", message.text);
    field("charset", "UTF-8");
    field("coding", coding);
    if (!settings.smsc.empty()) field("smsc", settings.smsc);
    if (reports) {
        field("dlr-mask", std::to_string(settings.dlr_mask));
        field("dlr-url", kannel_dlr_url(settings, message.delivery_id));
    }
    request.method = "GET";
    request.url = std::move(url);
    return request;
}

SendResult read_kannel_answer(const HttpResponse& response) {
    // Kannel gives no message id: a delivery report finds its delivery by the id in the
    // dlr-url, so provider_id stays empty.
    if (response.status >= 200 && response.status < 300)
        return SendResult::accepted({}, gateway_words(response.body).starts_with("3:") ? "queued" : "accepted");
    const std::string words = gateway_words(response.body);
    const std::string answer = std::string(gateway) + ": HTTP " + std::to_string(response.status) +
                               (words.empty() ? "" : " " + words);
    if (response.status == 404)
        return SendResult::misconfigured(answer + " (`url` is not smsbox's sendsms interface; its path is "
                                                  "/cgi-bin/sendsms on the sendsms-port)");
    // Kannel's answer when no SMS centre takes this number (allowed-prefix, denied-prefix):
    // about this message, not the channel.
    if (response.status == 403 && words.starts_with("Not routable"))
        return SendResult::permanent_failure(answer + " (no SMS centre in Kannel takes this number: see the smsc "
                                                      "groups' allowed-prefix and denied-prefix, or `smsc`)");
    if (response.status == 400 && words.starts_with("Sender missing"))
        return SendResult::misconfigured(answer + " (set `from`, or default-sender in the sendsms-user group)");
    return classify_http(response, gateway);
}

std::optional<std::string_view> kannel_receipt_status(int dlr_type) {
    switch (dlr_type) {
        case 1: return receipt_status::delivered;
        case 2: return receipt_status::not_delivered;
        case 4: return receipt_status::queued;
        case 8: return receipt_status::accepted_by_smsc;
        case 16: return receipt_status::rejected_by_smsc;
        default: return std::nullopt;
    }
}

AdapterInfo kannel_adapter() {
    return {
        "kannel",
        "SMS through Kannel's sendsms HTTP interface (smsbox), with delivery reports to ritme",
        declared_settings(),
        [](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
            return std::make_unique<KannelChannel>(read_kannel_settings(settings));
        },
    };
}

}  // namespace ritme
