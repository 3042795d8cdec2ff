#include "adapters/kannel/kannel_channel.hpp"

#include "adapters/callback_proof.hpp"
#include "adapters/secret.hpp"
#include "adapters/url_secret.hpp"
#include "engine/base/utf8.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/participants/masking.hpp"
#include "engine/participants/participant_fields.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <string_view>
#include <vector>

namespace ritme {
namespace {

constexpr std::string_view gateway = "kannel";
constexpr std::string_view delivery_placeholder = "{delivery}";
constexpr std::string_view channel_placeholder = "{channel}";
constexpr std::string_view token_placeholder = "{token}";
// Where Kannel calls ritme: the daemon's public_url, else http://LISTEN (ChannelSettings::
// callback_base_url), so the default dlr-url follows `listen` and `public_url`.
constexpr std::string_view public_url_placeholder = "{public_url}";
// The SMS centre's words kept with a report: enough to recognise, never a page.
constexpr size_t max_detail = 80;

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
    for (const std::string& secret : {settings.password, settings.receipt_token, message.text}) {
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
        {"dlr_url",
         "\"{public_url}/receipts/{channel}?delivery={delivery}&type=%d&reply=%A&token={token}\"",
         "where Kannel sends delivery reports; {public_url} becomes the daemon's public_url, else http://LISTEN "
         "(0.0.0.0 as 127.0.0.1), {delivery} ritme's delivery id, {channel} this channel's name, {token} the "
         "receipt token; Kannel fills in %d, %A, …",
         false},
        {"timeout_seconds", "10", "give up on one request after this long and retry the message later", false},
        {"method", "\"get\"",
         "\"get\": every field in the query; \"post\": the text in the body, the fields in X-Kannel-* headers",
         false},
    };
    settings.insert(settings.end(), rest.begin(), rest.end());
    for (auto& secret : secret_settings("receipt_token",
                                        "token that proves Kannel's calls to ritme (delivery reports in the dlr_url, "
                                        "texts in the sms-service's get-url as token=); none: calls are read "
                                        "unproven, allowed only while ritme listens on loopback"))
        settings.push_back(std::move(secret));
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

    CallbackReading read_callback(CallbackKind kind, const CallbackRequest& request) const override {
        return read_kannel_callback(settings_, kind, request);
    }

    bool reads_unproven_callbacks() const override { return settings_.receipt_token.empty(); }

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

    kannel.channel = settings.channel;
    kannel.receipt_token = read_secret(settings, "receipt_token");
    if (has_control_character(kannel.receipt_token))
        throw settings.error_at(settings.written.contains("receipt_token_env") ? "receipt_token_env"
                                                                               : "receipt_token_file",
                                "the receipt token contains a control character; keep it on one line");

    kannel.dlr_mask = static_cast<int>(settings.integer("dlr_mask", 0, 31));
    refuse_secret_in_url(settings, "dlr_url");
    kannel.dlr_url = replace_all(settings.get("dlr_url"), public_url_placeholder, settings.callback_base_url);
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
        if (!kannel.receipt_token.empty() && kannel.dlr_url.find(token_placeholder) == std::string::npos)
            throw settings.error_at("dlr_url", "`dlr_url` has no {token} but the channel has a receipt token: ritme "
                                 "would refuse every report; add &token={token}");
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
    std::string url = replace_all(settings.dlr_url, delivery_placeholder, std::to_string(delivery_id));
    url = replace_all(std::move(url), channel_placeholder, url_encode(settings.channel));
    return replace_all(std::move(url), token_placeholder, url_encode(settings.receipt_token));
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

namespace {

// A field of Kannel's call: in the query (get-url, dlr-url), else in a form body (post-url).
std::optional<std::string> field_of(const CallbackRequest& request, std::string_view name) {
    if (auto value = request.query_value(name)) return value;
    return request.form_value(name);
}

std::optional<long long> whole_number(const std::optional<std::string>& text) {
    if (!text || text->empty()) return std::nullopt;
    long long value = 0;
    const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (error != std::errc() || end != text->data() + text->size()) return std::nullopt;
    return value;
}

// What of the SMS centre's reply (%A) is kept: an SMPP receipt's stat and err (never its
// text: the first words of the message), else its first words, numbers masked, one line.
std::string report_detail(std::string_view reply) {
    auto part = [&](std::string_view name) -> std::string {
        const size_t at = reply.find(name);
        if (at == std::string_view::npos) return {};
        const size_t begin = at + name.size();
        const size_t end = reply.find(' ', begin);
        return std::string(name) + std::string(reply.substr(begin, end == std::string_view::npos ? end : end - begin));
    };
    if (const std::string stat = part("stat:"); !stat.empty()) {
        const std::string error = part("err:");
        return error.empty() ? stat : stat + " " + error;
    }
    if (const size_t text = reply.find("text:"); text != std::string_view::npos) reply = reply.substr(0, text);
    std::string words = valid_utf8(cut_utf8(reply, max_detail));
    for (char& c : words)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    while (!words.empty() && words.back() == ' ') words.pop_back();
    return mask_contacts_in_text(words);
}

void append_utf8(std::string& out, uint32_t code_point) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xc0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xe0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (code_point & 0x3f));
    }
}

