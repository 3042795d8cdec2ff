#pragma once
// The planner: sessions × enrolled participants × offsets, appointments × offsets, and
// change notices, each through quiet hours and onto the participant's channels, into
// outbox rows with a unique key. Planning is a pure function of the store's state and
// the rules: the rows that should exist are worked out from the facts; those missing
// are added (a row cancelled earlier for a reason that no longer holds is planned
// again), those whose timing or facts changed are planned anew, and those that no
// longer apply (a session moved, a participant no longer enrolled, an offset no longer
// configured) are cancelled with the reason. Keys carry no versions: a reminder names
// the session by id and the start it reminds of, so undoing a change lands on the rows
// of before, and a reminder already sent for that start is not sent again.
//
// A change notice tells the difference between what she was told (ToldRecord) and the
// session or appointment now; none when there is no difference or she was never told.
// It waits notice_delay after the change, then quiet hours.

#include "engine/channel/medium.hpp"
#include "engine/programme/reminder_rules.hpp"
#include "engine/store/store.hpp"

#include <map>
#include <string>
#include <vector>

namespace ritme {

// What the planner needs of the daemon config.
struct PlanningRules {
    ReminderRules defaults;           // a programme's [reminders] overrides the session offsets
    std::string timezone = "Europe/Amsterdam";  // for appointments and quiet hours
    struct Route {
        std::string channel;       // the config's channel name
        bool quiet_hours = true;   // whether quiet hours hold for it
    };
    std::map<Medium, Route> routes;  // a medium with no route gets nothing planned
    // For a participant a route cannot reach (she chose SMS but has no phone number):
    // the route's channel's fallback, when it carries another medium.
    std::map<Medium, std::pair<Medium, Route>> fallbacks;

    // Changes whenever a change of rules could change the plan.
    std::string fingerprint() const;
};

struct PlanResult {
    int added = 0;
    int cancelled = 0;
    int dropped = 0;  // quiet hours would have put it before the previous reminder
    int replanned = 0;  // still wanted, with new timing or facts (its session changed)

    PlanResult& operator+=(const PlanResult& other) {
        added += other.added;
        cancelled += other.cancelled;
        dropped += other.dropped;
        replanned += other.replanned;
        return *this;
    }
};

// The media and routes a message reaches a participant on, as for her reminders: each
// medium she chose that has an address (no SMS after her STOP), and for one she chose but
// has no address for, its channel's fallback when that reaches her.
std::vector<std::pair<Medium, const PlanningRules::Route*>> routes_reaching(const Participant& participant,
                                                                            const PlanningRules& rules);

// Call inside Store::write. Plans one programme's reminders and change notices for its
// enrolled participants; sessions that start within the minimum notice of `now` get
// nothing new.
PlanResult plan_programme(Store& store, const std::string& programme_id, const PlanningRules& rules, UtcInstant now);
// Plans a participant's appointment reminders and appointment change notices.
PlanResult plan_appointments(Store& store, const std::string& participant_id, const PlanningRules& rules,
                             UtcInstant now);
// Works through the store's plan requests and clears them. When the rules' fingerprint
// differs from the one the outbox was planned with, plans everything.
PlanResult plan_requested(Store& store, const PlanningRules& rules, UtcInstant now);
// Plans every programme and every participant's appointments.
PlanResult plan_everything(Store& store, const PlanningRules& rules, UtcInstant now);

}  // namespace ritme
