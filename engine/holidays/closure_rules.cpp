#include "engine/holidays/closure_rules.hpp"

namespace ritme {

std::string_view name_of(Region region) { return region_names[static_cast<int>(region)]; }

std::optional<Region> parse_region(std::string_view text) {
    for (size_t i = 0; i < region_names.size(); ++i)
        if (text == region_names[i]) return static_cast<Region>(i);
    return std::nullopt;
}

}  // namespace ritme
