#include "engine/planner/plan_changes.hpp"

#include <algorithm>
#include <unordered_map>

namespace ritme {
namespace {

// Every row that is still to be planned or sent again; claimed rows are being sent and
// planning leaves them alone.
std::unordered_map<int64_t, Delivery> pending_rows(const Store& store) {
    DeliveryQuery query;
    query.states = {DeliveryState::planned, DeliveryState::retry};
    std::unordered_map<int64_t, Delivery> rows;
    for (auto& row : store.deliveries(query)) {
        const int64_t id = row.id;
        rows.emplace(id, std::move(row));
    }
    return rows;
}

}  // namespace

PlanChanges plan_requested_changes(Store& store, const PlanningRules& rules, UtcInstant now) {
    const auto before = pending_rows(store);
    PlanChanges changes;
    changes.result = plan_requested(store, rules, now);
    auto after = pending_rows(store);

    for (auto& [id, row] : after)
        if (!before.count(id)) changes.planned.push_back(std::move(row));
    for (const auto& [id, row] : before) {
        if (after.count(id)) continue;
        // Its state and reason as planning left them.
        changes.cancelled.push_back(store.delivery(id).value_or(row));
    }
    // In the outbox's own order: by send_at, then id.
    const auto by_send_at = [](const Delivery& a, const Delivery& b) {
        return a.send_at < b.send_at || (a.send_at == b.send_at && a.id < b.id);
    };
    std::sort(changes.planned.begin(), changes.planned.end(), by_send_at);
    std::sort(changes.cancelled.begin(), changes.cancelled.end(), by_send_at);
    return changes;
}

}  // namespace ritme
