#pragma once
// A session's people as its lead sees them on her page: per participant of the programme,
// what she answered about it ("NEE" with when, or "JA"), whether ritme could not reach her
// about it, her attendance mark and the children she brings to the crèche. And the
// programme's next session, the one the page shows first.
//
// The card puts each participant in one group, the first that holds:
//   said_no      her latest answer about the session is "NEE" (she is excused for it);
//   excused      the lead marked her afgemeld (she called instead of texting);
//   coming       her latest answer about it is "JA";
//   not_reached  a message about the session failed or was not delivered, and nothing
//                about it reached her since (an e-mail fallback that went counts);
//   no_answer    none of these.

#include "engine/changes/change_result.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

enum class RosterGroup { said_no, excused, coming, not_reached, no_answer };

struct RosterEntry {
    std::string participant_id;
    std::string name;
    int children_in_care = 0;
    std::optional<UtcInstant> said_no_at;   // her latest answer about the session is NEE
    std::optional<UtcInstant> said_yes_at;  // … is JA
    bool not_reached = false;
    std::string not_reached_reason;  // the failed message's reason (the gateway's words)
    std::optional<AttendanceRecord> attendance;

    bool answered() const { return said_no_at || said_yes_at; }
    RosterGroup group() const;
    // Whether the crèche counts her children: not when she said NEE, was excused, or was
    // marked absent.
    bool expected() const;
};

struct SessionRoster {
    StoredSession session;
    std::vector<RosterEntry> entries;  // the programme's enrolled participants, by name

    // The children of those expected (RosterEntry::expected) who need a crèche place.
    int children_expected() const;
    int count(RosterGroup group) const;
};

// The roster of the programme's session `session_id`, or why not (no such programme, or
// no such session in it).
ChangeResult<SessionRoster> session_roster(const Store& store, const std::string& programme_id, int64_t session_id);

// The programme's next session: the first by start that has not ended by `now` and is not
// cancelled. None when all have ended.
std::optional<StoredSession> next_session(const Store& store, const std::string& programme_id, UtcInstant now);

// The session of that id when it belongs to the programme.
std::optional<StoredSession> session_of_programme(const Store& store, const std::string& programme_id,
                                                  int64_t session_id);

}  // namespace ritme
