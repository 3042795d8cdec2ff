#pragma once
// The few pages of a lead's sign-in, server-rendered HTML in Dutch (lang="nl"), with no
// JavaScript. Their words are here, in one place, until the gettext catalogues take them.
// Every value put into a page is HTML-escaped.

#include "engine/http/http_server.hpp"
#include "engine/store/lead.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ritme::lead_pages {

// "&", "<", ">", '"' and "'" as HTML entities.
std::string escape(std::string_view text);

// An HTML answer that no cache keeps and no other site frames, and whose address (a
// sign-in link's token) no Referer header carries away.
HttpAnswer html(unsigned status, const std::string& title, const std::string& body_html, std::string problem = {});

// GET /signin?token=…: a button that posts the token (a mail scanner fetching the link
// does not use it up).
HttpAnswer sign_in_form(std::string_view token);
// A link that is unknown, used, withdrawn or expired: 403.
HttpAnswer link_refused();
// No live session: 401, saying to ask for a new link.
HttpAnswer not_signed_in();
// Signed in, but not her programme, or a form without the session's CSRF token: 403.
HttpAnswer forbidden(std::string problem);
// GET /: her programmes (names), and signing out.
HttpAnswer home(const StoredLead& lead, const std::vector<std::string>& programme_names, std::string_view csrf_token);
// After POST /signout.
HttpAnswer signed_out();

}  // namespace ritme::lead_pages
