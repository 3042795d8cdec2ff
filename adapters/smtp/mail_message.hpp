#pragma once
// One e-mail as RFC 5322 and MIME want it: a Date, a Message-ID, From and To, the
// subject as RFC 2047 encoded words when it is not plain ASCII, a text/plain UTF-8
// body in quoted-printable, CRLF line ends throughout. A line break in a header value
// becomes a space, so no value can start a header of its own.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// "Programma <noreply@gemeente.example>": a display name (UTF-8, may be empty) and an address.
struct Mailbox {
    std::string name;
    std::string address;
};

// A plain ASCII address, local@domain: printable, no spaces, none of the characters
// that delimit addresses in a header or an SMTP command (<>()[],;:\"), one @ with
// something on both sides, a domain of letters, digits, dashes and dots.
bool is_mail_address(std::string_view text);

// Reads "Name <address>", "\"Name\" <address>" or a bare address. Nothing when there
// is no address in it or the address is not one by is_mail_address.
std::optional<Mailbox> parse_mailbox(std::string_view text);

// "gemeente.example" for "noreply@gemeente.example".
std::string_view domain_of(std::string_view address);

struct MailMessage {
    Mailbox from;
    std::string to;                   // an address
    std::optional<Mailbox> reply_to;
    std::string subject;              // UTF-8, one line
    std::string text;                 // UTF-8, lines separated by "\n" or "\r\n"
    std::string message_id;           // "<…@…>"
    std::string language;             // "nl", or "nl+en" after a fallback; empty: no Content-Language
    std::time_t date = 0;             // when it is sent
    long utc_offset_seconds = 0;      // of the Date header: the server's local offset, or 0
};

// The whole message, headers and body, with CRLF line ends.
std::string format_mail(const MailMessage& message);

// "Subject: …\r\n": plain printable ASCII as it is, folded at spaces before column 78;
// any other text as UTF-8 base64 encoded words of at most 75 characters, one per
// folded line, never splitting a character.
std::string unstructured_header(std::string_view name, std::string_view value);

// "Programma <noreply@gemeente.example>" for a header: the name as atoms, a quoted
// string or encoded words, whichever it needs.
std::string format_mailbox(const Mailbox& mailbox);

// Quoted-printable (RFC 2045) with CRLF line ends: lines of at most 76 characters,
// soft breaks never inside a character, the body ending in CRLF.
std::string quoted_printable(std::string_view text);

// "Tue, 12 Jan 2027 08:31:00 +0100" (RFC 5322 date-time, English names as the RFC wants).
std::string mail_date(std::time_t when, long utc_offset_seconds);

// "<42.9f3a2c7d10e4b6a8.ritme@gemeente.example>": the delivery id, then a digest of the
// channel, the recipient and the sender, so it is the same on every resend of one
// delivery (a receiver can drop the duplicates of an at-least-once delivery) and
// differs between installations that number their deliveries alike.
std::string message_id_for(int64_t delivery_id, std::string_view channel, std::string_view recipient,
                           std::string_view from_address);

// The text with every run of CR and LF replaced by one space and other control
// characters (but tab) left out: safe as a header value.
std::string header_value(std::string_view text);

}  // namespace ritme
