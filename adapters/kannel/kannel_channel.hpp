#pragma once
// SMS through Kannel's sendsms HTTP interface (libcurl, keep-alive), with delivery reports that carry ritme's delivery id.

#include "adapters/channel_registry.hpp"

namespace ritme {

AdapterInfo kannel_adapter();

}  // namespace ritme
