// The HTTP provider presets' calls to ritme: each shipped preset's delivery reports and
// inbound texts, proven as the provider proves them (Twilio's signature, MessageBird's
// JWT, a token in the URL for CM.com and Spryng); forged, expired and misdirected calls
// are forbidden.

#include "adapters/callback_proof.hpp"
#include "adapters/http/http_channel.hpp"
#include "adapters/http/provider_preset.hpp"
#include "engine/store/delivery.hpp"
#include "tests/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/date_time/posix_time/posix_time.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

using namespace ritme;
namespace fs = std::filesystem;
using Json = nlohmann::json;
using Verdict = CallbackReading::Verdict;

namespace {

const fs::path shipped_presets = fs::path(ritme::test::source_path("config/providers"));
const UtcInstant call_time{boost::posix_time::ptime(boost::gregorian::date(2027, 1, 12), boost::posix_time::hours(9))};
constexpr int64_t call_epoch = 1799744400;  // 2027-01-12T09:00:00Z

ProviderPreset shipped(const std::string& name) {
    Diagnostics diagnostics;
    auto preset = ProviderPreset::load(shipped_presets / (name + ".toml"), diagnostics);
    for (const auto& d : diagnostics.items()) INFO(d.str());
    REQUIRE(preset);
    return std::move(*preset);
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        out += name + "=";
        for (unsigned char c : value) {
            if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
                out += static_cast<char>(c);
            } else {
                out += '%';
                out += hex[c >> 4];
                out += hex[c & 15];
            }
        }
    }
    return out;
}

CallbackRequest post_form(const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields) {
    CallbackRequest request;
    request.method = "POST";
    const size_t path_start = url.find('/', url.find("://") + 3);
    request.target = url.substr(path_start);
    request.path = request.target.substr(0, request.target.find('?'));
    if (const size_t q = request.target.find('?'); q != std::string::npos)
        request.query = decode_form(request.target.substr(q + 1));
    request.headers = {{"content-type", "application/x-www-form-urlencoded"}};
    request.body = form_encode(fields);
    request.public_url = url;
    request.received_at = call_time;
    return request;
}

CallbackRequest get_url(const std::string& url) {
    CallbackRequest request = post_form(url, {});
    request.method = "GET";
    request.headers.clear();
    request.body.clear();
    return request;
}

std::string b64url(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                       reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(length));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

// A MessageBird-Signature-JWT made here with OpenSSL, as MessageBird makes it.
std::string messagebird_jwt(const std::string& key, const Json& claims, const std::string& alg = "HS256") {
    const std::string signed_part = b64url(Json{{"alg", alg}, {"typ", "JWT"}}.dump()) + "." + b64url(claims.dump());
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const EVP_MD* digest = alg == "HS512" ? EVP_sha512() : alg == "HS384" ? EVP_sha384() : EVP_sha256();
    HMAC(digest, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(signed_part.data()),
         signed_part.size(), mac, &length);
    return signed_part + "." + b64url(std::string(reinterpret_cast<char*>(mac), length));
}

Json claims_for(const CallbackRequest& request, int64_t nbf = call_epoch - 10, int64_t exp = call_epoch + 300) {
    Json claims{{"iss", "MessageBird"}, {"nbf", nbf}, {"exp", exp}, {"jti", "a1"},
                {"url_hash", sha256_hex(request.public_url)}};
    if (!request.body.empty()) claims["payload_hash"] = sha256_hex(request.body);
    return claims;
}

}  // namespace

TEST_SUITE_BEGIN("provider_callback");

TEST_CASE("Twilio's own example signature: auth token 12345, its URL and five parameters") {
    const std::vector<std::pair<std::string, std::string>> params = {{"CallSid", "CA1234567890ABCDE"},
                                                                     {"Caller", "+12349013030"},
                                                                     {"Digits", "1234"},
                                                                     {"From", "+12349013030"},
                                                                     {"To", "+18005551212"}};
    CHECK(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params) ==
          "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    // The order the fields came in does not matter: they are sorted.
    CHECK(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
                           {params[4], params[2], params[0], params[3], params[1]}) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
}

