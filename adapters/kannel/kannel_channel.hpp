#pragma once
// SMS through Kannel's sendsms HTTP interface (libcurl, keep-alive), with delivery
// reports that carry ritme's delivery id.
//
// The text goes as UTF-8 with charset=UTF-8; coding=2 (UCS-2) when the text needs it,
// else coding=0 (GSM-7). `to` is the participant's E.164 number with its "+": Kannel's
// default sendsms-chars accept it, its SMPP client sends it as an international number,
// and the fake SMS centre of the tests receives it as given. Kannel answers 202
// "0: Accepted for delivery" or "3: Queued for later delivery"; 503 and no answer are
// temporary; 403 means the sendsms-user refused the channel's credentials, except
// "Not routable" (no SMS centre takes that number), which fails the message; other 4xx
// can never succeed for that message, but for the few every message would get.

#include "adapters/curl/http_call.hpp"
#include "engine/channel/channel_registry.hpp"
#include "engine/store/delivery.hpp"

#include <chrono>
#include <string>

namespace ritme {

// A kannel channel's settings, read and checked.
struct KannelSettings {
    std::string url;       // smsbox's sendsms URL
    std::string username;  // a sendsms-user group's username
    std::string password;
    std::string from;      // empty: the sendsms-user's default-sender
    std::string smsc;      // empty: Kannel's own routing
    int dlr_mask = 31;     // 0: no delivery reports
    // "{delivery}" stands for ritme's delivery id, "{channel}" for the channel's name,
    // "{token}" for receipt_token; "{public_url}" is already replaced by where ritme is
    // called (the daemon's public_url, else http://LISTEN).
    std::string dlr_url;
    std::string channel;        // the config's channel name
    // Proves Kannel's calls (delivery reports and participants' texts) to ritme: it rides
    // in the dlr-url and in the sms-service's get-url as `token=`. Empty: calls are read
    // unproven, which the daemon allows only while it listens on loopback.
    std::string receipt_token;
    std::chrono::seconds timeout{10};
    bool post = false;     // text in the body, other fields in X-Kannel-* headers
};

// Throws ChannelConfigError, with a hint, for settings that cannot work.
KannelSettings read_kannel_settings(const ChannelSettings& settings);

// Kannel calls the dlr-url with its own % escapes filled in; ritme's delivery id
// goes in first, so a report finds its delivery (Kannel returns no message id).
std::string kannel_dlr_url(const KannelSettings& settings, int64_t delivery_id);

// The sendsms request for one message: a GET with every field in the query, or a POST.
HttpRequest kannel_request(const KannelSettings& settings, const OutgoingMessage& message);

// Kannel's answer as a result: 2xx sent ("accepted", or "queued" for "3: Queued for
// later delivery"); 403 (but for "Not routable"), and 404 (the url is not a sendsms
// interface), and a missing sender, are the channel's config; 503, 5xx and no answer are temporary; any other
// 4xx fails that message with Kannel's words.
SendResult read_kannel_answer(const HttpResponse& response);

// Reads Kannel's call to ritme: a delivery report on the dlr-url (/receipts/CHANNEL,
// `delivery`, `type` = %d, `reply` = %A) or a participant's text from an sms-service
// (/inbound/CHANNEL, `from` = %p, `to` = %P, `text` = %b or %a, `coding` = %c, `charset`
// = %C, `id` = %I), from the query or a form body. With a receipt_token, a call without
// `token` equal to it is forbidden.
CallbackReading read_kannel_callback(const KannelSettings& settings, CallbackKind kind,
                                     const CallbackRequest& request);

// UTF-16BE (Kannel's %b of a UCS-2 text) as UTF-8, surrogate pairs joined; nothing for
// an odd length or a surrogate without its pair.
std::optional<std::string> utf16be_to_utf8(std::string_view bytes);

// Kannel's report type (the `%d` of its dlr-url, one bit of the dlr-mask) in the words
// the store keeps (receipt_status): 1 delivered to the phone, 2 not delivered, 4 queued
// on the SMS centre, 8 accepted by it, 16 rejected by it. Anything else is not a type
// Kannel sends. For the receiver of the reports.
std::optional<std::string_view> kannel_receipt_status(int dlr_type);

AdapterInfo kannel_adapter();

}  // namespace ritme
