#pragma once
// The `outbox` adapter: writes each message as a file named by its delivery id under
// a directory, appends the id to sent.log beside them (so a duplicate send shows as
// the same id twice), and prints one line to stdout. The default, and what the example
// config uses, so a newcomer sees real reminders without a gateway. Erasing a person
// removes the files of her messages, and retention those of every message past
// retention_days (Channel::forget); sent.log holds ids only, and stays.
//
// The printed line shows the message's text only on a terminal (or with
// `print_text = "always"`): a service's stdout goes to the journal or a log file, where
// a message's text must never be (privacy.md). On the journal it never does.

#include "engine/channel/channel_registry.hpp"

#include <iosfwd>

namespace ritme {

// What the printed lines go to.
enum class PrintTarget {
    terminal,  // someone watching: the text is shown
    other,     // a pipe or a file: the text only with print_text = "always"
    journal,   // systemd's journal: never the text
};

// Printing to stdout, whose target is found when the adapter is made.
AdapterInfo outbox_adapter();
// The same, printing to `out` instead (tests); `out` must outlive the channels.
AdapterInfo outbox_adapter(std::ostream& out, PrintTarget target);

// What stdout is: a terminal, the journal (JOURNAL_STREAM) or something else.
PrintTarget stdout_print_target();

}  // namespace ritme
