#pragma once
// Reads the keys that make up ClosureRules, the same in a [programme] and a [school]
// table: region, good_friday, liberation_day, ascension_friday,
// optional_school_holidays, closed and closed_ics.

#include "engine/base/toml_reader.hpp"
#include "engine/holidays/closure_rules.hpp"
#include "engine/time/toml_time.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// The dates recurring events in closed_ics files are expanded over.
struct DateWindow {
    Date from;
    Date to;
};

// `own_keys` plus the closure keys: what allow_only() needs for such a table.
std::vector<std::string_view> with_closure_rule_keys(std::vector<std::string_view> own_keys);

// Relative closed_ics paths resolve against `base_dir`.
void read_closure_rules(TomlTableReader& reader, ClosureRules& rules, DateWindow ics_window,
                        const std::string& base_dir);

}  // namespace ritme
