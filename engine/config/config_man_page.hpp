#pragma once
// ritme.toml(5): the daemon config's man page, written from the same setting declarations
// as the reader and `ritme config dump` (config_schema.hpp) and from each registered
// adapter's own, so the page names every setting there is and nothing else.

#include "engine/channel/channel_registry.hpp"

#include <string>
#include <string_view>

namespace ritme {

// The page as roff source, for `ritme man ritme.toml` and the package.
std::string config_man_page(const ChannelRegistry& registry, std::string_view version);

}  // namespace ritme
