// `ritme retention run`: retention now (engine/daemon/retention_pass.hpp), whether or not
// a day has passed since the daemon's last run: after lowering retention_days, or to see
// what it removes. Under the same lease as the daemon's daily run, so it never runs twice
// at once; `ritme status` shows the last run either way.

#include "engine/changes/apply.hpp"
#include "engine/cli/commands.hpp"
#include "engine/daemon/retention_pass.hpp"
#include "engine/dispatch/channel_set.hpp"
#include "engine/dispatch/claim_owner.hpp"
#include "engine/time/local_time_text.hpp"
#include "engine/time/time_zone.hpp"

#include <ostream>

namespace ritme {

CommandAction add_retention_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand(
        "retention", "remove message texts, addresses and numbers older than retention_days (the daemon does it daily)");
    command->require_subcommand(1);
    auto* run = command->add_subcommand("run", "run retention now, as the daemon does each day");
    run->footer("Removes what ended more than retention_days ago (the config; default 30): message texts, "
                "addresses, phone numbers, answers' words, the gateways' words on receipts, and the copies the "
                "channels keep (the outbox adapter's files). Ids, states and times stay, so every count stays.\n"
                "Exit status: 0 done; 1 another process is running it now, or the database's log could not be "
                "emptied yet; 2 bad config.");

    return [run, &common, &context]() {
        if (!*run) return exit_bad_input;
        const DaemonConfig config = load_config(common, context);
        // Channels first: a config that cannot make them removes nothing.
        ChannelSet channels;
        if (!config.channels.empty()) {
            const ChannelRegistry* registry = channel_registry(context);
            if (!registry) return exit_failure;
            Diagnostics problems;
            auto made = ChannelSet::from_config(config, *registry, problems);
            print_diagnostics(problems, context.err);
            if (!made) {
                context.err << "ritme retention run: nothing removed; fix the channels above first\n";
                return exit_bad_input;
            }
            channels = std::move(*made);
        }
        auto store = open_database(common, context);
        if (!store) return exit_failure;
        const TimeZone zone = TimeZone::load(config.timezone);
        LeasedWork leased(*store, claim_owner_id());
        std::optional<Lease> held;
        const auto pass = retention_pass(*store, leased, channels, config.retention_days, context.clock.now(),
                                         std::chrono::seconds(config.dispatch.lease_seconds), current_actor(), false,
                                         &held);
        if (!pass) {
            context.err << "ritme retention run: " << (held ? held->holder : std::string("another process"))
                        << " is running retention now; `ritme status` shows what it removed\n";
            return exit_failure;
        }
        const RetentionRecord& r = pass->run.record;
        context.out << "retention: removed " << removed_counts_text(r.counts) << " (ended before "
                    << iso_with_offset(r.cutoff, zone) << ", " << r.retention_days << " days)\n";
        if (pass->channel_items > 0) context.out << "channels: removed " << pass->channel_items << " message files\n";
        for (const auto& problem : pass->problems) context.err << "ritme retention run: " << problem << "\n";
        if (config.channels.empty() && !pass->run.past_retention.empty())
            context.err << "ritme retention run: the channels' folders were not cleaned: no daemon config names the "
                           "channels (give it with -c or RITME_CONFIG)\n";
        if (!pass->run.log_emptied) {
            context.err << "ritme retention run: another process is reading the database, so the removed values may "
                           "remain in the write-ahead log of "
                        << store->location() << " until the next run\n";
            return exit_failure;
        }
        return pass->problems.empty() ? exit_ok : exit_failure;
    };
}

}  // namespace ritme
