#pragma once
// The lead's message to her group on the programme page: a form (Dutch, and a field per
// other language her participants read), POST /p/P/message without `confirm` shows per
// language who reads it, its SMS segments and what it costs, and nothing is stored; with
// `confirm=yes` it goes into the outbox (engine/changes/group_message), audited with her
// name, and 303 back to the programme page.

#include "engine/http/programme_pages.hpp"
#include "engine/http/programme_views.hpp"

#include <string>

namespace ritme::group_message_page {

// The section's HTML: the form.
std::string section(const Store& store, const ProgrammeSectionRequest& request);

// POST /p/P/message. `rules`: the daemon's planning rules; without them (starting) 503.
// `sent` is set when a message was stored.
HttpAnswer answer(Store& store, const PlanningRules* rules, const programme_views::PageContext& page,
                  const CallbackRequest& request, const std::string& lead_name, bool& sent);

}  // namespace ritme::group_message_page
