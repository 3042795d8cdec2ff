#include "adapters/http/provider_callbacks.hpp"

#include "adapters/callback_proof.hpp"
#include "engine/base/utf8.hpp"
#include "engine/participants/masking.hpp"
#include "engine/store/delivery.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace ritme {
namespace {

using Json = nlohmann::json;
using Verdict = CallbackReading::Verdict;

// A provider's words kept with a report: enough to recognise, never a page.
constexpr size_t max_words = 80;
// Clocks differ a little: a JWT's nbf and exp are read with this much slack (MessageBird's
// own validators allow 1 s; a few more cost nothing, exp is minutes away).
constexpr int64_t clock_slack_seconds = 5;
// The issuer every MessageBird-Signature-JWT names ("iss", "always MessageBird"):
// https://developers.messagebird.com/docs/verify-http-requests, as MessageBird's Java
// RequestValidator checks it (github.com/messagebird/java-rest-api,
// api/src/main/java/com/messagebird/RequestValidator.java).
constexpr std::string_view messagebird_issuer = "MessageBird";

constexpr std::array<std::pair<std::string_view, CallbackProof>, 3> proofs = {{
    {"twilio-signature", CallbackProof::twilio_signature},
    {"messagebird-jwt", CallbackProof::messagebird_jwt},
    {"token", CallbackProof::url_token},
}};

constexpr std::array<std::string_view, 5> receipt_words = {
    receipt_status::delivered, receipt_status::not_delivered, receipt_status::queued,
    receipt_status::accepted_by_smsc, receipt_status::rejected_by_smsc};

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// One line of at most max_words bytes of valid UTF-8, numbers and addresses masked.
std::string words_of(std::string_view text) {
    std::string words = valid_utf8(cut_utf8(text, max_words));
    for (char& c : words)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return mask_contacts_in_text(words);
}

CallbackField read_field(TomlTableReader& r, std::string_view key, Presence presence) {
    CallbackField field;
    const toml::node* node = r.find(key, presence);
    if (!node) return field;
    std::vector<const toml::node*> items;
    if (const toml::array* array = node->as_array())
        for (const auto& item : *array) items.push_back(&item);
    else
        items.push_back(node);
    for (const toml::node* item : items) {
        const auto text = item->value<std::string>();
        if (!text || !item->is_string() || text->empty()) {
            r.error_at(key, "`" + std::string(key) + "` is not a field name, a JSON pointer or a list of them",
                       "write it like " + std::string(key) + " = \"MessageStatus\" (a form field or query "
                       "parameter) or \"/status\" (a JSON pointer into a JSON body)");
            return {};
        }
        if (text->front() == '/') {
            try {
                (void)Json::json_pointer(*text);
            } catch (const Json::exception&) {
                r.error_at(key, "`" + std::string(key) + " = \"" + *text + "\"` is not a JSON pointer",
                           "separate the steps with /, e.g. \"/status/code\"");
                continue;
            }
        }
        field.push_back(*text);
    }
    return field;
}

std::optional<CallbackProof> read_proof(TomlTableReader& r) {
    return r.choice<CallbackProof>("proof", proofs, Presence::required);
}

int64_t epoch_seconds(UtcInstant instant) {
    static const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));
    return (instant.utc - epoch).total_seconds();
}

bool is_form(const CallbackRequest& request) {
    return lower(request.header("content-type").value_or("")).rfind("application/x-www-form-urlencoded", 0) == 0;
}

// The URL Twilio called, with and without its port: Twilio's signing is not consistent
// about a default port, so its own validator tries both (twilio-node,
// src/webhooks/webhooks.ts, validateRequest).
std::vector<std::string> with_and_without_port(const std::string& url) {
    std::vector<std::string> forms{url};
    const size_t scheme_end = url.find("://");
    if (scheme_end == std::string::npos) return forms;
    const size_t host_start = scheme_end + 3;
    const size_t host_end = std::min(url.find_first_of("/?#", host_start), url.size());
    const std::string authority = url.substr(host_start, host_end - host_start);
    const size_t bracket = authority.rfind(']');
    const size_t colon = authority.rfind(':');
    const std::string scheme = lower(url.substr(0, scheme_end));
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket))
        forms.push_back(url.substr(0, host_start) + authority.substr(0, colon) + url.substr(host_end));
    else if (scheme == "https" || scheme == "http")
        forms.push_back(url.substr(0, host_end) + (scheme == "https" ? ":443" : ":80") + url.substr(host_end));
    return forms;
}

