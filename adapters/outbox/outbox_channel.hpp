#pragma once
// The `outbox` adapter: writes each message as a file named by its delivery id under
// a directory, appends the id to sent.log beside them (so a duplicate send shows as
// the same id twice), and prints one line to stdout. The default, and what the example
// config uses, so a newcomer sees real reminders without a gateway. Erasing a person
// removes the files of her messages (Channel::forget).

#include "engine/channel/channel_registry.hpp"

#include <iosfwd>

namespace ritme {

AdapterInfo outbox_adapter();
// The same, printing to `out` instead of stdout (tests); `out` must outlive the channels.
AdapterInfo outbox_adapter(std::ostream& out);

}  // namespace ritme
