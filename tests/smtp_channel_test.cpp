// The smtp adapter without a server: the message it builds (headers, encoded subject,
// quoted-printable body, no header injection), its settings, its Message-ID, and how
// it reads the end of an SMTP exchange. tests/gateways/test_smtp.py sends for real.

#include "adapters/smtp/mail_message.hpp"
#include "adapters/smtp/smtp_channel.hpp"

#include <doctest/doctest.h>

#include <boost/archive/iterators/binary_from_base64.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <vector>

using namespace ritme;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& text, const std::string& separator) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t found; (found = text.find(separator, start)) != std::string::npos; start = found + separator.size())
        parts.push_back(text.substr(start, found - start));
    parts.push_back(text.substr(start));
    return parts;
}

std::string base64_decoded(const std::string& text) {
    using namespace boost::archive::iterators;
    using Decoder = transform_width<binary_from_base64<std::string::const_iterator>, 8, 6>;
    std::string trimmed = text;
    while (!trimmed.empty() && trimmed.back() == '=') trimmed.pop_back();
    std::string bytes(Decoder(trimmed.begin()), Decoder(trimmed.end()));
    bytes.resize(trimmed.size() * 6 / 8);  // the bits of a last partial group are padding
    return bytes;
}

struct Header {
    std::string name;
    std::string raw;  // as written, folded lines joined by CRLF
};

// The header block of a message, and its body.
struct ParsedMail {
    std::vector<Header> headers;
    std::string body;

    const Header* find(const std::string& name) const {
        for (const auto& header : headers)
            if (header.name == name) return &header;
        return nullptr;
    }
    std::string value(const std::string& name) const {
        const Header* header = find(name);
        return header ? header->raw.substr(name.size() + 2) : std::string();
    }
};

ParsedMail parse_mail(const std::string& mail) {
    ParsedMail parsed;
    const size_t end = mail.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    for (const auto& line : split(mail.substr(0, end), "\r\n")) {
        if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
            REQUIRE(!parsed.headers.empty());
            parsed.headers.back().raw += "\r\n" + line;
        } else {
            parsed.headers.push_back({line.substr(0, line.find(':')), line});
        }
    }
    parsed.body = mail.substr(end + 4);
    return parsed;
}

// RFC 2047 decoding of a header value made only of UTF-8 "B" encoded words, as a mail
// reader does it: folding removed, the words' bytes joined.
std::string decoded_words(const std::string& value, std::vector<std::string>* words = nullptr) {
    std::string text;
    std::string unfolded;
    for (const auto& line : split(value, "\r\n")) unfolded += line;
    std::istringstream in(unfolded);
    for (std::string word; in >> word;) {
        REQUIRE(word.starts_with("=?UTF-8?B?"));
        REQUIRE(word.ends_with("?="));
        if (words) words->push_back(word);
        text += base64_decoded(word.substr(10, word.size() - 12));
    }
    return text;
}

int hex_value(char c) { return c <= '9' ? c - '0' : c - 'A' + 10; }

// RFC 2045 quoted-printable decoding; line ends come out as "\n".
std::string qp_decoded(const std::string& body) {
    std::string text;
    auto lines = split(body, "\r\n");
    if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the body's last CRLF ends a line
    for (const auto& line : lines) {
        bool soft = false;
        for (size_t i = 0; i < line.size(); ++i) {
            if (line[i] != '=') {
                text += line[i];
            } else if (i + 1 == line.size()) {
                soft = true;
            } else {
                text += static_cast<char>(hex_value(line[i + 1]) * 16 + hex_value(line[i + 2]));
                i += 2;
            }
        }
        if (!soft) text += '\n';
    }
    return text;
}

bool has_bare_line_feed(const std::string& text) {
    for (size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return true;
    return false;
}

size_t longest_line(const std::string& text) {
    size_t longest = 0;
    for (const auto& line : split(text, "\r\n")) longest = std::max(longest, line.size());
    return longest;
}

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::time_t utc(int year, int month, int day, int hour, int minute) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    return timegm(&tm);
}

