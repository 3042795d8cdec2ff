#include "adapters/smtp/smtp_channel.hpp"

#include "adapters/curl/curl_handles.hpp"
#include "adapters/curl/http_call.hpp"
#include "adapters/secret.hpp"
#include "adapters/smtp/mail_message.hpp"
#include "engine/base/text.hpp"
#include "engine/participants/masking.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <optional>

namespace ritme {
namespace {

struct SmtpSettings {
    std::string url;
    curl_usessl use_ssl = CURLUSESSL_ALL;  // for smtp://; smtps:// is TLS from the start
    Mailbox from;
    std::string mail_from;                 // "<address>" for MAIL FROM
    std::optional<Mailbox> reply_to;
    std::string username;
    std::string password;
    std::string ca_file;
    long timeout_seconds = 30;
};


struct UrlFree {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

std::string url_part(CURLU* url, CURLUPart part) {
    char* value = nullptr;
    if (curl_url_get(url, part, &value, 0) != CURLUE_OK || !value) return {};
    std::string text(value);
    curl_free(value);
    return text;
}

bool is_loopback(std::string host) {
    host = lower(host);
    return host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "::1";
}

SmtpSettings read_settings(const ChannelSettings& settings) {
    SmtpSettings smtp;

    smtp.url = std::string(trim(settings.get("url")));
    const std::string url_example = "write smtp://relay.example:587 (STARTTLS) or smtps://relay.example:465";
    if (smtp.url.empty()) throw settings.error_at("url", "the smtp adapter needs `url`; " + url_example);
    ensure_curl_initialised();
    const std::unique_ptr<CURLU, UrlFree> url(curl_url());
    if (!url || curl_url_set(url.get(), CURLUPART_URL, smtp.url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        throw settings.error_at("url", "`url = \"" + smtp.url + "\"` is not a URL; " + url_example);
    const std::string scheme = lower(url_part(url.get(), CURLUPART_SCHEME));
    if (scheme != "smtp" && scheme != "smtps")
        throw settings.error_at("url", "`url = \"" + smtp.url + "\"` is not an SMTP URL; " + url_example);
    const std::string host = url_part(url.get(), CURLUPART_HOST);
    if (host.empty()) throw settings.error_at("url", "`url = \"" + smtp.url + "\"` names no server; " + url_example);
    if (!url_part(url.get(), CURLUPART_USER).empty() || !url_part(url.get(), CURLUPART_PASSWORD).empty())
        throw settings.error_at("url", "`url` holds a user name or password; put the user in `username` and the password in "
                             "a file named by `password_file` (or a variable named by `password_env`)");
    if (!url_part(url.get(), CURLUPART_QUERY).empty() || !url_part(url.get(), CURLUPART_FRAGMENT).empty())
        throw settings.error_at("url", "`url = \"" + smtp.url + "\"` has a query or fragment, which SMTP has no use for; " +
                             url_example);
    const bool implicit_tls = scheme == "smtps";

    const std::string starttls = settings.get("starttls");
    if (starttls == "required") smtp.use_ssl = CURLUSESSL_ALL;
    else if (starttls == "try") smtp.use_ssl = CURLUSESSL_TRY;
    else if (starttls == "off") smtp.use_ssl = CURLUSESSL_NONE;
    else
        throw settings.error_at("starttls", "`starttls = \"" + starttls + "\"` is not one of required, try, off; required refuses to "
                             "send without TLS and is right for any relay across a network");
    if (implicit_tls) smtp.use_ssl = CURLUSESSL_NONE;  // TLS from the first byte; no STARTTLS on top

    const std::string from = settings.get("from");
    const auto sender = parse_mailbox(from);
    if (!sender)
        throw settings.error_at("from", "`from = \"" + from + "\"` holds no e-mail address; write it like "
                             "from = \"Programma <noreply@gemeente.example>\"");
    smtp.from = *sender;
    smtp.mail_from = "<" + sender->address + ">";

    if (const std::string reply_to = settings.get("reply_to"); !trim(reply_to).empty()) {
        smtp.reply_to = parse_mailbox(reply_to);
        if (!smtp.reply_to)
            throw settings.error_at("reply_to", "`reply_to = \"" + reply_to + "\"` holds no e-mail address; write it like "
                                 "reply_to = \"Programmaleider <leider@gemeente.example>\", or leave it out");
    }

    smtp.username = std::string(trim(settings.get("username")));
    smtp.password = read_secret(settings, "password");
    if (!smtp.password.empty() && smtp.username.empty())
        throw settings.error_at(settings.written.contains("password_env") ? "password_env" : "password_file",
                                "a password is set but no `username`; set username = \"…\" for the login, or remove "
                             "password_file / password_env");
    if (!smtp.username.empty() && smtp.password.empty())
        throw settings.error_at("username", "`username = \"" + smtp.username + "\"` is set but no password; name the file holding "
                             "it with password_file (or a variable with password_env)");
    if (!smtp.password.empty() && !implicit_tls && smtp.use_ssl != CURLUSESSL_ALL && !is_loopback(host))
        throw settings.error_at("starttls", "with `starttls = \"" + starttls + "\"` the password could cross the network "
                             "unencrypted; use starttls = \"required\" or an smtps:// URL");

    if (const auto ca_file = settings.path("ca_file"); !ca_file.empty()) {
        if (!std::ifstream(ca_file))
            throw settings.error_at("ca_file", "cannot read `ca_file` " + ca_file.string() +
                                 "; name a PEM file with the certificate of the authority that signed the server's");
        smtp.ca_file = ca_file.string();
    }

    smtp.timeout_seconds = static_cast<long>(settings.integer("timeout_seconds", 1, 600));
    return smtp;
}


struct Upload {
    std::string_view content;
    size_t sent = 0;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    const size_t bytes = std::min(size * count, upload->content.size() - upload->sent);
    std::memcpy(buffer, upload->content.data() + upload->sent, bytes);
    upload->sent += bytes;
    return bytes;
}

struct Conversation {
    SmtpExchange* exchange;
    bool quitting = false;  // after QUIT, the server's goodbye is not the answer that matters
};

std::string_view without_line_end(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    return line;
}

// libcurl shows every command it sends and every reply line it reads here. Only the
// command's verb is kept (never an argument: AUTH carries credentials) and only reply
// lines; the message itself (CURLINFO_DATA_OUT) is never looked at.
int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
    auto* conversation = static_cast<Conversation*>(user);
    const std::string_view text(data, size);
    if (type == CURLINFO_HEADER_OUT) {
        static constexpr std::array<std::string_view, 10> verbs{"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                                                 "RCPT", "DATA", "RSET", "NOOP", "QUIT"};
        const std::string_view line = without_line_end(text);
        const std::string verb(line.substr(0, line.find(' ')));
        if (std::find(verbs.begin(), verbs.end(), verb) == verbs.end()) return 0;  // an AUTH continuation
        if (verb == "QUIT") {
            conversation->quitting = true;
        } else {
            conversation->exchange->command = verb;
            conversation->exchange->reply.clear();
        }
    } else if (type == CURLINFO_HEADER_IN && !conversation->quitting) {
        conversation->exchange->reply = std::string(without_line_end(text).substr(0, 512));
    }
    return 0;
}

struct RecipientList {
    curl_slist* list = nullptr;
    ~RecipientList() { curl_slist_free_all(list); }
};

class SmtpChannel final : public Channel {
public:
    explicit SmtpChannel(SmtpSettings settings) : settings_(std::move(settings)) {}

    SendResult send(const OutgoingMessage& message) override {
        if (!is_mail_address(message.to))
            return SendResult::permanent_failure("smtp: the recipient " + mask_email(message.to) +
                                                 " is not an e-mail address");
        MailMessage mail;
        mail.from = settings_.from;
        mail.to = message.to;
        mail.reply_to = settings_.reply_to;
        mail.subject = message.subject.empty() ? message.text.substr(0, message.text.find('\n')) : message.subject;
        mail.text = message.text;
        mail.language = message.language;
        mail.message_id = message_id_for(message.delivery_id, message.channel, message.to, settings_.from.address);
        mail.date = std::time(nullptr);
        std::tm local{};
        if (localtime_r(&mail.date, &local)) mail.utc_offset_seconds = local.tm_gmtoff;
        return classify_smtp(transfer(message.to, format_mail(mail)), mail.message_id);
    }

private:
    SmtpExchange transfer(const std::string& to, const std::string& content) {
        SmtpExchange exchange;
        Conversation conversation{&exchange};
        Upload upload{content};
        RecipientList recipients;
        recipients.list = curl_slist_append(nullptr, ("<" + to + ">").c_str());
        char error[CURL_ERROR_SIZE] = {};

        const auto lease = handles_.take();
        CURL* curl = lease.get();
        curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(settings_.use_ssl));
        curl_easy_setopt(curl, CURLOPT_MAIL_FROM, settings_.mail_from.c_str());
        curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients.list);
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
        curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(content.size()));
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings_.timeout_seconds);
        curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, settings_.timeout_seconds);
        curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
        curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
        curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
        curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &conversation);
        if (!settings_.username.empty()) {
            curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
            curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
        }
        if (!settings_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.ca_file.c_str());

