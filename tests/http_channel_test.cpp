// The templated HTTP adapter and the shipped provider presets: each preset renders the
// request its provider documents (messaging.md), a preset file with mistakes is refused
// at file:line:col, and the providers' answers read as sent, retry or failed.

#include "adapters/http/http_channel.hpp"
#include "adapters/http/provider_preset.hpp"
#include "adapters/http/setting_pattern.hpp"
#include "tests/test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

using namespace ritme;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

const fs::path shipped_presets = fs::path(ritme::test::source_path("config/providers"));

constexpr const char* token_variable = "RITME_HTTP_TEST_TOKEN";
const std::string token = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";  // CM wants a GUID; the others take any key
const std::string twilio_sid = "AC0123456789abcdef0123456789abcdef";

// A directory for one test's files, removed when it ends.
struct Scratch {
    fs::path path = fs::temp_directory_path() / ("ritme-http-test-" + std::to_string(::getpid()));
    Scratch() { fs::create_directories(path); }
    ~Scratch() { fs::remove_all(path); }
    fs::path write(const std::string& name, const std::string& content) const {
        std::ofstream(path / name) << content;
        return path / name;
    }
};

// A channel's settings as the daemon config hands them over: every declared default filled in.
ChannelSettings settings_with(const std::map<std::string, std::string>& values, fs::path base = {}) {
    ChannelSettings settings;
    settings.channel = "sms";
    settings.base_directory = std::move(base);
    for (const auto& setting : http_adapter().settings) {
        std::string value = setting.default_value;
        if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
        settings.values[setting.name] = value;
    }
    for (const auto& [key, value] : values) settings.values[key] = value;
    return settings;
}

std::unique_ptr<HttpProviderChannel> make_channel(const std::map<std::string, std::string>& values,
                                                  fs::path base = {}) {
    ::setenv(token_variable, token.c_str(), 1);
    auto channel = http_adapter().make(settings_with(values, std::move(base)));
    auto* http = dynamic_cast<HttpProviderChannel*>(channel.get());
    REQUIRE(http != nullptr);
    channel.release();
    return std::unique_ptr<HttpProviderChannel>(http);
}

std::string make_error(const std::map<std::string, std::string>& values, fs::path base = {}) {
    ::setenv(token_variable, token.c_str(), 1);
    try {
        http_adapter().make(settings_with(values, std::move(base)));
    } catch (const ChannelConfigError& e) {
        return e.what();
    }
    return {};
}

OutgoingMessage sms(std::string text = "Hallo Amina, dinsdag 12 januari om 10:30 in Buurthuis De Kroon.") {
    OutgoingMessage message;
    message.delivery_id = 4711;
    message.channel = "sms";
    message.medium = Medium::sms;
    message.to = "+31612345678";
    message.language = "nl";
    message.kind = "reminder";
    message.text = std::move(text);
    return message;
}

// A text that needs UCS-2, with the characters JSON and forms must escape.
const std::string tricky_text = "Herinnering: \"dinsdag\" 10:30 \\ Buurthuis & zo\nتذكير بالموعد";

std::string header(const HttpRequest& request, const std::string& name) {
    for (const auto& line : request.headers)
        if (line.starts_with(name + ": ")) return line.substr(name.size() + 2);
    return {};
}

bool has_header(const HttpRequest& request, const std::string& name) {
    for (const auto& line : request.headers)
        if (line.starts_with(name + ":")) return true;
    return false;
}

std::string percent_decoded(const std::string& text) {
    std::string decoded;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            decoded += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            decoded += text[i] == '+' ? ' ' : text[i];
        }
    }
    return decoded;
}

std::map<std::string, std::string> form_fields(const std::string& body) {
    std::map<std::string, std::string> fields;
    size_t start = 0;
    while (start <= body.size()) {
        size_t end = body.find('&', start);
        if (end == std::string::npos) end = body.size();
        const std::string pair = body.substr(start, end - start);
        const size_t equals = pair.find('=');
        REQUIRE(equals != std::string::npos);
        fields[percent_decoded(pair.substr(0, equals))] = percent_decoded(pair.substr(equals + 1));
        start = end + 1;
    }
    return fields;
}

const ProviderPreset& preset_of(const HttpProviderChannel& channel) { return channel.preset(); }

ProviderPreset load_shipped(const std::string& name) {
    Diagnostics diagnostics;
    auto preset = ProviderPreset::load(shipped_presets / (name + ".toml"), diagnostics);
    for (const auto& diagnostic : diagnostics.items()) INFO(diagnostic.str());
    REQUIRE(preset.has_value());
    return std::move(*preset);
}

