#pragma once
// E-mail through an SMTP server (libcurl): STARTTLS or SMTPS, optional login, one connection reused across a batch.
//
// Each message is an RFC 5322 message (mail_message.hpp) with a Message-ID made from
// the delivery id, so a resend carries the same id. How a send ends:
//   accepted by the relay            → sent, provider id the Message-ID, status "queued"
//   no connection, a timeout, a 4xx  → retry, with the server's words
//   a 5xx to RCPT or DATA            → failed, with the server's code and words
//   a refused login, any other 5xx, STARTTLS required but not offered, a certificate
//   that does not verify             → misconfigured: retried, and the channel pauses

#include "engine/channel/channel_registry.hpp"

#include <curl/curl.h>

#include <string>

namespace ritme {

AdapterInfo smtp_adapter();

// How one SMTP exchange ended, as the channel saw it.
struct SmtpExchange {
    CURLcode result = CURLE_OK;
    long reply_code = 0;      // the server's last reply code (CURLINFO_RESPONSE_CODE); 0: none
    std::string command;      // the last command sent: "EHLO", "AUTH", "MAIL", "RCPT", "DATA", …; empty: none
    std::string reply;        // the server's last reply line, "550 5.1.1 mailbox unavailable"
    std::string error;        // libcurl's words for the failure
};

// The result the rules above give; `message_id` becomes the provider id of a sent message.
SendResult classify_smtp(const SmtpExchange& exchange, const std::string& message_id);

}  // namespace ritme
