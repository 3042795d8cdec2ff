#pragma once
// The programme's calendar feeds on the programme page: the lead sees the feeds made
// for it (who each is for, when made, revoked or not; never a URL, which only its hash
// is kept of), makes one for herself or the crèche (POST /p/P/feeds, whose answer shows
// the new URL this once) and revokes one.

#include "engine/http/programme_pages.hpp"
#include "engine/http/programme_views.hpp"

#include <string>

namespace ritme::feed_links_page {

std::string section(const Store& store, const ProgrammeSectionRequest& request);

// POST /p/P/feeds with `kind` programme or creche: a new feed; with `revoke` (a feed's
// id) that feed of the programme revoked, 303 back.
HttpAnswer make(Store& store, const programme_views::PageContext& page, const CallbackRequest& request,
                const std::string& lead_name);

}  // namespace ritme::feed_links_page
