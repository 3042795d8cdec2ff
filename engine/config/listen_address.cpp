#include "engine/config/listen_address.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace ritme {

std::optional<ListenAddress> ListenAddress::parse(std::string_view text) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const std::string_view digits = text.substr(colon + 1);
    unsigned port = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || port > 65535)
        return std::nullopt;
    std::string_view host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty() || host.find_first_of("[] /") != std::string_view::npos) return std::nullopt;
    return ListenAddress{std::string(host), static_cast<uint16_t>(port)};
}

bool ListenAddress::is_loopback() const {
    if (host == "localhost") return true;
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(host, error);
    return !error && address.is_loopback();
}

std::string ListenAddress::local_url() const {
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(host, error);
    std::string name = host;
    if (!error && address.is_unspecified()) name = address.is_v6() ? "::1" : "127.0.0.1";
    const bool v6 = name.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + name + "]" : name) + ":" + std::to_string(port);
}

}  // namespace ritme
