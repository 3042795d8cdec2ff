#pragma once
// One retention pass as the daemon, `ritme tick` and `ritme retention run` make it: the
// store's rows past retention_days (engine/changes/retention.hpp), then the channels'
// own copies of those messages (the outbox adapter's files), under the lease
// "retention" so that one of several processes sharing a database does it.

#include "engine/changes/retention.hpp"
#include "engine/daemon/leased_work.hpp"
#include "engine/dispatch/channel_set.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

struct RetentionPass {
    RetentionRun run;
    int channel_items = 0;              // files and the like the channels removed
    std::vector<std::string> problems;  // "channel outbox: cannot remove …"
};

// Runs retention at `now` under the lease; `only_when_due`: nothing when it ran less
// than a day ago (next_retention_at), read again under the lease. Nothing also when
// another process holds the lease; `held` then says whose it is.
std::optional<RetentionPass> retention_pass(Store& store, LeasedWork& leased, ChannelSet& channels,
                                            int retention_days, UtcInstant now, std::chrono::seconds term,
                                            const std::string& actor, bool only_when_due,
                                            std::optional<Lease>* held = nullptr);

// The log line's fields, without personal data: "days=30 deliveries=12 … channel_files=3".
std::string retention_log_fields(const RetentionPass& pass);

}  // namespace ritme