MailMessage reminder_mail() {
    MailMessage mail;
    mail.from = {"Programma", "noreply@gemeente.example"};
    mail.to = "amina@example.org";
    mail.subject = "Hallo Amina, tot dinsdag 12 januari om 10:30";
    mail.text = "Hallo Amina, tot dinsdag 12 januari om 10:30 in Buurthuis De Kroon.\nLukt het niet? Bel 06-12340000.";
    mail.message_id = message_id_for(42, "email", mail.to, mail.from.address);
    mail.language = "nl";
    mail.date = utc(2027, 1, 12, 7, 31);
    mail.utc_offset_seconds = 3600;
    return mail;
}

// The adapter's settings as the config reader hands them over: declared defaults filled in.
ChannelSettings smtp_settings(std::map<std::string, std::string> values, fs::path base = fs::temp_directory_path()) {
    ChannelSettings settings{"email", std::move(base), {}, {}, {}};
    for (const auto& setting : smtp_adapter().settings) {
        std::string value = setting.default_value;
        if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
        if (!value.empty()) settings.values[setting.name] = value;
    }
    settings.values["url"] = "smtp://127.0.0.1:2525/ritme.test";
    settings.values["from"] = "Programma <noreply@gemeente.example>";
    for (auto& [key, value] : values) settings.values[key] = value;
    return settings;
}

// The factory's refusal, or empty when it makes the channel.
std::string refusal(const ChannelSettings& settings) {
    try {
        auto channel = smtp_adapter().make(settings);
        REQUIRE(channel != nullptr);
    } catch (const ChannelConfigError& e) {
        return e.what();
    }
    return {};
}

SmtpExchange ended(CURLcode result, long code, std::string command, std::string reply) {
    return {result, code, std::move(command), std::move(reply), curl_easy_strerror(result)};
}

// A loopback port nothing listens on: bound by the system's choice, then released.
int closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

}  // namespace