        exchange.result = curl_easy_perform(curl);
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &exchange.reply_code);
        if (exchange.result != CURLE_OK) {
            exchange.error = *error ? error : curl_easy_strerror(exchange.result);
            // libcurl keeps a connection whose answer to the message timed out: a late
            // "250" would then be read as the answer to the next message's MAIL. Shut
            // it down, so libcurl finds it dead, and the next message opens a new one.
            curl_socket_t socket = CURL_SOCKET_BAD;
            if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket) == CURLE_OK && socket != CURL_SOCKET_BAD)
                ::shutdown(socket, SHUT_RDWR);
        }
        // The handle goes back to the pool with its connection: nothing in it may point
        // into this frame when libcurl later closes that connection (QUIT is shown to
        // the debug function, errors go to the error buffer). The QUIT then waits at
        // most timeout_seconds for its answer, not libcurl's two minutes.
        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, settings_.timeout_seconds);
        return exchange;
    }

    const SmtpSettings settings_;
    CurlHandles handles_;  // one per worker at most: each keeps its SMTP session open
};

// "550 5.1.1 <a***@example.org>: Recipient address rejected": a reply names the
// recipient often; reasons and logs never hold a whole address.
std::string masked_addresses(std::string_view text) {
    static constexpr std::string_view delimiters = " \t<>()[],;:\"'";
    auto part_of_address = [](char c) { return delimiters.find(c) == std::string_view::npos; };
    std::string masked;
    size_t done = 0;
    for (size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', done)) {
        size_t begin = at;
        while (begin > done && part_of_address(text[begin - 1])) --begin;
        size_t end = at + 1;
        while (end < text.size() && part_of_address(text[end])) ++end;
        masked.append(text.substr(done, begin - done));
        masked += mask_email(text.substr(begin, end - begin));
        done = end;
    }
    masked.append(text.substr(done));
    return masked;
}

