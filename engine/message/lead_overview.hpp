#pragma once
// A lead's daily overview (dagoverzicht), gathered from the store for one day of hers:
//   - today's sessions of the programmes she leads, each with who said no;
//   - who was not reached since her last overview: messages that failed for good and
//     that no fallback made good, one line per participant and cause (FailureCause); a
//     participant and cause whose first failure came before then was told before, and
//     is not told again;
//   - the follow-ups still open;
//   - participants' own words that came for her since the last overview.
// Nothing to say (all empty): no overview goes.

#include "engine/base/translation.hpp"
#include "engine/message/failure_cause.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ritme {

struct OverviewSession {
    StoredSession session;
    std::vector<std::string> said_no;  // names, sorted
};

struct NotReached {
    std::string participant_id;
    std::string name;
    FailureCause cause = FailureCause::other;
    std::optional<Date> session_date;  // what the message was about, when a session
};

struct OverviewFollowUp {
    StoredFollowUp follow_up;
    std::string name;
    std::optional<StoredSession> session;
};

struct OverviewAnswer {
    std::string name;
    UtcInstant received_at;
};

struct LeadOverview {
    StoredLead lead;
    Date day;
    std::vector<OverviewSession> sessions;  // by start
    std::vector<NotReached> not_reached;
    std::vector<OverviewFollowUp> follow_ups;  // oldest first
    std::vector<OverviewAnswer> answers;       // oldest first

    bool nothing_to_say() const {
        return sessions.empty() && not_reached.empty() && follow_ups.empty() && answers.empty();
    }
};

// The overview for `day` (the programmes' local date); failures and answers from
// `since` (when her last overview went) up to `until` (this one's time).
LeadOverview gather_lead_overview(const Store& store, const StoredLead& lead, Date day, UtcInstant since,
                                  UtcInstant until);

struct OverviewText {
    std::string subject;  // for e-mail
    std::string text;
};
// In the lead's language.
OverviewText lead_overview_text(const LeadOverview& overview, Language language);

}  // namespace ritme
