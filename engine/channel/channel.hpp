#pragma once
// The one interface every adapter implements (DESIGN.md rule 1): the engine hands a
// rendered message to a Channel and gets a result back. A failed delivery is a result,
// not an exception (rule 4): exceptions are for bad configuration and broken state.

#include "engine/channel/callback.hpp"
#include "engine/channel/medium.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ritme {

// One message to one person, rendered and ready to go.
struct OutgoingMessage {
    int64_t delivery_id = 0;  // ritme's own id: unique per delivery, the same on a resend
    std::string channel;      // the config's channel name
    Medium medium = Medium::sms;
    std::string to;           // E.164 ("+31612345678") or an e-mail address
    std::string language;     // the language the text is in (BCP 47)
    std::string kind;         // "reminder", "appointment", "change", "alert"
    std::string subject;      // e-mail only
    std::string text;
};

// What became of one send. Made only by the named constructors below, so a path that
// forgets to decide cannot report a message as sent.
struct SendResult {
    enum class Outcome {
        sent,    // handed over: the gateway accepted or queued it
        retry,   // a temporary problem; try again later
        failed,  // can never succeed as it is (bad number, refused)
    };
    Outcome outcome;
    std::string reason;           // for retry and failed: the gateway's words, for the lead and operator
    std::string provider_id;      // the gateway's id for the message, for delivery receipts
    std::string provider_status;  // "accepted", "queued"
    std::optional<std::chrono::seconds> retry_after;  // the gateway asked to wait this long
    // The channel itself is wrong (refused credentials, a request the gateway can never
    // accept): no message can go until the operator fixes the config. The message is
    // retried; the channel pauses and the operator is told (messaging.md).
    bool channel_fault;

    static SendResult accepted(std::string provider_id = {}, std::string status = "accepted") {
        return SendResult(Outcome::sent, {}, std::move(provider_id), std::move(status), std::nullopt, false);
    }
    static SendResult retry_later(std::string reason,
                                  std::optional<std::chrono::seconds> after = std::nullopt) {
        return SendResult(Outcome::retry, std::move(reason), {}, {}, after, false);
    }
    static SendResult permanent_failure(std::string reason) {
        return SendResult(Outcome::failed, std::move(reason), {}, {}, std::nullopt, false);
    }
    static SendResult misconfigured(std::string reason) {
        return SendResult(Outcome::retry, std::move(reason), {}, {}, std::nullopt, true);
    }

private:
    SendResult(Outcome decided, std::string why, std::string gateway_id, std::string gateway_status,
               std::optional<std::chrono::seconds> wait, bool fault)
        : outcome(decided),
          reason(std::move(why)),
          provider_id(std::move(gateway_id)),
          provider_status(std::move(gateway_status)),
          retry_after(wait),
          channel_fault(fault) {}
};

// Messages ritme forgets, by delivery id only (never a name or number: the store has
// forgotten them): a person's on her erasure (`ritme participant erase`), or everyone's
// whose time passed `retention_days` (retention).
struct ForgottenMessages {
    std::string participant_id;         // the person erased; empty for retention
    std::vector<int64_t> delivery_ids;  // on any channel
};

// What a channel removed, and what it could not remove.
struct ForgetResult {
    int removed = 0;                    // items (files, records) removed
    std::vector<std::string> problems;  // "cannot remove /var/lib/ritme/outbox/12.txt: Permission denied"
};

class Channel {
public:
    virtual ~Channel() = default;
    // Removes what this channel itself keeps of these messages (its copies of them), on
    // an erasure or past retention. Most channels keep nothing: the message left ritme
    // with the send, and what a gateway keeps is the operator's to ask the provider about.
    virtual ForgetResult forget(const ForgottenMessages& messages) {
        (void)messages;
        return {};
    }
    // Sends one message and says how it went. Called on the dispatcher's worker
    // threads, at most `concurrency` calls at once for one channel, so an adapter that
    // keeps a connection keeps one per thread or guards it.
    virtual SendResult send(const OutgoingMessage& message) = 0;
    // Reads a gateway's call to /receipts/CHANNEL or /inbound/CHANNEL: proves it comes
    // from the gateway, then reads its reports or the participant's text. Called on the
    // daemon's loop thread; it must not block (no network, no disk). A channel whose
    // gateway calls nothing keeps the default: not handled (404).
    virtual CallbackReading read_callback(CallbackKind kind, const CallbackRequest& request) const {
        (void)kind;
        (void)request;
        return CallbackReading::refused(CallbackReading::Verdict::not_handled, "this channel takes no such call");
    }
    // Whether read_callback would read a call without proof that it comes from the
    // gateway (a Kannel channel without a receipt token): allowed only while the daemon
    // listens on loopback, where only this machine can call.
    virtual bool reads_unproven_callbacks() const { return false; }
};

}  // namespace ritme
