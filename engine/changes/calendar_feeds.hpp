#pragma once
// Calendar feeds: an ICS URL a lead, the crèche or a participant subscribes to in a
// phone's calendar app, at /feed/TOKEN.ics. The token is random (secret_token, 256 bits),
// stored only as its SHA-256, shown once when the feed is made, and revocable; a revoked
// or unknown token is not found. What each feed shows is what its subscriber may see:
//   programme    every session of the programme (cancelled ones as CANCELLED), where;
//                no participant at all
//   creche       the sessions with children in care: the mothers' first names and the
//                number of children, nothing else of them
//   participant  her programme's sessions and her appointments, without the programme's
//                name (a family member may read her phone)
// Each event keeps its UID across changes and its SEQUENCE goes up with each one, so a
// calendar app moves or cancels the event it has; each has VALARMs 1 day and 2 hours
// before.

#include "engine/changes/apply.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/store/store.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// Minutes before each event its VALARMs go off: 1 day and 2 hours.
inline const std::vector<int> feed_alarm_minutes{24 * 60, 2 * 60};

struct FeedRequest {
    std::string programme_id;
    std::string participant_id;  // a participant's feed; empty: the programme's
    bool creche = false;         // the crèche's variant of the programme's feed
};

struct FeedMade {
    FeedToken feed;
    std::string url;  // BASE/feed/TOKEN.ics: shown once, never stored
};

// A new feed; its URL under `base_url` (the daemon's public_url, else http://LISTEN).
ChangeResult<FeedMade> add_feed(Store& store, const FeedRequest& request, std::string_view base_url,
                                const AuditContext& audit);
// Revokes a feed by its id: its URL is not found from then on.
ChangeResult<FeedToken> revoke_feed(Store& store, const std::string& id, const AuditContext& audit);

// Who a feed is for, in words a lead reads: "programma", "crèche", "Amina".
std::string feed_audience(const Store& store, const FeedToken& feed);

struct FeedFile {
    std::string ics;
    std::string etag;  // quoted, from the content: the same calendar gives the same one
};
// The calendar of the feed whose secret is `token` (the path's TOKEN); nothing when no
// feed has it, or it was revoked.
std::optional<FeedFile> feed_file(const Store& store, std::string_view token);

}  // namespace ritme
