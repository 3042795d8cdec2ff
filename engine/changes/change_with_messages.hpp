#pragma once
// A change and the planning of its messages in one store transaction, so the daemon
// finds the rows planned and the person making it sees what will go; or, as a preview,
// the same run and then rolled back, so the database stays as it was and the preview
// says what would have gone. `ritme apply`, `ritme session …` (--dry-run) and the lead's
// page (before she confirms) make their changes through it.

#include "engine/channel/medium.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/message/outbox_preview.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace ritme {

// What planning and showing the messages needs of the daemon config.
struct MessagePlanning {
    PlanningRules rules;
    const MessageRenderer* renderer = nullptr;
    std::map<std::string, Medium> channel_media;  // each channel's medium
    std::string timezone = "Europe/Amsterdam";    // the config's
};

enum class ChangeMode { make, preview };

struct ChangeRun {
    bool changed = false;                   // what `change` returned
    std::optional<OutboxPreview> messages;  // when it changed something and planning was given
};

// Runs `change` in one transaction of `store`, then, when it returns true (it changed
// something) and `planning` is given, plans the messages at `now` and reads what they
// are. A preview rolls everything back; so does an exception, which goes on. Without
// `planning` the change is made and the daemon plans its messages when it runs.
ChangeRun run_change_with_messages(Store& store, const MessagePlanning* planning, UtcInstant now, ChangeMode mode,
                                   const std::function<bool()>& change);

}  // namespace ritme
