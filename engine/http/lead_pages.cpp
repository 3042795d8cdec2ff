#include "engine/http/lead_pages.hpp"

#include "engine/base/text.hpp"
#include "engine/http/page_style.hpp"
#include "engine/message/local_dates.hpp"

namespace ritme::lead_pages {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

Language language_of(const CallbackRequest& request) {
    const std::string header = request.header("accept-language").value_or("");
    const std::string first(trim(std::string_view(header).substr(0, header.find_first_of(",;"))));
    return parse_language(first) == Language::en ? Language::en : Language::nl;
}

HttpAnswer html(Language language, unsigned status, const std::string& title, const std::string& body_html,
                std::string problem, std::optional<Back> back) {
    HttpAnswer answer;
    answer.status = status;
    answer.content_type = "text/html; charset=utf-8";
    answer.problem = std::move(problem);
    std::string page = "<!DOCTYPE html>\n<html lang=\"" + std::string(tag_of(language)) +
                       "\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                       escape(title) + " – ritme</title>\n<link rel=\"stylesheet\" href=\"" +
                       escape(stylesheet_href()) + "\">\n</head>\n<body>\n";
    if (back)
        page += "<nav class=\"back\" aria-label=\"" + escape(tr(language, "Back")) + "\"><a href=\"" +
                escape(back->href) + "\">← " + escape(back->words) + "</a></nav>\n";
    page += "<main>\n<h1>" + escape(title) + "</h1>\n" + body_html + "</main>\n</body>\n</html>\n";
    answer.body = std::move(page);
    answer.headers.emplace_back("Cache-Control", "no-store");
    answer.headers.emplace_back("Referrer-Policy", "no-referrer");
    answer.headers.emplace_back("X-Frame-Options", "DENY");
    answer.headers.emplace_back("X-Content-Type-Options", "nosniff");
    answer.headers.emplace_back("Content-Security-Policy",
                                "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                "base-uri 'none'");
    return answer;
}

std::string csrf_field(std::string_view csrf_token) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(csrf_token) + "\">\n";
}

HttpAnswer sign_in_form(Language language, std::string_view token) {
    return html(language, 200, tr(language, "Sign in"),
                "<p>" + escape(tr(language, "Press the button to sign in. The link works once.")) +
                    "</p>\n<form method=\"post\" action=\"/signin\">\n<input type=\"hidden\" name=\"token\" value=\"" +
                    escape(token) + "\">\n<button type=\"submit\">" + escape(tr(language, "Sign in")) +
                    "</button>\n</form>\n");
}

HttpAnswer link_refused(Language language) {
    return html(
        language, 403, tr(language, "Link not valid"),
        "<p>" + escape(tr(language, "This link has expired or was used already; ask for a new one.")) + "</p>\n",
        "sign-in link refused");
}

HttpAnswer not_signed_in(Language language) {
    return html(language, 401, tr(language, "Not signed in"),
                "<p>" +
                    escape(tr(language,
                              "You are not signed in (any more). Ask the administrator of ritme for a new "
                              "sign-in link.")) +
                    "</p>\n",
                "not signed in");
}

HttpAnswer forbidden(Language language, std::string problem) {
    return html(language, 403, tr(language, "No access"),
                "<p>" + escape(tr(language, "You have no access to this page.")) + "</p>\n<p><a href=\"/\">" +
                    escape(tr(language, "Your programmes")) + "</a></p>\n",
                std::move(problem));
}

HttpAnswer not_found(Language language, std::string problem) {
    return html(language, 404, tr(language, "Not found"),
                "<p>" + escape(tr(language, "This page does not exist (any more).")) + "</p>\n<p><a href=\"/\">" +
                    escape(tr(language, "Your programmes")) + "</a></p>\n",
                std::move(problem));
}

HttpAnswer home(Language language, const StoredLead& lead, const std::vector<HomeProgramme>& programmes,
                std::string_view csrf_token) {
    std::string body = "<p>" + escape(tr(language, "Signed in as {1}.", {lead.name})) + "</p>\n<h2>" +
                       escape(tr(language, "Your programmes")) + "</h2>\n";
    if (programmes.empty()) {
        body += "<p>" + escape(tr(language, "You do not lead any programmes yet.")) + "</p>\n";
    } else {
        body += "<ul class=\"programmes\">\n";
        for (const auto& programme : programmes) {
            body += "<li><a href=\"/p/" + escape(programme.id) + "\">" + escape(programme.name) + "</a>";
            if (programme.next)
                body += " <span class=\"muted\">" +
                        escape(tr(language, "next: {1}", {session_when(*programme.next, language)})) + "</span>";
            body += programme.open_follow_ups
                        ? " <span class=\"tag warn\">" +
                              escape(tr_count(language, static_cast<long>(programme.open_follow_ups),
                                              "{n} follow-up open", "{n} follow-ups open")) +
                              "</span>"
                        : " <span class=\"muted\">" + escape(tr(language, "no follow-ups open")) + "</span>";
            body += "</li>\n";
        }
        body += "</ul>\n";
    }
    body += "<form method=\"post\" action=\"/signout\">\n" + csrf_field(csrf_token) + "<button type=\"submit\">" +
            escape(tr(language, "Sign out")) + "</button>\n</form>\n";
    return html(language, 200, "ritme", body);
}

HttpAnswer signed_out(Language language) {
    return html(language, 200, tr(language, "Signed out"),
                "<p>" + escape(tr(language, "You are signed out.")) + "</p>\n");
}

std::string session_when(const StoredSession& session, Language language) {
    const std::string tag(tag_of(language));
    return format_short_weekday_date(session.date, tag) + " " + format_time(session.time.start, tag) + "–" +
           format_time(session.time.end, tag);
}

}  // namespace ritme::lead_pages
