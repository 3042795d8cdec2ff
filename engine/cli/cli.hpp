#pragma once
// `ritme VERB …`: one binary, many verbs (DESIGN.md rule 10). Exit status 0 ok,
// 1 failure (including problems found in a programme), 2 bad input.

#include "engine/channel/channel_registry.hpp"
#include "engine/store/store_registry.hpp"
#include "engine/time/clock.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace ritme {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_input = 2;

struct CliContext {
    std::ostream& out;
    std::ostream& err;
    const Clock& clock;
    const ChannelRegistry* channels = nullptr;  // the adapters main registered
    const StoreRegistry* stores = nullptr;      // the stores main registered; none: SQLite only
};

// `args` excludes the program name.
int run_cli(const std::vector<std::string>& args, CliContext& context);

}  // namespace ritme
