#pragma once
// One HTTP request from the bytes a client sent to what the routes read: Beast's parser
// with the server's limits, then the request made into a CallbackRequest (path decoded,
// query decoded, header names lower-case), or the reason it is refused with a 400. The
// server (http_server.cpp) reads a connection with these; the fuzz target
// http_request reads its input with them, so what it finds is what a client could reach.

#include "engine/channel/callback.hpp"
#include "engine/http/http_server.hpp"
#include "engine/time/instant.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>
#include <string_view>
#include <variant>

namespace ritme {

using HttpRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Header and body limits (431 and 413 when passed) set on a fresh parser.
void limit_request(HttpRequestParser& parser, const HttpLimits& limits);

// Why a parsed request cannot be handed to the routes: its status (400) and the reason
// for the log.
struct RequestRefusal {
    unsigned status = 400;
    std::string problem;
};

// The request as the routes read it; its body is moved out of `request`. `base_url` is
// what public_url starts with, `now` when it was received.
std::variant<CallbackRequest, RequestRefusal> callback_request_of(
    boost::beast::http::request<boost::beast::http::string_body>& request, std::string_view base_url,
    UtcInstant now);

}  // namespace ritme
