#include "engine/http/lead_pages.hpp"

namespace ritme::lead_pages {

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

HttpAnswer html(unsigned status, const std::string& title, const std::string& body_html, std::string problem) {
    HttpAnswer answer;
    answer.status = status;
    answer.content_type = "text/html; charset=utf-8";
    answer.problem = std::move(problem);
    answer.body = "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                  escape(title) + " – ritme</title>\n</head>\n<body>\n<main>\n<h1>" + escape(title) + "</h1>\n" +
                  body_html + "</main>\n</body>\n</html>\n";
    answer.headers.emplace_back("Cache-Control", "no-store");
    answer.headers.emplace_back("Referrer-Policy", "no-referrer");
    answer.headers.emplace_back("X-Frame-Options", "DENY");
    answer.headers.emplace_back("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
    return answer;
}

HttpAnswer sign_in_form(std::string_view token) {
    return html(200, "Inloggen",
                "<p>Klik op de knop om in te loggen. De link werkt één keer.</p>\n"
                "<form method=\"post\" action=\"/signin\">\n"
                "<input type=\"hidden\" name=\"token\" value=\"" +
                    escape(token) +
                    "\">\n"
                    "<button type=\"submit\">Inloggen</button>\n</form>\n");
}

HttpAnswer link_refused() {
    return html(403, "Link niet geldig", "<p>Deze link is verlopen of al gebruikt; vraag een nieuwe aan.</p>\n",
                "sign-in link refused");
}

HttpAnswer not_signed_in() {
    return html(401, "Niet ingelogd",
                "<p>U bent niet (meer) ingelogd. Vraag de beheerder van ritme om een nieuwe inloglink.</p>\n",
                "not signed in");
}

HttpAnswer forbidden(std::string problem) {
    return html(403, "Geen toegang", "<p>U heeft geen toegang tot deze pagina.</p>\n", std::move(problem));
}

HttpAnswer home(const StoredLead& lead, const std::vector<std::string>& programme_names, std::string_view csrf_token) {
    std::string body = "<p>Ingelogd als " + escape(lead.name) + ".</p>\n<h2>Uw trajecten</h2>\n";
    if (programme_names.empty()) {
        body += "<p>U leidt nog geen trajecten.</p>\n";
    } else {
        body += "<ul>\n";
        for (const auto& name : programme_names) body += "<li>" + escape(name) + "</li>\n";
        body += "</ul>\n";
    }
    body += "<form method=\"post\" action=\"/signout\">\n<input type=\"hidden\" name=\"csrf\" value=\"" +
            escape(csrf_token) + "\">\n<button type=\"submit\">Uitloggen</button>\n</form>\n";
    return html(200, "ritme", body);
}

HttpAnswer signed_out() { return html(200, "Uitgelogd", "<p>U bent uitgelogd.</p>\n"); }

}  // namespace ritme::lead_pages
