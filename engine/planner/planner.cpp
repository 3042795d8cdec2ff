#include "engine/planner/planner.hpp"

#include "engine/planner/reminder_timing.hpp"
#include "engine/store/delivery_reason.hpp"
#include "engine/store/fallback_key.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace ritme {
namespace {

// The setting that holds the fingerprint of the rules the outbox was planned with.
constexpr const char* rules_setting = "planner.rules";

// A medium a participant can be reached on, and the route it takes.
struct Reach {
    Medium medium;
    const PlanningRules::Route* route;
};

bool has_address(const Participant& participant, Medium medium) {
    return medium == Medium::sms ? !participant.phone.empty() && !participant.sms_opt_out : !participant.email.empty();
}

bool wants(const Participant& participant, Medium medium) {
    return medium == Medium::sms ? participant.channels.sms : participant.channels.email;
}

std::vector<Reach> reach_of(const Participant& participant, const PlanningRules& rules) {
    std::vector<Reach> reach;
    for (const auto& [medium, route] : rules.routes)
        if (wants(participant, medium) && has_address(participant, medium)) reach.push_back({medium, &route});
    // A medium she chose but cannot be reached on (no phone number; not an opt-out,
    // which is her choice) goes through its channel's fallback, when that reaches her.
    for (const auto& [medium, fallback] : rules.fallbacks) {
        const auto& [fallback_medium, route] = fallback;
        const bool opted_out = medium == Medium::sms && participant.sms_opt_out;
        if (!wants(participant, medium) || has_address(participant, medium) || opted_out) continue;
        if (!has_address(participant, fallback_medium)) continue;
        // The channel captured by name: clang before 16 cannot capture a structured binding.
        const bool reached = std::any_of(reach.begin(), reach.end(), [&channel = route.channel](const Reach& r) {
            return r.route->channel == channel;
        });
        if (!reached) reach.push_back({fallback_medium, &route});
    }
    return reach;
}

}  // namespace

std::vector<std::pair<Medium, const PlanningRules::Route*>> routes_reaching(const Participant& participant,
                                                                            const PlanningRules& rules) {
    std::vector<std::pair<Medium, const PlanningRules::Route*>> out;
    for (const Reach& reach : reach_of(participant, rules)) out.emplace_back(reach.medium, reach.route);
    return out;
}

namespace {

struct Recipient {
    std::string id;
    std::vector<Reach> reach;
};

// One scope's pending rows (planned or retry) against the rows the plan wants: adds what
// is missing, cancels what no longer applies. Claimed rows are not pending here: they are
// being sent, and the dispatcher checks them against the version of their subject.
class OutboxDiff {
public:
    OutboxDiff(Store& store, UtcInstant now, std::vector<Delivery> pending)
        : store_(store), now_(now), pending_(std::move(pending)) {
        for (const auto& row : pending_) pending_by_key_.emplace(row.key, &row);
    }

    // `add`: whether the row may be added now; a row that is wanted but not added (its
    // moment is past, or its subject starts too soon) is still not cancelled. A pending
    // row whose timing or facts differ from the wanted one is planned anew; a cancelled
    // one with the wanted key is planned again (the store revives it).
    void want(const Delivery& row, bool add) {
        if (!wanted_.insert(row.key).second) return;
        if (const auto found = pending_by_key_.find(row.key); found != pending_by_key_.end()) {
            const Delivery& pending = *found->second;
            if (row.state == DeliveryState::cancelled) cancel(pending, row.reason);
            else if (add && differs(pending, row)) replan(pending, row);
            return;
        }
        if (!add || sent_on_another_channel(row) || store_.add_delivery(row) == 0) return;
        if (row.state == DeliveryState::cancelled) ++result_.dropped;
        else ++result_.added;
    }

    // Why a pending row is no longer wanted; `about_the_person`: she left or what it is
    // about changed, rather than a route or a rule.
    struct Unwanted {
        std::string reason;
        bool about_the_person = true;
    };

    // A fallback row is the dispatcher's, not the plan's: a change of routes or rules
    // leaves it, but it goes when she left or its subject changed.
    template <class ReasonFor>
    void cancel_unwanted(ReasonFor reason_for) {
        for (const auto& row : pending_) {
            if (wanted_.count(row.key)) continue;
            const Unwanted unwanted = reason_for(row);
            if (is_fallback(row) && !unwanted.about_the_person) continue;
            cancel(row, unwanted.reason);
        }
    }

