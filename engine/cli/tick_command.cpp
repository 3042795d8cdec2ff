// `ritme tick [-c CONFIG] [--now TIME]`: cron mode. Applies the programmes directory,
// plans, sends everything due up to now (or TIME), waits for the results, and exits 0
// when all went, 1 when some failed or wait for a retry. Like `serve`, it skips a
// programme or school file with errors and sends everyone else's reminders; it then
// exits 1, so cron reports the errors. Claims make two ticks, or a tick and a daemon,
// at once safe: no message goes twice. Retention runs too when it is due (a day after
// its last run), as the daemon runs it.

#include "engine/base/text.hpp"
#include "engine/changes/retention.hpp"
#include "engine/cli/commands.hpp"
#include "engine/daemon/retention_pass.hpp"
#include "engine/dispatch/claim_owner.hpp"
#include "engine/dispatch/dispatcher.hpp"
#include "engine/time/local_time_text.hpp"

#include <ostream>

namespace ritme {

CommandAction add_tick_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("tick", "send everything due now, once (for cron); exit 1 if some did not go");
    auto now_text = std::make_shared<std::string>();
    command->add_option("--now", *now_text,
                        "act as if it were this time: 2026-03-05T10:00 (the config's time zone) or with Z or an offset");

    return [now_text, &common, &context]() {
        const DaemonConfig config = load_config(common, context);
        if (const auto why = why_nothing_can_be_sent(config)) {
            context.err << "ritme tick: " << *why << "; nothing done\n";
            return exit_bad_input;
        }
        const Clock* clock = &context.clock;
        std::optional<ManualClock> fixed;
        if (!now_text->empty()) {
            const auto instant = parse_instant(*now_text, TimeZone::load(config.timezone));
            if (!instant) {
                context.err << "ritme tick: --now \"" << *now_text
                            << "\" is not a time; write 2026-03-05T10:00, or add Z or an offset such as +01:00, "
                               "from "
                            << supported_dates_text() << "\n";
                return exit_bad_input;
            }
            fixed.emplace(*instant);
            clock = &*fixed;
        }
        CliContext at_now{context.out, context.err, *clock, context.channels, context.stores, context.journal,
                          context.collected};
        auto setup = load_setup(config, common, at_now);
        if (!setup) {
            context.err << "ritme tick: nothing sent; fix the errors above\n";
            return exit_bad_input;
        }
        auto store = open_database(common, context);
        if (!store) return exit_failure;
        Log log(context.err, config.log_level, iso_timestamps(*clock),
                context.journal ? LogFormat::journal : LogFormat::timestamped);
        DispatchCounts counts;
        try {
            for (const auto& line : apply_and_plan(*store, *setup, clock->now(), "tick")) context.out << line;
            Dispatcher dispatcher(*store, *clock, setup->config, *setup->renderer, setup->channels, log,
                                  claim_owner_id());
            dispatcher.recover_abandoned_claims();
            boost::asio::thread_pool pool(static_cast<size_t>(std::max(1, setup->config.dispatch.workers)));
            counts = dispatcher.run_due(&pool);
            pool.join();
        } catch (const StoreError& e) {
            context.err << "ritme tick: " << e.what() << "\n";
            return exit_failure;
        }
        context.out << "tick: " << counts.sent << " sent, " << counts.retried << " to retry, " << counts.failed
                    << " failed, " << counts.expired << " expired, " << counts.cancelled << " cancelled\n";
        // What went is what the exit status tells; retention that cannot run (a damaged row)
        // is said, and `ritme status` finds the damage.
        try {
            LeasedWork leased(*store, claim_owner_id());
            const auto pass = retention_pass(*store, leased, setup->channels, config.retention_days, clock->now(),
                                             std::chrono::seconds(config.dispatch.lease_seconds), "ritme", true);
            if (pass && (pass->run.record.counts.total() > 0 || pass->channel_items > 0))
                context.out << "retention: removed " << removed_counts_text(pass->run.record.counts) << "\n";
            if (pass)
                for (const auto& problem : pass->problems) context.err << "ritme tick: retention: " << problem << "\n";
        } catch (const StoreError& e) {
            context.err << "ritme tick: retention: " << e.what() << "\n";
        }
        const auto skipped = static_cast<int>(setup->programmes.skipped.size());
        if (skipped)
            context.err << "ritme tick: " << counted(skipped, "file", "files")
                        << " skipped for the errors above; the others were applied\n";
        return counts.failed || counts.retried || skipped ? exit_failure : exit_ok;
    };
}

}  // namespace ritme
