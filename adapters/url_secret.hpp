#pragma once
// A secret written inside a gateway's URL (DESIGN.md rule 7: secrets come from files or
// the environment, never from the config text): `https://user:password@host/…`, or a
// query parameter that names one (`?password=…`, `&apikey=…`). Such a URL is refused
// when the config or a provider preset is read; the secret goes in `password_file` or
// `token_file`, from where the adapter adds it to each request. A value that is only
// template tags (`?key={{token}}` in a preset) or placeholders (`&token={token}` in Kannel's
// dlr_url) names the secret, it does not hold it.

#include "engine/channel/channel_registry.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ritme {

inline constexpr std::string_view secret_in_url_hint =
    "put it in password_file / token_file (or password_env / token_env); the adapter adds it to each request";

// What in `url` holds a secret ("a password in its user:password@ part", "the query
// parameter `token`"), or nothing. Never the secret itself.
std::optional<std::string> secret_in_url(std::string_view url);

// Throws ChannelConfigError at `key` when its value is a URL holding a secret; the
// message does not repeat the URL.
void refuse_secret_in_url(const ChannelSettings& settings, const std::string& key);

}  // namespace ritme
