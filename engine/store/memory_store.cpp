#include "engine/store/memory_store.hpp"

#include <algorithm>

namespace ritme {

void MemoryStore::write(const std::function<void()>& work) {
    if (writing_) throw StoreError("write() inside write()");
    State before = state_;
    writing_ = true;
    try {
        work();
    } catch (...) {
        state_ = std::move(before);
        writing_ = false;
        throw;
    }
    writing_ = false;
}

void MemoryStore::require_write() const {
    if (!writing_) throw StoreError("a change outside write()");
}

std::optional<Programme> MemoryStore::programme(const std::string& id) const {
    auto found = state_.programmes.find(id);
    if (found == state_.programmes.end()) return std::nullopt;
    return found->second;
}

std::vector<std::string> MemoryStore::programme_ids() const {
    std::vector<std::string> ids;
    for (const auto& [id, programme] : state_.programmes) ids.push_back(id);
    return ids;
}

void MemoryStore::put_programme(const Programme& programme) {
    require_write();
    state_.programmes[programme.id] = programme;
}

std::optional<School> MemoryStore::school(const std::string& id) const {
    auto found = state_.schools.find(id);
    if (found == state_.schools.end()) return std::nullopt;
    return found->second;
}

std::vector<std::string> MemoryStore::school_ids() const {
    std::vector<std::string> ids;
    for (const auto& [id, school] : state_.schools) ids.push_back(id);
    return ids;
}

void MemoryStore::put_school(const School& school) {
    require_write();
    state_.schools[school.id] = school;
}

std::vector<StoredSession> MemoryStore::sessions(const std::string& programme_id) const {
    std::vector<StoredSession> out;
    if (auto found = state_.sessions.find(programme_id); found != state_.sessions.end())
        for (const auto& [number, session] : found->second) out.push_back(session);
    return out;
}

int64_t MemoryStore::put_session(const StoredSession& session) {
    require_write();
    if (!state_.programmes.count(session.programme_id))
        throw StoreError("session for unknown programme " + session.programme_id);
    auto& by_number = state_.sessions[session.programme_id];
    StoredSession stored = session;
    if (stored.id == 0) {
        if (by_number.count(session.number))
            throw StoreError("session " + session.programme_id + "#" + std::to_string(session.number) +
                             " exists already");
        stored.id = state_.next_session_id++;
    } else {
        const auto key = state_.session_keys.find(stored.id);
        if (key == state_.session_keys.end()) throw StoreError("no session with id " + std::to_string(stored.id));
        state_.sessions[key->second.first].erase(key->second.second);
    }
    state_.session_keys[stored.id] = {stored.programme_id, stored.number};
    by_number[stored.number] = stored;
    return stored.id;
}

std::optional<Participant> MemoryStore::participant(const std::string& id) const {
    auto found = state_.participants.find(id);
    if (found == state_.participants.end()) return std::nullopt;
    return found->second;
}

std::vector<Participant> MemoryStore::participants() const {
    std::vector<Participant> out;
    for (const auto& [id, participant] : state_.participants) out.push_back(participant);
    return out;
}

void MemoryStore::put_participant(const Participant& participant) {
    require_write();
    state_.participants[participant.id] = participant;
}

void MemoryStore::delete_participant(const std::string& id, bool keep_anonymous_counts) {
    require_write();
    if (!state_.participants.erase(id)) throw StoreError("no participant " + id);
    for (auto it = state_.enrolments.begin(); it != state_.enrolments.end();) {
        if (it->first == id) {
            if (keep_anonymous_counts) ++state_.anonymous[it->second];
            it = state_.enrolments.erase(it);
        } else {
            ++it;
        }
    }
}

std::vector<std::string> MemoryStore::programmes_of(const std::string& participant_id) const {
    std::vector<std::string> out;
    for (const auto& [participant, programme] : state_.enrolments)
        if (participant == participant_id) out.push_back(programme);
    return out;
}

std::vector<std::string> MemoryStore::participants_of(const std::string& programme_id) const {
    std::vector<std::string> out;
    for (const auto& [participant, programme] : state_.enrolments)
        if (programme == programme_id) out.push_back(participant);
    return out;
}

void MemoryStore::enrol(const std::string& participant_id, const std::string& programme_id) {
    require_write();
    if (!state_.participants.count(participant_id)) throw StoreError("no participant " + participant_id);
    if (!state_.programmes.count(programme_id)) throw StoreError("no programme " + programme_id);
    state_.enrolments.insert({participant_id, programme_id});
}

void MemoryStore::unenrol(const std::string& participant_id, const std::string& programme_id) {
    require_write();
    state_.enrolments.erase({participant_id, programme_id});
}

int MemoryStore::anonymous_enrolments(const std::string& programme_id) const {
    auto found = state_.anonymous.find(programme_id);
    return found == state_.anonymous.end() ? 0 : found->second;
}

void MemoryStore::record(const AuditEntry& entry) {
    require_write();
    AuditEntry stored = entry;
    stored.id = static_cast<int64_t>(state_.audit.size()) + 1;
    state_.audit.push_back(stored);
}

std::vector<AuditEntry> MemoryStore::audit() const { return state_.audit; }

}  // namespace ritme

#include "engine/store/memory_store_stubs.inc"