TEST_CASE("Twilio: a signed status callback reads; a forged or re-addressed one is forbidden") {
    const ProviderPreset preset = shipped("twilio");
    const CallbackSecrets secrets{"twilio-auth-token", ""};
    const std::string url = "https://ritme.example/receipts/sms";
    auto request = post_form(url, {{"MessageSid", "SM0001"}, {"MessageStatus", "undelivered"}, {"ErrorCode", "30003"},
                                   {"To", "+31612345678"}});
    request.headers.emplace_back("x-twilio-signature", twilio_signature(secrets.token, url, request.form()));
    const auto reading = preset.read_callback(CallbackKind::receipt, request, secrets);
    REQUIRE(reading.verdict == Verdict::read);
    REQUIRE(reading.receipts.size() == 1);
    CHECK(reading.receipts[0].provider_id == "SM0001");
    CHECK_FALSE(reading.receipts[0].delivery_id);
    CHECK(reading.receipts[0].status == receipt_status::not_delivered);
    CHECK(reading.receipts[0].final_failure);
    CHECK(reading.receipts[0].detail == "undelivered (code 30003)");

    auto delivered = post_form(url, {{"MessageSid", "SM0001"}, {"MessageStatus", "delivered"}});
    delivered.headers.emplace_back("x-twilio-signature", twilio_signature(secrets.token, url, delivered.form()));
    const auto ok = preset.read_callback(CallbackKind::receipt, delivered, secrets);
    REQUIRE(ok.verdict == Verdict::read);
    CHECK(ok.receipts[0].status == receipt_status::delivered);
    CHECK_FALSE(ok.receipts[0].final_failure);
    CHECK(ok.receipts[0].report_key != reading.receipts[0].report_key);

    auto forged = request;
    forged.headers.back().second = twilio_signature("another-token", url, request.form());
    CHECK(preset.read_callback(CallbackKind::receipt, forged, secrets).verdict == Verdict::forbidden);
    auto altered = request;
    altered.body = form_encode({{"MessageSid", "SM0001"}, {"MessageStatus", "delivered"}, {"ErrorCode", "30003"},
                                {"To", "+31612345678"}});
    CHECK(preset.read_callback(CallbackKind::receipt, altered, secrets).verdict == Verdict::forbidden);
    auto elsewhere = request;
    elsewhere.public_url = "https://ritme.example/receipts/other";
    CHECK(preset.read_callback(CallbackKind::receipt, elsewhere, secrets).verdict == Verdict::forbidden);
    auto unsigned_call = request;
    unsigned_call.headers.pop_back();
    const auto refused = preset.read_callback(CallbackKind::receipt, unsigned_call, secrets);
    CHECK(refused.verdict == Verdict::forbidden);
    CHECK(refused.problem.find("+31") == std::string::npos);
}