// Why X-Twilio-Signature does not prove the call, or nothing. Twilio signs the URL it
// called followed by a form body's fields sorted by name; a JSON body it does not sign
// itself: the URL it signs carries the body's SHA-256 in hex as `bodySHA256`
// (https://www.twilio.com/docs/usage/webhooks/webhooks-security; twilio-node
// validateRequestWithBody). A body covered by neither is refused: its fields would be
// read unproven.
std::optional<std::string> twilio_problem(const CallbackRequest& request, const std::string& token) {
    const auto given = request.header("x-twilio-signature");
    if (!given) return std::string("the call has no X-Twilio-Signature");
    std::vector<std::pair<std::string, std::string>> fields;
    if (const auto body_hash = request.query_value("bodySHA256")) {
        if (!same_secret(*body_hash, sha256_hex(request.body)))
            return std::string("the body does not match the bodySHA256 in the URL");
    } else if (!request.body.empty()) {
        if (request.method != "POST" || !is_form(request))
            return std::string("the call has a body that is not a form, and no bodySHA256 in the URL: the signature "
                               "does not cover it");
        fields = request.form();
    }
    for (const std::string& url : with_and_without_port(request.public_url))
        if (same_secret(*given, twilio_signature(token, url, fields))) return std::nullopt;
    return std::string("X-Twilio-Signature does not match the call");
}

// The body as JSON, when it is JSON; discarded otherwise.
Json json_body(const CallbackRequest& request) {
    const std::string type = lower(request.header("content-type").value_or(""));
    if (type.find("json") == std::string::npos) return Json(Json::value_t::discarded);
    return Json::parse(request.body, nullptr, false);
}

std::optional<std::string> value_at(const CallbackRequest& request, const Json& body, const CallbackField& field) {
    for (const auto& where : field) {
        if (where.front() == '/') {
            if (body.is_discarded()) continue;
            const Json::json_pointer pointer(where);
            if (!body.contains(pointer)) continue;
            const Json& value = body.at(pointer);
            if (value.is_string()) return value.get<std::string>();
            if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
            continue;
        }
        if (auto value = request.form_value(where)) return value;
        if (auto value = request.query_value(where)) return value;
    }
    return std::nullopt;
}

// Why the call does not prove it comes from the provider, or nothing.
std::optional<std::string> proof_problem(const std::string& preset, CallbackProof proof,
                                         const CallbackRequest& request, const CallbackSecrets& secrets) {
    switch (proof) {
        case CallbackProof::twilio_signature: {
            if (secrets.token.empty()) return preset + ": the channel has no token to check the signature with";
            if (auto problem = twilio_problem(request, secrets.token)) return preset + ": " + *problem;
            return std::nullopt;
        }
        case CallbackProof::messagebird_jwt: {
            if (secrets.callback_token.empty())
                return preset + ": the channel has no callback_token (the signing key) to check the signature with";
            const auto given = request.header("messagebird-signature-jwt");
            if (!given) return preset + ": the call has no MessageBird-Signature-JWT";
            if (auto problem = messagebird_jwt_problem(*given, secrets.callback_token, request))
                return preset + ": " + *problem;
            return std::nullopt;
        }
        case CallbackProof::url_token:
            if (secrets.callback_token.empty()) return preset + ": the channel has no callback_token";
            if (!same_secret(request.query_value("token").value_or(""), secrets.callback_token))
                return preset + ": the call's token is missing or not the channel's callback_token";
            return std::nullopt;
    }
    return preset + ": no proof";
}

}  // namespace

bool needs_callback_token(CallbackProof proof) { return proof != CallbackProof::twilio_signature; }

