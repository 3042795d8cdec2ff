#pragma once
// What planning does to the outbox, row by row: `ritme apply` and `ritme session …`
// plan in the same transaction as the change and show the lead what will go, and with
// --dry-run what would. Built on plan_requested alone: the pending rows (planned or
// retry) before and after it are compared, so whatever rules the planner follows, the
// difference is what it did.

#include "engine/planner/planner.hpp"
#include "engine/store/store.hpp"

#include <vector>

namespace ritme {

struct PlanChanges {
    // Pending now and not before: new rows, and rows planned again after a cancel.
    std::vector<Delivery> planned;
    // Pending before and not now: cancelled, each with its reason.
    std::vector<Delivery> cancelled;
    PlanResult result;  // as plan_requested counted it

    bool empty() const { return planned.empty() && cancelled.empty(); }
};

// Call inside Store::write: plan_requested(store, rules, now), and what it changed.
PlanChanges plan_requested_changes(Store& store, const PlanningRules& rules, UtcInstant now);

}  // namespace ritme