TEST_CASE("Twilio: an incoming message reads, and is answered with empty TwiML") {
    const ProviderPreset preset = shipped("twilio");
    const CallbackSecrets secrets{"twilio-auth-token", ""};
    const std::string url = "https://ritme.example/inbound/sms";
    auto request = post_form(url, {{"MessageSid", "SM0002"}, {"From", "+31612345678"}, {"To", "+3197010"},
                                   {"Body", "\xD9\x84\xD8\xA7"}, {"NumMedia", "0"}});
    request.headers.emplace_back("x-twilio-signature", twilio_signature(secrets.token, url, request.form()));
    const auto reading = preset.read_callback(CallbackKind::inbound, request, secrets);
    REQUIRE(reading.verdict == Verdict::read);
    REQUIRE(reading.inbound);
    CHECK(reading.inbound->from == "+31612345678");
    CHECK(reading.inbound->to == "+3197010");
    CHECK(reading.inbound->text == "\xD9\x84\xD8\xA7");
    CHECK(reading.inbound->provider_id == "SM0002");
    CHECK(reading.reply_body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
    CHECK(reading.reply_content_type == "text/xml");

    request.headers.back().second = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
    CHECK(preset.read_callback(CallbackKind::inbound, request, secrets).verdict == Verdict::forbidden);
}

TEST_CASE("MessageBird: a report with a valid JWT reads; expired, early, re-addressed, altered or unsigned ones do not") {
    const ProviderPreset preset = shipped("messagebird");
    const CallbackSecrets secrets{"access-key", "signing-key"};
    const auto request = get_url("https://ritme.example/receipts/sms?id=mb-77&reference=12&recipient=31612345678&"
                                 "status=delivery_failed&statusErrorCode=104");
    auto with_jwt = [&](CallbackRequest call, const std::string& jwt) {
        call.headers.emplace_back("messagebird-signature-jwt", jwt);
        return preset.read_callback(CallbackKind::receipt, call, secrets);
    };
    const auto reading = with_jwt(request, messagebird_jwt("signing-key", claims_for(request)));
    REQUIRE(reading.verdict == Verdict::read);
    CHECK(reading.receipts[0].provider_id == "mb-77");
    CHECK(reading.receipts[0].status == receipt_status::not_delivered);
    CHECK(reading.receipts[0].final_failure);
    CHECK(reading.receipts[0].detail == "delivery_failed (code 104)");

    CHECK(with_jwt(request, messagebird_jwt("another-key", claims_for(request))).verdict == Verdict::forbidden);
    const auto expired = with_jwt(request, messagebird_jwt("signing-key", claims_for(request, call_epoch - 600,
                                                                                      call_epoch - 300)));
    CHECK(expired.verdict == Verdict::forbidden);
    CHECK(expired.problem.find("expired") != std::string::npos);
    CHECK(with_jwt(request, messagebird_jwt("signing-key", claims_for(request, call_epoch + 300, call_epoch + 600)))
              .verdict == Verdict::forbidden);
    Json wrong_url = claims_for(request);
    wrong_url["url_hash"] = sha256_hex("https://ritme.example/receipts/other?id=mb-77");
    const auto misdirected = with_jwt(request, messagebird_jwt("signing-key", wrong_url));
    CHECK(misdirected.verdict == Verdict::forbidden);
    CHECK(misdirected.problem.find("URL") != std::string::npos);
    CHECK(with_jwt(request, messagebird_jwt("signing-key", claims_for(request), "none")).verdict == Verdict::forbidden);
    CHECK(with_jwt(request, "not.a-jwt").verdict == Verdict::forbidden);
    CHECK(preset.read_callback(CallbackKind::receipt, request, secrets).verdict == Verdict::forbidden);
    CHECK(preset.read_callback(CallbackKind::receipt, request, {"access-key", ""}).verdict == Verdict::forbidden);
}

TEST_CASE("MessageBird: an inbound text with a body is proven by its payload_hash") {
    const ProviderPreset preset = shipped("messagebird");
    const CallbackSecrets secrets{"access-key", "signing-key"};
    auto request = post_form("https://ritme.example/inbound/sms",
                             {{"originator", "31612345678"}, {"recipient", "3197010"}, {"body", "NEE"}, {"id", "in-1"}});
    request.headers.emplace_back("messagebird-signature-jwt", messagebird_jwt("signing-key", claims_for(request)));
    const auto reading = preset.read_callback(CallbackKind::inbound, request, secrets);
    REQUIRE(reading.verdict == Verdict::read);
    CHECK(reading.inbound->from == "31612345678");
    CHECK(reading.inbound->text == "NEE");
    CHECK(reading.inbound->provider_id == "in-1");

    auto altered = request;
    altered.body = form_encode({{"originator", "31612345678"}, {"recipient", "3197010"}, {"body", "JA"}, {"id", "in-1"}});
    const auto refused = preset.read_callback(CallbackKind::inbound, altered, secrets);
    CHECK(refused.verdict == Verdict::forbidden);
    CHECK(refused.problem.find("body") != std::string::npos);
}

TEST_CASE("CM.com and Spryng sign nothing: the URL's token is compared with the channel's callback_token") {
    const ProviderPreset cm = shipped("cm");
    const CallbackSecrets secrets{"3f2504e0-4f89-11d3-9a0c-0305e82c3301", "cm-callback-secret"};
    auto json_report = post_form("https://ritme.example/receipts/sms?token=cm-callback-secret", {});
    json_report.headers = {{"content-type", "application/json"}};
    json_report.body = R"({"messages":{"msg":{"received":"2027-01-12T09:00:00","to":"0031612345678",
                           "reference":"12","status":{"code":3,"errorCode":5,"errorDescription":"Failed"}}}})";
    const auto reading = cm.read_callback(CallbackKind::receipt, json_report, secrets);
    REQUIRE(reading.verdict == Verdict::read);
    CHECK(reading.receipts[0].provider_id == "12");  // CM.com's id is ritme's reference, as in its send answer
    CHECK(reading.receipts[0].status == receipt_status::not_delivered);
    CHECK(reading.receipts[0].final_failure);
    const auto get_report = cm.read_callback(
        CallbackKind::receipt,
        get_url("https://ritme.example/receipts/sms?reference=12&statuscode=2&token=cm-callback-secret"), secrets);
    REQUIRE(get_report.verdict == Verdict::read);
    CHECK(get_report.receipts[0].status == receipt_status::delivered);
    CHECK(cm.read_callback(CallbackKind::receipt, get_url("https://ritme.example/receipts/sms?reference=12&statuscode=2&"
                                                          "token=cm-callback-secreT"),
                           secrets)
              .verdict == Verdict::forbidden);
    CHECK(cm.read_callback(CallbackKind::receipt, get_url("https://ritme.example/receipts/sms?reference=12&statuscode=2"),
                           secrets)
              .verdict == Verdict::forbidden);

    const ProviderPreset spryng = shipped("spryng");
    const CallbackSecrets spryng_secrets{"key", "spryng-secret"};
    const auto report = spryng.read_callback(
        CallbackKind::receipt,
        get_url("https://ritme.example/receipts/sms?ID=sp-1&REFERENCE=12&STATUS=20&REASONCODE=2&token=spryng-secret"),
        spryng_secrets);
    REQUIRE(report.verdict == Verdict::read);
    CHECK(report.receipts[0].provider_id == "sp-1");
    CHECK(report.receipts[0].final_failure);
    const auto text = spryng.read_callback(
        CallbackKind::inbound,
        get_url("https://ritme.example/inbound/sms?ORIGINATOR=31612345678&BODY=nee&token=spryng-secret"), spryng_secrets);
    REQUIRE(text.verdict == Verdict::read);
    CHECK(text.inbound->text == "nee");
    CHECK(spryng.read_callback(CallbackKind::inbound, get_url("https://ritme.example/inbound/sms?ORIGINATOR=3161&BODY=nee"),
                               spryng_secrets)
              .verdict == Verdict::forbidden);
}

