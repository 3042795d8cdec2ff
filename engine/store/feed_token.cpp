#include "engine/store/feed_token.hpp"

namespace ritme {

std::string_view name_of(FeedKind kind) {
    switch (kind) {
        case FeedKind::programme: return "programme";
        case FeedKind::creche: return "creche";
        case FeedKind::participant: return "participant";
    }
    return "programme";
}

std::optional<FeedKind> parse_feed_kind(std::string_view name) {
    for (const FeedKind kind : {FeedKind::programme, FeedKind::creche, FeedKind::participant})
        if (name_of(kind) == name) return kind;
    return std::nullopt;
}

}  // namespace ritme
