#include "engine/http/lead_access.hpp"

#include "engine/base/secret_token.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/changes/lead_changes.hpp"
#include "engine/changes/session_roster.hpp"
#include "engine/http/http_routes.hpp"
#include "engine/http/lead_pages.hpp"

namespace ritme {

namespace {

HttpAnswer wrong_method(std::string_view allowed) {
    HttpAnswer answer = HttpAnswer::text(405, "method not allowed\n", "method not allowed");
    answer.headers.emplace_back("Allow", std::string(allowed));
    return answer;
}

HttpAnswer see_other(std::string location) {
    HttpAnswer answer = HttpAnswer::text(303, "");
    answer.headers.emplace_back("Location", std::move(location));
    answer.headers.emplace_back("Cache-Control", "no-store");
    return answer;
}

// Secure when people reach ritme over https (behind its reverse proxy).
std::string cookie(const CallbackRequest& request, std::string_view value, long max_age_seconds) {
    std::string text = std::string(session_cookie_name) + "=" + std::string(value) +
                       "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age_seconds);
    if (request.public_url.starts_with("https://")) text += "; Secure";
    return text;
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

std::optional<std::string> cookie_value(const CallbackRequest& request, std::string_view name) {
    for (const auto& [header, value] : request.headers) {
        if (header != "cookie") continue;
        std::string_view rest = value;
        while (!rest.empty()) {
            const size_t end = rest.find(';');
            const std::string_view pair = trimmed(rest.substr(0, end));
            rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
            const size_t equals = pair.find('=');
            if (equals != std::string_view::npos && trimmed(pair.substr(0, equals)) == name)
                return std::string(trimmed(pair.substr(equals + 1)));
        }
    }
    return std::nullopt;
}

std::optional<HttpAnswer> LeadAccess::answer(const CallbackRequest& request) {
    const std::string& path = request.path;
    if (path == "/") return request.method == "GET" ? home(request) : wrong_method("GET");
    if (path == "/signin") {
        if (request.method == "GET") {
            const auto token = request.query_value("token");
            const Language language = lead_pages::language_of(request);
            return token && !token->empty() ? lead_pages::sign_in_form(language, *token)
                                            : lead_pages::not_signed_in(language);
        }
        return request.method == "POST" ? sign_in(request) : wrong_method("GET, POST");
    }
    if (path == "/signout") return request.method == "POST" ? sign_out(request) : wrong_method("POST");
    return std::nullopt;
}

HttpAnswer LeadAccess::sign_in(const CallbackRequest& request) {
    const auto session = ritme::sign_in(store_, request.form_value("token").value_or(""), request.received_at);
    if (!session) return lead_pages::link_refused(lead_pages::language_of(request));
    HttpAnswer answer = see_other("/");
    const long max_age = session_lifetime.total_seconds();
    answer.headers.emplace_back("Set-Cookie", cookie(request, session->token, max_age));
    return answer;
}

HttpAnswer LeadAccess::sign_out(const CallbackRequest& request) {
    const Language language = lead_pages::language_of(request);
    const auto session = signed_in(request);
    if (!session) return lead_pages::not_signed_in(language);
    if (!csrf_valid(*session, request)) return lead_pages::forbidden(language, "csrf token missing or wrong");
    ritme::sign_out(store_, session->session_token, request.received_at);
    HttpAnswer answer = lead_pages::signed_out(language);
    answer.headers.emplace_back("Set-Cookie", cookie(request, "", 0));
    return answer;
}

HttpAnswer LeadAccess::home(const CallbackRequest& request) {
    const Language language = lead_pages::language_of(request);
    const auto session = signed_in(request);
    if (!session) return lead_pages::not_signed_in(language);
    std::vector<lead_pages::HomeProgramme> programmes;
    for (const auto& id : session->lead.programmes) {
        const auto programme = store_.programme(id);
        programmes.push_back({id, programme && !programme->name.empty() ? programme->name : id,
                              next_session(store_, id, request.received_at),
                              open_follow_ups(store_, id).value.size()});
    }
    return lead_pages::home(language, session->lead, programmes, csrf_token(*session));
}

std::optional<LeadAccess::SignedIn> LeadAccess::signed_in(const CallbackRequest& request) {
    const auto token = cookie_value(request, session_cookie_name);
    if (!token || token->empty()) return std::nullopt;
    auto lead = signed_in_lead(store_, *token, request.received_at);
    if (!lead) return std::nullopt;
    return SignedIn{std::move(*lead), *token};
}

std::variant<LeadAccess::SignedIn, HttpAnswer> LeadAccess::lead_of_programme(const CallbackRequest& request,
                                                                             std::string_view programme_id) {
    auto session = signed_in(request);
    const Language language = lead_pages::language_of(request);
    if (!session) return lead_pages::not_signed_in(language);
    if (!session->lead.leads(programme_id)) return lead_pages::forbidden(language, "not her programme");
    return std::move(*session);
}

std::string LeadAccess::csrf_token(const SignedIn& session) {
    return secret_token::hmac_sha256_hex(session.session_token, "ritme csrf");
}

bool LeadAccess::csrf_valid(const SignedIn& session, const CallbackRequest& request) {
    const auto given = request.form_value("csrf");
    return given && equal_in_constant_time(*given, csrf_token(session));
}

}  // namespace ritme