TEST_CASE("a proven call without a status or a sender is a bad request; invalid UTF-8 too") {
    const ProviderPreset spryng = shipped("spryng");
    const CallbackSecrets secrets{"key", "s"};
    CHECK(spryng.read_callback(CallbackKind::receipt, get_url("https://r.example/receipts/sms?ID=1&token=s"), secrets)
              .verdict == Verdict::bad_request);
    CHECK(spryng.read_callback(CallbackKind::receipt, get_url("https://r.example/receipts/sms?STATUS=10&token=s"), secrets)
              .verdict == Verdict::bad_request);
    CHECK(spryng.read_callback(CallbackKind::inbound, get_url("https://r.example/inbound/sms?BODY=x&token=s"), secrets)
              .verdict == Verdict::bad_request);
    CHECK(spryng.read_callback(CallbackKind::inbound,
                               get_url("https://r.example/inbound/sms?ORIGINATOR=316&BODY=%FF%FE&token=s"), secrets)
              .verdict == Verdict::bad_request);
}

TEST_CASE("a preset's callback tables are read strictly") {
    Diagnostics diagnostics;
    const std::string base = R"(
[provider]
name = "X"
documentation = "https://x.example/"
[request]
url = "https://x.example/send"
encoding = "json"
body = '{"to": "{{to}}", "text": "{{text}}"}'
[response]
id = "/id"
)";
    CHECK(ProviderPreset::parse(base + "[receipt]\nproof = \"token\"\nid = \"id\"\nstatus = \"s\"\n[receipt.statuses]\n"
                                       "ok = \"delivered\"\nbad = \"not delivered\"\n",
                                "x.toml", "x", diagnostics));
    for (const auto& d : diagnostics.items()) MESSAGE(d.str());
    CHECK(diagnostics.error_count() == 0);
    CHECK_FALSE(ProviderPreset::parse(base + "[receipt]\nproof = \"hmac\"\nid = \"id\"\nstatus = \"s\"\n"
                                             "[receipt.statuses]\nok = \"delivered\"\n",
                                      "x.toml", "x", diagnostics));
    CHECK_FALSE(ProviderPreset::parse(base + "[receipt]\nproof = \"token\"\nid = \"id\"\nstatus = \"s\"\n"
                                             "[receipt.statuses]\nok = \"arrived\"\n",
                                      "x.toml", "x", diagnostics));
    CHECK_FALSE(ProviderPreset::parse(base + "[receipt]\nproof = \"token\"\nid = \"id\"\nstatus = \"s\"\n"
                                             "final_failures = [\"gone\"]\n[receipt.statuses]\nok = \"delivered\"\n",
                                      "x.toml", "x", diagnostics));
    CHECK_FALSE(ProviderPreset::parse(base + "[inbound]\nproof = \"token\"\nfrom = \"f\"\ntext = \"t\"\nsender = \"s\"\n",
                                      "x.toml", "x", diagnostics));
}

