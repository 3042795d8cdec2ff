#pragma once
// A lead's access to the daemon's pages: signing in with a one-time link, her session
// cookie, signing out, and what the page routes ask of every request: who is signed in,
// may she see this programme, does the form carry her session's CSRF token.
//
// GET /signin?token=… only shows a button: mail scanners fetch links, and a GET must not
// use one up. POST /signin with a good link starts a session: cookie ritme_session
// (HttpOnly, SameSite=Strict, Path=/, Max-Age; Secure when public_url is https), 303 to /.
// A session lasts session_idle_limit without requests, session_lifetime at most
// (engine/changes/lead_changes.hpp). Tokens and cookies never reach the log: the server
// logs paths without their query, and no answer's `problem` names one.

#include "engine/http/http_server.hpp"
#include "engine/store/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace ritme {

inline constexpr std::string_view session_cookie_name = "ritme_session";

class LeadAccess {
public:
    explicit LeadAccess(Store& store) : store_(store) {}

    // Answers GET /, GET and POST /signin, POST /signout; nothing for other paths.
    // Throws StoreError (StoreBusy) when the database cannot be read or written.
    std::optional<HttpAnswer> answer(const CallbackRequest& request);

    struct SignedIn {
        StoredLead lead;
        std::string session_token;
    };
    // The lead whose live session the request's cookie names.
    std::optional<SignedIn> signed_in(const CallbackRequest& request);
    // The signed-in lead when she leads `programme_id`; else the answer to give: 401
    // (not signed in: a page saying to ask for a link) or 403 (not her programme).
    std::variant<SignedIn, HttpAnswer> lead_of_programme(const CallbackRequest& request,
                                                         std::string_view programme_id);

    // The session's CSRF token for its forms: HMAC-SHA-256 of a fixed label under the
    // session's own secret. It differs per session, needs nothing stored, and only
    // someone holding the cookie can make it.
    static std::string csrf_token(const SignedIn& session);
    // Whether the form's `csrf` field is the session's token (compared in constant time).
    static bool csrf_valid(const SignedIn& session, const CallbackRequest& request);

private:
    HttpAnswer sign_in(const CallbackRequest& request);
    HttpAnswer sign_out(const CallbackRequest& request);
    HttpAnswer home(const CallbackRequest& request);

    Store& store_;
};

// The value of the cookie `name` in the request's Cookie header(s), or nothing.
std::optional<std::string> cookie_value(const CallbackRequest& request, std::string_view name);

}  // namespace ritme
