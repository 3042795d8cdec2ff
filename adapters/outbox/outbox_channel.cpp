// placeholder: replaced by the outbox adapter work
#include "adapters/outbox/outbox_channel.hpp"

namespace ritme {
AdapterInfo outbox_adapter() { return {"outbox", "files under a directory, and a line on stdout", {}, nullptr}; }
}  // namespace ritme