TEST_CASE("a channel's callback_token is a secret of its own; a preset that needs none refuses it") {
    ::setenv("RITME_TEST_CALLBACK_TOKEN", "cb-secret", 1);
    ::setenv("RITME_TEST_API_TOKEN", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", 1);
    ChannelSettings settings;
    settings.channel = "sms";
    for (const auto& setting : http_adapter().settings) {
        std::string value = setting.default_value;
        if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
        settings.values[setting.name] = value;
    }
    settings.values["preset"] = "cm";
    settings.values["from"] = "Gemeente";
    settings.values["token_env"] = "RITME_TEST_API_TOKEN";
    settings.values["callback_token_env"] = "RITME_TEST_CALLBACK_TOKEN";
    const auto channel = http_adapter().make(settings);
    CHECK_FALSE(channel->reads_unproven_callbacks());
    CHECK(channel->read_callback(CallbackKind::receipt,
                                 get_url("https://r.example/receipts/sms?reference=1&statuscode=2&token=cb-secret"))
              .verdict == Verdict::read);

    settings.values["preset"] = "twilio";
    settings.values["account"] = "AC0123456789abcdef0123456789abcdef";
    CHECK_THROWS_AS(http_adapter().make(settings), ChannelConfigError);
}

TEST_CASE("Twilio: a JSON body is proven by bodySHA256 in the signed URL; an unsigned or altered body is forbidden") {
    // https://www.twilio.com/docs/usage/webhooks/webhooks-security; twilio-node's
    // validateRequestWithBody: the URL alone is signed, the body's SHA-256 (hex) rides in it.
    const ProviderPreset preset = shipped("twilio");
    const CallbackSecrets secrets{"twilio-auth-token", ""};
    const std::string body = R"({"MessageSid":"SM0003","MessageStatus":"delivered"})";
    const std::string url = "https://ritme.example/receipts/sms?bodySHA256=" + sha256_hex(body);
    auto request = post_form(url, {});
    request.headers = {{"content-type", "application/json"},
                       {"x-twilio-signature", twilio_signature(secrets.token, url, {})}};
    request.body = body;
    // Proven: the preset's fields are form fields, so the JSON body holds no status it reads.
    const auto proven = preset.read_callback(CallbackKind::receipt, request, secrets);
    CHECK(proven.verdict == Verdict::bad_request);

    auto altered = request;
    altered.body = R"({"MessageSid":"SM0003","MessageStatus":"failed"})";
    const auto refused = preset.read_callback(CallbackKind::receipt, altered, secrets);
    CHECK(refused.verdict == Verdict::forbidden);
    CHECK(refused.problem.find("bodySHA256") != std::string::npos);

    // Without bodySHA256 the signature covers the URL alone: a JSON body beside it is unproven.
    const std::string bare = "https://ritme.example/receipts/sms";
    auto unsigned_body = post_form(bare, {});
    unsigned_body.headers = {{"content-type", "application/json"},
                             {"x-twilio-signature", twilio_signature(secrets.token, bare, {})}};
    unsigned_body.body = body;
    CHECK(preset.read_callback(CallbackKind::receipt, unsigned_body, secrets).verdict == Verdict::forbidden);

    // A GET's signature covers its URL; a form body slipped beside it is not Twilio's.
    auto get = get_url(bare + "?MessageSid=SM0003&MessageStatus=delivered");
    get.headers = {{"x-twilio-signature", twilio_signature(secrets.token, get.public_url, {})}};
    REQUIRE(preset.read_callback(CallbackKind::receipt, get, secrets).verdict == Verdict::read);
    get.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    get.body = form_encode({{"MessageStatus", "failed"}});
    CHECK(preset.read_callback(CallbackKind::receipt, get, secrets).verdict == Verdict::forbidden);
}

TEST_CASE("Twilio: a signature over the URL with or without its default port proves the call, as twilio-node checks") {
    const ProviderPreset preset = shipped("twilio");
    const CallbackSecrets secrets{"twilio-auth-token", ""};
    const std::vector<std::pair<std::string, std::string>> fields = {{"MessageSid", "SM0004"},
                                                                     {"MessageStatus", "canceled"}};
    auto request = post_form("https://ritme.example/receipts/sms", fields);
    request.headers.emplace_back("x-twilio-signature",
                                 twilio_signature(secrets.token, "https://ritme.example:443/receipts/sms", fields));
    const auto reading = preset.read_callback(CallbackKind::receipt, request, secrets);
    REQUIRE(reading.verdict == Verdict::read);
    CHECK(reading.receipts[0].status == receipt_status::not_delivered);
    CHECK(reading.receipts[0].final_failure);  // canceled: it never goes

    auto with_port = post_form("https://ritme.example:443/receipts/sms", fields);
    with_port.headers.emplace_back("x-twilio-signature",
                                   twilio_signature(secrets.token, "https://ritme.example/receipts/sms", fields));
    CHECK(preset.read_callback(CallbackKind::receipt, with_port, secrets).verdict == Verdict::read);

    auto other_port = post_form("https://ritme.example/receipts/sms", fields);
    other_port.headers.emplace_back("x-twilio-signature",
                                    twilio_signature(secrets.token, "https://ritme.example:8443/receipts/sms", fields));
    CHECK(preset.read_callback(CallbackKind::receipt, other_port, secrets).verdict == Verdict::forbidden);
}

TEST_CASE("MessageBird: the JWT must be issued by MessageBird; HS384 and HS512 are its too; a payload_hash needs a body") {
    // https://developers.messagebird.com/docs/verify-http-requests, as MessageBird's Java
    // RequestValidator checks it: iss "MessageBird", HS256/HS384/HS512.
    const ProviderPreset preset = shipped("messagebird");
    const CallbackSecrets secrets{"access-key", "signing-key"};
    const auto request = get_url("https://ritme.example/receipts/sms?id=mb-78&reference=13&status=delivered");
    auto with_jwt = [&](CallbackRequest call, const std::string& jwt) {
        call.headers.emplace_back("messagebird-signature-jwt", jwt);
        return preset.read_callback(CallbackKind::receipt, call, secrets);
    };
    REQUIRE(with_jwt(request, messagebird_jwt("signing-key", claims_for(request))).verdict == Verdict::read);
    CHECK(with_jwt(request, messagebird_jwt("signing-key", claims_for(request), "HS512")).verdict == Verdict::read);
    CHECK(with_jwt(request, messagebird_jwt("signing-key", claims_for(request), "HS384")).verdict == Verdict::read);
    // An HMAC MessageBird does not sign with is refused, whatever it is signed with.
    CHECK(with_jwt(request, messagebird_jwt("signing-key", claims_for(request), "HS1")).verdict == Verdict::forbidden);

    Json forged_issuer = claims_for(request);
    forged_issuer["iss"] = "NotMessageBird";
    const auto refused = with_jwt(request, messagebird_jwt("signing-key", forged_issuer));
    CHECK(refused.verdict == Verdict::forbidden);
    CHECK(refused.problem.find("iss") != std::string::npos);
    Json no_issuer = claims_for(request);
    no_issuer.erase("iss");
    CHECK(with_jwt(request, messagebird_jwt("signing-key", no_issuer)).verdict == Verdict::forbidden);
    Json number_issuer = claims_for(request);
    number_issuer["iss"] = 7;
    CHECK(with_jwt(request, messagebird_jwt("signing-key", number_issuer)).verdict == Verdict::forbidden);

    // A claim of the wrong type is a forbidden call, not an exception.
    Json number_url = claims_for(request);
    number_url["url_hash"] = 42;
    CHECK(with_jwt(request, messagebird_jwt("signing-key", number_url)).verdict == Verdict::forbidden);

    // A payload_hash names a body: a call without one is not the call that was signed.
    Json with_payload = claims_for(request);
    with_payload["payload_hash"] = sha256_hex("{\"status\":\"delivered\"}");
    const auto bodiless = with_jwt(request, messagebird_jwt("signing-key", with_payload));
    CHECK(bodiless.verdict == Verdict::forbidden);
    CHECK(bodiless.problem.find("body") != std::string::npos);
}

TEST_CASE("CM.com: incoming messages as its JSON webhook sends them, in the current and the older format") {
    // https://developers.cm.com/messaging/docs/incoming-messages (POST, application/json:
    // from, to, message, reference) and the older https://docs.cmtelecom.com/en/api/mo-webhooks/1.0/index/
    // (from and to as numbers, the text in body).
    const ProviderPreset cm = shipped("cm");
    const CallbackSecrets secrets{"3f2504e0-4f89-11d3-9a0c-0305e82c3301", "cm-callback-secret"};
    auto current = post_form("https://ritme.example/inbound/sms?token=cm-callback-secret", {});
    current.headers = {{"content-type", "application/json"}};
    current.body = R"({"from":{"number":"+31612345678","name":"Fatima"},"to":{"number":"0031970102030"},
                       "message":{"text":"NEE","media":{}},"reference":"12","groupings":["","",""],
                       "timeUtc":"2027-01-12T09:00:00","channel":"SMS"})";
    const auto reading = cm.read_callback(CallbackKind::inbound, current, secrets);
    REQUIRE(reading.verdict == Verdict::read);
    CHECK(reading.inbound->from == "+31612345678");
    CHECK(reading.inbound->to == "0031970102030");
    CHECK(reading.inbound->text == "NEE");
    CHECK(reading.inbound->provider_id.empty());  // `reference` is the outgoing message's, not hers

    auto older = current;
    older.body = R"({"reference":"12","from":"0031612345678","to":"0031970102030","body":"JA","groupings":["","",""]})";
    const auto old_reading = cm.read_callback(CallbackKind::inbound, older, secrets);
    REQUIRE(old_reading.verdict == Verdict::read);
    CHECK(old_reading.inbound->from == "0031612345678");
    CHECK(old_reading.inbound->text == "JA");

    auto forged = current;
    forged.public_url = "https://ritme.example/inbound/sms?token=guess";
    forged.query = decode_form("token=guess");
    CHECK(cm.read_callback(CallbackKind::inbound, forged, secrets).verdict == Verdict::forbidden);
}