    void cancel_all(const std::string& reason) {
        for (const auto& row : pending_) cancel(row, reason);
    }

    const PlanResult& result() const { return result_; }

private:
    // A retry row keeps its own send time: its due moment is what the plan sets.
    static bool differs(const Delivery& pending, const Delivery& wanted) {
        return pending.due_at != wanted.due_at || pending.expires_at != wanted.expires_at ||
               pending.session_version != wanted.session_version ||
               pending.appointment_version != wanted.appointment_version || pending.payload != wanted.payload ||
               (pending.state == DeliveryState::planned && pending.send_at != wanted.send_at);
    }

    // She already got this very message (same subject, version and offset) on another
    // channel: a channel added later (her STOP moving her to e-mail, an address added)
    // carries what is still to come, not a second copy of what she has. Messages planned
    // for several channels at once are all pending together and all go.
    bool sent_on_another_channel(const Delivery& row) const {
        if (row.state == DeliveryState::cancelled || (row.session_id == 0 && row.appointment_id == 0)) return false;
        DeliveryQuery same;
        same.participant_id = row.participant_id;
        if (row.session_id != 0) same.session_id = row.session_id;
        else same.appointment_id = row.appointment_id;
        same.kinds = {row.kind};
        same.states = {DeliveryState::sent};
        for (const auto& other : store_.deliveries(same))
            if (other.channel != row.channel && other.offset == row.offset &&
                other.session_version == row.session_version && other.appointment_version == row.appointment_version)
                return true;
        return false;
    }

    void replan(const Delivery& pending, const Delivery& wanted) {
        store_.cancel_delivery(pending.id, stored_reason(DeliveryReason::planned_anew), now_);
        if (store_.add_delivery(wanted) != 0) ++result_.replanned;
    }

    void cancel(const Delivery& row, const std::string& reason) {
        store_.cancel_delivery(row.id, reason, now_);
        ++result_.cancelled;
    }

    Store& store_;
    UtcInstant now_;
    std::vector<Delivery> pending_;
    std::unordered_map<std::string, const Delivery*> pending_by_key_;
    std::unordered_set<std::string> wanted_;
    PlanResult result_;
};

// What reminders and change notices are about: a session or an appointment, as it is now.
struct Subject {
    std::string key;  // "almere-vrouwen-2026#s41", "a7"
    DeliveryKind reminder_kind = DeliveryKind::reminder;
    Delivery row;  // the fields every row about it shares
    UtcInstant start;
    bool has_reminders = true;  // false once cancelled
    std::string state;  // told_state() as it is now
    std::optional<UtcInstant> changed_at;  // when it last changed
    // What each participant was told about it, by participant id.
    const std::map<std::string, ToldRecord>* told = nullptr;
    // Who said she cannot come (attendance excused): no more reminders for her.
    std::set<std::string> excused;
};

using ToldBySubject = std::map<int64_t, std::map<std::string, ToldRecord>>;

// The change a notice announces, from what she was told to the state now; empty when
// there is nothing to tell (the same state, or not going ahead either way).
std::string change_between(const nlohmann::json& told, const nlohmann::json& now) {
    if (told == now) return {};
    const bool was_cancelled = told.value("status", "") == "cancelled";
    const bool is_cancelled = now.value("status", "") == "cancelled";
    if (was_cancelled && is_cancelled) return {};
    if (is_cancelled) return "cancelled";
    if (was_cancelled) return "restored";
    return "moved";
}

class Planner {
public:
    Planner(Store& store, const PlanningRules& rules, UtcInstant now) : store_(store), rules_(rules), now_(now) {}

