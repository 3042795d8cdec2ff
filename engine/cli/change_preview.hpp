#pragma once
// How `ritme apply` and `ritme session cancel|move|restore` make a change: the change and
// the planning of its messages in one transaction, with the rules and channels of the
// daemon config (as `ritme tick` plans), so the daemon finds the rows planned; then the
// messages the change sends, printed after its own lines. With --dry-run the
// transaction is rolled back: the database stays as it was, and the summary says what
// would have gone. Without a daemon config the change is made and the daemon plans its
// messages when it runs.

#include "engine/changes/change_with_messages.hpp"
#include "engine/cli/commands.hpp"
#include "engine/message/outbox_preview.hpp"

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

namespace ritme {

class ChangePreview {
public:
    // Reads the daemon config the options name, with its templates. Throws UnusableConfig
    // (exit 2, before anything changes) when either has errors.
    ChangePreview(const CommonOptions& common, CliContext& context, bool dry_run);

    // Runs `change` and plans its messages in one transaction of `store`. `change`
    // returns false when it changed nothing (refused, or nothing to do): then nothing is
    // planned. A dry run rolls everything back; so does an exception, which goes on.
    void run(Store& store, const std::function<bool()>& change);

    // After the change's own lines: the messages it sends, or the line saying the daemon
    // plans them; for a dry run, that nothing was stored. Nothing when `run`'s change
    // changed nothing.
    void print(std::ostream& out) const;

    bool dry_run() const { return dry_run_; }

    // For the verbs' --help.
    static constexpr const char* dry_run_help =
        "make the change, plan its messages and show them, then undo it all: nothing is stored or sent";

private:
    void print_messages(const OutboxPreview& preview, std::ostream& out) const;

    bool dry_run_ = false;
    std::optional<DaemonConfig> config_;  // with channels; none: the daemon plans
    std::string why_unplanned_;           // when there is no config to plan with
    std::optional<MessageRenderer> renderer_;
    MessagePlanning planning_;
    UtcInstant now_;
    bool changed_ = false;
    std::optional<OutboxPreview> preview_;
};

}  // namespace ritme
