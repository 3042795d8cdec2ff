#pragma once
// A follow-up in the lead's words, for her page, the CLI and the daily overview.

#include "engine/base/translation.hpp"
#include "engine/store/store.hpp"

#include <optional>
#include <string>

namespace ritme {

// "Amina Yusuf was absent 2 times in a row (up to di 12 jan)"; `session`: the one that made it.
std::string follow_up_text(const StoredFollowUp& follow_up, const std::string& participant_name,
                           const std::optional<StoredSession>& session, Language language);

// Only the cause, for a page that shows her name on its own: "absent 2 times in a row",
// "NEE 3 times in a row", "absent without calling off (di 3 feb)".
std::string follow_up_cause_text(const StoredFollowUp& follow_up, const std::optional<StoredSession>& session,
                                 Language language);

// The same-day message for absent without notice: "Amina Yusuf was er niet (di 12 jan)
// en had zich niet afgemeld: bel haar even".
std::string absent_without_notice_text(const std::string& participant_name, const StoredSession& session,
                                       Language language);

}  // namespace ritme
