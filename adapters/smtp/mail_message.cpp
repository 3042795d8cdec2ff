#include "adapters/smtp/mail_message.hpp"

#include "engine/base/text.hpp"
#include "engine/base/utf8.hpp"

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace ritme {
namespace {

constexpr size_t max_line = 78;  // RFC 5322: a header line SHOULD stay within 78 characters
// UTF-8 bytes per encoded word: 42 bytes are 56 base64 characters, so a word is 68
// characters (RFC 2047 allows 75) and "Reply-To: " plus one word stays within 78.
constexpr size_t encoded_word_bytes = 42;
constexpr size_t qp_line = 76;  // RFC 2045: encoded lines of at most 76 characters

bool is_printable_ascii(char c) { return c >= 0x20 && c < 0x7F; }

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// RFC 5322 atext: what a display name may hold without quotes.
bool is_atext(char c) {
    static constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return is_alnum(c) || specials.find(c) != std::string_view::npos;
}

std::string base64(std::string_view bytes) {
    using namespace boost::archive::iterators;
    using Encoder = base64_from_binary<transform_width<const char*, 6, 8>>;
    std::string encoded(Encoder(bytes.data()), Encoder(bytes.data() + bytes.size()));
    encoded.append((3 - bytes.size() % 3) % 3, '=');
    return encoded;
}

// Printable ASCII that no reader mistakes for an encoded word, with no word too long to fold.
bool is_plain_header_text(std::string_view text) {
    size_t word = 0;
    for (const char c : text) {
        if (!is_printable_ascii(c) && c != '\t') return false;
        word = (c == ' ' || c == '\t') ? 0 : word + 1;
        if (word > max_line - 10) return false;
    }
    return text.find("=?") == std::string_view::npos;
}

// RFC 2047 "B" encoded words, each holding whole UTF-8 characters.
std::vector<std::string> encoded_words(std::string_view text) {
    std::vector<std::string> words;
    size_t start = 0;
    while (start < text.size()) {
        // Whole characters; a byte that is not UTF-8 is a character of its own.
        const size_t end = start + cut_utf8(text.substr(start), encoded_word_bytes).size();
        words.push_back("=?UTF-8?B?" + base64(text.substr(start, end - start)) + "?=");
        start = end;
    }
    return words;
}

std::string join_folded(const std::vector<std::string>& words) {
    std::string joined;
    for (size_t i = 0; i < words.size(); ++i) {
        if (i) joined += "\r\n ";
        joined += words[i];
    }
    return joined;
}

// Plain text folded at spaces: unfolding (removing each CRLF) gives the value back.
std::string folded_plain(std::string_view name, std::string_view value) {
    std::string out;
    std::string line(name);
    line += ':';
    size_t start = 0;
    bool first = true;
    while (start <= value.size()) {
        const size_t space = value.find(' ', start);
        const std::string_view word = value.substr(start, space == std::string_view::npos ? std::string_view::npos
                                                                                          : space - start);
        const bool fits = line.size() + 1 + word.size() <= max_line;
        if (!first && !word.empty() && !fits) {
            out += line + "\r\n";
            line.clear();
        }
        line += ' ';
        line += word;
        first = false;
        if (space == std::string_view::npos) break;
        start = space + 1;
    }
    return out + line + "\r\n";
}

std::string hex_byte(unsigned char c) {
    static constexpr char digits[] = "0123456789ABCDEF";
    return {'=', digits[c >> 4], digits[c & 15]};
}

// One line of text (no line break in it) as quoted-printable lines.
void encode_qp_line(std::string_view line, std::string& out) {
    size_t column = 0;
    size_t i = 0;
    while (i < line.size()) {
        // One character at a time (a code point's bytes, or one malformed sequence), so a
        // soft break never falls inside a character.
        const size_t end = i + decode_utf8(line, i).length;
        std::string unit;
        for (size_t j = i; j < end; ++j) {
            const char c = line[j];
            const bool last = j + 1 == line.size();
            const bool literal = (c > 0x20 && c < 0x7F && c != '=') || ((c == ' ' || c == '\t') && !last);
            unit += literal ? std::string(1, c) : hex_byte(static_cast<unsigned char>(c));
        }
        // A soft break is "=" at the end of a line, so a line holds 75 characters before it.
        if (column + unit.size() > qp_line - 1) {
            out += "=\r\n";
            column = 0;
        }
        out += unit;
        column += unit.size();
        i = end;
    }
}

}  // namespace

bool is_mail_address(std::string_view text) {
    static constexpr std::string_view delimiters = "<>()[],;:\\\"@";
    const size_t at = text.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == text.size()) return false;
    for (const char c : text.substr(0, at))
        if (!is_printable_ascii(c) || c == ' ' || delimiters.find(c) != std::string_view::npos) return false;
    const std::string_view domain = text.substr(at + 1);
    if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos) return false;
    for (const char c : domain)
        if (!is_alnum(c) && c != '-' && c != '.') return false;
    return true;
}

