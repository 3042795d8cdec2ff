#pragma once
// A provider's calls to ritme, as its preset declares them (the [receipt] and [inbound]
// tables of config/providers/*.toml): how the call proves it comes from the provider,
// where its message id, status and error code are, which statuses mean what to ritme,
// and where a participant's text, sender and receiver are.

#include "engine/base/toml_reader.hpp"
#include "engine/channel/callback.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ritme {

// How a provider proves that a call is its own.
enum class CallbackProof {
    // X-Twilio-Signature: Base64(HMAC-SHA1(the channel's token, the public URL followed by
    // each POST field's name and value, sorted by name)); a JSON body is covered by its
    // SHA-256 (hex) in the URL's bodySHA256, the URL then signed alone.
    twilio_signature,
    // MessageBird-Signature-JWT: a JWT signed HS256 (or HS384, HS512) with the channel's
    // callback_token (the signing key), issued by "MessageBird" (iss), valid at the time
    // of the call (nbf, exp), naming the URL called (url_hash) and the body, when there
    // is one (payload_hash), each as SHA-256 in hex.
    messagebird_jwt,
    // The provider signs nothing: `token` in the query equals the channel's callback_token.
    url_token,
};

// Where one value is in a call, tried in order: "/status/code" is a JSON pointer into a
// JSON body; anything else names a form field, else a query parameter.
using CallbackField = std::vector<std::string>;

struct ReceiptRules {
    CallbackProof proof = CallbackProof::url_token;
    CallbackField id;          // the provider's id for the message (as its send answer gave it)
    CallbackField reference;   // ritme's delivery id, when the provider echoes it
    CallbackField status;
    CallbackField error_code;
    // The provider's status (lower case) → ritme's words (receipt_status); a status not
    // listed is kept in the provider's own word.
    std::map<std::string, std::string, std::less<>> statuses;
    std::vector<std::string> final_failures;  // statuses after which the message never arrives
};

struct InboundRules {
    CallbackProof proof = CallbackProof::url_token;
    CallbackField from;
    CallbackField to;
    CallbackField text;
    CallbackField id;
    std::string reply;               // what the provider expects back; empty: "OK"
    std::string reply_content_type;  // with `reply`
};

// The channel's secrets a proof may need.
struct CallbackSecrets {
    std::string token;           // the channel's API token (Twilio's Auth Token)
    std::string callback_token;  // the URL token, or MessageBird's signing key
};

// Whether a proof needs the channel's callback_token (else its token).
bool needs_callback_token(CallbackProof proof);

// The [receipt] and [inbound] tables of a preset; problems go to the reader's diagnostics.
std::optional<ReceiptRules> read_receipt_rules(const toml::table& table, Diagnostics& diagnostics);
std::optional<InboundRules> read_inbound_rules(const toml::table& table, Diagnostics& diagnostics);

// A call read by the rules; `preset` names the provider in problems.
CallbackReading read_provider_receipt(const std::string& preset, const ReceiptRules& rules,
                                      const CallbackRequest& request, const CallbackSecrets& secrets);
CallbackReading read_provider_inbound(const std::string& preset, const InboundRules& rules,
                                      const CallbackRequest& request, const CallbackSecrets& secrets);

// Twilio's signature of a call: Base64 of HMAC-SHA1 over the URL and the sorted fields.
std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             std::vector<std::pair<std::string, std::string>> fields);

// Why a MessageBird-Signature-JWT does not prove this call, or nothing when it does.
std::optional<std::string> messagebird_jwt_problem(std::string_view jwt, std::string_view signing_key,
                                                   const CallbackRequest& request);

}  // namespace ritme
