// `ritme status [--format text|json]`: whether the database is sound, whether the
// daemon runs (it answers /healthz on `listen`: engine/http/health_probe.hpp), the next
// messages due, how many deliveries are in each state per channel, the most recent
// failures with their reasons, and participants' answers the lead has not heard of yet.
// When retention last ran and what it removed. Recipients appear as participant ids
// only; answers without her words. Exits 3 when
// messages are overdue, so a monitoring check can run it as it is.

#include "engine/changes/answer_intake.hpp"
#include "engine/changes/answer_listing.hpp"
#include "engine/changes/retention.hpp"
#include "engine/cli/commands.hpp"
#include "engine/http/health_probe.hpp"
#include "engine/http/metrics_registry.hpp"
#include "engine/time/local_time_text.hpp"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <map>
#include <ostream>
#include <set>

namespace ritme {

namespace {

constexpr int rows_shown = 10;

// Messages due for longer than dispatch.late_after_seconds and not sent: the daemon is
// down, stuck, or behind. For monitoring; the other statuses are the CLI's (0, 1, 2).
constexpr int exit_overdue = 3;

// "almere-vrouwen-2026#3" or "a7": what a delivery is about, from its key.
std::string subject_of(const Delivery& delivery) {
    const auto start = delivery.key.find(':');
    const auto end = delivery.key.find('@', start);
    if (start == std::string::npos || end == std::string::npos) return delivery.programme_id;
    return delivery.key.substr(start + 1, end - start - 1);
}

nlohmann::json json_of(const Delivery& delivery, const TimeZone& zone) {
    return {{"id", delivery.id},
            {"kind", name_of(delivery.kind)},
            {"subject", subject_of(delivery)},
            {"participant", delivery.participant_id},
            {"channel", delivery.channel},
            {"state", name_of(delivery.state)},
            {"send_at", iso_with_offset(delivery.send_at, zone)},
            {"attempts", delivery.attempts},
            {"reason", delivery.reason}};
}

void print_row(const Delivery& delivery, const TimeZone& zone, UtcInstant when, std::ostream& out) {
    const LocalDateTime local = zone.to_local(when);
    out << "  " << iso_date(local.date) << ' ' << local.time.str() << "  " << std::left << std::setw(11)
        << name_of(delivery.kind) << std::setw(26) << subject_of(delivery) << std::setw(14)
        << (is_for_lead(delivery.kind) ? "(lead)"
                                                                                               : delivery.participant_id)
        << delivery.channel;
}

}  // namespace

CommandAction add_status_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand(
        "status", "whether the daemon runs, what is due next, counts per state and channel, recent failures");
    command->footer("Exit status: 0 nothing overdue; 1 the database is damaged or cannot be read; 2 bad config; "
                    "3 messages overdue (due longer than dispatch.late_after_seconds and not sent: the daemon is "
                    "down, stuck or behind).");
    auto format = std::make_shared<std::string>("text");
    command->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();

