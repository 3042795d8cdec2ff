#include "engine/changes/follow_up_changes.hpp"

#include "engine/changes/lookups.hpp"
#include "engine/message/follow_up_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace ritme {

namespace {

// A same-day message to the lead is of no use after a day.
constexpr int lead_message_hours = 24;

UtcInstant plus_hours(UtcInstant at, int hours) {
    at.utc += boost::posix_time::hours(hours);
    return at;
}

// The programme's sessions that are not cancelled, by start.
std::vector<StoredSession> sessions_in_order(const Store& store, const std::string& programme_id) {
    auto sessions = store.sessions(programme_id);
    std::erase_if(sessions, [](const StoredSession& s) { return s.status == SessionStatus::cancelled; });
    std::stable_sort(sessions.begin(), sessions.end(),
                     [](const StoredSession& a, const StoredSession& b) { return a.start_utc < b.start_utc; });
    return sessions;
}

// The run of sessions in `marked` that holds `session_id`, in order; empty when it is not in `marked`.
std::vector<int64_t> run_through(const std::vector<StoredSession>& sessions, const std::set<int64_t>& marked,
                                 int64_t session_id) {
    const auto at = std::find_if(sessions.begin(), sessions.end(),
                                 [&](const StoredSession& s) { return s.id == session_id; });
    if (at == sessions.end() || !marked.count(session_id)) return {};
    auto first = at;
    while (first != sessions.begin() && marked.count(std::prev(first)->id)) --first;
    auto last = at;
    while (std::next(last) != sessions.end() && marked.count(std::next(last)->id)) ++last;
    std::vector<int64_t> run;
    for (auto it = first; it != std::next(last); ++it) run.push_back(it->id);
    return run;
}

// One follow-up for a run of `threshold` or more: none when an earlier one arose from
// a session of this run (the same run grew, or two runs joined).
std::optional<StoredFollowUp> follow_up_for_run(Store& store, FollowUpCause cause, const std::string& participant_id,
                                                const std::string& programme_id, const std::vector<int64_t>& run,
                                                int threshold, UtcInstant now) {
    if (threshold <= 0 || static_cast<int>(run.size()) < threshold) return std::nullopt;
    const std::set<int64_t> in_run(run.begin(), run.end());
    for (const auto& earlier : store.follow_ups(programme_id, false))
        if (earlier.cause == cause && earlier.participant_id == participant_id && in_run.count(earlier.session_id))
            return std::nullopt;
    StoredFollowUp made;
    made.cause = cause;
    made.key = std::string(name_of(cause)) + ":" + participant_id + ":" + programme_id + "#s" + std::to_string(run.front());
    made.participant_id = participant_id;
    made.programme_id = programme_id;
    made.session_id = run.back();
    made.count = static_cast<int>(run.size());
    made.created_at = now;
    made.id = store.add_follow_up(made);
    if (!made.id) return std::nullopt;
    return made;
}

void audit_made(Store& store, const StoredFollowUp& made, UtcInstant now) {
    store.record({0, now, "ritme", "follow-up", "follow-up.opened", made.participant_id,
                  std::string(name_of(made.cause)) + " #" + std::to_string(made.id) + " in " + made.programme_id +
                      " (" + std::to_string(made.count) + ")"});
}

// Tells each lead of the programme on the first route she has an address for.
void tell_leads(Store& store, const FollowUpSetup& setup, const StoredFollowUp& made, UtcInstant now) {
    for (const auto& lead : store.leads()) {
        if (!lead.leads(made.programme_id)) continue;
        for (const auto& route : setup.lead_routes) {
            if ((route.medium == Medium::sms ? lead.mobile : lead.email).empty()) continue;
            Delivery row;
            row.kind = DeliveryKind::follow_up;
            row.key = "follow-up:" + std::to_string(made.id) + ":" + lead.id;
            row.programme_id = made.programme_id;
            row.participant_id = made.participant_id;  // whom it is about: erased with her
            row.channel = route.channel;
            row.due_at = now;
            row.send_at = now;  // the dispatcher holds it to the end of the channel's quiet hours
            row.expires_at = plus_hours(now, lead_message_hours);
            row.updated_at = now;
            row.payload = nlohmann::json{{"follow_up", made.id}, {"lead", lead.id}}.dump();
            store.add_delivery(row);
            break;
        }
    }
}

std::optional<FollowUpView> view_of(const Store& store, const StoredFollowUp& follow_up) {
    FollowUpView view;
    view.follow_up = follow_up;
    const auto participant = store.participant(follow_up.participant_id);
    view.participant_name = participant ? participant->name : follow_up.participant_id;
    if (follow_up.session_id) view.session = store.session(follow_up.session_id);
    return view;
}

}  // namespace

FollowUpSetup follow_up_setup_from(const DaemonConfig& config) {
    FollowUpSetup setup;
    setup.rules = config.follow_up;
    for (Medium medium : {Medium::sms, Medium::email})
        if (const ChannelConfig* channel = config.channel_for(medium)) setup.lead_routes.push_back({channel->name, medium});
    return setup;
}