std::string latin1_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (unsigned char c : bytes) append_utf8(out, c);
    return out;
}

std::string upper(std::string text) {
    for (char& c : text)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return text;
}

// The participant's text as UTF-8, from Kannel's coding (%c) and charset (%C).
std::optional<std::string> inbound_text(const std::string& bytes, long long coding, const std::string& charset) {
    const std::string named = upper(charset);
    if (coding == 2 || named == "UTF-16BE" || named == "UTF-16" || named == "UCS-2" || named == "UCS2")
        return utf16be_to_utf8(bytes);
    if (coding == 1) return std::nullopt;  // 8-bit data: no participant types that
    if (named == "ISO-8859-1" || named == "LATIN1" || named == "WINDOWS-1252") return latin1_to_utf8(bytes);
    if (is_valid_utf8(bytes)) return bytes;
    if (named == "UTF-8") return std::nullopt;
    // A GSM 7-bit text Kannel handed on in its internal charset, ISO-8859-1.
    return latin1_to_utf8(bytes);
}

}  // namespace

std::optional<std::string> utf16be_to_utf8(std::string_view bytes) {
    if (bytes.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(bytes.size() * 3 / 2);
    for (size_t at = 0; at < bytes.size(); at += 2) {
        uint32_t unit = (static_cast<unsigned char>(bytes[at]) << 8) | static_cast<unsigned char>(bytes[at + 1]);
        if (unit >= 0xdc00 && unit <= 0xdfff) return std::nullopt;  // a low surrogate first
        if (unit >= 0xd800 && unit <= 0xdbff) {
            if (at + 3 >= bytes.size()) return std::nullopt;
            const uint32_t low =
                (static_cast<unsigned char>(bytes[at + 2]) << 8) | static_cast<unsigned char>(bytes[at + 3]);
            if (low < 0xdc00 || low > 0xdfff) return std::nullopt;
            unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
            at += 2;
        }
        append_utf8(out, unit);
    }
    return out;
}

CallbackReading read_kannel_callback(const KannelSettings& settings, CallbackKind kind,
                                     const CallbackRequest& request) {
    using Verdict = CallbackReading::Verdict;
    if (!settings.receipt_token.empty() &&
        !same_secret(field_of(request, "token").value_or(""), settings.receipt_token))
        return CallbackReading::refused(Verdict::forbidden, "kannel: the call's token is missing or not the "
                                                            "channel's receipt token");
    CallbackReading reading;
    reading.verdict = Verdict::read;
    if (kind == CallbackKind::receipt) {
        const auto delivery = whole_number(field_of(request, "delivery"));
        if (!delivery || *delivery <= 0)
            return CallbackReading::refused(Verdict::bad_request,
                                            "kannel: a delivery report without ritme's delivery id (`delivery`)");
        const auto type = whole_number(field_of(request, "type"));
        const auto status = type && *type > 0 && *type <= 16 ? kannel_receipt_status(static_cast<int>(*type))
                                                             : std::nullopt;
        if (!status)
            return CallbackReading::refused(Verdict::bad_request,
                                            "kannel: `type` is not a report type Kannel sends (1, 2, 4, 8, 16)");
        const std::string reply = field_of(request, "reply").value_or("");
        ReceiptReport report;
        report.delivery_id = *delivery;
        report.status = std::string(*status);
        report.final_failure = *type == 2 || *type == 16;
        report.detail = report_detail(reply);
        // The same report sent again has the same type and reply; the reply may hold the
        // message's first words, so only its digest is kept.
        report.report_key = "kannel:" + std::to_string(*type) + ":" +
                            sha256_hex(std::to_string(*delivery) + "\n" + std::to_string(*type) + "\n" + reply)
                                .substr(0, 32);
        reading.receipts.push_back(std::move(report));
        return reading;
    }
    InboundText text;
    text.from = field_of(request, "from").value_or("");
    if (text.from.empty())
        return CallbackReading::refused(Verdict::bad_request, "kannel: a text without its sender (`from` = %p)");
    text.to = field_of(request, "to").value_or("");
    text.provider_id = field_of(request, "id").value_or("");
    const auto coding = whole_number(field_of(request, "coding"));
    if (field_of(request, "coding") && !coding)
        return CallbackReading::refused(Verdict::bad_request, "kannel: `coding` is not 0, 1 or 2");
    auto decoded = inbound_text(field_of(request, "text").value_or(""), coding.value_or(0),
                                field_of(request, "charset").value_or(""));
    if (!decoded || !is_valid_utf8(*decoded))
        return CallbackReading::refused(Verdict::bad_request,
                                        "kannel: the text does not decode in its coding and charset (%c, %C)");
    text.text = std::move(*decoded);
    if (!is_valid_utf8(text.from) || !is_valid_utf8(text.to) || !is_valid_utf8(text.provider_id))
        return CallbackReading::refused(Verdict::bad_request, "kannel: the sender, receiver or id is not UTF-8");
    reading.inbound = std::move(text);
    return reading;
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