    PlanResult programme(const std::string& programme_id) {
        DeliveryQuery query;
        query.programme_id = programme_id;
        query.kinds = {DeliveryKind::reminder, DeliveryKind::change};
        query.states = {DeliveryState::planned, DeliveryState::retry};
        auto pending = store_.deliveries(query);
        std::erase_if(pending, [](const Delivery& row) { return row.session_id == 0; });
        OutboxDiff diff(store_, now_, std::move(pending));

        const auto programme = store_.programme(programme_id);
        if (!programme) {
            diff.cancel_all(stored_reason(DeliveryReason::programme_removed));
            return diff.result();
        }
        const TimeZone& zone = zone_named(programme->timezone);
        const auto& offsets = programme->reminder_offsets ? *programme->reminder_offsets
                                                          : rules_.defaults.session_offsets;

        std::map<std::string, Participant> enrolled;
        std::vector<Recipient> recipients;
        for (const auto& id : store_.participants_of(programme_id)) {
            auto participant = store_.participant(id);
            if (!participant) continue;
            recipients.push_back({id, reach_of(*participant, rules_)});
            enrolled.emplace(id, std::move(*participant));
        }

        ToldBySubject told;
        for (auto& record : store_.told_about_sessions(programme_id))
            told[record.session_id].emplace(record.participant_id, std::move(record));

        std::map<int64_t, std::set<std::string>> excused;  // session → participants
        for (const auto& record : store_.attendance_of_programme(programme_id))
            if (record.status == AttendanceStatus::excused) excused[record.session_id].insert(record.participant_id);

        std::map<int64_t, StoredSession> sessions;
        for (auto& session : store_.sessions(programme_id)) {
            Subject subject;
            subject.key = programme_id + "#s" + std::to_string(session.id);
            subject.row.programme_id = programme_id;
            subject.row.session_id = session.id;
            subject.row.session_version = session.version;
            subject.start = session.start_utc;
            subject.has_reminders = session.status != SessionStatus::cancelled;
            subject.state = told_state(session);
            subject.changed_at = session.changed_at;
            if (const auto found = told.find(session.id); found != told.end()) subject.told = &found->second;
            if (const auto found = excused.find(session.id); found != excused.end()) subject.excused = found->second;
            plan_subject(subject, offsets, zone, recipients, diff);
            sessions.emplace(session.id, std::move(session));
        }

        diff.cancel_unwanted([&](const Delivery& row) -> OutboxDiff::Unwanted {
            const auto session = sessions.find(row.session_id);
            if (row.kind != DeliveryKind::change && session != sessions.end() &&
                row.session_version < session->second.version)
                return {stored_reason(DeliveryReason::session_changed, {std::to_string(session->second.number)})};
            const auto participant = enrolled.find(row.participant_id);
            if (participant == enrolled.end()) return {stored_reason(DeliveryReason::no_longer_enrolled)};
            if (row.kind == DeliveryKind::change) return {stored_reason(DeliveryReason::nothing_left_to_tell)};
            return {unreachable_reason(participant->second, row.channel).value_or(stored_reason(DeliveryReason::rules_changed)), false};
        });
        return diff.result();
    }