std::optional<ReceiptRules> read_receipt_rules(const toml::table& table, Diagnostics& diagnostics) {
    const int before = diagnostics.error_count();
    TomlTableReader r(table, "[receipt]", diagnostics);
    r.allow_only({"proof", "id", "reference", "status", "error_code", "statuses", "final_failures"});
    ReceiptRules rules;
    rules.proof = read_proof(r).value_or(CallbackProof::url_token);
    rules.id = read_field(r, "id", Presence::optional);
    rules.reference = read_field(r, "reference", Presence::optional);
    if (rules.id.empty() && rules.reference.empty() && !r.find("id"))
        r.error_at("id", "[receipt] says neither where the provider's message id is (`id`) nor ritme's (`reference`)",
                   "add id = \"MessageSid\" or reference = \"reference\"");
    rules.status = read_field(r, "status", Presence::required);
    rules.error_code = read_field(r, "error_code", Presence::optional);
    if (const toml::node* node = r.find("statuses", Presence::required)) {
        if (const toml::table* statuses = node->as_table()) {
            for (const auto& [key, value] : *statuses) {
                const auto word = value.value<std::string>();
                if (!word || std::find(receipt_words.begin(), receipt_words.end(), *word) == receipt_words.end()) {
                    std::string words;
                    for (const auto known : receipt_words) words += (words.empty() ? "\"" : ", \"") + std::string(known) + "\"";
                    diagnostics.error(position_of(value.source()),
                                      "[receipt.statuses]: `" + std::string(key.str()) + "` is not mapped to one of "
                                      "ritme's receipt words",
                                      "write one of " + words);
                    continue;
                }
                rules.statuses[lower(std::string(key.str()))] = *word;
            }
        } else {
            r.error_at("statuses", "`statuses` is not a table", "write it as [receipt.statuses]");
        }
    }
    if (const toml::node* node = r.find("final_failures")) {
        const toml::array* array = node->as_array();
        if (!array) {
            r.error_at("final_failures", "`final_failures` is not a list", "write it like final_failures = [\"failed\"]");
        } else {
            for (const auto& item : *array) {
                const auto text = item.value<std::string>();
                if (!text || !item.is_string()) {
                    r.error_at("final_failures", "`final_failures` holds " + toml_value_text(item) + ", not a status",
                               "list the provider's statuses as text");
                    continue;
                }
                const std::string status = lower(*text);
                if (!rules.statuses.contains(status))
                    r.error_at("final_failures", "final failure \"" + *text + "\" is not in [receipt.statuses]",
                               "map it there to \"not delivered\" or \"rejected by the SMS centre\"");
                rules.final_failures.push_back(status);
            }
        }
    }
    if (diagnostics.error_count() > before) return std::nullopt;
    return rules;
}

std::optional<InboundRules> read_inbound_rules(const toml::table& table, Diagnostics& diagnostics) {
    const int before = diagnostics.error_count();
    TomlTableReader r(table, "[inbound]", diagnostics);
    r.allow_only({"proof", "from", "to", "text", "id", "reply", "reply_content_type"});
    InboundRules rules;
    rules.proof = read_proof(r).value_or(CallbackProof::url_token);
    rules.from = read_field(r, "from", Presence::required);
    rules.to = read_field(r, "to", Presence::optional);
    rules.text = read_field(r, "text", Presence::required);
    rules.id = read_field(r, "id", Presence::optional);
    rules.reply = r.string("reply").value_or("");
    rules.reply_content_type = r.string("reply_content_type").value_or("");
    if (rules.reply.empty() != rules.reply_content_type.empty())
        r.error_at(rules.reply.empty() ? "reply_content_type" : "reply",
                   "`reply` and `reply_content_type` go together", "give both, or neither for a plain \"OK\"");
    if (diagnostics.error_count() > before) return std::nullopt;
    return rules;
}

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             std::vector<std::pair<std::string, std::string>> fields) {
    std::sort(fields.begin(), fields.end());
    std::string data(url);
    for (const auto& [name, value] : fields) data += name + value;
    return base64_encode(hmac_sha1(auth_token, data));
}

std::optional<std::string> messagebird_jwt_problem(std::string_view jwt, std::string_view signing_key,
                                                   const CallbackRequest& request) {
    const size_t first = jwt.find('.');
    const size_t second = first == std::string_view::npos ? first : jwt.find('.', first + 1);
    if (second == std::string_view::npos || jwt.find('.', second + 1) != std::string_view::npos)
        return std::string("the signature is not a JWT");
    const auto header_text = base64url_decode(jwt.substr(0, first));
    const auto claims_text = base64url_decode(jwt.substr(first + 1, second - first - 1));
    const auto signature = base64url_decode(jwt.substr(second + 1));
    if (!header_text || !claims_text || !signature) return std::string("the JWT is not Base64url");
    const Json header = Json::parse(*header_text, nullptr, false);
    const Json claims = Json::parse(*claims_text, nullptr, false);
    if (!header.is_object() || !claims.is_object()) return std::string("the JWT's parts are not JSON objects");
    const auto text = [](const Json& object, const char* name) -> std::optional<std::string> {
        if (!object.contains(name) || !object[name].is_string()) return std::nullopt;
        return object[name].get<std::string>();
    };
    // Only the HMACs MessageBird signs with (its validators allow HS256, HS384 and
    // HS512), keyed with the signing key: never "none", never a key the caller picks.
    const std::string signed_part(jwt.substr(0, second));
    const std::string algorithm = text(header, "alg").value_or("");
    std::string expected;
    if (algorithm == "HS256") expected = hmac_sha256(signing_key, signed_part);
    else if (algorithm == "HS384") expected = hmac_sha384(signing_key, signed_part);
    else if (algorithm == "HS512") expected = hmac_sha512(signing_key, signed_part);
    else return std::string("the JWT is not signed with HS256, HS384 or HS512");
    if (!same_secret(*signature, expected)) return std::string("the JWT's signature does not match");
    if (text(claims, "iss") != messagebird_issuer) return std::string("the JWT is not issued by MessageBird (iss)");
    const int64_t now = epoch_seconds(request.received_at);
    const auto number = [&](const char* name) -> std::optional<int64_t> {
        if (!claims.contains(name) || !claims[name].is_number()) return std::nullopt;
        return claims[name].get<int64_t>();
    };
    const auto not_before = number("nbf");
    const auto expires = number("exp");
    if (!not_before || !expires) return std::string("the JWT has no nbf or exp");
    if (now + clock_slack_seconds < *not_before) return std::string("the JWT is not valid yet");
    if (now - clock_slack_seconds >= *expires) return std::string("the JWT has expired");
    if (text(claims, "url_hash") != sha256_hex(request.public_url)) return std::string("the JWT names another URL");
    // A body needs its payload_hash; a payload_hash needs the body it names.
    if (!request.body.empty() && text(claims, "payload_hash") != sha256_hex(request.body))
        return std::string("the JWT names another body");
    if (request.body.empty() && claims.contains("payload_hash") && !claims["payload_hash"].is_null())
        return std::string("the JWT names a body but the call has none");
    return std::nullopt;
}