std::optional<Mailbox> parse_mailbox(std::string_view text) {
    text = trim(text);
    Mailbox mailbox;
    if (!text.empty() && text.back() == '>') {
        const size_t open = text.rfind('<');
        if (open == std::string_view::npos) return std::nullopt;
        mailbox.address = std::string(trim(text.substr(open + 1, text.size() - open - 2)));
        std::string_view name = trim(text.substr(0, open));
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
            name = name.substr(1, name.size() - 2);
            for (size_t i = 0; i < name.size(); ++i) {
                if (name[i] == '\\' && i + 1 < name.size()) ++i;
                mailbox.name += name[i];
            }
        } else {
            mailbox.name = std::string(name);
        }
        mailbox.name = header_value(mailbox.name);
    } else {
        mailbox.address = std::string(text);
    }
    if (!is_mail_address(mailbox.address)) return std::nullopt;
    return mailbox;
}

std::string_view domain_of(std::string_view address) {
    const size_t at = address.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

std::string header_value(std::string_view text) {
    std::string value;
    value.reserve(text.size());
    bool in_break = false;
    for (const char c : text) {
        if (c == '\r' || c == '\n') {
            if (!in_break) value += ' ';
            in_break = true;
            continue;
        }
        in_break = false;
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) continue;
        value += c;
    }
    return value;
}

std::string unstructured_header(std::string_view name, std::string_view value) {
    const std::string clean = header_value(value);
    if (is_plain_header_text(clean)) return folded_plain(name, clean);
    return std::string(name) + ": " + join_folded(encoded_words(clean)) + "\r\n";
}

std::string format_mailbox(const Mailbox& mailbox) {
    const std::string name(trim(header_value(mailbox.name)));
    const std::string address = "<" + header_value(mailbox.address) + ">";
    if (name.empty()) return address;
    bool ascii = true;
    bool atoms = true;
    for (const char c : name) {
        ascii = ascii && (is_printable_ascii(c) || c == '\t');
        atoms = atoms && (is_atext(c) || c == ' ');
    }
    if (!ascii || name.find("=?") != std::string::npos) return join_folded(encoded_words(name)) + " " + address;
    if (atoms) return name + " " + address;
    std::string quoted = "\"";
    for (const char c : name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\" " + address;
}

std::string quoted_printable(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8 + 8);
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        encode_qp_line(line, out);
        out += "\r\n";
        start = end + 1;
    }
    return out;
}

std::string mail_date(std::time_t when, long utc_offset_seconds) {
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t local = when + utc_offset_seconds;
    std::tm tm{};
    gmtime_r(&local, &tm);
    const long offset = std::labs(utc_offset_seconds) / 60;
    char text[64];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  utc_offset_seconds < 0 ? '-' : '+', offset / 60, offset % 60);
    return text;
}

std::string message_id_for(int64_t delivery_id, std::string_view channel, std::string_view recipient,
                           std::string_view from_address) {
    // FNV-1a, 64 bits: the same digest in every build, unlike std::hash.
    uint64_t digest = 0xcbf29ce484222325ULL;
    for (const std::string_view part : {channel, recipient, from_address}) {
        for (const char c : part) {
            digest ^= static_cast<unsigned char>(c);
            digest *= 0x100000001b3ULL;
        }
        digest ^= 0xFF;  // a separator no text byte of the parts can be
        digest *= 0x100000001b3ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(digest));
    std::string domain(domain_of(from_address));
    if (domain.empty()) domain = "localhost";
    return "<" + std::to_string(delivery_id) + "." + hex + ".ritme@" + domain + ">";
}

std::string format_mail(const MailMessage& message) {
    std::string mail;
    mail.reserve(message.text.size() * 2 + 1024);
    mail += "Date: " + mail_date(message.date, message.utc_offset_seconds) + "\r\n";
    mail += "From: " + format_mailbox(message.from) + "\r\n";
    mail += "To: " + header_value(message.to) + "\r\n";
    if (message.reply_to) mail += "Reply-To: " + format_mailbox(*message.reply_to) + "\r\n";
    mail += "Message-ID: " + header_value(message.message_id) + "\r\n";
    mail += unstructured_header("Subject", trim(header_value(message.subject)));
    mail += "MIME-Version: 1.0\r\n";
    mail += "Content-Type: text/plain; charset=UTF-8\r\n";
    mail += "Content-Transfer-Encoding: quoted-printable\r\n";
    // "nl+en" after a fallback: both languages, in the order they appear (RFC 3282).
    std::string languages;
    bool language_ok = !message.language.empty();
    for (const char c : message.language) {
        if (c == '+') languages += ", ";
        else if (is_alnum(c) || c == '-') languages += c;
        else language_ok = false;
    }
    if (language_ok) mail += "Content-Language: " + languages + "\r\n";
    // RFC 3834: no vacation or out-of-office replies to a reminder; the second header
    // is what Microsoft Exchange reads for the same.
    mail += "Auto-Submitted: auto-generated\r\n";
    mail += "X-Auto-Response-Suppress: All\r\n";
    mail += "\r\n";
    mail += quoted_printable(message.text);
    return mail;
}

}  // namespace ritme