HttpResponse answer(long status, std::string body = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

// The problems a preset text has, each "file:line:col: error: …".
std::vector<std::string> preset_problems(const std::string& text) {
    Diagnostics diagnostics;
    const auto preset = ProviderPreset::parse(text, "mine.toml", "mine", diagnostics);
    CHECK(preset.has_value() == diagnostics.items().empty());
    std::vector<std::string> problems;
    for (const auto& diagnostic : diagnostics.items()) problems.push_back(diagnostic.str());
    return problems;
}

bool any_contains(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
        return line.find(part) != std::string::npos;
    });
}

// A small correct preset; tests change one line of it.
const std::string good_preset = R"([provider]
name = "Mine"
documentation = "https://provider.example/docs"

[request]
url = "https://provider.example/send"
encoding = "json"
body = '{"to": "{{to}}", "text": "{{text}}"}'

[response]
id = "/id"
)";

std::string replaced(std::string text, const std::string& what, const std::string& with) {
    const size_t at = text.find(what);
    REQUIRE(at != std::string::npos);
    return text.replace(at, what.size(), with);
}

// good_preset with a `from` setting under `pattern` (a TOML literal string) that the body names.
std::string preset_with_pattern(const std::string& pattern) {
    return replaced(good_preset, R"("text": "{{text}}")", R"("text": "{{text}}", "from": "{{from}}")") +
           "\n[settings]\nfrom = { required = true, pattern = '" + pattern + "', hint = \"a sender\" }\n";
}

}  // namespace