    PlanResult appointments(const std::string& participant_id) {
        DeliveryQuery query;
        query.participant_id = participant_id;
        query.states = {DeliveryState::planned, DeliveryState::retry};
        const auto participant = store_.participant(participant_id);
        if (!participant) {
            OutboxDiff diff(store_, now_, store_.deliveries(query));
            diff.cancel_all(stored_reason(DeliveryReason::participant_removed));
            return diff.result();
        }
        query.kinds = {DeliveryKind::appointment, DeliveryKind::change};
        auto pending = store_.deliveries(query);
        std::erase_if(pending, [](const Delivery& row) { return row.appointment_id == 0; });
        OutboxDiff diff(store_, now_, std::move(pending));

        const TimeZone& zone = zone_named(rules_.timezone);
        const std::vector<Recipient> recipients{{participant_id, reach_of(*participant, rules_)}};
        ToldBySubject told;
        for (auto& record : store_.told_about_appointments(participant_id))
            told[record.appointment_id].emplace(record.participant_id, std::move(record));
        std::set<int64_t> excused;  // appointments she said she cannot come to
        for (const auto& record : store_.attendance_of_participant(participant_id))
            if (record.appointment_id && record.status == AttendanceStatus::excused) excused.insert(record.appointment_id);
        std::map<int64_t, Appointment> appointments;
        for (auto& appointment : store_.appointments(participant_id)) {
            Subject subject;
            subject.key = "a" + std::to_string(appointment.id);
            subject.reminder_kind = DeliveryKind::appointment;
            subject.row.programme_id = appointment.programme_id;
            subject.row.appointment_id = appointment.id;
            subject.row.appointment_version = appointment.version;
            subject.start = appointment.start_utc;
            subject.has_reminders = !appointment.cancelled;
            subject.state = told_state(appointment);
            subject.changed_at = appointment.changed_at;
            if (const auto found = told.find(appointment.id); found != told.end()) subject.told = &found->second;
            if (excused.count(appointment.id)) subject.excused.insert(participant_id);
            plan_subject(subject, rules_.defaults.appointment_offsets, zone, recipients, diff);
            appointments.emplace(appointment.id, std::move(appointment));
        }

        diff.cancel_unwanted([&](const Delivery& row) -> OutboxDiff::Unwanted {
            const auto appointment = appointments.find(row.appointment_id);
            if (appointment == appointments.end()) return {stored_reason(DeliveryReason::appointment_removed)};
            if (row.kind != DeliveryKind::change && row.appointment_version < appointment->second.version)
                return {stored_reason(DeliveryReason::appointment_changed, {"a" + std::to_string(appointment->first)})};
            if (row.kind == DeliveryKind::change) return {stored_reason(DeliveryReason::nothing_left_to_tell)};
            return {unreachable_reason(*participant, row.channel).value_or(stored_reason(DeliveryReason::rules_changed)), false};
        });
        return diff.result();
    }

private:
    // The news for one recipient: the difference between what she was told and now.
    struct Notice {
        std::string payload;  // {"change", "from", "told"}
        int64_t serial = 0;   // of the told record it starts from
        UtcInstant due_at;    // notice_delay after the last change
    };
    // Per recipient and channel, the reminder a notice went into: "joined with the 2h reminder".
    using Joined = std::map<std::pair<std::string, std::string>, std::string>;

    // The rows one session or appointment needs, for each recipient and route.
    void plan_subject(const Subject& subject, const std::vector<ReminderOffset>& offsets, const TimeZone& zone,
                      const std::vector<Recipient>& recipients, OutboxDiff& diff) {
        const auto notices = notices_for(subject);
        Joined joined;
        if (subject.has_reminders) plan_reminders(subject, offsets, zone, recipients, notices, joined, diff);
        plan_change_notices(subject, zone, recipients, notices, joined, diff);
    }

    // A notice for each recipient whose told state differs from now, "from what she was
    // told to now"; none for one who was never told, or when nothing she knows changed.
    std::map<std::string, Notice> notices_for(const Subject& subject) const {
        std::map<std::string, Notice> notices;
        if (!subject.told) return notices;
        const UtcInstant changed_at = subject.changed_at.value_or(now_);
        const UtcInstant due_at{changed_at.utc + boost::posix_time::minutes(rules_.defaults.notice_delay_minutes)};
        const auto now_state = nlohmann::json::parse(subject.state);
        for (const auto& [participant_id, told] : *subject.told) {
            if (told.state == subject.state) continue;
            const auto was = nlohmann::json::parse(told.state, nullptr, false);
            const std::string change = change_between(was, now_state);
            if (change.empty()) continue;
            notices[participant_id] = {
                nlohmann::json{{"change", change}, {"from", was}, {told_field, now_state}}.dump(), told.serial, due_at};
        }
        return notices;
    }

    UtcInstant notice_send_at(const Notice& notice, const Reach& reach, const TimeZone& zone) const {
        return honours_quiet_hours(reach) ? rules_.defaults.quiet_hours.end_of(notice.due_at, zone) : notice.due_at;
    }

