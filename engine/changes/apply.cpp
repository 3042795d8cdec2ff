#include "engine/changes/apply.hpp"

#include "engine/store/programme_record.hpp"
#include "engine/time/local_time_text.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

namespace ritme {
namespace {

std::string when(const StoredSession& s) {
    return day_and_date(s.date) + " " + s.time.str() + " at " + s.location;
}

std::string session_subject(const std::string& programme_id, int number) {
    return programme_id + "#" + std::to_string(number);
}

StoredSession stored_from(const std::string& programme_id, const Session& session) {
    StoredSession s;
    s.programme_id = programme_id;
    s.number = session.number;
    s.date = session.date;
    s.time = session.time;
    s.location = session.location;
    s.start_utc = session.start_utc;
    s.end_utc = session.end_utc;
    return s;
}

// Takes `stored` to where `planned` says, as one new version, remembering where it was
// for the change notice.
StoredSession updated(const StoredSession& stored, const StoredSession& planned, SessionStatus status, UtcInstant at) {
    StoredSession s = planned;
    s.id = stored.id;
    s.status = status;
    s.version = stored.version + 1;
    s.changed_at = at;
    s.previous = PreviousSlot{stored.date, stored.time, stored.location, stored.start_utc};
    s.lead_override = false;
    return s;
}

}  // namespace

std::string current_actor() {
    if (const passwd* user = getpwuid(getuid()); user && user->pw_name) return user->pw_name;
    const char* name = std::getenv("USER");
    return name && *name ? name : "uid " + std::to_string(getuid());
}

std::string_view name_of(SessionChange::Kind kind) {
    switch (kind) {
        case SessionChange::Kind::added: return "added";
        case SessionChange::Kind::moved: return "moved";
        case SessionChange::Kind::cancelled: return "cancelled";
        case SessionChange::Kind::restored: return "restored";
        case SessionChange::Kind::kept: return "kept";
    }
    return "changed";
}

std::string describe(const SessionChange& change) {
    const std::string number = " #" + std::to_string(change.after.number);
    const std::string head = std::string(name_of(change.kind)) + number + ": ";
    switch (change.kind) {
        case SessionChange::Kind::added: return head + when(change.after);
        case SessionChange::Kind::cancelled: return head + when(change.after);
        case SessionChange::Kind::moved:
        case SessionChange::Kind::restored: return head + when(*change.before) + " -> " + when(change.after);
        case SessionChange::Kind::kept: {
            const bool cancelled = change.after.status == SessionStatus::cancelled;
            return "kept" + number + (cancelled ? " as the lead cancelled it: " : " as the lead moved it: ") +
                   when(change.after) +
                   (change.in_file ? " (the file: " + when(*change.in_file) + ")" : " (not in the file)");
        }
    }
    return head;
}

namespace {

// The same definition read from another path (the daemon's absolute one, a lead's
// relative one) is no change.
bool same_definition(nlohmann::json stored, nlohmann::json applied) {
    stored.erase("source_file");
    applied.erase("source_file");
    return stored == applied;
}

}  // namespace

ApplyResult apply_programme(Store& store, const ProgrammeCalendar& plan, const AuditContext& context) {
    const Programme& programme = plan.programme;
    ApplyResult result;
    result.subject = programme.id;

    const auto existing = store.programme(programme.id);
    result.created = !existing;
    result.definition_changed = existing && !same_definition(programme_record(*existing), programme_record(programme));
    if (result.created || result.definition_changed) {
        store.put_programme(programme);
        store.record(context.entry(result.created ? "programme.created" : "programme.updated", programme.id,
                                   programme.source_file));
    }

    std::map<int, StoredSession> stored;
    for (auto& s : store.sessions(programme.id)) stored.emplace(s.number, std::move(s));
    std::map<int, StoredSession> planned;
    for (const auto& session : plan.calendar.sessions) planned.emplace(session.number, stored_from(programme.id, session));

    for (const auto& [number, wanted] : planned) {
        const auto found = stored.find(number);
        if (found == stored.end()) {
            StoredSession added = wanted;
            added.id = store.put_session(added);
            result.changes.push_back({SessionChange::Kind::added, std::nullopt, added});
            continue;
        }
        const StoredSession& before = found->second;
        const bool restore = before.status == SessionStatus::cancelled;
        if (!restore && before.same_time_and_place(wanted)) continue;
        if (before.lead_override) {
            result.changes.push_back({SessionChange::Kind::kept, before, before, wanted});
        } else if (restore) {
            StoredSession restored = updated(before, wanted, SessionStatus::planned, context.at);
            store.put_session(restored);
            result.changes.push_back({SessionChange::Kind::restored, before, restored});
        } else {
            StoredSession moved = updated(before, wanted, SessionStatus::moved, context.at);
            store.put_session(moved);
            result.changes.push_back({SessionChange::Kind::moved, before, moved});
        }
    }
    for (const auto& [number, before] : stored) {
        if (planned.count(number) || before.status == SessionStatus::cancelled) continue;
        if (before.lead_override) {
            result.changes.push_back({SessionChange::Kind::kept, before, before, std::nullopt});
            continue;
        }
        StoredSession cancelled = updated(before, before, SessionStatus::cancelled, context.at);
        store.put_session(cancelled);
        result.changes.push_back({SessionChange::Kind::cancelled, before, cancelled});
    }
    for (const auto& change : result.changes)
        if (change.kind != SessionChange::Kind::kept)
            store.record(context.entry("session." + std::string(name_of(change.kind)),
                                       session_subject(programme.id, change.after.number), describe(change)));
    return result;
}

ApplyResult apply_school(Store& store, const School& school, const AuditContext& context) {
    ApplyResult result;
    result.subject = school.id;
    const auto existing = store.school(school.id);
    result.created = !existing;
    result.definition_changed = existing && !same_definition(school_record(*existing), school_record(school));
    if (result.changed()) {
        store.put_school(school);
        store.record(context.entry(result.created ? "school.created" : "school.updated", school.id, school.source_file));
    }
    return result;
}

}  // namespace ritme
