#pragma once
// A Store that passes every call on to another: a test derives from it and overrides
// the one call it makes fail or watches.

#include "engine/store/store.hpp"

namespace ritme::test {

class ForwardingStore : public Store {
public:
    explicit ForwardingStore(Store& inner) : inner_(inner) {}

    void write(const std::function<void()>& work) override { inner_.write(work); }
    std::optional<Programme> programme(const std::string& id) const override { return inner_.programme(id); }
    std::vector<std::string> programme_ids() const override { return inner_.programme_ids(); }
    void put_programme(const Programme& programme) override { inner_.put_programme(programme); }
    std::optional<School> school(const std::string& id) const override { return inner_.school(id); }
    std::vector<std::string> school_ids() const override { return inner_.school_ids(); }
    void put_school(const School& school) override { inner_.put_school(school); }
    std::vector<StoredSession> sessions(const std::string& programme_id) const override {
        return inner_.sessions(programme_id);
    }
    int64_t put_session(const StoredSession& session) override { return inner_.put_session(session); }
    std::optional<Participant> participant(const std::string& id) const override { return inner_.participant(id); }
    std::vector<Participant> participants() const override { return inner_.participants(); }
    void put_participant(const Participant& participant) override { inner_.put_participant(participant); }
    void delete_participant(const std::string& id, bool keep_anonymous_counts) override {
        inner_.delete_participant(id, keep_anonymous_counts);
    }
    std::vector<std::string> programmes_of(const std::string& participant_id) const override {
        return inner_.programmes_of(participant_id);
    }
    std::vector<std::string> participants_of(const std::string& programme_id) const override {
        return inner_.participants_of(programme_id);
    }
    void enrol(const std::string& participant_id, const std::string& programme_id) override {
        inner_.enrol(participant_id, programme_id);
    }
    void unenrol(const std::string& participant_id, const std::string& programme_id) override {
        inner_.unenrol(participant_id, programme_id);
    }
    int anonymous_enrolments(const std::string& programme_id) const override {
        return inner_.anonymous_enrolments(programme_id);
    }
    void record(const AuditEntry& entry) override { inner_.record(entry); }
    std::vector<AuditEntry> audit() const override { return inner_.audit(); }
    std::optional<StoredSession> session(int64_t id) const override { return inner_.session(id); }
    int64_t put_appointment(const Appointment& appointment) override { return inner_.put_appointment(appointment); }
    std::optional<Appointment> appointment(int64_t id) const override { return inner_.appointment(id); }
    std::vector<Appointment> appointments(const std::string& participant_id) const override {
        return inner_.appointments(participant_id);
    }
    int64_t add_delivery(const Delivery& delivery) override { return inner_.add_delivery(delivery); }
    std::optional<Delivery> delivery(int64_t id) const override { return inner_.delivery(id); }
    std::vector<Delivery> deliveries(const DeliveryQuery& query) const override { return inner_.deliveries(query); }
    void cancel_delivery(int64_t id, const std::string& reason, UtcInstant at) override {
        inner_.cancel_delivery(id, reason, at);
    }
    std::vector<ClaimedDelivery> claim_due_by(UtcInstant now,
        UtcInstant due_by,
        int limit,
        const std::string& owner,
        UtcInstant lease_until) override {
        return inner_.claim_due_by(now, due_by, limit, owner, lease_until);
    }
    std::vector<int64_t> finish(const std::vector<DeliveryOutcome>& outcomes) override {
        return inner_.finish(outcomes);
    }
    std::vector<ToldRecord> told_about_sessions(const std::string& programme_id) const override {
        return inner_.told_about_sessions(programme_id);
    }
    std::vector<ToldRecord> told_about_appointments(const std::string& participant_id) const override {
        return inner_.told_about_appointments(participant_id);
    }
    void put_told(const ToldRecord& record) override { inner_.put_told(record); }
    int renew_claims(const std::string& owner, const std::vector<int64_t>& ids, UtcInstant until) override {
        return inner_.renew_claims(owner, ids, until);
    }
    std::optional<UtcInstant> next_send_at() const override { return inner_.next_send_at(); }
    std::vector<std::string> claim_owners() const override { return inner_.claim_owners(); }
    int release_claims(const std::string& owner, UtcInstant now, const std::string& reason) override {
        return inner_.release_claims(owner, now, reason);
    }
    std::vector<DeliveryCount> delivery_counts() const override { return inner_.delivery_counts(); }
    std::optional<Delivery> delivery_by_provider_id(const std::string& channel,
        const std::string& provider_id) const override {
        return inner_.delivery_by_provider_id(channel, provider_id);
    }
    bool add_receipt(const std::string& channel, const DeliveryReceipt& receipt) override {
        return inner_.add_receipt(channel, receipt);
    }
    bool subject_current(const Delivery& delivery) const override { return inner_.subject_current(delivery); }
    std::vector<bool> subjects_current(const std::vector<const Delivery*>& deliveries) const override {
        return inner_.subjects_current(deliveries);
    }
    bool mark_undelivered(int64_t id, const std::string& reason, UtcInstant at) override {
        return inner_.mark_undelivered(id, reason, at);
    }
    std::vector<DeliveryReceipt> receipts(int64_t delivery_id) const override { return inner_.receipts(delivery_id); }
    int64_t add_answer(const StoredAnswer& answer) override { return inner_.add_answer(answer); }
    void set_answer_lead_delivery(int64_t answer_id, int64_t delivery_id) override {
        inner_.set_answer_lead_delivery(answer_id, delivery_id);
    }
    std::optional<StoredAnswer> answer(int64_t id) const override { return inner_.answer(id); }
    std::vector<StoredAnswer> answers(const std::string& participant_id) const override {
        return inner_.answers(participant_id);
    }
    void put_attendance(const AttendanceRecord& record) override { inner_.put_attendance(record); }
    std::vector<AttendanceRecord> attendance_of_participant(const std::string& participant_id) const override {
        return inner_.attendance_of_participant(participant_id);
    }
    std::vector<AttendanceRecord> attendance_of_programme(const std::string& programme_id) const override {
        return inner_.attendance_of_programme(programme_id);
    }
    void request_plan(const std::string& scope) override { inner_.request_plan(scope); }
    std::vector<std::string> plan_requests() const override { return inner_.plan_requests(); }
    void clear_plan_request(const std::string& scope) override { inner_.clear_plan_request(scope); }
    std::optional<StoredLead> lead(const std::string& id) const override { return inner_.lead(id); }
    std::vector<StoredLead> leads() const override { return inner_.leads(); }
    void put_lead(const StoredLead& lead) override { inner_.put_lead(lead); }
    void delete_lead(const std::string& id) override { inner_.delete_lead(id); }
    void put_lead_token(const LeadToken& token) override { inner_.put_lead_token(token); }
    std::optional<LeadToken> lead_token(const std::string& hash) const override { return inner_.lead_token(hash); }
    std::vector<LeadToken> lead_tokens(const std::string& lead_id) const override {
        return inner_.lead_tokens(lead_id);
    }
    int64_t add_follow_up(const StoredFollowUp& follow_up) override { return inner_.add_follow_up(follow_up); }
    std::optional<StoredFollowUp> follow_up(int64_t id) const override { return inner_.follow_up(id); }
    std::vector<StoredFollowUp> follow_ups(const std::string& programme_id, bool open_only) const override {
        return inner_.follow_ups(programme_id, open_only);
    }
    bool close_follow_up(int64_t id, const std::string& by, UtcInstant at) override {
        return inner_.close_follow_up(id, by, at);
    }
    void put_feed_token(const FeedToken& token) override { inner_.put_feed_token(token); }
    std::optional<FeedToken> feed_token(const std::string& id) const override { return inner_.feed_token(id); }
    std::optional<FeedToken> feed_token_by_hash(const std::string& hash) const override {
        return inner_.feed_token_by_hash(hash);
    }
    std::vector<FeedToken> feed_tokens(const std::string& programme_id) const override {
        return inner_.feed_tokens(programme_id);
    }
    int64_t add_group_message(const GroupMessage& message) override { return inner_.add_group_message(message); }
    std::optional<GroupMessage> group_message(int64_t id) const override { return inner_.group_message(id); }
    std::optional<std::string> setting(const std::string& key) const override { return inner_.setting(key); }
    void put_setting(const std::string& key, const std::string& value) override { inner_.put_setting(key, value); }
    Lease take_lease(const std::string& name, const std::string& holder, UtcInstant now, UtcInstant until) override {
        return inner_.take_lease(name, holder, now, until);
    }
    void release_lease(const std::string& name, const std::string& holder) override {
        inner_.release_lease(name, holder);
    }
    std::unique_ptr<ChangeWatch> watch_changes(boost::asio::io_context& io, ChangeCallback changed) override {
        return inner_.watch_changes(io, std::move(changed));
    }
    std::string location() const override { return inner_.location(); }
    std::vector<std::string> integrity_problems(int limit) const override { return inner_.integrity_problems(limit); }
    std::string integrity_check_name() const override { return inner_.integrity_check_name(); }
    bool purge_deleted() override { return inner_.purge_deleted(); }
    RetentionCounts scrub(const RetentionScrub& scrub) override { return inner_.scrub(scrub); }

protected:
    Store& inner_;
};

}  // namespace ritme::test
