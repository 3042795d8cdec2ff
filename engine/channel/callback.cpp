#include "engine/channel/callback.hpp"

#include <algorithm>
#include <cctype>

namespace ritme {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// application/x-www-form-urlencoded: '+' is a space, %XX a byte; a broken escape is
// kept as it stands (the adapter decides whether what it reads makes sense).
std::string form_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<std::string> first_value(const std::vector<std::pair<std::string, std::string>>& pairs,
                                       std::string_view name) {
    for (const auto& [key, value] : pairs)
        if (key == name) return value;
    return std::nullopt;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> decode_form(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> pairs;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view part = text.substr(start, end - start);
        if (!part.empty()) {
            const size_t equals = part.find('=');
            if (equals == std::string_view::npos)
                pairs.emplace_back(form_decode(part), std::string());
            else
                pairs.emplace_back(form_decode(part.substr(0, equals)), form_decode(part.substr(equals + 1)));
        }
        start = end + 1;
    }
    return pairs;
}

std::optional<std::string> CallbackRequest::header(std::string_view name) const {
    return first_value(headers, lower(name));
}

std::optional<std::string> CallbackRequest::query_value(std::string_view name) const {
    return first_value(query, name);
}

std::vector<std::pair<std::string, std::string>> CallbackRequest::form() const {
    const std::string type = lower(header("content-type").value_or(""));
    if (type.rfind("application/x-www-form-urlencoded", 0) != 0) return {};
    return decode_form(body);
}

std::optional<std::string> CallbackRequest::form_value(std::string_view name) const {
    return first_value(form(), name);
}

}  // namespace ritme
