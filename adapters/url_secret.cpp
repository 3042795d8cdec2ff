#include "adapters/url_secret.hpp"

#include <algorithm>
#include <array>

namespace ritme {
namespace {

// Query parameters that hold a credential at the gateways ritme talks to and the
// usual names elsewhere; compared in lower case with '-' read as '_'.
constexpr std::array<std::string_view, 22> secret_parameters = {
    "password",   "passwd",       "pass",          "pwd",        "token",      "access_token",
    "auth_token", "api_token",    "key",           "apikey",     "api_key",    "access_key",
    "accesskey",  "secret",       "client_secret", "secret_key", "signature",  "sig",
    "auth",       "authorization", "credentials",  "private_key"};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// A parameter's name as compared: percent-decoded, lower case, '-' as '_'.
std::string normalised_name(std::string_view name) {
    std::string normal;
    for (size_t at = 0; at < name.size(); ++at) {
        char c = name[at];
        if (c == '%' && at + 2 < name.size() && hex_value(name[at + 1]) >= 0 && hex_value(name[at + 2]) >= 0) {
            c = static_cast<char>(hex_value(name[at + 1]) * 16 + hex_value(name[at + 2]));
            at += 2;
        }
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == '-') c = '_';
        normal += c;
    }
    return normal;
}

bool names_a_secret(std::string_view name) {
    const std::string normal = normalised_name(name);
    if (std::find(secret_parameters.begin(), secret_parameters.end(), normal) != secret_parameters.end()) return true;
    for (const std::string_view ending : {"password", "_token", "_secret", "_apikey", "_api_key"})
        if (normal.ends_with(ending)) return true;
    return false;
}

// Whether `value` is written out: not empty, and not only Mustache tags, the adapters'
// own placeholders ({token}) and blanks.
bool written_out(std::string_view value) {
    while (!value.empty()) {
        if (value.front() == ' ') {
            value.remove_prefix(1);
            continue;
        }
        if (value.front() == '{' && !value.starts_with("{{")) {
            const size_t close = value.find('}');
            if (close == std::string_view::npos) return true;
            value.remove_prefix(close + 1);
            continue;
        }
        if (!value.starts_with("{{")) return true;
        const size_t close = value.find("}}");
        if (close == std::string_view::npos) return true;
        value.remove_prefix(close + 2);
        if (value.starts_with("}")) value.remove_prefix(1);  // {{{name}}}
    }
    return false;
}

}  // namespace

std::optional<std::string> secret_in_url(std::string_view url) {
    const size_t scheme = url.find("://");
    const size_t authority_start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const size_t authority_end = std::min(url.find_first_of("/?#", authority_start), url.size());
    const std::string_view authority = url.substr(authority_start, authority_end - authority_start);
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        if (const size_t colon = userinfo.find(':'); colon != std::string_view::npos &&
                                                       written_out(userinfo.substr(colon + 1)))
            return std::string("a password in its user:password@ part");
    }
    const size_t query_start = url.find('?', authority_end);
    if (query_start == std::string_view::npos) return std::nullopt;
    std::string_view query = url.substr(query_start + 1);
    query = query.substr(0, query.find('#'));
    while (!query.empty()) {
        const size_t end = std::min(query.find_first_of("&;"), query.size());
        const std::string_view parameter = query.substr(0, end);
        const size_t equals = parameter.find('=');
        const std::string_view name = parameter.substr(0, equals);
        if (equals != std::string_view::npos && names_a_secret(name) && written_out(parameter.substr(equals + 1)))
            return "the query parameter `" + std::string(name) + "`";
        query.remove_prefix(std::min(end + 1, query.size()));
    }
    return std::nullopt;
}

void refuse_secret_in_url(const ChannelSettings& settings, const std::string& key) {
    if (const auto where = secret_in_url(settings.get(key)))
        throw settings.error_at(key, "`" + key + "` holds a secret in the config text (" + *where + "); " +
                                         std::string(secret_in_url_hint));
}

}  // namespace ritme
