#pragma once
// The `command` adapter: the plug for any gateway ritme has no adapter for. It runs a
// configured executable once per message, in its own process group, with a small
// environment (PATH, LANG=C.UTF-8, HOME, RITME_CHANNEL), the config file's directory as
// its working directory, and no descriptors but three pipes. Standard input carries the
// message as one line of JSON:
//
//     {"delivery_id": 42, "reference": "42", "channel": "sms", "medium": "sms",
//      "to": "+31612345678", "language": "nl", "kind": "reminder", "text": "…",
//      "encoding": "gsm7", "segments": 1}
//
// (an e-mail has "subject" instead of "encoding" and "segments"). "reference" is
// ritme's delivery id as text, the same on a resend: pass it to a provider that echoes
// one, to recognise its receipts and duplicates.
//
// The exit status says how it went: 0 sent, 75 (EX_TEMPFAIL) try again later, any other
// failed for good. On 0, standard output may name the provider's id: a JSON object with
// "id" (and optionally "status"), or else its first line; both may be empty. Otherwise
// the last non-empty line of standard error becomes the reason the lead and operator
// read, so it must say what went wrong and never echo the message or the number (ritme
// masks what looks like a phone number or an e-mail address in it, and in "status",
// before it is stored, logged or sent to a lead; bytes that are not UTF-8 in anything
// the command prints are replaced). A
// command that runs past `timeout_seconds` is stopped (SIGTERM to its process group,
// SIGKILL two seconds later) and the message retried; so is one killed by a signal. A
// command that cannot be started pauses the channel (SendResult::misconfigured).

#include "engine/channel/channel_registry.hpp"

namespace ritme {

AdapterInfo command_adapter();

}  // namespace ritme
