#pragma once
// A lead's word on one session: cancel, move, restore (`ritme session …`). A cancel or a
// move marks the session as set by the lead (lead_override), so applying the programme
// file again leaves it alone; restore gives the session back to the file. Each change
// lands with its audit entry in one transaction; storing a session files its plan request.

#include "engine/base/diagnostic.hpp"
#include "engine/base/phrase.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// A session as leads and the audit trail name it: PROGRAMME#N.
struct SessionRef {
    std::string programme;
    int number = 0;
};

// "almere-vrouwen-2026#10"
std::string session_subject(const StoredSession& session);

// The stored programme and session `ref` names, or why not.
struct FoundSession {
    Programme programme;
    StoredSession session;
};
ChangeResult<FoundSession> find_session(const Store& store, const SessionRef& ref);

// Cancelled by the lead; the reason goes to the audit trail only.
ChangeResult<SessionChange> cancel_session(Store& store, const SessionRef& ref, std::string_view reason,
                                           const AuditContext& audit);

struct SessionMove {
    SessionRef session;
    LocalDateTime to;      // the new start, local time of the programme; the session keeps its length
    std::string location;  // a location key of the programme; empty: where it was
    bool strict = false;   // refuse, storing nothing, when there is any warning
};

struct SessionMoved {
    std::optional<SessionChange> change;  // empty: it is at that time and place already; nothing stored
    StoredSession session;                // as it is now
    // Why the new time may not suit the families; the move is made all the same, unless
    // strict: then these come with the refusal. Said in the reader's language.
    std::vector<Phrase> warnings;
};
// `school_holidays` tells the programme's closed days.
ChangeResult<SessionMoved> move_session(Store& store, const SchoolHolidayTable& school_holidays,
                                        const SessionMove& move, const AuditContext& audit);

struct SessionRestored {
    StoredSession session;                   // as the lead had set it
    bool changed = false;                    // false: it was at the file's time already
    std::vector<SessionChange> changes;      // what applying the file changed; kept ones left out
    Diagnostics calendar_problems;           // when refused because the stored programme's calendar has errors
};
ChangeResult<SessionRestored> restore_session(Store& store, const SchoolHolidayTable& school_holidays,
                                              const SessionRef& ref, const AuditContext& audit);

}  // namespace ritme
