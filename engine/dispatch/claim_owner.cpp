#include "engine/dispatch/claim_owner.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <fstream>
#include <sstream>

namespace ritme {

namespace {

std::string host_name() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0) return "localhost";
    return buffer;
}

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot.
std::string start_time_of(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/stat");
    std::string stat;
    if (!std::getline(in, stat)) return {};
    // The command name (field 2) is in parentheses and may hold spaces: skip past it.
    const auto close = stat.rfind(')');
    if (close == std::string::npos) return {};
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    for (int index = 3; index <= 22 && (fields >> field); ++index)
        if (index == 22) return field;
    return {};
}

}  // namespace

std::string claim_owner_id() {
    const std::string pid = std::to_string(::getpid());
    return host_name() + ":" + pid + ":" + start_time_of(pid);
}

bool claim_owner_gone(const std::string& owner) {
    const auto last = owner.rfind(':');
    const auto middle = last == std::string::npos ? std::string::npos : owner.rfind(':', last - 1);
    if (middle == std::string::npos) return false;
    if (owner.substr(0, middle) != host_name()) return false;
    const std::string pid = owner.substr(middle + 1, last - middle - 1);
    const std::string started = owner.substr(last + 1);
    int number = 0;
    try {
        number = std::stoi(pid);
    } catch (const std::exception&) {
        return false;
    }
    // No such process: gone. One we may not look at (hidepid, another user) counts as
    // alive; its lease still runs out. A process with another start time reused the pid.
    if (::kill(number, 0) != 0) return errno == ESRCH;
    const std::string now_started = start_time_of(pid);
    return !now_started.empty() && now_started != started;
}

}  // namespace ritme
