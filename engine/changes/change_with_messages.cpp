#include "engine/changes/change_with_messages.hpp"

#include "engine/planner/plan_changes.hpp"

namespace ritme {
namespace {

// Thrown inside the transaction to roll a preview back; never leaves the function.
struct RollBack {};

}  // namespace

ChangeRun run_change_with_messages(Store& store, const MessagePlanning* planning, UtcInstant now, ChangeMode mode,
                                   const std::function<bool()>& change) {
    ChangeRun run;
    try {
        store.write([&] {
            run.changed = change();
            if (run.changed && planning && planning->renderer) {
                const PlanChanges planned = plan_requested_changes(store, planning->rules, now);
                // Read here: after a preview's roll-back the rows and what they are about are gone.
                run.messages = preview_outbox(store, planned.planned, planned.cancelled, *planning->renderer,
                                              planning->channel_media, planning->timezone);
            }
            if (mode == ChangeMode::preview) throw RollBack{};
        });
    } catch (const RollBack&) {
    }
    return run;
}

}  // namespace ritme
