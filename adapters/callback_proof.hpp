#pragma once
// How a gateway proves that a call to /receipts/CHANNEL or /inbound/CHANNEL is its own:
// a shared token compared in constant time, an HMAC signature (Twilio), a signed JWT
// (MessageBird). The digests come from OpenSSL's libcrypto.

#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// Whether a token given by a caller is the secret, in time that does not depend on
// where they differ (only on the secret's length). An empty secret matches nothing.
bool same_secret(std::string_view given, std::string_view secret);

// Raw digests (bytes, not hex).
std::string hmac_sha1(std::string_view key, std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string hmac_sha384(std::string_view key, std::string_view data);
std::string hmac_sha512(std::string_view key, std::string_view data);
// SHA-256 as 64 lower-case hex digits.
std::string sha256_hex(std::string_view data);

std::string base64_encode(std::string_view bytes);
// Standard Base64 with its padding; nothing when `text` is not Base64.
std::optional<std::string> base64_decode(std::string_view text);
// Base64url without padding (JWT); nothing when `text` is not that.
std::optional<std::string> base64url_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);

}  // namespace ritme