CallbackReading read_provider_receipt(const std::string& preset, const ReceiptRules& rules,
                                      const CallbackRequest& request, const CallbackSecrets& secrets) {
    if (auto problem = proof_problem(preset, rules.proof, request, secrets))
        return CallbackReading::refused(Verdict::forbidden, *problem);
    const Json body = json_body(request);
    const auto status = value_at(request, body, rules.status);
    if (!status || status->empty())
        return CallbackReading::refused(Verdict::bad_request, preset + ": a delivery report without its status");
    ReceiptReport report;
    const auto id = value_at(request, body, rules.id);
    const auto reference = value_at(request, body, rules.reference);
    if (id && !id->empty()) {
        report.provider_id = *id;
    } else if (reference && !reference->empty() && reference->size() <= 18 &&
               std::all_of(reference->begin(), reference->end(), [](char c) { return c >= '0' && c <= '9'; })) {
        report.delivery_id = std::stoll(*reference);
    } else {
        return CallbackReading::refused(Verdict::bad_request, preset + ": a delivery report without a message id");
    }
    if (!is_valid_utf8(report.provider_id))
        return CallbackReading::refused(Verdict::bad_request, preset + ": the message id is not UTF-8");
    const std::string word = lower(*status);
    const auto mapped = rules.statuses.find(word);
    report.status = mapped != rules.statuses.end() ? mapped->second : words_of(*status);
    report.final_failure = std::find(rules.final_failures.begin(), rules.final_failures.end(), word) !=
                           rules.final_failures.end();
    const std::string code = value_at(request, body, rules.error_code).value_or("");
    report.detail = words_of(*status + (code.empty() || code == "0" ? "" : " (code " + code + ")"));
    report.report_key = preset + ":" + word + ":" + sha256_hex(code).substr(0, 16);
    CallbackReading reading;
    reading.verdict = Verdict::read;
    reading.receipts.push_back(std::move(report));
    return reading;
}

CallbackReading read_provider_inbound(const std::string& preset, const InboundRules& rules,
                                      const CallbackRequest& request, const CallbackSecrets& secrets) {
    if (auto problem = proof_problem(preset, rules.proof, request, secrets))
        return CallbackReading::refused(Verdict::forbidden, *problem);
    const Json body = json_body(request);
    InboundText text;
    text.from = value_at(request, body, rules.from).value_or("");
    if (text.from.empty()) return CallbackReading::refused(Verdict::bad_request, preset + ": a text without its sender");
    const auto words = value_at(request, body, rules.text);
    if (!words) return CallbackReading::refused(Verdict::bad_request, preset + ": a call without the text");
    text.text = *words;
    text.to = value_at(request, body, rules.to).value_or("");
    text.provider_id = value_at(request, body, rules.id).value_or("");
    for (const std::string* part : {&text.from, &text.to, &text.text, &text.provider_id})
        if (!is_valid_utf8(*part))
            return CallbackReading::refused(Verdict::bad_request, preset + ": the text or its numbers are not UTF-8");
    CallbackReading reading;
    reading.verdict = Verdict::read;
    reading.inbound = std::move(text);
    reading.reply_body = rules.reply;
    reading.reply_content_type = rules.reply_content_type;
    return reading;
}

}  // namespace ritme