TEST_SUITE("http_channel") {
    TEST_CASE("every shipped preset loads, says which documentation it follows, and is one the adapter names") {
        const auto names = shipped_provider_names(shipped_presets);
        CHECK(names == std::vector<std::string>{"cm", "messagebird", "spryng", "twilio"});
        for (const auto& name : names) {
            INFO(name);
            const ProviderPreset preset = load_shipped(name);
            CHECK(preset.id() == name);
            CHECK(!preset.name().empty());
            CHECK(preset.documentation().starts_with("https://"));
            CHECK(preset.uses("text"));
            CHECK(preset.uses("token"));
        }
        CHECK(fs::exists(shipped_presets / "README.md"));
    }

    TEST_CASE("CM.com: the JSON message with the product token and the number as 00…") {
        const auto channel = make_channel({{"preset", "cm"}, {"token_env", token_variable}, {"from", "Gemeente"}});
        const HttpRequest request = channel->request_for(sms(tricky_text));
        CHECK(request.method == "POST");
        CHECK(request.url == "https://gw.messaging.cm.com/v1.0/message");
        CHECK(header(request, "Content-Type").starts_with("application/json"));
        CHECK(request.username.empty());
        CHECK_FALSE(has_header(request, "Authorization"));  // CM.com's token goes in the body
        const Json body = Json::parse(request.body);
        CHECK(body["messages"]["authentication"]["productToken"] == token);
        const Json& msg = body["messages"]["msg"][0];
        CHECK(body["messages"]["msg"].size() == 1);
        CHECK(msg["from"] == "Gemeente");
        CHECK(msg["to"] == Json::array({{{"number", "0031612345678"}}}));
        CHECK(msg["body"]["type"] == "auto");
        CHECK(msg["body"]["content"] == tricky_text);
        CHECK(msg["reference"] == "4711");
    }

    TEST_CASE("MessageBird: AccessKey, digits as recipient, datacoding from the text, reportUrl only when set") {
        auto channel = make_channel({{"preset", "messagebird"}, {"token_env", token_variable}, {"from", "Gemeente"}});
        HttpRequest request = channel->request_for(sms());
        CHECK(request.url == "https://rest.messagebird.com/messages");
        CHECK(header(request, "Authorization") == "AccessKey " + token);
        Json body = Json::parse(request.body);
        CHECK(body["originator"] == "Gemeente");
        CHECK(body["recipients"] == Json::array({"31612345678"}));
        CHECK(body["body"] == sms().text);
        CHECK(body["reference"] == "4711");
        CHECK(body["datacoding"] == "plain");
        CHECK(!body.contains("reportUrl"));

        channel = make_channel({{"preset", "messagebird"},
                                {"token_env", token_variable},
                                {"from", "Gemeente"},
                                {"report_url", "https://ritme.example/dlr?delivery={delivery}"}});
        request = channel->request_for(sms(tricky_text));
        body = Json::parse(request.body);
        CHECK(body["datacoding"] == "unicode");
        CHECK(body["body"] == tricky_text);
        CHECK(body["reportUrl"] == "https://ritme.example/dlr?delivery=4711");
    }

    TEST_CASE("Twilio: form fields, Basic authentication with the Account SID, the SID in the path") {
        auto channel = make_channel(
            {{"preset", "twilio"}, {"account", twilio_sid}, {"token_env", token_variable}, {"from", "+3197010203040"}});
        HttpRequest request = channel->request_for(sms(tricky_text));
        CHECK(request.method == "POST");
        CHECK(request.url == "https://api.twilio.com/2010-04-01/Accounts/" + twilio_sid + "/Messages.json");
        CHECK(request.username == twilio_sid);
        CHECK(request.password == token);
        CHECK(header(request, "Content-Type") == "application/x-www-form-urlencoded");
        auto fields = form_fields(request.body);
        CHECK(fields == std::map<std::string, std::string>{
                            {"To", "+31612345678"}, {"From", "+3197010203040"}, {"Body", tricky_text}});

        channel = make_channel({{"preset", "twilio"},
                                {"account", twilio_sid},
                                {"token_env", token_variable},
                                {"from", "Gemeente"},
                                {"report_url", "https://ritme.example/twilio/{delivery}"}});
        fields = form_fields(channel->request_for(sms()).body);
        CHECK(fields["StatusCallback"] == "https://ritme.example/twilio/4711");
        CHECK(fields["From"] == "Gemeente");

        // {public_url}: where the daemon is called (public_url, else http://LISTEN), the
        // URL Twilio signs, so the report's signature matches.
        ChannelSettings settings = settings_with({{"preset", "twilio"},
                                                  {"account", twilio_sid},
                                                  {"token_env", token_variable},
                                                  {"from", "Gemeente"},
                                                  {"report_url", "{public_url}/receipts/sms?delivery={delivery}"}});
        settings.callback_base_url = "https://ritme.example.nl/ritme";
        auto made = http_adapter().make(settings);
        auto* twilio = dynamic_cast<HttpProviderChannel*>(made.get());
        REQUIRE(twilio != nullptr);
        fields = form_fields(twilio->request_for(sms()).body);
        CHECK(fields["StatusCallback"] == "https://ritme.example.nl/ritme/receipts/sms?delivery=4711");
    }

    TEST_CASE("Spryng: Bearer key, digits as recipient, encoding plain or unicode, the business route") {
        const auto channel = make_channel({{"preset", "spryng"}, {"token_env", token_variable}, {"from", "Gemeente"}});
        HttpRequest request = channel->request_for(sms());
        CHECK(request.url == "https://rest.spryngsms.com/v1/messages");
        CHECK(header(request, "Authorization") == "Bearer " + token);
        CHECK(header(request, "Accept") == "application/json");
        Json body = Json::parse(request.body);
        CHECK(body["originator"] == "Gemeente");
        CHECK(body["recipients"] == Json::array({"31612345678"}));
        CHECK(body["body"] == sms().text);
        CHECK(body["encoding"] == "plain");
        CHECK(body["route"] == "business");
        CHECK(body["reference"] == "4711");
        body = Json::parse(channel->request_for(sms(tricky_text)).body);
        CHECK(body["encoding"] == "unicode");
        CHECK(body["body"] == tricky_text);
    }

    TEST_CASE("url replaces the preset's address and may name the preset's values") {
        const auto channel = make_channel({{"preset", "twilio"},
                                           {"account", twilio_sid},
                                           {"token_env", token_variable},
                                           {"from", "Gemeente"},
                                           {"url", "http://127.0.0.1:8080/2010-04-01/Accounts/{{account}}/M.json"},
                                           {"timeout_seconds", "3"}});
        const HttpRequest request = channel->request_for(sms());
        CHECK(request.url == "http://127.0.0.1:8080/2010-04-01/Accounts/" + twilio_sid + "/M.json");
        CHECK(request.timeout == std::chrono::seconds(3));
    }

    TEST_CASE("a preset of one's own, relative to the config, with a value escaped for the URL") {
        Scratch scratch;
        scratch.write("mine.toml", replaced(good_preset, "https://provider.example/send",
                                            "https://provider.example/send?to={{to}}&ref={{reference}}"));
        const auto channel = make_channel({{"preset", "mine.toml"}}, scratch.path);
        const HttpRequest request = channel->request_for(sms());
        CHECK(request.url == "https://provider.example/send?to=%2B31612345678&ref=4711");
        CHECK(Json::parse(request.body)["to"] == "+31612345678");
        CHECK(preset_of(*channel).id() == "mine");
    }

    TEST_CASE("channel settings the preset cannot work with are refused, naming the preset and the key") {
        CHECK(make_error({}).find("needs `preset`") != std::string::npos);
        const std::string unknown = make_error({{"preset", "twillio"}});
        CHECK(unknown.find("[channel.sms]: ") == 0);
        CHECK(unknown.find("did you mean twilio?") != std::string::npos);

        const std::string no_account =
            make_error({{"preset", "twilio"}, {"token_env", token_variable}, {"from", "Gemeente"}});
        CHECK(no_account.find("twilio preset needs `account`") != std::string::npos);
        const std::string no_token = make_error({{"preset", "twilio"}, {"account", twilio_sid}, {"from", "Gemeente"}});
        CHECK(no_token.find("twilio preset needs `token_file` or `token_env`") != std::string::npos);
        const std::string bad_sid =
            make_error({{"preset", "twilio"}, {"account", "12345"}, {"token_env", token_variable}, {"from", "Gem"}});
        CHECK(bad_sid.find("`account = \"12345\"` does not fit the twilio preset") != std::string::npos);
        const std::string long_originator = make_error(
            {{"preset", "messagebird"}, {"token_env", token_variable}, {"from", "Gemeente Almere"}});
        CHECK(long_originator.find("`from = \"Gemeente Almere\"` does not fit") != std::string::npos);

        const std::string unused =
            make_error({{"preset", "spryng"}, {"token_env", token_variable}, {"from", "Gem"}, {"username", "me"}});
        CHECK(unused.find("`username` is set but the spryng preset does not use it") != std::string::npos);
        const std::string report = make_error({{"preset", "cm"},
                                               {"token_env", token_variable},
                                               {"from", "Gem"},
                                               {"report_url", "https://ritme.example/r"}});
        CHECK(report.find("`report_url` is set but the cm preset does not use it") != std::string::npos);
        const std::string timeout =
            make_error({{"preset", "spryng"}, {"token_env", token_variable}, {"from", "Gem"}, {"timeout_seconds", "0"}});
        CHECK(timeout.find("timeout_seconds") != std::string::npos);
        const std::string ca = make_error(
            {{"preset", "spryng"}, {"token_env", token_variable}, {"from", "Gem"}, {"ca_file", "/nonexistent/ca.pem"}});
        CHECK(ca.find("`ca_file` /nonexistent/ca.pem is not a file") != std::string::npos);
        const std::string bad_url =
            make_error({{"preset", "spryng"}, {"token_env", token_variable}, {"from", "Gem"}, {"url", "{{tu}}"}});
        CHECK(bad_url.find("`url = \"{{tu}}\"` is not an http:// or https:// address") != std::string::npos);
        const std::string bad_name = make_error({{"preset", "spryng"},
                                                 {"token_env", token_variable},
                                                 {"from", "Gem"},
                                                 {"url", "http://127.0.0.1/{{recipient}}"}});
        CHECK(bad_name.find("unknown value {{recipient}}") != std::string::npos);
    }

    TEST_CASE("a preset file with mistakes is refused at file:line:col, with the key and a hint") {
        CHECK(preset_problems(good_preset).empty());

        auto problems = preset_problems(replaced(good_preset, "url =", "ur1 ="));
        CHECK(any_contains(problems, "mine.toml:6:1: error: [request]: unknown key `ur1`; did you mean url?"));
        CHECK(any_contains(problems, "[request]: `url` is missing"));

        problems = preset_problems(replaced(good_preset, "{{to}}", "{{recipent}}"));
        CHECK(any_contains(problems, "mine.toml:8:8: error: [request]: `body` names an unknown value {{recipent}}"));

        problems = preset_problems(replaced(good_preset, "\"{{text}}\"", "\"{{{text}}}\""));
        CHECK(any_contains(problems, "mine.toml:8:8: error: [request]: `body`: {{{text}}} writes a value without "
                                     "escaping it"));

        problems = preset_problems(replaced(good_preset, "\"{{text}}\"", "{{text}}"));
        CHECK(any_contains(problems, "mine.toml:8:8: error: [request]: `body` does not give JSON for a sample message"));

        problems = preset_problems(replaced(good_preset, "{{to}}\"", "{{#to}}\""));
        CHECK(any_contains(problems, "`body` does not parse as a template"));

        problems = preset_problems(replaced(good_preset, "encoding = \"json\"", "encoding = \"jsn\""));
        CHECK(any_contains(problems, "mine.toml:7:12: error: [request]: `encoding = \"jsn\"` is not one of"));
        CHECK(any_contains(problems, "did you mean json?"));

        problems = preset_problems(replaced(good_preset, "id = \"/id\"", "id = \"id\""));
        CHECK(any_contains(problems, "mine.toml:11:6: error: [response]: `id = \"id\"` is not a JSON pointer"));

        problems = preset_problems(replaced(good_preset, "name = \"Mine\"\n", ""));
        CHECK(any_contains(problems, "mine.toml:1:1: error: [provider]: `name` is missing"));

        problems = preset_problems(replaced(good_preset, "id = \"/id\"",
                                            "id = \"/id\"\nerror_code = \"/code\"\npermanent_codes = [21211]\n"
                                            "temporary_codes = [\"21211\"]"));
        CHECK(any_contains(problems, "mine.toml:14:19: error: [response]: code 21211 is in both `permanent_codes` "
                                     "and `temporary_codes`"));

        problems = preset_problems(replaced(good_preset, "id = \"/id\"", "id = \"/id\"\npermanent_codes = [9]"));
        CHECK(any_contains(problems, "`error_code` does not say where the code is"));

        problems = preset_problems(good_preset + "\n[settings]\ntoken = { required = true, hint = \"a key\" }\n"
                                                 "from = { pattern = \"[a-\", hint = \"x\" }\n");
        CHECK(any_contains(problems, "mine.toml:14:9: error: [settings]: `token` is required but no template names "
                                     "it"));
        CHECK(any_contains(problems, "[settings.from]: `pattern` is not a regular expression"));

        problems = preset_problems(replaced(good_preset, "[request]", "[request]\nmethod = \"GET\""));
        CHECK(any_contains(problems, "`method = \"GET\"` is not one of"));

        problems = preset_problems("[provider\nname = 1");
        CHECK(any_contains(problems, "mine.toml:1:"));
        CHECK(any_contains(problems, "not valid TOML"));
    }

    TEST_CASE("a preset file that cannot be used stops the channel with every problem listed") {
        Scratch scratch;
        scratch.write("mine.toml", replaced(good_preset, "{{to}}", "{{recipent}}"));
        const std::string error = make_error({{"preset", "mine.toml"}}, scratch.path);
        CHECK(error.find("the provider preset " + (scratch.path / "mine.toml").string() + " cannot be used") !=
              std::string::npos);
        CHECK(error.find("mine.toml:8:8: error: [request]: `body` names an unknown value {{recipent}}") !=
              std::string::npos);
        CHECK(make_error({{"preset", "missing.toml"}}, scratch.path).find("cannot read the provider preset") !=
              std::string::npos);
    }

    TEST_CASE("answers: 2xx is sent with the provider's id, or sent and unreadable; never sent twice") {
        const ProviderPreset twilio = load_shipped("twilio");
        const std::string to = "+31612345678";
        SendResult result = twilio.read_answer(answer(201, R"({"sid": "SM0123", "status": "queued"})"), to);
        CHECK(result.outcome == SendResult::Outcome::sent);
        CHECK(result.provider_id == "SM0123");
        CHECK(result.provider_status == "accepted");

        for (const std::string body : {"{\"sid\": ", "<html>OK</html>", "{\"status\": \"queued\"}", ""}) {
            INFO(body);
            result = twilio.read_answer(answer(201, body), to);
            CHECK(result.outcome == SendResult::Outcome::sent);
            CHECK(result.provider_id.empty());
            CHECK(result.provider_status == "accepted; answer unreadable");
        }
        const ProviderPreset cm = load_shipped("cm");
        result = cm.read_answer(
            answer(200, R"json({"details": "Created 1 message(s)", "errorCode": 0, "messages": [{"to": "0031612345678",
                "status": "Accepted", "reference": "4711", "parts": 1, "messageDetails": null,
                "messageErrorCode": 0}]})json"),
            to);
        CHECK(result.outcome == SendResult::Outcome::sent);
        CHECK(result.provider_id == "4711");
    }

    TEST_CASE("answers: Twilio's error codes decide before the HTTP status; the number is masked") {
        const ProviderPreset twilio = load_shipped("twilio");
        const std::string to = "+31612345678";
        SendResult result = twilio.read_answer(
            answer(400, R"({"code": 21211, "message": "The 'To' number +31612345678 is not a valid phone number.",
                "status": 400})"),
            to);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason.find("twilio: HTTP 400 The 'To' number ") == 0);
        CHECK(result.reason.find("is not a valid phone number. (code 21211)") != std::string::npos);
        CHECK(result.reason.find("12345678") == std::string::npos);
        CHECK(result.reason.find("5678") != std::string::npos);

        for (const int code : {21610, 21614}) {
            result = twilio.read_answer(answer(400, R"({"code": )" + std::to_string(code) + "}"), to);
            CHECK(result.outcome == SendResult::Outcome::failed);
        }

        HttpResponse busy = answer(429, R"({"code": 20429, "message": "Too Many Requests"})");
        busy.retry_after = std::chrono::seconds(600);
        result = twilio.read_answer(busy, to);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.retry_after == std::chrono::seconds(600));
        CHECK_FALSE(result.channel_fault);

        // 30003 is temporary even where the status alone would mean "never".
        result = twilio.read_answer(answer(400, R"({"code": 30003, "message": "Unreachable destination handset"})"), to);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason == "twilio: HTTP 400 Unreachable destination handset (code 30003)");

        result = twilio.read_answer(answer(401, R"({"code": 20003, "message": "Authenticate"})"), to);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.channel_fault);
        CHECK(result.reason.find("twilio: HTTP 401 Authenticate (code 20003)") == 0);

        result = twilio.read_answer(answer(400, R"({"code": 21612, "message": "Cannot route this message"})"), to);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason == "twilio: HTTP 400 Cannot route this message (code 21612)");
    }

    TEST_CASE("answers: the generic rule for what the preset does not name") {
        const ProviderPreset spryng = load_shipped("spryng");
        const std::string to = "+31612345678";
        SendResult result = spryng.read_answer(answer(403, R"({"message": "Forbidden."})"), to);
        CHECK(result.channel_fault);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason.find("spryng: HTTP 403 Forbidden.") == 0);

        result = spryng.read_answer(answer(500, "Internal Server Error\n<html>…"), to);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason == "spryng: HTTP 500 Internal Server Error");
        CHECK_FALSE(result.channel_fault);

        HttpResponse slow;
        slow.timed_out = true;
        slow.transport_error = "Operation timed out after 2001 milliseconds";
        result = spryng.read_answer(slow, to);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason.find("no answer in time") != std::string::npos);

        // Spryng names the refused field; its first message says the most.
        result = spryng.read_answer(
            answer(400, R"({"message": "The given data was invalid.",
                "errors": {"recipients.0": ["The recipients.0 format is invalid."]}})"),
            to);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason == "spryng: HTTP 400 The recipients.0 format is invalid.");

        result = spryng.read_answer(answer(404, "Not Found"), to);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason == "spryng: HTTP 404 Not Found");
    }

    TEST_CASE("answers: CM.com's whole-request 400 pauses the channel; a message's own error fails the message") {
        const ProviderPreset cm = load_shipped("cm");
        const std::string to = "+31612345678";
        SendResult result = cm.read_answer(
            answer(400, R"({"details": "Authentication of the request failed", "errorCode": 101, "messages": []})"), to);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.channel_fault);
        CHECK(result.reason.find("cm: HTTP 400 Authentication of the request failed (code 101)") == 0);

        result = cm.read_answer(answer(400, "Bad Request"), to);
        CHECK(result.channel_fault);

        result = cm.read_answer(
            answer(400, R"json({"details": "Created 0 message(s)", "errorCode": 201, "messages": [{"to": "0031612345678",
                "status": "Rejected", "reference": "4711", "parts": 0,
                "messageDetails": "Gsm '0031612345678' is not a number.", "messageErrorCode": 303}]})json"),
            to);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK_FALSE(result.channel_fault);
        CHECK(result.reason.find("(code 303)") != std::string::npos);
        CHECK(result.reason.find("0031612345678") == std::string::npos);
    }

    TEST_CASE("answers: MessageBird's codes") {
        const ProviderPreset messagebird = load_shipped("messagebird");
        const std::string to = "+31612345678";
        SendResult result = messagebird.read_answer(
            answer(422, R"({"errors": [{"code": 9, "description": "no (correct) recipients found",
                "parameter": "recipients"}]})"),
            to);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason == "messagebird: HTTP 422 no (correct) recipients found (code 9)");
        result = messagebird.read_answer(
            answer(402, R"({"errors": [{"code": 25, "description": "Not enough balance"}]})"), to);
        CHECK(result.channel_fault);
        result = messagebird.read_answer(answer(201, R"({"id": "e8077d803532c0b5937c639b60216938"})"), to);
        CHECK(result.provider_id == "e8077d803532c0b5937c639b60216938");
    }

    TEST_CASE("send: a recipient that is not a phone number fails without a request; no answer is a retry") {
        const auto channel = make_channel({{"preset", "spryng"},
                                           {"token_env", token_variable},
                                           {"from", "Gemeente"},
                                           {"url", "http://127.0.0.1:1/v1/messages"},
                                           {"timeout_seconds", "5"}});
        OutgoingMessage email = sms();
        email.to = "amina@example.nl";
        SendResult result = channel->send(email);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason.find("amina") == std::string::npos);

        result = channel->send(sms());
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason.find("spryng: no answer") == 0);
    }

    TEST_CASE("requests render correctly from several worker threads at once") {
        const auto channel = make_channel({{"preset", "messagebird"}, {"token_env", token_variable}, {"from", "Gem"}});
        std::vector<std::thread> workers;
        std::atomic<int> wrong{0};
        for (int worker = 0; worker < 4; ++worker)
            workers.emplace_back([&, worker] {
                for (int i = 0; i < 200; ++i) {
                    OutgoingMessage message = sms("Bericht " + std::to_string(worker) + "-" + std::to_string(i));
                    message.delivery_id = worker * 1000 + i;
                    const Json body = Json::parse(channel->request_for(message).body);
                    if (body["body"] != message.text || body["reference"] != std::to_string(message.delivery_id))
                        ++wrong;
                }
            });
        for (auto& worker : workers) worker.join();
        CHECK(wrong == 0);
    }

    TEST_CASE("the adapter declares every setting with a default and help") {
        const AdapterInfo adapter = http_adapter();
        CHECK(adapter.name == "http");
        std::vector<std::string> names;
        for (const auto& setting : adapter.settings) {
            names.push_back(setting.name);
            CHECK(!setting.help.empty());
            CHECK((setting.name == "preset") == setting.default_value.empty());
        }
        for (const std::string name : {"preset", "url", "from", "account", "username", "token_file", "token_env",
                                       "password_file", "password_env", "report_url", "timeout_seconds"})
            CHECK(std::find(names.begin(), names.end(), name) != names.end());
    }
    TEST_CASE("preset patterns run in linear time: nested repeats and long values neither hang nor overflow") {
        // std::regex backtracked through '^(a+)+$' for ever on a value that almost fits,
        // and overflowed its stack on '^.*$' against 200,000 characters.
        const auto started = std::chrono::steady_clock::now();
        const auto nested = std::get<SettingPattern>(SettingPattern::compile("^(a+)+$"));
        CHECK(nested.whole_match(std::string(4000, 'a')));
        CHECK_FALSE(nested.whole_match(std::string(4000, 'a') + "!"));
        const auto any = std::get<SettingPattern>(SettingPattern::compile("^.*$"));
        CHECK(any.whole_match(std::string(SettingPattern::max_value_bytes, 'x')));
        CHECK_FALSE(any.whole_match(std::string(200'000, 'x')));  // longer than any setting holds
        CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));

        // The semantics stay std::regex_match's: the whole value, alternatives with anchors.
        const auto sender = std::get<SettingPattern>(SettingPattern::compile(R"(^[A-Za-z0-9 ]{1,11}$|^\+?[0-9]{1,16}$)"));
        CHECK(sender.whole_match("Gemeente"));
        CHECK(sender.whole_match("+31612345678"));
        CHECK_FALSE(sender.whole_match("Gemeente Almere"));
        const auto unanchored = std::get<SettingPattern>(SettingPattern::compile("[0-9]+"));
        CHECK(unanchored.whole_match("123"));
        CHECK_FALSE(unanchored.whole_match("a123"));

        Scratch scratch;
        scratch.write("mine.toml", preset_with_pattern("^(a+)+$"));
        const std::string refused = make_error({{"preset", "mine.toml"}, {"from", std::string(40, 'a') + "!"}},
                                               scratch.path);
        CHECK(refused.find("does not fit the mine preset: a sender") != std::string::npos);
        const auto channel = make_channel({{"preset", "mine.toml"}, {"from", std::string(40, 'a')}}, scratch.path);
        CHECK(Json::parse(channel->request_for(sms()).body)["from"] == std::string(40, 'a'));
    }

    TEST_CASE("a pattern RE2 cannot take, or too long, is a preset error at file:line:col with a hint") {
        const std::vector<std::string> repeat = preset_problems(preset_with_pattern("^a{2147483647}$"));
        CHECK(any_contains(repeat, "mine.toml:14:37: error: [settings.from]: `pattern` is not a regular expression "
                                   "ritme can use: the repeat count {2147483647} is over 1000"));
        CHECK(any_contains(repeat, "repeat counts up to 1000"));
        CHECK(any_contains(preset_problems(preset_with_pattern("^a{1001}$")), "the repeat count {1001} is over 1000"));
        CHECK(any_contains(preset_problems(preset_with_pattern("^a{2,99999999999}$")),
                           "the repeat count {2,99999999999} is over 1000"));
        // Braces that are no repeat stay literal, as in std::regex.
        CHECK(preset_problems(preset_with_pattern(R"(^\{12345\}[{99999}]$)")).empty());
        CHECK(preset_problems(preset_with_pattern("^a{1000}$")).empty());

        CHECK(any_contains(preset_problems(preset_with_pattern("^(?=a)a$")), "without backreferences or lookaround"));
        CHECK(any_contains(preset_problems(preset_with_pattern(R"(^(a)\1$)")), "`pattern` is not a regular expression"));

        const std::vector<std::string> long_one = preset_problems(preset_with_pattern(std::string(1001, 'a')));
        CHECK(any_contains(long_one, "mine.toml:14:37: error: [settings.from]: `pattern` is not a regular expression "
                                     "ritme can use: it is 1001 bytes long; a pattern has at most 1000"));
        CHECK(preset_problems(preset_with_pattern(std::string(1000, 'a'))).empty());
        // Nested counts whose product is past what RE2 compiles.
        CHECK(any_contains(preset_problems(preset_with_pattern("((((a{100}){100}){100}){100})")),
                           "`pattern` is not a regular expression"));
    }

    TEST_CASE("a setting longer than any provider takes is refused before a pattern sees it") {
        Scratch scratch;
        scratch.write("mine.toml", preset_with_pattern("^.*$"));
        const std::string refused =
            make_error({{"preset", "mine.toml"}, {"from", std::string(200'000, 'a')}}, scratch.path);
        CHECK(refused.find("`from` is 200000 bytes long; a setting holds at most 4096") != std::string::npos);
        CHECK(refused.find("aaaa") == std::string::npos);
        make_channel({{"preset", "mine.toml"}, {"from", std::string(SettingPattern::max_value_bytes, 'a')}},
                     scratch.path);
    }

    TEST_CASE("a secret written in a url is refused, without repeating it: the preset's, url and report_url") {
        const std::vector<std::string> in_query =
            preset_problems(replaced(good_preset, "https://provider.example/send",
                                     "https://provider.example/send?apikey=live-0123456789abcdef"));
        CHECK(any_contains(in_query, "mine.toml:6:7: error: [request]: `url` holds a secret in the preset's text "
                                     "(the query parameter `apikey`)"));
        CHECK(any_contains(in_query, "name it as {{token}} or {{password}} and put it in password_file / token_file"));
        CHECK_FALSE(any_contains(in_query, "0123456789abcdef"));
        CHECK(any_contains(preset_problems(replaced(good_preset, "https://provider.example/send",
                                                    "https://me:hunter2@provider.example/send")),
                           "a password in its user:password@ part"));
        // Naming the secret is how a preset puts it in the URL.
        CHECK(preset_problems(replaced(good_preset, "https://provider.example/send",
                                       "https://provider.example/send?apikey={{token}}&user={{username}}"))
                  .empty());

        const std::string url = make_error({{"preset", "spryng"},
                                            {"token_env", token_variable},
                                            {"from", "Gem"},
                                            {"url", "https://rest.spryngsms.com/v1/messages?Access-Key=k3y-s3cr3t"}});
        CHECK(url.find("[channel.sms]: `url` holds a secret in the config text (the query parameter `Access-Key`); "
                       "put it in password_file / token_file") != std::string::npos);
        CHECK(url.find("s3cr3t") == std::string::npos);
        const std::string report = make_error({{"preset", "messagebird"},
                                               {"token_env", token_variable},
                                               {"from", "Gem"},
                                               {"report_url", "https://ritme.example/r?token=s3cr3t&d={delivery}"}});
        CHECK(report.find("`report_url` holds a secret in the config text (the query parameter `token`)") !=
              std::string::npos);
        CHECK(report.find("s3cr3t") == std::string::npos);
        make_channel({{"preset", "messagebird"},
                      {"token_env", token_variable},
                      {"from", "Gem"},
                      {"report_url", "https://ritme.example/r?delivery={delivery}&keyword=ritme"}});
    }

    TEST_CASE("answers: every number and address in a provider's words is masked, not only the recipient's") {
        const ProviderPreset twilio = load_shipped("twilio");
        const SendResult result = twilio.read_answer(
            answer(400, R"({"code": 21212, "message": "The 'From' number 06-1234 9999 or mail fatima@example.nl is not valid for +31 6 1111 2222"})"),
            "+31612345678");
        INFO(result.reason);
        CHECK(result.reason.find("****9999") != std::string::npos);
        CHECK(result.reason.find("1234") == std::string::npos);
        CHECK(result.reason.find("f***@example.nl") != std::string::npos);
        CHECK(result.reason.find("fatima") == std::string::npos);
        CHECK(result.reason.find("+31 6 ****2222") != std::string::npos);
        CHECK(result.reason.find("1111") == std::string::npos);
    }
    TEST_CASE("the crafted presets under tests/fuzz/provider_preset load or are refused as each says, at once") {
        const fs::path crafted = fs::path(ritme::test::source_path("tests/fuzz/provider_preset"));
        int files = 0;
        for (const auto& entry : fs::directory_iterator(crafted)) {
            if (entry.path().extension() != ".toml") continue;
            std::ifstream in(entry.path());
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const bool loads = text.find("Expected: the preset loads") != std::string::npos;
            const bool refused = text.find("Expected: a preset error") != std::string::npos;
            if (!loads && !refused) continue;  // a seed, not a crafted case
            ++files;
            INFO(entry.path().filename().string());
            const auto started = std::chrono::steady_clock::now();
            Diagnostics diagnostics;
            const auto preset = ProviderPreset::load(entry.path(), diagnostics);
            for (const auto& diagnostic : diagnostics.items()) INFO(diagnostic.str());
            CHECK(preset.has_value() == loads);
            CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
            if (!preset) continue;
            // Every pattern against a value that almost fits it, as long as a setting may be.
            for (const auto& [name, rule] : preset->setting_rules())
                if (rule.pattern)
                    for (const std::string& value : {std::string(SettingPattern::max_value_bytes - 1, 'a') + "!",
                                                    std::string("AC0123456789abcdef0123456789abcdef")})
                        (void)rule.pattern->whole_match(value);
            CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
        }
        CHECK(files >= 10);
    }
}
