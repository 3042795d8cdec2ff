#pragma once
// Secrets handed to a person's browser (sign-in links, session cookies) and what ritme
// keeps of them: 32 random bytes from OpenSSL's RAND_bytes, written as 64 hex digits;
// stored only as their SHA-256, so a copy of the database signs nobody in.

#include <string>
#include <string_view>

// In their own namespace: adapters/callback_proof has a sha256_hex of its own.
namespace ritme::secret_token {

// 32 random bytes as 64 lower-case hex digits. Throws std::runtime_error when the
// system has no randomness to give (never silently weaker).
std::string random();

// SHA-256 of `text`, as 64 lower-case hex digits.
std::string sha256_hex(std::string_view text);

// HMAC-SHA-256 of `text` under `key`, as 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view text);

}  // namespace ritme::secret_token
