// The kannel adapter's reading of Kannel's calls to ritme: delivery reports on the
// dlr-url and participants' texts from an sms-service, proven by the channel's receipt
// token; UCS-2 texts (Arabic, Tigrinya, Farsi) decoded from UTF-16BE.

#include "adapters/kannel/kannel_channel.hpp"
#include "engine/store/delivery.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <string>

using namespace ritme;

namespace {

using Verdict = CallbackReading::Verdict;

KannelSettings settings_with_token(const std::string& token) {
    ::setenv("RITME_TEST_KANNEL_PASSWORD", "secret", 1);
    ::setenv("RITME_TEST_KANNEL_RECEIPTS", token.c_str(), 1);
    ChannelSettings settings;
    settings.channel = "sms";
    settings.values = {{"url", "http://127.0.0.1:13013/cgi-bin/sendsms"},
                       {"username", "ritme"},
                       {"password_env", "RITME_TEST_KANNEL_PASSWORD"}};
    if (!token.empty()) settings.values["receipt_token_env"] = "RITME_TEST_KANNEL_RECEIPTS";
    return read_kannel_settings(settings);
}

std::string percent_encode(std::string_view bytes) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : bytes) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// A GET as Kannel makes it: every field in the query, percent-encoded.
CallbackRequest get(const std::string& path, const std::map<std::string, std::string>& fields) {
    std::string query;
    for (const auto& [name, value] : fields) query += (query.empty() ? "" : "&") + name + "=" + percent_encode(value);
    CallbackRequest request;
    request.method = "GET";
    request.path = path;
    request.target = path + "?" + query;
    request.query = decode_form(query);
    request.public_url = "http://127.0.0.1:8470" + request.target;
    return request;
}

CallbackReading receipt(const KannelSettings& settings, std::map<std::string, std::string> fields) {
    return read_kannel_callback(settings, CallbackKind::receipt, get("/receipts/sms", fields));
}

CallbackReading inbound(const KannelSettings& settings, std::map<std::string, std::string> fields) {
    return read_kannel_callback(settings, CallbackKind::inbound, get("/inbound/sms", fields));
}

}  // namespace

TEST_SUITE_BEGIN("kannel_callback");

TEST_CASE("the dlr-url names the channel and carries the receipt token, never shown in the setting") {
    const KannelSettings settings = settings_with_token("t0k/en&x");
    CHECK(settings.dlr_url.find("t0k") == std::string::npos);
    CHECK(kannel_dlr_url(settings, 12) ==
          "http://127.0.0.1:8470/receipts/sms?delivery=12&type=%d&reply=%A&token=t0k%2Fen%26x");
}

TEST_CASE("a receipt_token with a dlr_url that cannot carry it is refused at once") {
    ::setenv("RITME_TEST_KANNEL_PASSWORD", "secret", 1);
    ::setenv("RITME_TEST_KANNEL_RECEIPTS", "abc", 1);
    ChannelSettings settings;
    settings.channel = "sms";
    settings.values = {{"url", "http://127.0.0.1:13013/cgi-bin/sendsms"},
                       {"username", "ritme"},
                       {"password_env", "RITME_TEST_KANNEL_PASSWORD"},
                       {"receipt_token_env", "RITME_TEST_KANNEL_RECEIPTS"},
                       {"dlr_url", "http://127.0.0.1:8470/receipts/sms?delivery={delivery}&type=%d"}};
    CHECK_THROWS_AS(read_kannel_settings(settings), ChannelConfigError);
}

TEST_CASE("reports of each type read as the store's words; 2 and 16 are final failures") {
    const KannelSettings settings = settings_with_token("abc");
    const std::map<int, std::pair<std::string_view, bool>> types = {
        {1, {receipt_status::delivered, false}},
        {2, {receipt_status::not_delivered, true}},
        {4, {receipt_status::queued, false}},
        {8, {receipt_status::accepted_by_smsc, false}},
        {16, {receipt_status::rejected_by_smsc, true}}};
    for (const auto& [type, expected] : types) {
        INFO(type);
        const auto reading =
            receipt(settings, {{"delivery", "12"}, {"type", std::to_string(type)}, {"reply", "ACK/"}, {"token", "abc"}});
        REQUIRE(reading.verdict == Verdict::read);
        REQUIRE(reading.receipts.size() == 1);
        CHECK(reading.receipts[0].delivery_id == 12);
        CHECK(reading.receipts[0].status == expected.first);
        CHECK(reading.receipts[0].final_failure == expected.second);
        CHECK(reading.receipts[0].detail == "ACK/");
    }
}

