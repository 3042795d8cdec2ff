#pragma once
// GET /feed/TOKEN.ics: a calendar feed (engine/changes/calendar_feeds) for a phone's
// calendar app. 200 text/calendar with an ETag from the content; 304 when the app's
// If-None-Match names it; 404 for a token no feed has or one revoked (the same answer, so
// a revoked URL says nothing of what it was). The path is the secret: logged as /feed/...

#include "engine/http/http_server.hpp"
#include "engine/store/store.hpp"

#include <optional>

namespace ritme {

// The answer for /feed/…; nothing for other paths. Throws StoreError when the database
// cannot be read.
std::optional<HttpAnswer> calendar_feed_answer(const Store& store, const CallbackRequest& request);

}  // namespace ritme