bool is_certificate_problem(CURLcode result) {
    return result == CURLE_PEER_FAILED_VERIFICATION || result == CURLE_SSL_CACERT_BADFILE ||
           result == CURLE_SSL_CERTPROBLEM || result == CURLE_SSL_ISSUER_ERROR ||
           result == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

}  // namespace

SendResult classify_smtp(const SmtpExchange& exchange, const std::string& message_id) {
    if (exchange.result == CURLE_OK) return SendResult::accepted(message_id, "queued");
    const long code = exchange.reply_code;
    std::string words = gateway_words(masked_addresses(exchange.reply));
    if (words.empty() && code > 0) words = std::to_string(code);
    const std::string server = "smtp: " + words;
    const bool temporary = code >= 400 && code < 500;

    if (exchange.result == CURLE_LOGIN_DENIED) {
        if (temporary) return SendResult::retry_later(server);
        return SendResult::misconfigured("smtp: the server refused the login" + (words.empty() ? "" : ": " + words) +
                                         "; check `username` and the password");
    }
    if (exchange.result == CURLE_USE_SSL_FAILED)
        return SendResult::misconfigured(
            "smtp: the server does not offer STARTTLS, and starttls = \"required\"; ask for TLS on the relay, or use "
            "starttls = \"off\" only on a trusted network");
    if (is_certificate_problem(exchange.result))
        return SendResult::misconfigured(
            "smtp: " + exchange.error + "; set `ca_file` to the certificate of the authority that signed the server's");
    if (temporary) return SendResult::retry_later(server);
    if (code >= 500) {
        // A refusal of this recipient or this message; any other refusal (the sender,
        // the login, the greeting) stops every message on the channel.
        if (exchange.command == "RCPT" || exchange.command == "DATA") return SendResult::permanent_failure(server);
        return SendResult::misconfigured(server + " (refused at " +
                                         (exchange.command.empty() ? "the greeting" : exchange.command) +
                                         "; check `from`, `username` and what the relay allows)");
    }
    if (exchange.result == CURLE_OPERATION_TIMEDOUT)
        return SendResult::retry_later("smtp: no answer in time: " + exchange.error);
    return SendResult::retry_later("smtp: " + (exchange.error.empty() ? std::string(curl_easy_strerror(exchange.result))
                                                                      : exchange.error));
}

AdapterInfo smtp_adapter() {
    std::vector<AdapterSetting> declared{
        {"url", "",
         "smtp://HOST:PORT (STARTTLS, see starttls) or smtps://HOST:PORT (TLS from the start); a path is the name "
         "given in EHLO: smtp://relay.gemeente.example:587/ritme.gemeente.example",
         true},
        {"from", "", "the sender, \"Name <address>\"; a neutral name tells no one what the message is about", true},
        {"reply_to", "\"\"", "where replies go, \"Name <address>\" or an address; empty: to `from`", false},
        {"starttls", "\"required\"",
         "for smtp:// URLs: required (never send without TLS), try (TLS when offered), off (plain text; loopback or "
         "a trusted network only)",
         false},
        {"username", "\"\"", "log in with this user name, the password from password_file or password_env; empty: "
                             "no login",
         false},
    };
    for (auto& secret : secret_settings("password", "SMTP login's password")) declared.push_back(std::move(secret));
    declared.push_back({"ca_file", "\"\"",
                        "a PEM file with the certificate of the authority that signed the server's; empty: the "
                        "system's CA store",
                        false});
    declared.push_back({"timeout_seconds", "30", "one message may take this long; then it is retried later", false});
    return {
        "smtp",
        "e-mail through an SMTP server or relay (libcurl): STARTTLS or SMTPS, optional login, connections kept open "
        "between messages",
        std::move(declared),
        [](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
            return std::make_unique<SmtpChannel>(read_settings(settings));
        },
    };
}

}  // namespace ritme