    return [format, &common, &context]() {
        const DaemonConfig config = load_config(common, context);
        auto store = open_existing_database(common, context);
        if (!store) return exit_failure;
        const TimeZone zone = TimeZone::load(config.timezone);

        // On SQLite the whole check, not quick_check: it also compares every index with its table,
        // and a partial index out of step with the outbox would hide due rows from the
        // claim. A ritme database is small, so it takes milliseconds.
        const auto problems = store->integrity_problems();
        if (!problems.empty()) {
            context.err << "ritme status: the database " << store->location() << " is damaged ("
                        << store->integrity_check_name() << "):\n";
            for (const auto& problem : problems) context.err << "  " << problem << "\n";
            context.err << "stop the daemon and restore the database from a backup\n";
            return exit_failure;
        }

        // Planned and retry rows have their own index; claimed ones are being sent.
        DeliveryQuery next_query;
        next_query.states = {DeliveryState::planned, DeliveryState::retry};
        next_query.limit = rows_shown;
        const auto next = store->deliveries(next_query);
        DeliveryQuery failed_query;
        failed_query.states = {DeliveryState::failed};
        failed_query.newest_first = true;
        failed_query.limit = rows_shown;
        const auto failures = store->deliveries(failed_query);
        const auto counts = store->delivery_counts();
        const auto waiting = answers_waiting_for_lead(*store);
        const std::string unknown_senders = store->setting(unknown_sender_setting).value_or("0");
        const DueCounts due = count_due(*store, context.clock.now(), config.dispatch.late_after_seconds);
        const HealthProbe daemon = probe_health(config.listen, config.metrics_token);
        const auto retention = last_retention(*store);
        const int status = due.overdue > 0 ? exit_overdue : exit_ok;

        if (*format == "json") {
            nlohmann::json out{{"database", {{"path", store->location()}, {"integrity", "ok"}}},
                               {"daemon", {{"state", name_of(daemon.state)}, {"listen", config.listen},
                                           {"detail", daemon.detail}}},
                               {"due", due.due},
                               {"overdue", due.overdue},
                               {"next", nlohmann::json::array()},
                               {"counts", nlohmann::json::array()},
                               {"failures", nlohmann::json::array()}};
            for (const auto& d : next) out["next"].push_back(json_of(d, zone));
            for (const auto& c : counts)
                out["counts"].push_back({{"state", name_of(c.state)}, {"channel", c.channel}, {"count", c.count}});
            for (const auto& d : failures) out["failures"].push_back(json_of(d, zone));
            out["texts_from_unknown_numbers"] = unknown_senders;
            out["answers_waiting"] = nlohmann::json::array();
            for (const auto& w : waiting)
                out["answers_waiting"].push_back({{"id", w.answer.id},
                                                  {"received_at", iso_with_offset(w.answer.received_at, zone)},
                                                  {"participant", w.answer.participant_id},
                                                  {"read_as", name_of(w.answer.reading)},
                                                  {"programme", w.answer.programme_id},
                                                  {"session", w.answer.session_id},
                                                  {"appointment", w.answer.appointment_id},
                                                  {"why", w.why}});
            if (retention) {
                const RetentionCounts& c = retention->counts;
                out["retention"] = {{"last_run", iso_with_offset(retention->at, zone)},
                                    {"days", retention->retention_days},
                                    {"before", iso_with_offset(retention->cutoff, zone)},
                                    {"removed",
                                     {{"deliveries", c.deliveries},
                                      {"receipts", c.receipts},
                                      {"answers", c.answers},
                                      {"group_messages", c.group_messages},
                                      {"appointments", c.appointments},
                                      {"participants", c.participants}}}};
            } else {
                out["retention"] = nullptr;
            }
            context.out << out.dump(2) << "\n";
            return status;
        }

        context.out << "database: " << store->location() << " (integrity check: ok)\n";
        context.out << "daemon: " << name_of(daemon.state) << " on " << config.listen << " (" << daemon.detail
                    << ")\n";
        context.out << "due now: " << due.due << ", overdue: " << due.overdue;
        if (due.overdue > 0)
            context.out << " (due longer than " << config.dispatch.late_after_seconds << " s and not sent)";
        context.out << "\n";
        context.out << "next due:\n";
        if (next.empty()) context.out << "  nothing planned\n";
        for (const auto& d : next) {
            print_row(d, zone, d.send_at, context.out);
            if (d.state != DeliveryState::planned) context.out << "  (" << name_of(d.state) << ")";
            context.out << "\n";
        }
        std::set<std::string> channels;
        std::map<std::pair<DeliveryState, std::string>, int> table;
        for (const auto& c : counts) {
            channels.insert(c.channel);
            table[{c.state, c.channel}] = c.count;
        }
        context.out << "deliveries:\n  " << std::left << std::setw(10) << "state";
        for (const auto& channel : channels) context.out << std::right << std::setw(9) << channel;
        context.out << "\n";
        for (auto state : {DeliveryState::planned, DeliveryState::claimed, DeliveryState::retry, DeliveryState::sent,
                           DeliveryState::failed, DeliveryState::expired, DeliveryState::cancelled}) {
            context.out << "  " << std::left << std::setw(10) << name_of(state);
            for (const auto& channel : channels) {
                const auto found = table.find({state, channel});
                context.out << std::right << std::setw(9) << (found == table.end() ? 0 : found->second);
            }
            context.out << "\n";
        }
        context.out << "recent failures:\n";
        if (failures.empty()) context.out << "  none\n";
        for (const auto& d : failures) {
            print_row(d, zone, d.updated_at, context.out);
            context.out << "  " << d.reason << "\n";
        }
        context.out << "texts from unknown numbers: " << unknown_senders << " (the log has each, masked)\n";
        context.out << "retention: ";
        if (retention) {
            const LocalDateTime ran = zone.to_local(retention->at);
            context.out << "last ran " << iso_date(ran.date) << ' ' << ran.time.str() << ", " << retention->retention_days
                        << " days; removed " << removed_counts_text(retention->counts) << "\n";
        } else {
            context.out << "has not run yet (the daemon runs it at start and daily)\n";
        }
        context.out << "answers waiting for the lead:\n";
        if (waiting.empty()) context.out << "  none\n";
        for (const auto& w : waiting) {
            const LocalDateTime local = zone.to_local(w.answer.received_at);
            context.out << "  " << iso_date(local.date) << ' ' << local.time.str() << "  " << std::left << std::setw(14)
                        << w.answer.participant_id << std::setw(12) << name_of(w.answer.reading) << w.why << "\n";
        }
        return status;
    };
}

}  // namespace ritme