TEST_SUITE("smtp_channel") {
    TEST_CASE("a message has every header a mail reader and a relay expect, with CRLF line ends") {
        const MailMessage mail = reminder_mail();
        const std::string text = format_mail(mail);
        CHECK_FALSE(has_bare_line_feed(text));
        CHECK(text.ends_with("\r\n"));
        const ParsedMail parsed = parse_mail(text);
        CHECK(parsed.value("Date") == "Tue, 12 Jan 2027 08:31:00 +0100");
        CHECK(parsed.value("From") == "Programma <noreply@gemeente.example>");
        CHECK(parsed.value("To") == "amina@example.org");
        CHECK(parsed.value("Message-ID") == mail.message_id);
        CHECK(parsed.value("Subject") == mail.subject);  // plain ASCII stays plain
        CHECK(parsed.value("MIME-Version") == "1.0");
        CHECK(parsed.value("Content-Type") == "text/plain; charset=UTF-8");
        CHECK(parsed.value("Content-Transfer-Encoding") == "quoted-printable");
        CHECK(parsed.value("Content-Language") == "nl");
        CHECK(parsed.value("Auto-Submitted") == "auto-generated");
        CHECK(parsed.find("Reply-To") == nullptr);
        CHECK(qp_decoded(parsed.body) == mail.text + "\n");
        CHECK(longest_line(text) <= 78);
    }

    TEST_CASE("Reply-To when set, and both languages after a fallback") {
        MailMessage mail = reminder_mail();
        mail.reply_to = Mailbox{"Fatima", "fatima@gemeente.example"};
        mail.language = "nl+en";
        const ParsedMail parsed = parse_mail(format_mail(mail));
        CHECK(parsed.value("Reply-To") == "Fatima <fatima@gemeente.example>");
        CHECK(parsed.value("Content-Language") == "nl, en");
    }

    TEST_CASE("a long ASCII subject is folded at spaces and unfolds to itself") {
        const std::string subject =
            "Hallo Amina, dit is een herinnering aan de bijeenkomst van dinsdag 12 januari om 10:30 in Buurthuis "
            "De Kroon aan het Stationsplein";
        const std::string header = unstructured_header("Subject", subject);
        CHECK(header.find("=?") == std::string::npos);
        CHECK(header.find("\r\n ") != std::string::npos);
        CHECK(longest_line(header) <= 78);
        std::string unfolded = header.substr(0, header.size() - 2);
        for (size_t at; (at = unfolded.find("\r\n")) != std::string::npos;) unfolded.erase(at, 2);
        CHECK(unfolded == "Subject: " + subject);
    }

    TEST_CASE("a Dutch subject with accents becomes UTF-8 encoded words that decode to it") {
        const std::string subject = "Herinnering: ideeën uit België voor de coördinator, dinsdag 12 januari";
        const std::string header = unstructured_header("Subject", subject);
        REQUIRE(header.starts_with("Subject: "));
        std::vector<std::string> words;
        CHECK(decoded_words(header.substr(9, header.size() - 11), &words) == subject);
        CHECK(words.size() >= 2);
        for (const auto& word : words) CHECK(word.size() <= 75);
        CHECK(longest_line(header) <= 78);
    }

    TEST_CASE("an Arabic subject is split into encoded words between characters, never inside one") {
        const std::string subject = "تذكير: موعدك يوم الثلاثاء ١٢ يناير الساعة ١٠:٣٠ في بيت الحي دي كرون، ساحة المحطة";
        const std::string header = unstructured_header("Subject", subject);
        std::vector<std::string> words;
        CHECK(decoded_words(header.substr(9, header.size() - 11), &words) == subject);
        CHECK(words.size() >= 3);
        for (const auto& word : words) {
            CHECK(word.size() <= 75);
            const std::string bytes = base64_decoded(word.substr(10, word.size() - 12));
            REQUIRE_FALSE(bytes.empty());
            CHECK_FALSE(is_utf8_continuation(bytes.front()));  // each word starts a character
        }
        CHECK(longest_line(header) <= 78);
    }

    TEST_CASE("a subject that only looks like an encoded word is encoded, so readers show it as typed") {
        const std::string header = unstructured_header("Subject", "=?UTF-8?B?SGk=?=");
        CHECK(decoded_words(header.substr(9, header.size() - 11)) == "=?UTF-8?B?SGk=?=");
    }

    TEST_CASE("the body is quoted-printable: short lines, escaped bytes, nothing lost") {
        const std::string long_line(190, 'x');
        const std::string text = "Tot dinsdag in België.\n" + long_line + "\n1 + 1 = 2 \ttab\r\n" +
                                 std::string(40, 'e') + std::string(30, '\xc3') + "\nلا تنسى\nlaatste regel ";
        const std::string body = quoted_printable(text);
        CHECK_FALSE(has_bare_line_feed(body));
        CHECK(body.ends_with("\r\n"));
        CHECK(longest_line(body) <= 76);
        CHECK(body.find("Belgi=C3=AB") != std::string::npos);
        CHECK(body.find("1 + 1 =3D 2") != std::string::npos);
        CHECK(body.find("regel=20\r\n") != std::string::npos);  // white space at a line end is kept visible
        // The text back, with "\r\n" read as a line end like "\n".
        std::string expected = text;
        for (size_t at; (at = expected.find("\r\n")) != std::string::npos;) expected.erase(at, 1);
        CHECK(qp_decoded(body) == expected + "\n");
        for (const auto& line : split(body, "\r\n")) {
            if (line.empty()) continue;
            const char last = line.back();
            CHECK((last != ' ' && last != '\t'));
        }
    }

    TEST_CASE("a soft line break never falls inside a UTF-8 character") {
        std::string text;
        for (int i = 0; i < 60; ++i) text += "ë";
        const std::string body = quoted_printable(text);
        for (const auto& line : split(body, "\r\n")) {
            if (line.empty()) continue;
            const std::string bytes = qp_decoded(line.ends_with("=") ? line : line + "=");
            REQUIRE_FALSE(bytes.empty());
            CHECK_FALSE(is_utf8_continuation(bytes.front()));
        }
        CHECK(qp_decoded(body) == text + "\n");
    }

    TEST_CASE("a line break in any header value cannot start a header of its own") {
        MailMessage mail = reminder_mail();
        mail.subject = "Hallo\r\nBcc: everyone@example.org";
        mail.from.name = "Programma\nX-Injected: yes";
        mail.to = "amina@example.org\r\nCc: other@example.org";
        mail.message_id = "<1.a@gemeente.example>\nX-Other: 1";
        mail.reply_to = Mailbox{"Lead\r\nX-Reply: 1", "lead@gemeente.example"};
        const ParsedMail parsed = parse_mail(format_mail(mail));
        std::vector<std::string> names;
        for (const auto& header : parsed.headers) names.push_back(header.name);
        const std::vector<std::string> expected{"Date",        "From",         "To",
                                                "Reply-To",    "Message-ID",   "Subject",
                                                "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
                                                "Content-Language", "Auto-Submitted", "X-Auto-Response-Suppress"};
        CHECK(names == expected);
        CHECK(parsed.value("Subject") == "Hallo Bcc: everyone@example.org");
        CHECK(header_value("a\r\n\r\nb\x01" "c\td") == "a bc\td");
    }

    TEST_CASE("dates in RFC 5322 form, in English, with the offset given") {
        CHECK(mail_date(0, 0) == "Thu, 01 Jan 1970 00:00:00 +0000");
        CHECK(mail_date(utc(2027, 1, 12, 7, 31), 3600) == "Tue, 12 Jan 2027 08:31:00 +0100");
        CHECK(mail_date(utc(2026, 7, 1, 2, 0), -(3 * 3600 + 1800)) == "Tue, 30 Jun 2026 22:30:00 -0330");
    }

    TEST_CASE("mailboxes: read from the config and written for a header") {
        auto plain = parse_mailbox("Programma <noreply@gemeente.example>");
        REQUIRE(plain);
        CHECK(plain->name == "Programma");
        CHECK(plain->address == "noreply@gemeente.example");
        auto bare = parse_mailbox("  noreply@gemeente.example ");
        REQUIRE(bare);
        CHECK(bare->name.empty());
        CHECK(format_mailbox(*bare) == "<noreply@gemeente.example>");
        auto quoted = parse_mailbox("\"Gemeente, Almere \\\"Zuid\\\"\" <info@almere.example>");
        REQUIRE(quoted);
        CHECK(quoted->name == "Gemeente, Almere \"Zuid\"");
        CHECK(format_mailbox(*quoted) == "\"Gemeente, Almere \\\"Zuid\\\"\" <info@almere.example>");
        CHECK(format_mailbox({"Gemeente Almere", "info@almere.example"}) == "Gemeente Almere <info@almere.example>");
        const std::string frisian = "Gemeente Súdwest-Fryslân";
        const std::string written = format_mailbox({frisian, "info@sudwestfryslan.example"});
        REQUIRE(written.ends_with(" <info@sudwestfryslan.example>"));
        CHECK(decoded_words(written.substr(0, written.size() - 30)) == frisian);

        CHECK_FALSE(parse_mailbox("Programma"));
        CHECK_FALSE(parse_mailbox("Programma <>"));
        CHECK_FALSE(parse_mailbox("Programma <noreply>"));
        CHECK(domain_of("noreply@gemeente.example") == "gemeente.example");
    }

    TEST_CASE("what counts as an address") {
        for (const char* good :
             {"amina@example.org", "a.b+reminders@sub.example.nl", "x@localhost", "O'Neil@example.ie"})
            CHECK_MESSAGE(is_mail_address(good), good);
        for (const char* bad : {"", "amina", "@example.org", "amina@", "amina@@example.org", "a b@example.org",
                                "amina@example..org", "amina@.example.org", "<amina@example.org>",
                                "amina@example.org\r\nRCPT TO:<x@y.z>", "amina@exa_mple.org", "amína@example.org",
                                "a,b@example.org"})
            CHECK_FALSE_MESSAGE(is_mail_address(bad), bad);
    }

    TEST_CASE("a delivery's Message-ID is the same on every resend, and differs between deliveries") {
        const std::string id = message_id_for(42, "email", "amina@example.org", "noreply@gemeente.example");
        CHECK(id == message_id_for(42, "email", "amina@example.org", "noreply@gemeente.example"));
        CHECK(id.starts_with("<42."));
        CHECK(id.ends_with("@gemeente.example>"));
        CHECK(id.find(' ') == std::string::npos);
        CHECK(id != message_id_for(43, "email", "amina@example.org", "noreply@gemeente.example"));
        // Another installation or channel numbering its deliveries alike gets another id.
        const auto digest = [](const std::string& message_id) { return message_id.substr(0, message_id.find('@')); };
        CHECK(digest(id) != digest(message_id_for(42, "mail2", "amina@example.org", "noreply@gemeente.example")));
        CHECK(digest(id) != digest(message_id_for(42, "email", "sara@example.org", "noreply@gemeente.example")));
        CHECK(digest(id) != digest(message_id_for(42, "email", "amina@example.org", "noreply@almere.example")));
    }

    TEST_CASE("settings: a working config makes a channel; every setting is declared with help") {
        CHECK(refusal(smtp_settings({})) == "");
        CHECK(refusal(smtp_settings({{"url", "smtps://mail.gemeente.example:465"}})) == "");
        CHECK(refusal(smtp_settings({{"url", "SMTP://127.0.0.1"}, {"starttls", "off"}, {"from", "a@b.example"}})) ==
              "");
        CHECK(refusal(smtp_settings({{"starttls", "try"}, {"reply_to", "Lead <lead@gemeente.example>"}})) == "");
        const AdapterInfo info = smtp_adapter();
        CHECK(info.name == "smtp");
        std::map<std::string, AdapterSetting> declared;
        for (const auto& setting : info.settings) {
            CHECK_FALSE(setting.help.empty());
            declared[setting.name] = setting;
        }
        for (const char* name : {"url", "from", "reply_to", "starttls", "username", "password_file", "password_env",
                                 "ca_file", "timeout_seconds"})
            CHECK_MESSAGE(declared.count(name), name);
        CHECK(declared["url"].required);
        CHECK(declared["from"].required);
        CHECK(declared["starttls"].default_value == "\"required\"");
        CHECK(declared["timeout_seconds"].default_value == "30");
        CHECK(declared["url"].help.find("EHLO") != std::string::npos);
    }

    TEST_CASE("settings: each mistake is refused with the key and a way to fix it") {
        struct Case {
            std::map<std::string, std::string> values;
            std::string expected;  // a part of the refusal
        };
        const std::vector<Case> cases{
            {{{"url", ""}}, "needs `url`"},
            {{{"url", "relay.example:587"}}, "is not a URL"},
            {{{"url", "http://relay.example"}}, "not an SMTP URL"},
            {{{"url", "smtp://user:secret@relay.example"}}, "password_file"},
            {{{"url", "smtp://relay.example/?x=1"}}, "query"},
            {{{"from", "Programma"}}, "holds no e-mail address"},
            {{{"from", "Programma <noreply>"}}, "holds no e-mail address"},
            {{{"reply_to", "de leider"}}, "`reply_to"},
            {{{"starttls", "requird"}}, "not one of required, try, off"},
            {{{"username", "ritme"}}, "no password"},
            {{{"password_env", "RITME_SMTP_TEST_PASSWORD"}}, "no `username`"},
            {{{"url", "smtp://relay.example:25"}, {"starttls", "off"}, {"username", "ritme"},
              {"password_env", "RITME_SMTP_TEST_PASSWORD"}},
             "unencrypted"},
            {{{"url", "smtp://relay.example:25"}, {"starttls", "try"}, {"username", "ritme"},
              {"password_env", "RITME_SMTP_TEST_PASSWORD"}},
             "unencrypted"},
            {{{"ca_file", "no-such-ca.pem"}}, "cannot read `ca_file`"},
            {{{"timeout_seconds", "0"}}, "timeout_seconds"},
            {{{"timeout_seconds", "soon"}}, "timeout_seconds"},
        };
        ::setenv("RITME_SMTP_TEST_PASSWORD", "geheim", 1);
        for (const auto& c : cases) {
            const std::string problem = refusal(smtp_settings(c.values));
            CHECK_MESSAGE(problem.find(c.expected) != std::string::npos, "expected \"", c.expected, "\", got \"",
                          problem, "\"");
            CHECK(problem.starts_with("[channel.email]: "));
        }
        // A login is fine over TLS, and on loopback without it (a test server, a local relay).
        CHECK(refusal(smtp_settings({{"username", "ritme"}, {"password_env", "RITME_SMTP_TEST_PASSWORD"}})) == "");
        CHECK(refusal(smtp_settings({{"url", "smtps://relay.example"}, {"starttls", "off"}, {"username", "ritme"},
                                     {"password_env", "RITME_SMTP_TEST_PASSWORD"}})) == "");
        CHECK(refusal(smtp_settings({{"url", "smtp://localhost:2525"}, {"starttls", "off"}, {"username", "ritme"},
                                     {"password_env", "RITME_SMTP_TEST_PASSWORD"}})) == "");
        ::unsetenv("RITME_SMTP_TEST_PASSWORD");
    }

    TEST_CASE("settings: ca_file is read relative to the config's directory") {
        const fs::path directory = fs::temp_directory_path() / ("ritme-smtp-test-" + std::to_string(::getpid()));
        fs::create_directories(directory);
        std::ofstream(directory / "relay-ca.pem") << "-----BEGIN CERTIFICATE-----\n";
        CHECK(refusal(smtp_settings({{"ca_file", "relay-ca.pem"}}, directory)) == "");
        fs::remove_all(directory);
    }

    TEST_CASE("how an exchange ends: sent, retry, failed, or the channel is misconfigured") {
        const std::string id = "<42.0123456789abcdef.ritme@gemeente.example>";
        const SendResult sent = classify_smtp(ended(CURLE_OK, 250, "DATA", "250 2.0.0 Ok: queued as 4B3F"), id);
        CHECK(sent.outcome == SendResult::Outcome::sent);
        CHECK(sent.provider_id == id);
        CHECK(sent.provider_status == "queued");

        const SendResult unknown = classify_smtp(ended(CURLE_SEND_ERROR, 550, "RCPT", "550 mailbox unavailable"), id);
        CHECK(unknown.outcome == SendResult::Outcome::failed);
        CHECK(unknown.reason == "smtp: 550 mailbox unavailable");
        CHECK_FALSE(unknown.channel_fault);

        const SendResult rejected =
            classify_smtp(ended(CURLE_WEIRD_SERVER_REPLY, 554, "DATA", "554 5.7.1 Message rejected"), id);
        CHECK(rejected.outcome == SendResult::Outcome::failed);
        CHECK(rejected.reason == "smtp: 554 5.7.1 Message rejected");

        const SendResult greylisted =
            classify_smtp(ended(CURLE_SEND_ERROR, 451, "RCPT", "451 4.7.1 Greylisted, try again later"), id);
        CHECK(greylisted.outcome == SendResult::Outcome::retry);
        CHECK(greylisted.reason == "smtp: 451 4.7.1 Greylisted, try again later");
        CHECK_FALSE(greylisted.channel_fault);

        const SendResult login = classify_smtp(
            ended(CURLE_LOGIN_DENIED, 535, "AUTH", "535 5.7.8 Authentication credentials invalid"), id);
        CHECK(login.outcome == SendResult::Outcome::retry);
        CHECK(login.channel_fault);
        CHECK(login.reason.find("535 5.7.8 Authentication credentials invalid") != std::string::npos);

        const SendResult busy_login =
            classify_smtp(ended(CURLE_LOGIN_DENIED, 454, "AUTH", "454 4.7.0 Temporary authentication failure"), id);
        CHECK(busy_login.outcome == SendResult::Outcome::retry);
        CHECK_FALSE(busy_login.channel_fault);

        const SendResult no_tls = classify_smtp(ended(CURLE_USE_SSL_FAILED, 250, "EHLO", "250 HELP"), id);
        CHECK(no_tls.channel_fault);
        CHECK(no_tls.reason.find("STARTTLS") != std::string::npos);

        const SendResult untrusted =
            classify_smtp(ended(CURLE_PEER_FAILED_VERIFICATION, 220, "STARTTLS", "220 Ready"), id);
        CHECK(untrusted.channel_fault);
        CHECK(untrusted.reason.find("ca_file") != std::string::npos);

        const SendResult sender =
            classify_smtp(ended(CURLE_SEND_ERROR, 530, "MAIL", "530 5.7.0 Authentication required"), id);
        CHECK(sender.outcome == SendResult::Outcome::retry);
        CHECK(sender.channel_fault);
        CHECK(sender.reason.find("530 5.7.0 Authentication required") != std::string::npos);

        const SendResult slow =
            classify_smtp(ended(CURLE_OPERATION_TIMEDOUT, 354, "DATA", "354 End data with <CR><LF>.<CR><LF>"), id);
        CHECK(slow.outcome == SendResult::Outcome::retry);
        CHECK_FALSE(slow.channel_fault);
        CHECK(slow.reason.starts_with("smtp: no answer in time"));

        const SendResult down = classify_smtp(ended(CURLE_COULDNT_CONNECT, 0, "", ""), id);
        CHECK(down.outcome == SendResult::Outcome::retry);
        CHECK_FALSE(down.channel_fault);
        CHECK(down.reason.starts_with("smtp: "));
    }

    TEST_CASE("a server's words never carry a whole e-mail address into a reason") {
        const SendResult refused = classify_smtp(
            ended(CURLE_SEND_ERROR, 550, "RCPT", "550 5.1.1 <amina.el-amrani@example.org>: Recipient address rejected"),
            "<1.a@b>");
        CHECK(refused.outcome == SendResult::Outcome::failed);
        CHECK(refused.reason.find("amina.el-amrani@") == std::string::npos);
        CHECK(refused.reason.find("a***@example.org") != std::string::npos);
        CHECK(refused.reason.find("Recipient address rejected") != std::string::npos);
    }

    TEST_CASE("a recipient that is not an address fails at once, masked in the reason") {
        auto channel = smtp_adapter().make(smtp_settings({}));
        OutgoingMessage message{7, "email", Medium::email, "amina.example.org", "nl", "reminder", "Hallo", "Hallo"};
        SendResult result = channel->send(message);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason.find("amina.example.org") == std::string::npos);
        message.to = "amina@example.org\r\nRCPT TO:<other@example.org>";
        result = channel->send(message);
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason.find("other@example.org") == std::string::npos);
    }

    TEST_CASE("no server listening: a retry with libcurl's words, not a failure") {
        auto channel = smtp_adapter().make(smtp_settings({{"url", "smtp://127.0.0.1:" + std::to_string(closed_port())},
                                                          {"starttls", "off"},
                                                          {"timeout_seconds", "5"}}));
        const OutgoingMessage message{8,       "email",   Medium::email, "amina@example.org", "nl", "reminder",
                                      "Hallo", "Hallo"};
        const SendResult result = channel->send(message);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK_FALSE(result.channel_fault);
        CHECK(result.reason.starts_with("smtp: "));
        CHECK(result.reason.find("amina@") == std::string::npos);
    }
}
