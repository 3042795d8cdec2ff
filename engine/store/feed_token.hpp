#pragma once
// A calendar feed's token as stored: whom the feed at /feed/TOKEN.ics is for. Like a
// lead's sign-in, only the SHA-256 of the secret is kept; the secret is printed once, in
// the URL, when the feed is made. A feed is revoked, never deleted, so its id keeps
// meaning the same feed in the audit trail.

#include "engine/time/instant.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// programme: every session, for leads; creche: the sessions with children in care, with
// the mothers' first names and the count; participant: her sessions and appointments.
enum class FeedKind { programme, creche, participant };
std::string_view name_of(FeedKind kind);
std::optional<FeedKind> parse_feed_kind(std::string_view name);

struct FeedToken {
    std::string id;    // "f-" and 10 random characters: names the feed without its secret
    std::string hash;  // hex SHA-256 of the secret
    FeedKind kind = FeedKind::programme;
    std::string programme_id;
    std::string participant_id;  // for a participant's feed; else empty
    UtcInstant created_at;
    std::string created_by;      // the operator or the lead who made it
    std::optional<UtcInstant> revoked_at;

    bool operator==(const FeedToken&) const = default;
};

}  // namespace ritme
