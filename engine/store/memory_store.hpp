#pragma once
// The store in memory: for tests, and the model the shared store test suite holds the
// SQLite store to. A write() that throws restores the state from before it.

#include "engine/store/store.hpp"

#include <map>
#include <set>

namespace ritme {

class MemoryStore final : public Store {
public:
    void write(const std::function<void()>& work) override;

    std::optional<Programme> programme(const std::string& id) const override;
    std::vector<std::string> programme_ids() const override;
    void put_programme(const Programme& programme) override;

    std::optional<School> school(const std::string& id) const override;
    std::vector<std::string> school_ids() const override;
    void put_school(const School& school) override;

    std::vector<StoredSession> sessions(const std::string& programme_id) const override;
    int64_t put_session(const StoredSession& session) override;

    std::optional<Participant> participant(const std::string& id) const override;
    std::vector<Participant> participants() const override;
    void put_participant(const Participant& participant) override;
    void delete_participant(const std::string& id, bool keep_anonymous_counts) override;

    std::vector<std::string> programmes_of(const std::string& participant_id) const override;
    std::vector<std::string> participants_of(const std::string& programme_id) const override;
    void enrol(const std::string& participant_id, const std::string& programme_id) override;
    void unenrol(const std::string& participant_id, const std::string& programme_id) override;
    int anonymous_enrolments(const std::string& programme_id) const override;

    void record(const AuditEntry& entry) override;
    std::vector<AuditEntry> audit() const override;

private:
    void require_write() const;

    struct State {
        std::map<std::string, Programme> programmes;
        std::map<std::string, School> schools;
        std::map<std::string, std::map<int, StoredSession>> sessions;  // programme → number → session
        std::map<int64_t, std::pair<std::string, int>> session_keys;    // id → programme, number
        int64_t next_session_id = 1;
        std::map<std::string, Participant> participants;
        std::set<std::pair<std::string, std::string>> enrolments;  // participant, programme
        std::map<std::string, int> anonymous;
        std::vector<AuditEntry> audit;
    };
    State state_;
    bool writing_ = false;
};

}  // namespace ritme
