#include "engine/changes/apply.hpp"

#include "engine/changes/lead_changes.hpp"
#include "engine/store/programme_record.hpp"
#include "engine/time/local_time_text.hpp"
#include "engine/time/weekday.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <tuple>
#include <utility>

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
    s.slot = session.slot;
    s.planned_date = session.date;
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
    // An operator working through sudo is named, not root.
    if (const char* sudo_user = std::getenv("SUDO_USER"); sudo_user && *sudo_user) return sudo_user;
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

namespace {

// Which stored session is which of the file's: index into the file's sessions, per
// stored session. See apply.hpp for the rule.
std::vector<std::optional<size_t>> match_sessions(const std::vector<StoredSession>& stored,
                                                  const std::vector<StoredSession>& planned) {
    std::vector<std::optional<size_t>> match(stored.size());
    std::vector<bool> used(planned.size(), false);
    const auto pair_up = [&](size_t i, size_t j) {
        match[i] = j;
        used[j] = true;
    };

    // The same occurrence: slot and planned date.
    std::map<std::pair<int, Date>, size_t> by_key;
    for (size_t j = 0; j < planned.size(); ++j) by_key.emplace(std::pair(planned[j].slot, planned[j].planned_date), j);
    for (size_t i = 0; i < stored.size(); ++i)
        if (const auto found = by_key.find({stored[i].slot, stored[i].planned_date}); found != by_key.end())
            pair_up(i, found->second);

    // A slot renumbered in the file (slots reordered, one added before it): still there
    // on the same date at the same time, under another number.
    std::map<std::tuple<Date, TimeRange, std::string>, size_t> by_place;
    for (size_t j = 0; j < planned.size(); ++j)
        if (!used[j]) by_place.emplace(std::tuple(planned[j].date, planned[j].time, planned[j].location), j);
    for (size_t i = 0; i < stored.size(); ++i) {
        const StoredSession& s = stored[i];
        if (match[i] || s.lead_override || s.status == SessionStatus::cancelled) continue;
        const auto found = by_place.find({s.planned_date, s.time, s.location});
        if (found == by_place.end() || used[found->second]) continue;
        pair_up(i, found->second);
    }

    // A slot moved to another weekday: its sessions left over in the same week.
    std::map<std::pair<int, Date>, size_t> by_week;
    for (size_t j = 0; j < planned.size(); ++j)
        if (!used[j]) by_week.emplace(std::pair(planned[j].slot, monday_of(planned[j].planned_date)), j);
    for (size_t i = 0; i < stored.size(); ++i) {
        if (match[i]) continue;
        const auto found = by_week.find({stored[i].slot, monday_of(stored[i].planned_date)});
        if (found == by_week.end() || used[found->second]) continue;
        pair_up(i, found->second);
    }
    return match;
}

// The labels the file gives a session it still has: its number, and after a renumbered
// slot or a weekday change its slot and planned date. Storing them is no change.
bool relabel(StoredSession& session, const StoredSession& in_file) {
    const bool changed = session.number != in_file.number || session.slot != in_file.slot ||
                         session.planned_date != in_file.planned_date;
    session.number = in_file.number;
    session.slot = in_file.slot;
    session.planned_date = in_file.planned_date;
    return changed;
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
    take_lead_from_programme(store, programme, context);

    const std::vector<StoredSession> stored = store.sessions(programme.id);
    std::vector<StoredSession> planned;
    for (const auto& session : plan.calendar.sessions) planned.push_back(stored_from(programme.id, session));
    const auto match = match_sessions(stored, planned);
    std::vector<bool> in_store(planned.size(), false);

    for (size_t i = 0; i < stored.size(); ++i) {
        const StoredSession& before = stored[i];
        if (!match[i]) {
            if (before.status == SessionStatus::cancelled) continue;
            if (before.lead_override) {
                result.changes.push_back({SessionChange::Kind::kept, before, before, std::nullopt});
                continue;
            }
            StoredSession cancelled = updated(before, before, SessionStatus::cancelled, context.at);
            store.put_session(cancelled);
            result.changes.push_back({SessionChange::Kind::cancelled, before, cancelled});
            continue;
        }
        const StoredSession& wanted = planned[*match[i]];
        in_store[*match[i]] = true;
        if (before.number != wanted.number) ++result.renumbered;
        const bool restore = before.status == SessionStatus::cancelled;
        if (before.lead_override || (!restore && before.same_time_and_place(wanted))) {
            StoredSession relabelled = before;
            if (relabel(relabelled, wanted)) store.put_session(relabelled);
            if (before.lead_override && (restore || !before.same_time_and_place(wanted)))
                result.changes.push_back({SessionChange::Kind::kept, before, relabelled, wanted});
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
    for (size_t j = 0; j < planned.size(); ++j) {
        if (in_store[j]) continue;
        StoredSession added = planned[j];
        added.id = store.put_session(added);
        result.changes.push_back({SessionChange::Kind::added, std::nullopt, added});
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
