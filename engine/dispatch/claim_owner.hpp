#pragma once
// Who holds a claim on a delivery: "host:pid:start", the process's start time making
// the id unique even when the pid is reused. A claim whose process is gone goes back
// to retry at once; one from another host waits for its lease to run out.

#include <string>

namespace ritme {

// This process's id.
std::string claim_owner_id();

// True when `owner` names a process on this host that no longer runs.
bool claim_owner_gone(const std::string& owner);

}  // namespace ritme
