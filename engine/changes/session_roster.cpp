#include "engine/changes/session_roster.hpp"

#include "engine/base/text.hpp"
#include "engine/changes/lookups.hpp"

#include <algorithm>
#include <map>

namespace ritme {

RosterGroup RosterEntry::group() const {
    if (said_no_at) return RosterGroup::said_no;
    if (attendance && attendance->status == AttendanceStatus::excused) return RosterGroup::excused;
    if (said_yes_at) return RosterGroup::coming;
    if (not_reached) return RosterGroup::not_reached;
    return RosterGroup::no_answer;
}

bool RosterEntry::expected() const {
    if (said_no_at) return false;
    return !attendance || attendance->status == AttendanceStatus::present;
}

int SessionRoster::children_expected() const {
    int children = 0;
    for (const auto& entry : entries)
        if (entry.expected()) children += entry.children_in_care;
    return children;
}

int SessionRoster::count(RosterGroup group) const {
    return static_cast<int>(std::count_if(entries.begin(), entries.end(),
                                          [group](const RosterEntry& entry) { return entry.group() == group; }));
}

std::optional<StoredSession> session_of_programme(const Store& store, const std::string& programme_id,
                                                  int64_t session_id) {
    auto session = store.session(session_id);
    if (!session || session->programme_id != programme_id) return std::nullopt;
    return session;
}

ChangeResult<SessionRoster> session_roster(const Store& store, const std::string& programme_id, int64_t session_id) {
    std::vector<ChangeError> errors;
    const auto programme = find_programme(store, programme_id, " in the database", errors);
    if (!programme) return errors;
    auto session = session_of_programme(store, programme->id, session_id);
    if (!session)
        return ChangeError{ChangeError::Kind::bad_input, "session",
                           "no session " + std::to_string(session_id) + " in " + programme->id,
                           "see the programme's list of sessions"};

    SessionRoster roster;
    roster.session = std::move(*session);

    // Messages about this session, per participant: was the latest failure followed by a send?
    DeliveryQuery query;
    query.session_id = session_id;
    query.kinds = {DeliveryKind::reminder, DeliveryKind::change};
    struct Reach {
        std::optional<UtcInstant> failed_at;
        std::string reason;
        std::optional<UtcInstant> sent_at;
    };
    std::map<std::string, Reach> reach;
    for (const auto& delivery : store.deliveries(query)) {
        Reach& hers = reach[delivery.participant_id];
        if (delivery.state == DeliveryState::failed) {
            if (!hers.failed_at || *hers.failed_at < delivery.updated_at) {
                hers.failed_at = delivery.updated_at;
                hers.reason = delivery.reason;
            }
        } else if (delivery.state == DeliveryState::sent && delivery.sent_at) {
            if (!hers.sent_at || *hers.sent_at < *delivery.sent_at) hers.sent_at = delivery.sent_at;
        }
    }
    std::map<std::string, AttendanceRecord> marks;
    for (auto& record : store.attendance_of_programme(programme->id))
        if (record.session_id == session_id) marks[record.participant_id] = std::move(record);

    for (const auto& id : store.participants_of(programme->id)) {
        const auto participant = store.participant(id);
        if (!participant) continue;
        RosterEntry entry;
        entry.participant_id = id;
        entry.name = participant->name;
        entry.children_in_care = participant->children_in_care;
        // Her latest yes or no about this session is her word on it.
        for (const auto& answer : store.answers(id)) {
            if (answer.session_id != session_id) continue;
            if (answer.reading == AnswerReading::cannot_come) {
                entry.said_no_at = answer.received_at;
                entry.said_yes_at.reset();
            } else if (answer.reading == AnswerReading::coming) {
                entry.said_yes_at = answer.received_at;
                entry.said_no_at.reset();
            }
        }
        if (const auto found = reach.find(id); found != reach.end() && found->second.failed_at) {
            const Reach& hers = found->second;
            entry.not_reached = !hers.sent_at || *hers.sent_at < *hers.failed_at;
            if (entry.not_reached) entry.not_reached_reason = hers.reason;
        }
        if (const auto found = marks.find(id); found != marks.end()) entry.attendance = found->second;
        roster.entries.push_back(std::move(entry));
    }
    std::stable_sort(roster.entries.begin(), roster.entries.end(), [](const RosterEntry& a, const RosterEntry& b) {
        return std::pair(lower(a.name), a.participant_id) < std::pair(lower(b.name), b.participant_id);
    });
    return roster;
}

std::optional<StoredSession> next_session(const Store& store, const std::string& programme_id, UtcInstant now) {
    std::optional<StoredSession> next;
    for (auto& session : store.sessions(programme_id)) {
        if (session.status == SessionStatus::cancelled || !(now < session.end_utc)) continue;
        if (!next || session.start_utc < next->start_utc) next = std::move(session);
    }
    return next;
}

}  // namespace ritme