    void plan_reminders(const Subject& subject, const std::vector<ReminderOffset>& offsets, const TimeZone& zone,
                        const std::vector<Recipient>& recipients, const std::map<std::string, Notice>& notices,
                        Joined& joined, OutboxDiff& diff) {
        const auto min_notice = boost::posix_time::minutes(rules_.defaults.min_notice_minutes);
        const UtcInstant expires_at{subject.start.utc - min_notice};
        const bool open = now_ < expires_at;
        const std::string kind = subject.reminder_kind == DeliveryKind::reminder ? "reminder:" : "appointment:";
        // The start it reminds of is in the key: a move and its undo give the same rows.
        const std::string subject_key = kind + subject.key + "@" + subject.start.iso() + ":";
        // What she is told when it goes.
        const std::string payload = std::string("{\"") + told_field + "\":" + subject.state + "}";
        // Timings depend on the route only through quiet hours: worked out once with, once without.
        std::optional<std::vector<ReminderTiming>> timings[2];
        for (const auto& recipient : recipients) {
            const auto notice = notices.find(recipient.id);
            const bool excused = subject.excused.count(recipient.id) > 0;
            for (const auto& reach : recipient.reach) {
                const bool quiet = honours_quiet_hours(reach);
                auto& these = timings[quiet];
                if (!these)
                    these = reminder_timings(offsets, subject.start, zone,
                                             quiet ? &rules_.defaults.quiet_hours : nullptr, now_, min_notice,
                                             boost::posix_time::minutes(rules_.defaults.min_gap_minutes));
                // A flag beside a plain instant, not an optional: gcc 12 took the optional's
                // copy for a read of uninitialised memory (-Wmaybe-uninitialized).
                bool notice_pending = notice != notices.end();
                const UtcInstant notice_at = notice_pending ? notice_send_at(notice->second, reach, zone) : UtcInstant{};
                for (const auto& timing : *these) {
                    Delivery row = subject.row;
                    row.kind = subject.reminder_kind;
                    row.key = subject_key + recipient.id + ":" + timing.offset + ":" + reach.route->channel;
                    row.participant_id = recipient.id;
                    row.offset = timing.offset;
                    row.channel = reach.route->channel;
                    row.due_at = timing.due_at;
                    row.send_at = timing.send_at;
                    row.expires_at = expires_at;
                    row.updated_at = now_;
                    row.payload = payload;
                    const bool goes = open && !timing.superseded && timing.dropped.empty() && !excused;
                    if (excused) {
                        row.state = DeliveryState::cancelled;
                        row.reason = stored_reason(DeliveryReason::cannot_come);
                    } else if (!timing.dropped.empty()) {
                        row.state = DeliveryState::cancelled;
                        row.reason = timing.dropped;
                    } else if (goes && notice_pending && within_the_hour(timing.send_at, notice_at)) {
                        // A notice and a reminder within the same hour are one message, the
                        // notice first; it goes when both may, so the undo window holds.
                        const UtcInstant later = std::max(timing.send_at, notice_at);
                        if (later < expires_at) {
                            row.send_at = later;
                            row.payload = notice->second.payload;
                            joined.emplace(std::pair(recipient.id, row.channel), timing.offset);
                            notice_pending = false;
                        }
                    }
                    diff.want(row, open && !timing.superseded);
                }
            }
        }
    }

    static bool within_the_hour(UtcInstant a, UtcInstant b) {
        const auto apart = a.utc < b.utc ? b.utc - a.utc : a.utc - b.utc;
        return apart < boost::posix_time::hours(1);
    }

    // Its key names the told record's serial, so one notice stands for any number of
    // changes made before it goes. It waits notice_delay after the last change (a quick
    // undo sends nothing), then quiet hours; it is of use until the start.
    void plan_change_notices(const Subject& subject, const TimeZone& zone, const std::vector<Recipient>& recipients,
                             const std::map<std::string, Notice>& notices, const Joined& joined, OutboxDiff& diff) {
        for (const auto& recipient : recipients) {
            const auto notice = notices.find(recipient.id);
            if (notice == notices.end()) continue;
            for (const auto& reach : recipient.reach) {
                Delivery row = subject.row;
                row.kind = DeliveryKind::change;
                row.key = "change:" + subject.key + ":" + recipient.id + ":" + reach.route->channel + ":t" +
                          std::to_string(notice->second.serial);
                row.participant_id = recipient.id;
                row.channel = reach.route->channel;
                row.due_at = notice->second.due_at;
                row.send_at = notice_send_at(notice->second, reach, zone);
                row.expires_at = subject.start;
                row.updated_at = now_;
                row.payload = notice->second.payload;
                if (const auto into = joined.find({recipient.id, row.channel}); into != joined.end()) {
                    row.state = DeliveryState::cancelled;
                    row.reason = stored_reason(DeliveryReason::joined_with_reminder, {into->second});
                }
                diff.want(row, now_ < subject.start);
            }
        }
    }

    bool honours_quiet_hours(const Reach& reach) const {
        return reach.route->quiet_hours && !rules_.defaults.quiet_hours.empty();
    }

