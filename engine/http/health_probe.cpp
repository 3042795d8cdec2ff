#include "engine/http/health_probe.hpp"

#include "engine/config/listen_address.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace ritme {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::string_view name_of(HealthProbe::State state) {
    switch (state) {
    case HealthProbe::State::running: return "running";
    case HealthProbe::State::unhealthy: return "unhealthy";
    case HealthProbe::State::not_running: return "not running";
    }
    return "unknown";
}

HealthProbe probe_health(const std::string& listen, const std::string& token, std::chrono::milliseconds timeout) {
    HealthProbe probe;
    const auto address = ListenAddress::parse(listen);
    if (!address) {
        probe.detail = "listen is not a host and port";
        return probe;
    }
    std::string host = address->host == "localhost" ? "127.0.0.1" : address->host;
    if (host == "0.0.0.0") host = "127.0.0.1";
    if (host == "::") host = "::1";
    boost::system::error_code error;
    const auto ip = asio::ip::make_address(host, error);
    if (error) {
        probe.detail = "listen is not an IP address";
        return probe;
    }

    asio::io_context io;
    boost::beast::tcp_stream stream(io);
    boost::beast::flat_buffer buffer;
    http::request<http::empty_body> request(http::verb::get, "/healthz", 11);
    request.set(http::field::host, listen);
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    http::response<http::string_body> response;
    stream.expires_after(timeout);
    stream.async_connect(asio::ip::tcp::endpoint(ip, address->port), [&](boost::system::error_code connected) {
        if (connected) {
            probe.detail = "nothing answers on " + listen + " (" + connected.message() + ")";
            return;
        }
        http::async_write(stream, request, [&](boost::system::error_code written, size_t) {
            if (written) {
                probe.detail = "writing to " + listen + ": " + written.message();
                return;
            }
            http::async_read(stream, buffer, response, [&](boost::system::error_code e, size_t) {
                if (e) {
                    probe.detail = "no answer from " + listen + ": " + e.message();
                    return;
                }
                std::string body = response.body();
                while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) body.pop_back();
                if (body.size() > 200) body.resize(200);
                probe.state = response.result_int() == 200 ? HealthProbe::State::running : HealthProbe::State::unhealthy;
                probe.detail = response.result_int() == 200 ? body
                                                            : std::to_string(response.result_int()) + " " + body;
            });
        });
    });
    io.run();
    return probe;
}

}  // namespace ritme
