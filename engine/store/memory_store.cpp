#include "engine/store/memory_store.hpp"

#include <algorithm>
#include <tuple>

namespace ritme {

void MemoryStore::write(const std::function<void()>& work) {
    if (writing_) return work();  // joins the transaction under way
    State before = state_;
    const int64_t next_delivery_id = outbox_.next_id;
    outbox_undo_.clear();
    writing_ = true;
    try {
        work();
    } catch (...) {
        state_ = std::move(before);
        for (auto undo = outbox_undo_.rbegin(); undo != outbox_undo_.rend(); ++undo) {
            if (undo->row) {
                outbox_.put(*undo->row);
                outbox_.put_receipts(undo->id, std::move(undo->receipts));
            } else {
                outbox_.erase(undo->id);
            }
        }
        outbox_.next_id = next_delivery_id;
        outbox_undo_.clear();
        writing_ = false;
        throw;
    }
    outbox_undo_.clear();
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
    request_plan("programme:" + programme.id);
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
        for (const auto& [id, session] : found->second) out.push_back(session);
    std::stable_sort(out.begin(), out.end(), [](const StoredSession& a, const StoredSession& b) {
        return std::tie(a.number, a.planned_date) < std::tie(b.number, b.planned_date);
    });
    return out;
}

int64_t MemoryStore::put_session(const StoredSession& session) {
    require_write();
    if (!state_.programmes.count(session.programme_id))
        throw StoreError("session for unknown programme " + session.programme_id);
    StoredSession stored = session;
    if (stored.planned_date.is_special()) stored.planned_date = stored.date;
    if (stored.id != 0 && !state_.session_programmes.count(stored.id))
        throw StoreError("no session with id " + std::to_string(stored.id));
    auto& of_programme = state_.sessions[session.programme_id];
    for (const auto& [id, other] : of_programme)
        if (id != stored.id && other.slot == stored.slot && other.planned_date == stored.planned_date)
            throw StoreError("session " + stored.programme_id + "#" + std::to_string(stored.number) +
                             ": slot " + std::to_string(stored.slot) + " on " + iso_date(stored.planned_date) +
                             " exists already");
    if (stored.id == 0) {
        stored.id = state_.next_session_id++;
    } else {
        state_.sessions[state_.session_programmes.at(stored.id)].erase(stored.id);
    }
    state_.session_programmes[stored.id] = stored.programme_id;
    of_programme[stored.id] = stored;
    request_plan("programme:" + stored.programme_id);
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
    request_plan("participant:" + participant.id);
}

void MemoryStore::delete_participant(const std::string& id, bool keep_anonymous_counts) {
    require_write();
    if (!state_.participants.erase(id)) throw StoreError("no participant " + id);
    // Erasure leaves nothing that identifies: the participant's messages and appointments go too.
    std::set<int64_t> forgotten;
    if (auto rows = outbox_.by_participant.find(id); rows != outbox_.by_participant.end()) forgotten = rows->second;
    for (auto it = state_.appointments.begin(); it != state_.appointments.end();) {
        if (it->second.participant_id != id) {
            ++it;
            continue;
        }
        if (auto rows = outbox_.by_appointment.find(it->first); rows != outbox_.by_appointment.end())
            forgotten.insert(rows->second.begin(), rows->second.end());
        it = state_.appointments.erase(it);
    }
    for (const int64_t delivery_id : forgotten) erase_delivery_row(delivery_id);
    state_.told.erase(id);
    std::erase_if(state_.answers, [&](const auto& entry) { return entry.second.participant_id == id; });
    state_.attendance.erase(id);
    std::erase_if(state_.follow_ups, [&](const auto& entry) { return entry.second.participant_id == id; });
    std::erase_if(state_.feed_tokens, [&](const auto& entry) { return entry.second.participant_id == id; });
    state_.plan_requests.erase("participant:" + id);
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
    // What she was told before (enrolled earlier) stays: it is what a notice starts from.
    auto& told = state_.told[participant_id];
    if (const auto sessions = state_.sessions.find(programme_id); sessions != state_.sessions.end())
        for (const auto& [number, session] : sessions->second)
            told.try_emplace({session.id, 0}, ToldRecord{participant_id, programme_id, session.id, 0, told_state(session)});
    request_plan("programme:" + programme_id);
}

void MemoryStore::unenrol(const std::string& participant_id, const std::string& programme_id) {
    require_write();
    state_.enrolments.erase({participant_id, programme_id});
    request_plan("programme:" + programme_id);
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

// --- Sessions by id, appointments ------------------------------------------------------

std::optional<StoredSession> MemoryStore::session(int64_t id) const {
    const auto programme = state_.session_programmes.find(id);
    if (programme == state_.session_programmes.end()) return std::nullopt;
    return state_.sessions.at(programme->second).at(id);
}

int64_t MemoryStore::put_appointment(const Appointment& appointment) {
    require_write();
    if (!state_.participants.count(appointment.participant_id))
        throw StoreError("appointment for unknown participant " + appointment.participant_id);
    if (!appointment.programme_id.empty() && !state_.programmes.count(appointment.programme_id))
        throw StoreError("appointment in unknown programme " + appointment.programme_id);
    Appointment stored = appointment;
    if (stored.id == 0)
        stored.id = state_.next_appointment_id++;
    else if (!state_.appointments.count(stored.id))
        throw StoreError("no appointment with id " + std::to_string(stored.id));
    state_.appointments[stored.id] = stored;
    request_plan("participant:" + stored.participant_id);
    return stored.id;
}

std::optional<Appointment> MemoryStore::appointment(int64_t id) const {
    const auto found = state_.appointments.find(id);
    if (found == state_.appointments.end()) return std::nullopt;
    return found->second;
}

std::vector<Appointment> MemoryStore::appointments(const std::string& participant_id) const {
    std::vector<Appointment> out;
    for (const auto& [id, appointment] : state_.appointments)
        if (appointment.participant_id == participant_id) out.push_back(appointment);
    std::stable_sort(out.begin(), out.end(),
                     [](const Appointment& a, const Appointment& b) { return a.start_utc < b.start_utc; });
    return out;
}

// --- The outbox -------------------------------------------------------------------------

namespace {

bool is_set(UtcInstant instant) { return !instant.utc.is_special(); }

bool is_due_state(DeliveryState state) { return state == DeliveryState::planned || state == DeliveryState::retry; }

// Unset instants sort first, as NULL does in SQLite.
boost::posix_time::ptime sort_key(UtcInstant instant) {
    return is_set(instant) ? instant.utc : boost::posix_time::ptime(boost::posix_time::min_date_time);
}

template <typename Key>
void erase_from(std::map<Key, std::set<int64_t>>& index, const Key& key, int64_t id) {
    const auto found = index.find(key);
    if (found == index.end()) return;
    found->second.erase(id);
    if (found->second.empty()) index.erase(found);  // an erased participant's id goes too
}

bool matches(const Delivery& d, const DeliveryQuery& q) {
    if (q.programme_id && d.programme_id != *q.programme_id) return false;
    if (q.participant_id && d.participant_id != *q.participant_id) return false;
    if (q.session_id && d.session_id != *q.session_id) return false;
    if (q.appointment_id && d.appointment_id != *q.appointment_id) return false;
    if (!q.kinds.empty() && std::find(q.kinds.begin(), q.kinds.end(), d.kind) == q.kinds.end()) return false;
    if (!q.states.empty() && std::find(q.states.begin(), q.states.end(), d.state) == q.states.end()) return false;
    if (q.updated_since && !(is_set(d.updated_at) && !(d.updated_at < *q.updated_since))) return false;
    return true;
}

void check_addable(const Delivery& d) {
    if (!is_set(d.send_at)) throw StoreError("delivery " + d.key + " has no send time");
}

}  // namespace

const Delivery* MemoryStore::Outbox::find(int64_t id) const {
    const auto found = rows.find(id);
    return found == rows.end() ? nullptr : &found->second;
}

int64_t MemoryStore::Outbox::id_of(const std::string& key) const {
    const auto found = by_key.find(key);
    return found == by_key.end() ? 0 : found->second;
}

void MemoryStore::Outbox::put(const Delivery& delivery) {
    if (const auto found = rows.find(delivery.id); found != rows.end()) unindex(found->second);
    rows[delivery.id] = delivery;
    by_key[delivery.key] = delivery.id;
    if (is_due_state(delivery.state)) due.insert({delivery.send_at.utc, delivery.id});
    if (delivery.state == DeliveryState::claimed) claimed.insert({delivery.claimed_until.utc, delivery.id});
    by_programme[delivery.programme_id].insert(delivery.id);
    by_participant[delivery.participant_id].insert(delivery.id);
    if (delivery.session_id) by_session[delivery.session_id].insert(delivery.id);
    if (delivery.appointment_id) by_appointment[delivery.appointment_id].insert(delivery.id);
    if (!delivery.provider_id.empty()) by_provider_id[{delivery.channel, delivery.provider_id}].insert(delivery.id);
}

void MemoryStore::Outbox::erase(int64_t id) {
    const auto found = rows.find(id);
    if (found == rows.end()) return;
    unindex(found->second);
    rows.erase(found);
    receipts.erase(id);
}

const std::vector<DeliveryReceipt>& MemoryStore::Outbox::receipts_of(int64_t id) const {
    static const std::vector<DeliveryReceipt> none;
    const auto found = receipts.find(id);
    return found == receipts.end() ? none : found->second;
}

void MemoryStore::Outbox::put_receipts(int64_t id, std::vector<DeliveryReceipt> list) {
    if (list.empty())
        receipts.erase(id);
    else
        receipts[id] = std::move(list);
}

void MemoryStore::Outbox::unindex(const Delivery& delivery) {
    by_key.erase(delivery.key);
    due.erase({delivery.send_at.utc, delivery.id});
    claimed.erase({delivery.claimed_until.utc, delivery.id});
    erase_from(by_programme, delivery.programme_id, delivery.id);
    erase_from(by_participant, delivery.participant_id, delivery.id);
    erase_from(by_session, delivery.session_id, delivery.id);
    erase_from(by_appointment, delivery.appointment_id, delivery.id);
    erase_from(by_provider_id, {delivery.channel, delivery.provider_id}, delivery.id);
}

void MemoryStore::put_delivery_row(const Delivery& delivery) {
    const Delivery* before = outbox_.find(delivery.id);
    outbox_undo_.push_back({delivery.id, before ? std::optional(*before) : std::nullopt,
                            outbox_.receipts_of(delivery.id)});
    outbox_.put(delivery);
}

void MemoryStore::erase_delivery_row(int64_t id) {
    const Delivery* before = outbox_.find(id);
    if (!before) return;
    outbox_undo_.push_back({id, *before, outbox_.receipts_of(id)});
    outbox_.erase(id);
}

bool MemoryStore::subject_current(const Delivery& d) const {
    if (d.session_id != 0) {
        const auto session = this->session(d.session_id);
        if (!session || session->version != d.session_version) return false;
        if (d.kind == DeliveryKind::reminder && session->status == SessionStatus::cancelled) return false;
    }
    if (d.appointment_id != 0) {
        const auto found = state_.appointments.find(d.appointment_id);
        if (found == state_.appointments.end() || found->second.version != d.appointment_version) return false;
        if (d.kind == DeliveryKind::appointment && found->second.cancelled) return false;
    }
    // A reminder of what she is excused from (she answered that she cannot come).
    if (d.kind == DeliveryKind::reminder || d.kind == DeliveryKind::appointment) {
        const auto hers = state_.attendance.find(d.participant_id);
        if (hers != state_.attendance.end()) {
            const auto record = hers->second.find({d.session_id, d.appointment_id});
            if (record != hers->second.end() && record->second.status == AttendanceStatus::excused) return false;
        }
    }
    return true;
}

int64_t MemoryStore::add_delivery(const Delivery& delivery) {
    require_write();
    check_addable(delivery);
    if (delivery.state == DeliveryState::claimed && !is_set(delivery.claimed_until))
        throw StoreError("delivery " + delivery.key + " is claimed without a lease");
    if (const int64_t id = outbox_.id_of(delivery.key)) {
        // A cancelled row is planned again when what cancelled it no longer holds.
        if (outbox_.find(id)->state != DeliveryState::cancelled || delivery.state == DeliveryState::cancelled)
            return 0;
        Delivery replanned = delivery;
        replanned.id = id;
        put_delivery_row(replanned);
        return id;
    }
    Delivery stored = delivery;
    stored.id = outbox_.next_id++;
    put_delivery_row(stored);
    return stored.id;
}

std::optional<Delivery> MemoryStore::delivery(int64_t id) const {
    const Delivery* found = outbox_.find(id);
    if (!found) return std::nullopt;
    return *found;
}

std::vector<Delivery> MemoryStore::deliveries(const DeliveryQuery& query) const {
    // Narrow down by one index when the query names a subject, then filter.
    const std::set<int64_t>* candidates = nullptr;
    const std::set<int64_t> none;
    auto narrow = [&](const auto& index, const auto& key) {
        const auto found = index.find(key);
        candidates = found == index.end() ? &none : &found->second;
    };
    if (query.session_id && *query.session_id)
        narrow(outbox_.by_session, *query.session_id);
    else if (query.appointment_id && *query.appointment_id)
        narrow(outbox_.by_appointment, *query.appointment_id);
    else if (query.participant_id)
        narrow(outbox_.by_participant, *query.participant_id);
    else if (query.programme_id)
        narrow(outbox_.by_programme, *query.programme_id);

    std::vector<Delivery> out;
    if (candidates) {
        for (const int64_t id : *candidates)
            if (const Delivery& d = outbox_.rows.at(id); matches(d, query)) out.push_back(d);
    } else {
        for (const auto& [id, d] : outbox_.rows)
            if (matches(d, query)) out.push_back(d);
    }
    if (query.newest_first)
        std::sort(out.begin(), out.end(), [](const Delivery& a, const Delivery& b) {
            return std::make_pair(sort_key(a.updated_at), a.id) > std::make_pair(sort_key(b.updated_at), b.id);
        });
    else
        std::sort(out.begin(), out.end(), [](const Delivery& a, const Delivery& b) {
            return std::make_pair(a.send_at.utc, a.id) < std::make_pair(b.send_at.utc, b.id);
        });
    if (query.limit > 0 && out.size() > static_cast<size_t>(query.limit)) out.resize(static_cast<size_t>(query.limit));
    return out;
}

void MemoryStore::cancel_delivery(int64_t id, const std::string& reason, UtcInstant at) {
    require_write();
    const Delivery* found = outbox_.find(id);
    if (!found || !is_due_state(found->state)) return;
    Delivery cancelled = *found;
    cancelled.state = DeliveryState::cancelled;
    cancelled.reason = reason;
    cancelled.updated_at = at;
    put_delivery_row(cancelled);
}

std::vector<ClaimedDelivery> MemoryStore::claim_due_by(UtcInstant now, UtcInstant due_by, int limit,
                                                       const std::string& owner, UtcInstant lease_until) {
    require_write();
    if (!is_set(now) || !is_set(lease_until) || !is_set(due_by))
        throw StoreError("a claim needs the time and the end of its lease");
    if (due_by < now) throw StoreError("a claim's rows are due by now or later");
    if (limit <= 0) return {};
    const auto wanted = static_cast<size_t>(limit);
    std::vector<std::pair<boost::posix_time::ptime, int64_t>> chosen;  // send_at, id
    for (auto it = outbox_.due.begin(); it != outbox_.due.end() && it->first <= due_by.utc && chosen.size() < wanted; ++it)
        chosen.push_back(*it);
    for (auto it = outbox_.claimed.begin(); it != outbox_.claimed.end() && it->first < now.utc; ++it)
        chosen.push_back({outbox_.rows.at(it->second).send_at.utc, it->second});
    std::sort(chosen.begin(), chosen.end());
    if (chosen.size() > wanted) chosen.resize(wanted);

    std::vector<ClaimedDelivery> out;
    for (const auto& [send_at, id] : chosen) {
        Delivery d = outbox_.rows.at(id);
        d.state = DeliveryState::claimed;
        d.claimed_by = owner;
        d.claimed_until = lease_until;
        d.attempts += 1;
        d.updated_at = now;
        put_delivery_row(d);
        out.push_back({d, subject_current(d)});
    }
    return out;
}

std::vector<int64_t> MemoryStore::finish(const std::vector<DeliveryOutcome>& outcomes) {
    require_write();
    std::vector<int64_t> written;
    for (const auto& outcome : outcomes) {
        if (outcome.state == DeliveryState::planned || outcome.state == DeliveryState::claimed)
            throw StoreError("delivery " + std::to_string(outcome.id) + " cannot finish as " +
                             std::string(name_of(outcome.state)));
        const Delivery* found = outbox_.find(outcome.id);
        if (!found || found->state != DeliveryState::claimed) continue;
        if (!outcome.claimed_by.empty() && found->claimed_by != outcome.claimed_by) continue;
        Delivery d = *found;
        d.state = outcome.state;
        d.reason = outcome.reason;
        d.provider_id = outcome.provider_id;
        if (outbox_.receipts_of(d.id).empty()) d.provider_status = outcome.provider_status;
        d.updated_at = outcome.at;
        if (outcome.state == DeliveryState::sent) d.sent_at = outcome.at;
        if (outcome.state == DeliveryState::retry) d.send_at = outcome.retry_at.value_or(outcome.at);
        put_delivery_row(d);
        if (d.state == DeliveryState::sent) record_told(d);
        written.push_back(d.id);
    }
    return written;
}

void MemoryStore::record_told(const Delivery& sent) {
    std::string state = told_state_in(sent.payload);
    if (state.empty() || !state_.participants.count(sent.participant_id)) return;
    put_told({sent.participant_id, sent.programme_id, sent.session_id, sent.appointment_id, std::move(state)});
}

std::vector<ToldRecord> MemoryStore::told_about_sessions(const std::string& programme_id) const {
    std::vector<ToldRecord> out;
    for (const auto& [participant, records] : state_.told)
        for (const auto& [subject, record] : records)
            if (record.session_id != 0 && record.programme_id == programme_id) out.push_back(record);
    return out;
}

std::vector<ToldRecord> MemoryStore::told_about_appointments(const std::string& participant_id) const {
    std::vector<ToldRecord> out;
    if (const auto found = state_.told.find(participant_id); found != state_.told.end())
        for (const auto& [subject, record] : found->second)
            if (record.appointment_id != 0) out.push_back(record);
    return out;
}

void MemoryStore::put_told(const ToldRecord& record) {
    require_write();
    auto& records = state_.told[record.participant_id];
    const std::pair<int64_t, int64_t> subject{record.session_id, record.appointment_id};
    const auto found = records.find(subject);
    ToldRecord stored = record;
    stored.serial = found == records.end() ? 1 : found->second.serial + (found->second.state != record.state);
    records[subject] = std::move(stored);
}

int MemoryStore::renew_claims(const std::string& owner, const std::vector<int64_t>& ids, UtcInstant until) {
    require_write();
    int renewed = 0;
    for (const int64_t id : ids) {
        const Delivery* found = outbox_.find(id);
        if (!found || found->state != DeliveryState::claimed || found->claimed_by != owner) continue;
        Delivery d = *found;
        d.claimed_until = until;
        put_delivery_row(d);
        ++renewed;
    }
    return renewed;
}

std::optional<UtcInstant> MemoryStore::next_send_at() const {
    std::optional<UtcInstant> next;
    if (!outbox_.due.empty()) next = UtcInstant{outbox_.due.begin()->first};
    if (!outbox_.claimed.empty() && (!next || outbox_.claimed.begin()->first < next->utc))
        next = UtcInstant{outbox_.claimed.begin()->first};
    return next;
}

std::vector<std::string> MemoryStore::claim_owners() const {
    std::set<std::string> owners;
    for (const auto& [until, id] : outbox_.claimed) owners.insert(outbox_.rows.at(id).claimed_by);
    return {owners.begin(), owners.end()};
}

int MemoryStore::release_claims(const std::string& owner, UtcInstant now, const std::string& reason) {
    require_write();
    std::vector<int64_t> released;
    for (const auto& [until, id] : outbox_.claimed)
        if (outbox_.rows.at(id).claimed_by == owner) released.push_back(id);
    for (const int64_t id : released) {
        Delivery d = outbox_.rows.at(id);
        d.state = DeliveryState::retry;
        d.send_at = now;
        d.updated_at = now;
        d.reason = reason;
        d.claimed_by.clear();
        put_delivery_row(d);
    }
    return static_cast<int>(released.size());
}

std::vector<DeliveryCount> MemoryStore::delivery_counts() const {
    std::map<std::pair<DeliveryState, std::string>, int> counts;
    for (const auto& [id, d] : outbox_.rows) ++counts[{d.state, d.channel}];
    std::vector<DeliveryCount> out;
    for (const auto& [key, count] : counts) out.push_back({key.first, key.second, count});
    return out;
}

// --- Delivery receipts ------------------------------------------------------------------

std::optional<Delivery> MemoryStore::delivery_by_provider_id(const std::string& channel,
                                                             const std::string& provider_id) const {
    if (provider_id.empty()) return std::nullopt;
    const auto found = outbox_.by_provider_id.find({channel, provider_id});
    if (found == outbox_.by_provider_id.end()) return std::nullopt;
    return outbox_.rows.at(*found->second.rbegin());  // the newest
}

bool MemoryStore::add_receipt(const std::string& channel, const DeliveryReceipt& receipt) {
    require_write();
    if (!is_set(receipt.at))
        throw StoreError("a receipt for delivery " + std::to_string(receipt.delivery_id) + " has no time of arrival");
    const Delivery* found = outbox_.find(receipt.delivery_id);
    if (!found || found->channel != channel) return false;
    if (!receipt.report_key.empty())
        for (const auto& earlier : outbox_.receipts_of(receipt.delivery_id))
            if (earlier.report_key == receipt.report_key) return false;
    Delivery d = *found;
    d.provider_status = receipt.status;
    put_delivery_row(d);  // remembers the receipts before, too
    outbox_.receipts[d.id].push_back(receipt);
    return true;
}

bool MemoryStore::mark_undelivered(int64_t id, const std::string& reason, UtcInstant at) {
    require_write();
    const Delivery* found = outbox_.find(id);
    if (!found || (found->state != DeliveryState::sent && found->state != DeliveryState::claimed)) return false;
    Delivery d = *found;
    d.state = DeliveryState::failed;
    d.reason = reason;
    d.claimed_by.clear();
    d.updated_at = at;
    put_delivery_row(d);
    return true;
}

std::vector<DeliveryReceipt> MemoryStore::receipts(int64_t delivery_id) const {
    return outbox_.receipts_of(delivery_id);
}

// --- Plan requests and settings ---------------------------------------------------------

void MemoryStore::request_plan(const std::string& scope) {
    require_write();
    state_.plan_requests.insert(scope);
}

std::vector<std::string> MemoryStore::plan_requests() const {
    return {state_.plan_requests.begin(), state_.plan_requests.end()};
}

void MemoryStore::clear_plan_request(const std::string& scope) {
    require_write();
    state_.plan_requests.erase(scope);
}

std::optional<std::string> MemoryStore::setting(const std::string& key) const {
    const auto found = state_.settings.find(key);
    if (found == state_.settings.end()) return std::nullopt;
    return found->second;
}

void MemoryStore::put_setting(const std::string& key, const std::string& value) {
    require_write();
    state_.settings[key] = value;
}

// --- Several daemons on one database ---------------------------------------------------

Lease MemoryStore::take_lease(const std::string& name, const std::string& holder, UtcInstant now, UtcInstant until) {
    require_write();
    if (now.utc.is_special() || until.utc.is_special()) throw StoreError("a lease needs the time and its end");
    auto [found, inserted] = state_.leases.try_emplace(name, Lease{name, holder, until});
    Lease& lease = found->second;
    if (!inserted && (lease.held_by(holder) || !(now < lease.until))) lease = {name, holder, until};
    return lease;
}

void MemoryStore::release_lease(const std::string& name, const std::string& holder) {
    require_write();
    const auto found = state_.leases.find(name);
    if (found != state_.leases.end() && found->second.held_by(holder)) state_.leases.erase(found);
}

namespace {

class NoChanges final : public ChangeWatch {
public:
    void stop() override {}
};

}  // namespace

std::unique_ptr<ChangeWatch> MemoryStore::watch_changes(boost::asio::io_context&, ChangeCallback) {
    return std::make_unique<NoChanges>();
}

// --- Answers and attendance -----------------------------------------------------------

int64_t MemoryStore::add_answer(const StoredAnswer& answer) {
    require_write();
    StoredAnswer stored = answer;
    stored.id = state_.next_answer_id++;
    state_.answers.emplace(stored.id, stored);
    return stored.id;
}

void MemoryStore::set_answer_lead_delivery(int64_t answer_id, int64_t delivery_id) {
    require_write();
    const auto found = state_.answers.find(answer_id);
    if (found == state_.answers.end()) throw StoreError("no answer " + std::to_string(answer_id));
    found->second.lead_delivery_id = delivery_id;
}

std::optional<StoredAnswer> MemoryStore::answer(int64_t id) const {
    const auto found = state_.answers.find(id);
    if (found == state_.answers.end()) return std::nullopt;
    return found->second;
}

std::vector<StoredAnswer> MemoryStore::answers(const std::string& participant_id) const {
    std::vector<StoredAnswer> out;
    for (const auto& [id, answer] : state_.answers)
        if (participant_id.empty() || answer.participant_id == participant_id) out.push_back(answer);
    return out;
}

void MemoryStore::put_attendance(const AttendanceRecord& record) {
    require_write();
    state_.attendance[record.participant_id][{record.session_id, record.appointment_id}] = record;
}

std::vector<AttendanceRecord> MemoryStore::attendance_of_participant(const std::string& participant_id) const {
    std::vector<AttendanceRecord> out;
    if (const auto found = state_.attendance.find(participant_id); found != state_.attendance.end())
        for (const auto& [subject, record] : found->second) out.push_back(record);
    std::stable_sort(out.begin(), out.end(), [](const AttendanceRecord& a, const AttendanceRecord& b) {
        return std::tie(a.at.utc, a.session_id, a.appointment_id) < std::tie(b.at.utc, b.session_id, b.appointment_id);
    });
    return out;
}

std::vector<AttendanceRecord> MemoryStore::attendance_of_programme(const std::string& programme_id) const {
    std::vector<AttendanceRecord> out;
    for (const auto& [participant, records] : state_.attendance)
        for (const auto& [subject, record] : records)
            if (record.session_id != 0 && record.programme_id == programme_id) out.push_back(record);
    std::sort(out.begin(), out.end(), [](const AttendanceRecord& a, const AttendanceRecord& b) {
        return std::tie(a.session_id, a.participant_id) < std::tie(b.session_id, b.participant_id);
    });
    return out;
}

}  // namespace ritme

namespace ritme {

int64_t MemoryStore::add_follow_up(const StoredFollowUp& follow_up) {
    require_write();
    for (const auto& [id, stored] : state_.follow_ups)
        if (stored.key == follow_up.key) return 0;
    StoredFollowUp row = follow_up;
    row.id = state_.next_follow_up_id++;
    state_.follow_ups[row.id] = row;
    return row.id;
}

std::optional<StoredFollowUp> MemoryStore::follow_up(int64_t id) const {
    const auto found = state_.follow_ups.find(id);
    if (found == state_.follow_ups.end()) return std::nullopt;
    return found->second;
}

std::vector<StoredFollowUp> MemoryStore::follow_ups(const std::string& programme_id, bool open_only) const {
    std::vector<StoredFollowUp> out;
    for (const auto& [id, row] : state_.follow_ups)
        if ((programme_id.empty() || row.programme_id == programme_id) && (!open_only || row.open())) out.push_back(row);
    return out;
}

bool MemoryStore::close_follow_up(int64_t id, const std::string& by, UtcInstant at) {
    require_write();
    const auto found = state_.follow_ups.find(id);
    if (found == state_.follow_ups.end() || !found->second.open()) return false;
    found->second.done_at = at;
    found->second.done_by = by;
    return true;
}

std::optional<StoredLead> MemoryStore::lead(const std::string& id) const {
    const auto found = state_.leads.find(id);
    if (found == state_.leads.end()) return std::nullopt;
    return found->second;
}

std::vector<StoredLead> MemoryStore::leads() const {
    std::vector<StoredLead> out;
    for (const auto& [id, lead] : state_.leads) out.push_back(lead);
    return out;
}

void MemoryStore::put_lead(const StoredLead& lead) {
    require_write();
    StoredLead stored = lead;
    std::sort(stored.programmes.begin(), stored.programmes.end());
    stored.programmes.erase(std::unique(stored.programmes.begin(), stored.programmes.end()), stored.programmes.end());
    state_.leads[lead.id] = std::move(stored);
}

void MemoryStore::delete_lead(const std::string& id) {
    require_write();
    state_.leads.erase(id);
    std::erase_if(state_.lead_tokens, [&](const auto& entry) { return entry.second.lead_id == id; });
}

void MemoryStore::put_lead_token(const LeadToken& token) {
    require_write();
    state_.lead_tokens[token.hash] = token;
}

std::optional<LeadToken> MemoryStore::lead_token(const std::string& hash) const {
    const auto found = state_.lead_tokens.find(hash);
    if (found == state_.lead_tokens.end()) return std::nullopt;
    return found->second;
}

std::vector<LeadToken> MemoryStore::lead_tokens(const std::string& lead_id) const {
    std::vector<LeadToken> out;
    for (const auto& [hash, token] : state_.lead_tokens)
        if (token.lead_id == lead_id) out.push_back(token);
    std::stable_sort(out.begin(), out.end(),
                     [](const LeadToken& a, const LeadToken& b) { return a.created_at.utc < b.created_at.utc; });
    return out;
}

void MemoryStore::put_feed_token(const FeedToken& token) {
    require_write();
    state_.feed_tokens[token.id] = token;
}

std::optional<FeedToken> MemoryStore::feed_token(const std::string& id) const {
    const auto found = state_.feed_tokens.find(id);
    if (found == state_.feed_tokens.end()) return std::nullopt;
    return found->second;
}

std::optional<FeedToken> MemoryStore::feed_token_by_hash(const std::string& hash) const {
    for (const auto& [id, token] : state_.feed_tokens)
        if (token.hash == hash) return token;
    return std::nullopt;
}

std::vector<FeedToken> MemoryStore::feed_tokens(const std::string& programme_id) const {
    std::vector<FeedToken> out;
    for (const auto& [id, token] : state_.feed_tokens)
        if (programme_id.empty() || token.programme_id == programme_id) out.push_back(token);
    std::stable_sort(out.begin(), out.end(),
                     [](const FeedToken& a, const FeedToken& b) { return a.created_at.utc < b.created_at.utc; });
    return out;
}

int64_t MemoryStore::add_group_message(const GroupMessage& message) {
    require_write();
    if (!message.texts.count("nl")) throw StoreError("a group message needs its Dutch text");
    const int64_t id = state_.group_messages.empty() ? 1 : state_.group_messages.rbegin()->first + 1;
    GroupMessage stored = message;
    stored.id = id;
    state_.group_messages.emplace(id, std::move(stored));
    return id;
}

std::optional<GroupMessage> MemoryStore::group_message(int64_t id) const {
    const auto found = state_.group_messages.find(id);
    if (found == state_.group_messages.end()) return std::nullopt;
    return found->second;
}

}  // namespace ritme

namespace ritme {

RetentionCounts MemoryStore::scrub(const RetentionScrub& scrub) {
    require_write();
    RetentionCounts counts;
    for (const auto& [id, payload] : scrub.deliveries) {
        const Delivery* found = outbox_.find(id);
        if (!found) continue;
        Delivery row = *found;
        auto receipts = outbox_.receipts_of(id);
        int receipts_changed = 0;
        for (auto& receipt : receipts) {
            if (receipt.detail.empty() && receipt.report_key.empty()) continue;
            receipt.detail.clear();
            receipt.report_key.clear();
            ++receipts_changed;
        }
        const bool row_changed = row.payload != payload || !row.reason.empty();
        if (!row_changed && receipts_changed == 0) continue;
        row.payload = payload;
        row.reason.clear();
        put_delivery_row(row);  // remembers the row and its receipts as they were
        outbox_.put_receipts(id, std::move(receipts));
        counts.deliveries += row_changed;
        counts.receipts += receipts_changed;
    }
    for (int64_t id : scrub.answers) {
        const auto found = state_.answers.find(id);
        if (found == state_.answers.end() || found->second.words.empty()) continue;
        found->second.words.clear();
        ++counts.answers;
    }
    const std::map<std::string, std::string> scrubbed{{"nl", ""}};
    for (int64_t id : scrub.group_messages) {
        const auto found = state_.group_messages.find(id);
        if (found == state_.group_messages.end() || found->second.texts == scrubbed) continue;
        found->second.texts = scrubbed;
        ++counts.group_messages;
    }
    for (int64_t id : scrub.appointments) {
        const auto found = state_.appointments.find(id);
        if (found == state_.appointments.end() || (found->second.where.empty() && found->second.note.empty())) continue;
        found->second.where.clear();
        found->second.note.clear();
        ++counts.appointments;
    }
    for (const auto& record : scrub.told) {
        const auto of = state_.told.find(record.participant_id);
        if (of == state_.told.end()) continue;
        const auto found = of->second.find({record.session_id, record.appointment_id});
        if (found != of->second.end()) found->second.state = record.state;  // the serial stays
    }
    for (const auto& id : scrub.participants) {
        const auto found = state_.participants.find(id);
        if (found == state_.participants.end()) continue;
        Participant& p = found->second;
        if (p.name.empty() && p.phone.empty() && p.email.empty() && p.commitments.empty()) continue;
        p.name.clear();
        p.phone.clear();
        p.email.clear();
        p.commitments.clear();
        ++counts.participants;
    }
    return counts;
}

}  // namespace ritme