TEST_CASE("a repeated report has the same key; another type or reply another") {
    const KannelSettings settings = settings_with_token("abc");
    auto key = [&](std::string type, std::string reply) {
        return receipt(settings, {{"delivery", "12"}, {"type", type}, {"reply", reply}, {"token", "abc"}})
            .receipts.at(0)
            .report_key;
    };
    CHECK(key("8", "ACK/") == key("8", "ACK/"));
    CHECK(key("8", "ACK/") != key("1", "ACK/"));
    CHECK(key("1", "id:1 stat:DELIVRD err:000 text:Hallo") != key("1", "id:2 stat:DELIVRD err:000 text:Hallo"));
}

TEST_CASE("an SMPP receipt keeps its stat and err, never the message's first words or a number") {
    const KannelSettings settings = settings_with_token("abc");
    const auto reading = receipt(settings, {{"delivery", "12"},
                                            {"type", "2"},
                                            {"reply", "id:77 sub:001 dlvrd:000 stat:UNDELIV err:011 text:Hallo Amina"},
                                            {"token", "abc"}});
    REQUIRE(reading.verdict == Verdict::read);
    CHECK(reading.receipts[0].detail == "stat:UNDELIV err:011");
    const auto nack = receipt(settings, {{"delivery", "12"}, {"type", "16"},
                                         {"reply", "NACK/0x0000000b/Invalid Destination +31612345678"},
                                         {"token", "abc"}});
    CHECK(nack.receipts[0].detail.find("12345678") == std::string::npos);
    CHECK(nack.receipts[0].report_key.find("Invalid") == std::string::npos);
}

TEST_CASE("without the right token a call is forbidden; a bad report is a bad request") {
    const KannelSettings settings = settings_with_token("abc");
    CHECK(receipt(settings, {{"delivery", "12"}, {"type", "1"}}).verdict == Verdict::forbidden);
    CHECK(receipt(settings, {{"delivery", "12"}, {"type", "1"}, {"token", "abd"}}).verdict == Verdict::forbidden);
    CHECK(receipt(settings, {{"delivery", "12"}, {"type", "1"}, {"token", "abcd"}}).verdict == Verdict::forbidden);
    CHECK(inbound(settings, {{"from", "+31612345678"}, {"text", "NEE"}}).verdict == Verdict::forbidden);
    const auto forged = receipt(settings, {{"delivery", "12"}, {"type", "1"}, {"token", "zzz"}});
    CHECK(forged.problem.find("zzz") == std::string::npos);

    CHECK(receipt(settings, {{"type", "1"}, {"token", "abc"}}).verdict == Verdict::bad_request);
    CHECK(receipt(settings, {{"delivery", "x"}, {"type", "1"}, {"token", "abc"}}).verdict == Verdict::bad_request);
    CHECK(receipt(settings, {{"delivery", "12"}, {"type", "3"}, {"token", "abc"}}).verdict == Verdict::bad_request);
    CHECK(receipt(settings, {{"delivery", "12"}, {"type", "%d"}, {"token", "abc"}}).verdict == Verdict::bad_request);
}

