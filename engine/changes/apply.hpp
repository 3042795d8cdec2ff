#pragma once
// `ritme apply`: storing a checked programme and its calendar, idempotently. A session
// is an occurrence of a slot on its planned date (programme, slot, planned date), and
// keeps its id across applies. The file's sessions are matched to the stored ones:
// - by slot and planned date;
// - else, for a slot renumbered in the file, by date, time and place;
// - else, for a slot moved to another weekday, a stored and a file session of the slot
//   left over in the same week (Monday-based) are one session, moved.
// A matched session at another time or place is moved (a changed slot time); one
// cancelled earlier is restored. File sessions left over are added; stored ones left
// over are cancelled. Nothing else changes: a new closed day cancels the session on it
// (and in extend mode adds one at the end), and later sessions only get new numbers,
// which are labels: stored without a new version, an audit entry or a message.
// Every change is recorded in the audit trail; applying the same file again changes
// nothing.

#include "engine/calendar/programme_calendar.hpp"
#include "engine/holidays/school.hpp"
#include "engine/store/store.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

// Who changes what, and by which command: stamped on every audit entry.
struct AuditContext {
    UtcInstant at;
    std::string actor;
    std::string command;

    AuditEntry entry(std::string action, std::string subject, std::string details) const {
        return {0, at, actor, command, std::move(action), std::move(subject), std::move(details)};
    }
};

// The operating-system user running the command; SUDO_USER, the operator behind it,
// when run through sudo.
std::string current_actor();

struct SessionChange {
    // kept: the file would move, cancel or restore a session the lead moved or cancelled
    // (`ritme session move|cancel`); it stays as the lead set it. Nothing is stored or
    // recorded for it, so applying the same file again reports it again.
    enum class Kind { added, moved, cancelled, restored, kept };
    Kind kind;
    std::optional<StoredSession> before;  // not for added
    StoredSession after;
    // kept: the session as the file has it; none when the file no longer has it.
    std::optional<StoredSession> in_file = std::nullopt;
};
std::string_view name_of(SessionChange::Kind kind);

struct ApplyResult {
    std::string subject;  // the programme or school id
    bool created = false;
    bool definition_changed = false;
    std::vector<SessionChange> changes;  // kept ones included
    int renumbered = 0;  // sessions with a new number: a label, no change

    // Whether anything was stored; sessions kept as the lead set them are no change.
    bool changed() const {
        return created || definition_changed ||
               std::any_of(changes.begin(), changes.end(),
                           [](const SessionChange& c) { return c.kind != SessionChange::Kind::kept; });
    }
};

// Call inside Store::write. The plan must have no errors.
ApplyResult apply_programme(Store& store, const ProgrammeCalendar& plan, const AuditContext& context);
ApplyResult apply_school(Store& store, const School& school, const AuditContext& context);

// "moved #10: Tue 2026-04-14 09:30-11:30 at schakel -> Thu 2026-04-16 09:30-11:30 at schakel"
// "kept #10 as the lead moved it: Thu 2026-04-16 10:00-12:00 at schakel (the file: Tue 2026-04-14 …)"
std::string describe(const SessionChange& change);

}  // namespace ritme
