#pragma once
// Follow-ups (opvolging): what a lead should act on about one participant, from the
// rules in the daemon config's [follow_up] (FollowUpRules):
//   - absent without notice: marked absent (afwezig) for a session she had not said
//     "NEE" to; the lead is told the same day ("… was er niet en had zich niet afgemeld:
//     bel haar even"), by a message of its own;
//   - absences in a row: marked absent at N sessions of a programme in a row;
//   - "NEE" in a row: answered that she cannot come to N sessions in a row.
// "In a row" is over the programme's sessions that are not cancelled, by start: a session
// with another mark (or none, or no "NEE") ends a run. A run gives one follow-up, however
// long it grows; done or not, the same run never gives another (a later run does).
// Follow-ups stay open, on the lead's page and in her daily overview, until she marks
// them done; who and when are kept, and audited.
//
// mark_attendance and the answer intake call these inside their own transaction; the
// lead's page lists and closes them with open_follow_ups and mark_follow_up_done.

#include "engine/base/translation.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/channel/medium.hpp"
#include "engine/config/daemon_config.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ritme {

// The rules, and the channels a message to a lead may take, in order: the first whose
// medium she has an address for is used (SMS, then e-mail).
struct FollowUpSetup {
    FollowUpRules rules;
    struct LeadRoute {
        std::string channel;
        Medium medium = Medium::sms;
    };
    std::vector<LeadRoute> lead_routes;
};

// From the daemon config: its rules, its SMS and e-mail channels.
FollowUpSetup follow_up_setup_from(const DaemonConfig& config);

// What a mark gives: stored follow-ups, and the messages telling the leads (absent
// without notice). Call inside a store write, after the mark is stored. `excused_before`:
// she had said she could not come (or was marked excused) before this mark.
std::vector<StoredFollowUp> follow_ups_after_mark(Store& store, const FollowUpSetup& setup,
                                                  const AttendanceRecord& mark, bool excused_before, UtcInstant now);
// What an answer gives ("NEE" in a row). Call inside a store write, after it is stored.
std::vector<StoredFollowUp> follow_ups_after_answer(Store& store, const FollowUpSetup& setup,
                                                    const StoredAnswer& answer, UtcInstant now);

// A follow-up as a lead reads it.
struct FollowUpView {
    StoredFollowUp follow_up;
    std::string participant_name;
    std::optional<StoredSession> session;  // the session that made it
};

// What it is about in the lead's words: "2 times absent in a row (up to di 12 jan)".
std::string follow_up_text(const FollowUpView& view, Language language);

// A programme's open follow-ups (every programme's for an empty id), oldest first; or
// why not (no such programme).
ChangeResult<std::vector<FollowUpView>> open_follow_ups(const Store& store, const std::string& programme_id);
// The open follow-ups of the programmes a lead leads.
std::vector<FollowUpView> open_follow_ups_of(const Store& store, const StoredLead& lead);

// A follow-up of the programme, open or done; nothing for another programme's id (the
// lead's page answers both as not found).
std::optional<StoredFollowUp> follow_up_of_programme(const Store& store, const std::string& programme_id, int64_t id);

// Marks it done (audited "follow-up.done", the audit's actor kept as who did it). With
// `lead`, only one of her programmes' (else refused as not found, so ids of other
// programmes are not told apart from ids that do not exist).
ChangeResult<FollowUpView> mark_follow_up_done(Store& store, int64_t id, const AuditContext& audit,
                                               const StoredLead* lead = nullptr);

}  // namespace ritme