TEST_CASE("without a receipt token the channel reads unproven calls, and says so") {
    const KannelSettings open = settings_with_token("");
    CHECK(receipt(open, {{"delivery", "12"}, {"type", "1"}}).verdict == Verdict::read);
    ChannelSettings settings;
    settings.channel = "sms";
    settings.values = {{"url", "http://127.0.0.1:13013/cgi-bin/sendsms"},
                       {"username", "ritme"},
                       {"password_env", "RITME_TEST_KANNEL_PASSWORD"}};
    CHECK(kannel_adapter().make(settings)->reads_unproven_callbacks());
    ::setenv("RITME_TEST_KANNEL_RECEIPTS", "abc", 1);
    settings.values["receipt_token_env"] = "RITME_TEST_KANNEL_RECEIPTS";
    const auto proven = kannel_adapter().make(settings);
    CHECK_FALSE(proven->reads_unproven_callbacks());
    CHECK(proven->read_callback(CallbackKind::receipt, get("/receipts/sms", {{"delivery", "1"}, {"type", "1"}}))
              .verdict == Verdict::forbidden);
}

TEST_CASE("a participant's answer: sender, receiver, Kannel's id and the text as UTF-8") {
    const KannelSettings settings = settings_with_token("abc");
    const auto nee = inbound(settings, {{"from", "+31612345678"},
                                        {"to", "3197010"},
                                        {"text", "NEE!"},
                                        {"coding", "0"},
                                        {"charset", "UTF-8"},
                                        {"id", "a1b2"},
                                        {"token", "abc"}});
    REQUIRE(nee.verdict == Verdict::read);
    REQUIRE(nee.inbound);
    CHECK(nee.inbound->from == "+31612345678");
    CHECK(nee.inbound->to == "3197010");
    CHECK(nee.inbound->text == "NEE!");
    CHECK(nee.inbound->provider_id == "a1b2");
    CHECK(nee.receipts.empty());

    // A 7-bit text handed on in Kannel's ISO-8859-1: "één" with its accents.
    const auto latin = inbound(settings, {{"from", "+31612345678"}, {"text", "\xE9\xE9n"}, {"coding", "0"},
                                          {"charset", "ISO-8859-1"}, {"token", "abc"}});
    REQUIRE(latin.inbound);
    CHECK(latin.inbound->text == "\xC3\xA9\xC3\xA9n");
}

TEST_CASE("UCS-2 answers arrive as UTF-16BE: Arabic, Tigrinya, Farsi and a surrogate pair decode to UTF-8") {
    const KannelSettings settings = settings_with_token("abc");
    // "لا": U+0644 U+0627.
    const auto arabic = inbound(settings, {{"from", "+31612345678"}, {"text", std::string("\x06\x44\x06\x27", 4)},
                                           {"coding", "2"}, {"charset", "UTF-16BE"}, {"token", "abc"}});
    REQUIRE(arabic.verdict == Verdict::read);
    CHECK(arabic.inbound->text == "\xD9\x84\xD8\xA7");
    // Tigrinya "ኣይ" (U+12A3 U+12ED), Farsi "نه" (U+0646 U+0647).
    CHECK(utf16be_to_utf8(std::string("\x12\xA3\x12\xED", 4)) == "\xE1\x8A\xA3\xE1\x8B\xAD");
    CHECK(utf16be_to_utf8(std::string("\x06\x46\x06\x47", 4)) == "\xD9\x86\xD9\x87");
    // U+1F44D as a surrogate pair.
    CHECK(utf16be_to_utf8(std::string("\xD8\x3D\xDC\x4D", 4)) == "\xF0\x9F\x91\x8D");

    CHECK_FALSE(utf16be_to_utf8(std::string("\x06\x44\x06", 3)));   // odd length
    CHECK_FALSE(utf16be_to_utf8(std::string("\xD8\x3D\x00\x41", 4)));  // a high surrogate without its pair
    CHECK_FALSE(utf16be_to_utf8(std::string("\xDC\x4D", 2)));          // a low surrogate alone
    CHECK(inbound(settings, {{"from", "+31612345678"}, {"text", std::string("\xD8\x3D", 2)}, {"coding", "2"},
                             {"token", "abc"}})
              .verdict == Verdict::bad_request);
    CHECK(inbound(settings, {{"from", "+31612345678"}, {"text", "\xFF\xFE"}, {"charset", "UTF-8"}, {"token", "abc"}})
              .verdict == Verdict::bad_request);
    CHECK(inbound(settings, {{"text", "NEE"}, {"token", "abc"}}).verdict == Verdict::bad_request);
}

TEST_SUITE_END();