    // Why a row on `channel` no longer reaches the participant, if that is why it is not
    // wanted; nothing when the channel still reaches them or no route uses it any more.
    std::optional<std::string> unreachable_reason(const Participant& participant, const std::string& channel) const {
        for (const auto& [medium, route] : rules_.routes) {
            if (route.channel != channel) continue;
            for (const auto& reach : reach_of(participant, rules_))
                if (reach.medium == medium) return std::nullopt;
            if (medium == Medium::sms && participant.sms_opt_out) return stored_reason(DeliveryReason::opted_out_of_sms);
            return stored_reason(DeliveryReason::channels_changed);
        }
        return std::nullopt;
    }

    // Loading a zone reads and expands its file: once per zone and planning run.
    const TimeZone& zone_named(const std::string& name) {
        auto found = zones_.find(name);
        if (found == zones_.end()) found = zones_.emplace(name, TimeZone::load(name)).first;
        return found->second;
    }

    Store& store_;
    const PlanningRules& rules_;
    UtcInstant now_;
    std::map<std::string, TimeZone> zones_;
};

std::string joined(const std::vector<ReminderOffset>& offsets) {
    std::string text;
    for (const auto& offset : offsets) text += (text.empty() ? "" : ",") + offset.str();
    return text;
}

PlanResult plan_all(Planner& planner, Store& store) {
    PlanResult result;
    for (const auto& id : store.programme_ids()) result += planner.programme(id);
    for (const auto& participant : store.participants()) result += planner.appointments(participant.id);
    return result;
}

}  // namespace

std::string PlanningRules::fingerprint() const {
    // The leading version changes when the planner itself plans differently.
    std::ostringstream text;
    text << "planner 2; sessions " << joined(defaults.session_offsets) << "; appointments "
         << joined(defaults.appointment_offsets) << "; quiet hours " << defaults.quiet_hours.str() << "; min notice "
         << defaults.min_notice_minutes << "m; min gap " << defaults.min_gap_minutes << "m; notice delay "
         << defaults.notice_delay_minutes << "m; timezone " << timezone;
    for (const auto& [medium, route] : routes)
        text << "; " << name_of(medium) << " via " << route.channel
             << (route.quiet_hours ? " in waking hours" : " at any hour");
    for (const auto& [medium, fallback] : fallbacks)
        text << "; " << name_of(medium) << " without an address via " << fallback.second.channel
             << (fallback.second.quiet_hours ? " in waking hours" : " at any hour");
    return text.str();
}

PlanResult plan_programme(Store& store, const std::string& programme_id, const PlanningRules& rules, UtcInstant now) {
    return Planner(store, rules, now).programme(programme_id);
}

PlanResult plan_appointments(Store& store, const std::string& participant_id, const PlanningRules& rules,
                             UtcInstant now) {
    return Planner(store, rules, now).appointments(participant_id);
}

PlanResult plan_everything(Store& store, const PlanningRules& rules, UtcInstant now) {
    Planner planner(store, rules, now);
    return plan_all(planner, store);
}

PlanResult plan_requested(Store& store, const PlanningRules& rules, UtcInstant now) {
    Planner planner(store, rules, now);
    PlanResult result;
    const std::string fingerprint = rules.fingerprint();
    if (store.setting(rules_setting) != fingerprint) {
        result += plan_all(planner, store);
        store.put_setting(rules_setting, fingerprint);
    }

    // Several requests often name the same programme (a lead enrolling a group): each
    // programme and participant is planned once. A scope the planner does not know can
    // never be satisfied, so it is cleared like the others.
    std::set<std::string> programmes, participants;
    const auto requests = store.plan_requests();
    for (const auto& scope : requests) {
        const std::string_view text = scope;
        if (text.starts_with("programme:")) {
            programmes.emplace(text.substr(10));
        } else if (text.starts_with("participant:")) {
            const std::string id(text.substr(12));
            for (auto& programme_id : store.programmes_of(id)) programmes.insert(std::move(programme_id));
            participants.insert(id);
        }
    }
    for (const auto& id : programmes) result += planner.programme(id);
    for (const auto& id : participants) result += planner.appointments(id);
    for (const auto& scope : requests) store.clear_plan_request(scope);
    return result;
}

}  // namespace ritme
