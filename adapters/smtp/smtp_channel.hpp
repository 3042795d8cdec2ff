#pragma once
// E-mail through an SMTP server (libcurl): STARTTLS or SMTPS, optional login, one connection reused across a batch.

#include "adapters/channel_registry.hpp"

namespace ritme {

AdapterInfo smtp_adapter();

}  // namespace ritme
