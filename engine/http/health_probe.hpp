#pragma once
// Asks a running daemon's /healthz on its listen address: how `ritme status` tells
// whether the daemon runs. Chosen over a pid file or the store's claim leases because
// it works for any user who can read the config (no /run directory to share with
// systemd's ritme user), sees a daemon that is up but stuck (the loop answers, or it
// does not), and a lease exists only while messages are being sent.

#include <chrono>
#include <string>

namespace ritme {

struct HealthProbe {
    enum class State { running, unhealthy, not_running };
    State state = State::not_running;
    std::string detail;  // "ok", the 503's reason, or why nothing answered
};

// `listen` as in the config; a wildcard address is asked on loopback. `token`: the
// metrics token, sent as a bearer token when not empty.
HealthProbe probe_health(const std::string& listen, const std::string& token,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

std::string_view name_of(HealthProbe::State state);

}  // namespace ritme