TEST_CASE("Spryng: delivery reports with the status as a word, as Spryng's reference shows them") {
    // http://www.spryng.co.uk/products/smsgateway/reference: REFERENCE and STATUS by GET,
    // Delivered and Not Delivered final, Buffered for now.
    const ProviderPreset spryng = shipped("spryng");
    const CallbackSecrets secrets{"key", "spryng-secret"};
    const auto report_of = [&](const std::string& query) {
        return spryng.read_callback(CallbackKind::receipt,
                                    get_url("https://ritme.example/receipts/sms?" + query), secrets);
    };
    const auto delivered = report_of("REFERENCE=12&STATUS=Delivered&token=spryng-secret");
    REQUIRE(delivered.verdict == Verdict::read);
    CHECK(delivered.receipts[0].delivery_id == 12);
    CHECK(delivered.receipts[0].status == receipt_status::delivered);
    CHECK_FALSE(delivered.receipts[0].final_failure);
    const auto failed = report_of("REFERENCE=12&STATUS=Not+Delivered&token=spryng-secret");
    REQUIRE(failed.verdict == Verdict::read);
    CHECK(failed.receipts[0].status == receipt_status::not_delivered);
    CHECK(failed.receipts[0].final_failure);
    const auto buffered = report_of("REFERENCE=12&STATUS=Buffered&token=spryng-secret");
    REQUIRE(buffered.verdict == Verdict::read);
    CHECK(buffered.receipts[0].status == receipt_status::queued);
    CHECK_FALSE(buffered.receipts[0].final_failure);
    CHECK(report_of("REFERENCE=12&STATUS=Delivered&token=spryng-secreT").verdict == Verdict::forbidden);
    CHECK(report_of("REFERENCE=12&STATUS=Delivered").verdict == Verdict::forbidden);
}

TEST_SUITE_END();