std::vector<StoredFollowUp> follow_ups_after_mark(Store& store, const FollowUpSetup& setup,
                                                  const AttendanceRecord& mark, bool excused_before, UtcInstant now) {
    std::vector<StoredFollowUp> made;
    if (!mark.session_id || mark.status != AttendanceStatus::absent) return made;

    if (setup.rules.absent_without_notice && !excused_before) {
        // She may have texted "NEE" and been marked otherwise since.
        bool said_no = false;
        for (const auto& answer : store.answers(mark.participant_id))
            if (answer.session_id == mark.session_id && answer.reading == AnswerReading::cannot_come) said_no = true;
        if (!said_no) {
            StoredFollowUp f;
            f.cause = FollowUpCause::absent_without_notice;
            f.key = std::string(name_of(f.cause)) + ":" + mark.participant_id + ":" + mark.programme_id + "#s" +
                    std::to_string(mark.session_id);
            f.participant_id = mark.participant_id;
            f.programme_id = mark.programme_id;
            f.session_id = mark.session_id;
            f.created_at = now;
            f.id = store.add_follow_up(f);
            if (f.id) {
                audit_made(store, f, now);
                tell_leads(store, setup, f, now);
                made.push_back(f);
            }
        }
    }

    const auto sessions = sessions_in_order(store, mark.programme_id);
    std::set<int64_t> absent;
    for (const auto& record : store.attendance_of_participant(mark.participant_id))
        if (record.session_id && record.status == AttendanceStatus::absent) absent.insert(record.session_id);
    if (auto f = follow_up_for_run(store, FollowUpCause::absences_in_a_row, mark.participant_id, mark.programme_id,
                                   run_through(sessions, absent, mark.session_id), setup.rules.absences_in_a_row,
                                   now)) {
        audit_made(store, *f, now);
        made.push_back(*f);
    }
    return made;
}

std::vector<StoredFollowUp> follow_ups_after_answer(Store& store, const FollowUpSetup& setup,
                                                    const StoredAnswer& answer, UtcInstant now) {
    std::vector<StoredFollowUp> made;
    if (answer.reading != AnswerReading::cannot_come || !answer.session_id || answer.too_late) return made;
    // Her latest word on each session: "NEE", or "JA" taking it back.
    std::map<int64_t, AnswerReading> latest;
    for (const auto& a : store.answers(answer.participant_id))  // oldest first
        if (a.session_id && !a.too_late &&
            (a.reading == AnswerReading::cannot_come || a.reading == AnswerReading::coming))
            latest[a.session_id] = a.reading;
    std::set<int64_t> said_no;
    for (const auto& [session_id, reading] : latest)
        if (reading == AnswerReading::cannot_come) said_no.insert(session_id);
    const auto sessions = sessions_in_order(store, answer.programme_id);
    if (auto f = follow_up_for_run(store, FollowUpCause::no_answers_in_a_row, answer.participant_id,
                                   answer.programme_id, run_through(sessions, said_no, answer.session_id),
                                   setup.rules.no_answers_in_a_row, now)) {
        audit_made(store, *f, now);
        made.push_back(*f);
    }
    return made;
}

std::string follow_up_text(const FollowUpView& view, Language language) {
    return follow_up_text(view.follow_up, view.participant_name, view.session, language);
}

ChangeResult<std::vector<FollowUpView>> open_follow_ups(const Store& store, const std::string& programme_id) {
    if (!programme_id.empty()) {
        std::vector<ChangeError> errors;
        if (!find_programme(store, programme_id, " in the database", errors)) return errors;
    }
    std::vector<FollowUpView> out;
    for (const auto& f : store.follow_ups(programme_id, true))
        if (auto view = view_of(store, f)) out.push_back(std::move(*view));
    return out;
}

std::vector<FollowUpView> open_follow_ups_of(const Store& store, const StoredLead& lead) {
    std::vector<FollowUpView> out;
    for (const auto& programme_id : lead.programmes)
        for (const auto& f : store.follow_ups(programme_id, true))
            if (auto view = view_of(store, f)) out.push_back(std::move(*view));
    std::stable_sort(out.begin(), out.end(),
                     [](const FollowUpView& a, const FollowUpView& b) { return a.follow_up.id < b.follow_up.id; });
    return out;
}

std::optional<StoredFollowUp> follow_up_of_programme(const Store& store, const std::string& programme_id, int64_t id) {
    auto found = store.follow_up(id);
    if (!found || found->programme_id != programme_id) return std::nullopt;
    return found;
}

ChangeResult<FollowUpView> mark_follow_up_done(Store& store, int64_t id, const AuditContext& audit,
                                               const StoredLead* lead) {
    const auto found = store.follow_up(id);
    if (!found || (lead && !lead->leads(found->programme_id)))
        return ChangeError{ChangeError::Kind::bad_input, "id", "no follow-up " + std::to_string(id),
                           "`ritme followup list` shows the open ones with their ids"};
    if (!found->open())
        return ChangeError{ChangeError::Kind::conflict, "id",
                           "follow-up " + std::to_string(id) + " was marked done already, by " + found->done_by + " at " +
                               found->done_at->iso(),
                           {}};
    bool closed = false;
    store.write([&] {
        closed = store.close_follow_up(id, audit.actor, audit.at);
        if (closed)
            store.record(audit.entry("follow-up.done", found->participant_id,
                                     std::string(name_of(found->cause)) + " #" + std::to_string(id) + " in " +
                                         found->programme_id));
    });
    if (!closed) return ChangeError{ChangeError::Kind::conflict, "id", "follow-up " + std::to_string(id) + " is not open", {}};
    auto view = *view_of(store, *store.follow_up(id));
    return view;
}

}  // namespace ritme
