#pragma once
// `ritme apply`: storing a checked programme and its calendar, idempotently. A session
// is identified by programme and number: applying an edited file moves, cancels, adds
// or restores sessions by number, and each one keeps its id. Every change is recorded
// in the audit trail; applying the same file again changes nothing.

#include "engine/programme_calendar.hpp"
#include "engine/school.hpp"
#include "engine/store/store.hpp"

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

// The operating-system user running the command.
std::string current_actor();

struct SessionChange {
    enum class Kind { added, moved, cancelled, restored };
    Kind kind;
    std::optional<StoredSession> before;  // not for added
    StoredSession after;
};
std::string_view name_of(SessionChange::Kind kind);

struct ApplyResult {
    std::string subject;  // the programme or school id
    bool created = false;
    bool definition_changed = false;
    std::vector<SessionChange> changes;

    bool changed() const { return created || definition_changed || !changes.empty(); }
};

// Call inside Store::write. The plan must have no errors.
ApplyResult apply_programme(Store& store, const ProgrammeCalendar& plan, const AuditContext& context);
ApplyResult apply_school(Store& store, const School& school, const AuditContext& context);

// "moved #10: Tue 2026-04-14 09:30-11:30 -> Thu 2026-04-16 09:30-11:30"
std::string describe(const SessionChange& change);

}  // namespace ritme
