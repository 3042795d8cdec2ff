#pragma once
// A lease on work that one daemon does for every daemon sharing the database (the
// leads' overviews, planning after a change): a named row with its holder and the end of
// its term. The holder does the work and gives the lease back; a holder that dies loses
// it when the term ends, and another takes it then.

#include "engine/time/instant.hpp"

#include <string>

namespace ritme {

struct Lease {
    std::string name;    // "overview", "plan"
    std::string holder;  // a claim owner id: host, process, start
    UtcInstant until;

    bool held_by(const std::string& who) const { return holder == who; }
};

}  // namespace ritme
