// What every gateway adapter shares: secrets from files or the environment, never the
// config text; the generic reading of a gateway's HTTP answer; settings as numbers.

#include "adapters/curl/http_call.hpp"
#include "adapters/secret.hpp"
#include "adapters/url_secret.hpp"
#include "engine/participants/masking.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>

using namespace ritme;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("ritme-secret-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

fs::path write_file(const fs::path& path, const std::string& content, mode_t mode) {
    std::ofstream(path) << content;
    ::chmod(path.c_str(), mode);
    return path;
}

ChannelSettings settings_with(std::map<std::string, std::string> values, fs::path base = {}) {
    ChannelSettings settings;
    settings.channel = "sms";
    settings.base_directory = std::move(base);
    settings.values = std::move(values);
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

HttpResponse answer(long status, std::string body = {}) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

}  // namespace

TEST_SUITE_BEGIN("adapter_support");

TEST_CASE("a secret comes from a file only its owner may read, without the trailing newline") {
    TempDir dir;
    write_file(dir.path / "kannel.secret", "s3cret\n", 0600);
    CHECK(read_secret(settings_with({{"password_file", "kannel.secret"}}, dir.path), "password") == "s3cret");

    write_file(dir.path / "group.secret", "shared\r\n", 0640);
    CHECK(read_secret(settings_with({{"password_file", (dir.path / "group.secret").string()}}), "password") ==
          "shared");

    write_file(dir.path / "open.secret", "visible", 0644);
    const std::string open = error_of([&] { read_secret(settings_with({{"password_file", "open.secret"}}, dir.path), "password"); });
    CHECK(open.find("[channel.sms]: `password_file` ") == 0);
    CHECK(open.find("chmod 600") != std::string::npos);
    CHECK(open.find("visible") == std::string::npos);  // never the secret itself

    const std::string missing = error_of([&] { read_secret(settings_with({{"password_file", "nope"}}, dir.path), "password"); });
    CHECK(missing.find("password_file") != std::string::npos);
    CHECK(missing.find("nope") != std::string::npos);

    write_file(dir.path / "empty.secret", "\n", 0600);
    CHECK(error_of([&] { read_secret(settings_with({{"password_file", "empty.secret"}}, dir.path), "password"); })
              .find("is empty") != std::string::npos);
}

TEST_CASE("a secret comes from an environment variable; naming both a file and a variable is an error") {
    ::setenv("RITME_TEST_TOKEN", "tok-123", 1);
    CHECK(read_secret(settings_with({{"token_env", "RITME_TEST_TOKEN"}}), "token") == "tok-123");
    ::unsetenv("RITME_TEST_TOKEN");
    CHECK(error_of([] { read_secret(settings_with({{"token_env", "RITME_TEST_TOKEN"}}), "token"); })
              .find("not set") != std::string::npos);
    CHECK(error_of([] { read_secret(settings_with({{"token_env", "X"}, {"token_file", "y"}}), "token"); })
              .find("keep one") != std::string::npos);
    CHECK(read_secret(settings_with({}), "token").empty());  // neither: the adapter decides
    const auto declared = secret_settings("token", "API token");
    REQUIRE(declared.size() == 2);
    CHECK(declared[0].name == "token_file");
    CHECK(declared[1].name == "token_env");
    CHECK(!declared[0].required);
}

TEST_CASE("settings as whole numbers and booleans, with the key and the range in the error") {
    const auto settings = settings_with({{"timeout_seconds", "15"}, {"bad", "15s"}, {"flag", "true"}, {"no", "yes"}});
    CHECK(settings.integer("timeout_seconds", 1, 600) == 15);
    CHECK(error_of([&] { settings.integer("bad", 1, 600); }).find("`bad = 15s` is not a whole number") !=
          std::string::npos);
    CHECK(error_of([&] { settings.integer("timeout_seconds", 1, 10); }).find("1 to 10") != std::string::npos);
    CHECK(settings.boolean("flag"));
    CHECK(error_of([&] { settings.boolean("no"); }).find("not true or false") != std::string::npos);
}

TEST_CASE("a setting's error is where the key was written, else at its [channel] table") {
    auto settings = settings_with({{"timeout_seconds", "0"}});
    settings.table = {"ritme.toml", 7, 1};
    settings.written["timeout_seconds"] = {"ritme.toml", 9, 19};
    const auto where_of = [](const std::function<void()>& action) -> SourcePosition {
        try {
            action();
        } catch (const ChannelConfigError& e) {
            return e.where();
        }
        return {};
    };
    CHECK(where_of([&] { settings.integer("timeout_seconds", 1, 600); }).str() == "ritme.toml:9:19");
    CHECK(where_of([&] { settings.boolean("print"); }).str() == "ritme.toml:7:1");  // not written: the table
    CHECK(where_of([&] { read_secret(settings_with({{"token_env", "RITME_TEST_UNSET"}}), "token"); }).file.empty());
    CHECK(std::string(settings.error_at("timeout_seconds", "too short").what()) == "[channel.sms]: too short");
}

TEST_CASE("a gateway's HTTP answer: 2xx accepted, 429 and 5xx later, 401/403 the channel, other 4xx never") {
    CHECK(classify_http(answer(202, "0: Accepted for delivery"), "kannel").outcome == SendResult::Outcome::sent);

    HttpResponse busy = answer(429, "slow down");
    busy.retry_after = std::chrono::seconds(120);
    const SendResult later = classify_http(busy, "cm");
    CHECK(later.outcome == SendResult::Outcome::retry);
    REQUIRE(later.retry_after);
    CHECK(later.retry_after->count() == 120);
    CHECK(later.reason == "cm: HTTP 429 slow down");
    CHECK(classify_http(answer(503, "3: Queued"), "kannel").outcome == SendResult::Outcome::retry);

    const SendResult refused = classify_http(answer(401, "{\"errors\":[{\"code\":2}]}"), "messagebird");
    CHECK(refused.outcome == SendResult::Outcome::retry);
    CHECK(refused.channel_fault);

    const SendResult never = classify_http(answer(400, "Invalid destination\nmore"), "spryng");
    CHECK(never.outcome == SendResult::Outcome::failed);
    CHECK(never.reason == "spryng: HTTP 400 Invalid destination");
    CHECK(!never.channel_fault);

    HttpResponse silent;
    silent.transport_error = "Failed to connect to 127.0.0.1 port 9: Connection refused";
    const SendResult down = classify_http(silent, "kannel");
    CHECK(down.outcome == SendResult::Outcome::retry);
    CHECK(down.reason.find("Connection refused") != std::string::npos);
    silent.timed_out = true;
    CHECK(classify_http(silent, "kannel").reason.find("in time") != std::string::npos);
}

TEST_CASE("a gateway's words are its first line, cut short; values are URL-encoded as UTF-8") {
    CHECK(gateway_words("  0: Accepted for delivery \r\nsecond") == "0: Accepted for delivery");
    const std::string long_line(300, 'x');
    CHECK(gateway_words(long_line).size() < 210);
    CHECK(url_encode("Tot dinsdag 09:30 in 't Anker?") == "Tot%20dinsdag%2009%3A30%20in%20%27t%20Anker%3F");
    CHECK(url_encode("+31 6") == "%2B31%206");
    CHECK(url_encode("\xD8\xB3") == "%D8%B3");  // Arabic sin, two UTF-8 bytes
}


TEST_CASE("a gateway's words are valid UTF-8 however they are cut: no split character, no stray byte") {
    const std::string dutch = std::string(199, 'a') + "\xC3\xAB" + "nd";  // "ë" across byte 200
    const std::string cut = gateway_words(dutch);
    CHECK(cut == std::string(199, 'a') + "…");
    CHECK(gateway_words("caf\xE9 ferm\xE9") == "caf? ferm?");  // Latin-1 from a proxy page
    CHECK(utf8_prefix("\xD8\xB3\xD8\xB3", 3) == "\xD8\xB3");
    CHECK(classify_http(answer(301, "Moved"), "cm").channel_fault);
}

TEST_CASE("free text from outside: every phone number and e-mail address in it is masked") {
    CHECK(mask_contacts_in_text("cannot send to +31612345678: invalid") == "cannot send to +31 6 ****5678: invalid");
    CHECK(mask_contacts_in_text("0031612345678 and 31612345678") == "+31 6 ****5678 and +31 6 ****5678");
    CHECK(mask_contacts_in_text("number 06-1234 5678 refused") == "number ****5678 refused");
    CHECK(mask_contacts_in_text("06.12.34.56.78, (06) 1234 5678") == "****5678, (****5678");
    CHECK(mask_contacts_in_text("to=%2B31612345678") == "to=%2B+31 6 ****5678");
    CHECK(mask_contacts_in_text("tel0612345678") == "tel****5678");
    CHECK(mask_contacts_in_text("bounced: fatima.el-amrani@example.nl.") == "bounced: f***@example.nl.");
    CHECK(mask_contacts_in_text("0612345678@sms.example") == "0***@sms.example");
    // What is no number stays readable for the operator.
    for (const std::string kept :
         {"retry after 2026-12-04 10:30", "op 04-12-2026 10:30", "connect to 192.168.100.200 port 13013",
          "exit 75", "rate 4/s, 12345678 left", "id 12345678901234567890", "user@localhost", "a @ b.nl", ""})
        CHECK(mask_contacts_in_text(kept) == kept);
}

TEST_CASE("a gateway's words have numbers and addresses masked before they are cut") {
    CHECK(gateway_words("Invalid destination 0612345678 for amina@example.nl") ==
          "Invalid destination ****5678 for a***@example.nl");
    // The number across byte 200: no part of it is left.
    const std::string words = gateway_words(std::string(190, 'x') + " +31612345678 rest");
    CHECK(words.find("3161") == std::string::npos);
    CHECK(words.find("612") == std::string::npos);
    CHECK(classify_http(answer(400, "Bad number +31612345678"), "gw").reason == "gw: HTTP 400 Bad number +31 6 ****5678");
}

TEST_CASE("a secret inside a url: user:password@ or a query parameter that names one, never a template") {
    CHECK(secret_in_url("https://me:hunter2@sms.example/send") == "a password in its user:password@ part");
    CHECK(secret_in_url("http://127.0.0.1:13013/cgi-bin/sendsms?username=r&password=geheim") ==
          "the query parameter `password`");
    for (const std::string name : {"pass", "pwd", "token", "key", "apikey", "api_key", "API-Key", "access_key",
                                   "secret", "signature", "auth", "auth_token", "client_secret", "ws%5Fpassword"}) {
        INFO(name);
        CHECK(secret_in_url("https://sms.example/send?to=1&" + name + "=v4lue#top") ==
              "the query parameter `" + name + "`");
    }
    for (const std::string fine :
         {"https://sms.example/send", "http://127.0.0.1:13013/cgi-bin/sendsms?account=gemeente",
          "http://127.0.0.1:8470/receipts/kannel?delivery={delivery}&type=%d&at=%T",
          "https://api.example/Accounts/{{account}}/Messages.json", "https://sms.example/send?key={{token}}",
          "https://{{account}}:{{token}}@sms.example/send", "https://user@sms.example/send",
          "https://sms.example/send?password=", "https://sms.example/p@th?keyword=x", "https://sms.example/send#token=x"}) {
        INFO(fine);
        CHECK_FALSE(secret_in_url(fine));
    }

    const ChannelSettings settings =
        settings_with({{"url", "https://sms.example/send?token=s3cr3t-value"}, {"dlr_url", "http://x/r?d=1"}});
    const std::string refused = error_of([&] { refuse_secret_in_url(settings, "url"); });
    CHECK(refused == "[channel.sms]: `url` holds a secret in the config text (the query parameter `token`); put it "
                     "in password_file / token_file (or password_env / token_env); the adapter adds it to each request");
    CHECK(error_of([&] { refuse_secret_in_url(settings, "dlr_url"); }).empty());
}

TEST_SUITE_END();
