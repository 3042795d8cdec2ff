#pragma once
// The frame of every page a lead sees, and the pages of her sign-in and home:
// server-rendered HTML with no JavaScript, in Dutch (lang="nl") unless her browser asks
// for English first, every word through the gettext catalogues (tr). Every value put
// into a page is HTML-escaped.

#include "engine/base/translation.hpp"
#include "engine/http/http_server.hpp"
#include "engine/store/lead.hpp"
#include "engine/store/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme::lead_pages {

// "&", "<", ">", '"' and "'" as HTML entities.
std::string escape(std::string_view text);

// The page's language: English when the first language of the browser's Accept-Language
// is English, else Dutch (the leads' own).
Language language_of(const CallbackRequest& request);

// An HTML answer with the page frame (lang, the stylesheet, one h1 from `title`) that no
// cache keeps and no other site frames, and whose address (a sign-in link's token) no
// Referer header carries away. `back` (a path) and its words make a link above the title.
struct Back {
    std::string href;
    std::string words;
};
HttpAnswer html(Language language, unsigned status, const std::string& title, const std::string& body_html,
                std::string problem = {}, std::optional<Back> back = std::nullopt);

// A hidden field with the session's CSRF token, for every form.
std::string csrf_field(std::string_view csrf_token);

// GET /signin?token=…: a button that posts the token (a mail scanner fetching the link
// does not use it up).
HttpAnswer sign_in_form(Language language, std::string_view token);
// A link that is unknown, used, withdrawn or expired: 403.
HttpAnswer link_refused(Language language);
// No live session: 401, saying to ask for a new link.
HttpAnswer not_signed_in(Language language);
// Signed in, but not her programme, or a form without the session's CSRF token: 403.
HttpAnswer forbidden(Language language, std::string problem);
// A page, session or participant that is not there: 404.
HttpAnswer not_found(Language language, std::string problem);

// One of her programmes on the home page, with its next session if any.
struct HomeProgramme {
    std::string id;
    std::string name;
    std::optional<StoredSession> next;
    size_t open_follow_ups = 0;
};
// GET /: her programmes, each a link to its page with how many follow-ups are open, and
// signing out.
HttpAnswer home(Language language, const StoredLead& lead, const std::vector<HomeProgramme>& programmes,
                std::string_view csrf_token);
// After POST /signout.
HttpAnswer signed_out(Language language);

// "di 12 jan 09:30-11:30" in the page's language.
std::string session_when(const StoredSession& session, Language language);

}  // namespace ritme::lead_pages
