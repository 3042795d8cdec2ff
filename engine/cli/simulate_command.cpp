// `ritme simulate PROGRAMME-ID [--from … --until …] [--format text|jsonl]`: the real
// planner and dispatcher on a virtual clock, through the whole track, on a copy of the
// programme in memory: every message with its send time, channel, masked recipient,
// language, SMS segments and text, then (as text) the SMS per language and a warning for
// every template that took more than two segments. How a lead previews what participants
// receive and what it costs; nothing is sent and the database is not changed.

#include "engine/cli/commands.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/dispatch/dispatcher.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/message/template_preview.hpp"
#include "engine/participants/participant_fields.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/time/local_time_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <utility>

namespace ritme {

namespace {

struct SimulateOptions {
    std::string programme;
    std::string from;
    std::string until;
    std::string format = "text";
    std::vector<std::string> languages;
};

// Accepts every message, so the simulation sees what would have been sent.
class AcceptingChannel final : public Channel {
public:
    SendResult send(const OutgoingMessage& message) override {
        return SendResult::accepted("simulated-" + std::to_string(message.delivery_id));
    }
};

// A copy of the programme, its sessions, its participants and their appointments for
// it, so planning and dispatching run for real without touching the database.
void copy_programme(const Store& from, MemoryStore& to, const Programme& programme,
                    const std::vector<std::string>& sample_languages, std::map<int64_t, int>& session_numbers) {
    to.write([&] {
        to.put_programme(programme);
        for (auto session : from.sessions(programme.id)) {
            session.id = 0;
            session_numbers[to.put_session(session)] = session.number;
        }
        auto enrolled = from.participants_of(programme.id);
        if (!sample_languages.empty()) enrolled.clear();
        for (const auto& id : enrolled) {
            const auto person = from.participant(id);
            if (!person) continue;
            to.put_participant(*person);
            to.enrol(id, programme.id);
            for (auto appointment : from.appointments(id)) {
                if (appointment.programme_id != programme.id) continue;
                appointment.id = 0;
                to.put_appointment(appointment);
            }
        }
        // No one enrolled yet, or languages asked for: one sample participant per language.
        int number = 0;
        for (const auto& language : sample_languages) {
            Participant sample;
            sample.id = "p-sample" + std::to_string(++number);
            sample.name = "Amina";
            sample.phone = "+31612345678";
            sample.email = "amina@example.nl";
            sample.language = language;
            sample.channels.sms = true;
            to.put_participant(sample);
            to.enrol(sample.id, programme.id);
        }
    });
}

// The template a delivery's text came from: its kind, and for a change notice the change.
std::string template_of(const Delivery& delivery) {
    if (delivery.kind != DeliveryKind::change) return std::string(name_of(delivery.kind));
    const auto payload = nlohmann::json::parse(delivery.payload, nullptr, false);
    if (payload.is_object() && payload.contains("change") && payload["change"].is_string())
        return "change-" + payload["change"].get<std::string>();
    return "change";
}

// What the SMS of the simulation cost, per language of the text and per template.
class SmsTally {
public:
    void add(const std::string& language, const std::string& kind, const SmsLength& length) {
        Language& total = languages_[language];
        ++total.messages;
        total.segments += length.segments;
        total.max_segments = std::max(total.max_segments, length.segments);
        total.encodings.insert(length.encoding);
        Template& longest = templates_[{language, kind}];
        ++longest.messages;
        if (length.segments > max_sms_segments) ++longest.over;
        if (std::pair(length.segments, length.units) > std::pair(longest.length.segments, longest.length.units))
            longest.length = length;
    }

    void print_summary(std::ostream& out) const {
        if (languages_.empty()) return;
        size_t width = std::string_view("language").size();
        for (const auto& [language, total] : languages_) width = std::max(width, language.size());
        out << "SMS per language:\n";
        out << std::left << std::setw(static_cast<int>(width)) << "language" << std::right
            << "  messages  segments  max  encoding\n";
        for (const auto& [language, total] : languages_) {
            std::string encodings;
            for (SmsEncoding encoding : total.encodings)
                encodings += (encodings.empty() ? "" : ", ") + std::string(name_of(encoding));
            out << std::left << std::setw(static_cast<int>(width)) << language << std::right << "  " << std::setw(8)
                << total.messages << "  " << std::setw(8) << total.segments << "  " << std::setw(3)
                << total.max_segments << "  " << encodings << "\n";
        }
    }

    void print_warnings(const std::filesystem::path& templates, std::ostream& out) const {
        for (const auto& [key, longest] : templates_) {
            const std::string what = std::to_string(longest.over) + " of " + std::to_string(longest.messages) +
                                     (longest.messages == 1 ? " message" : " messages");
            if (const auto warning = segment_warning(templates, key.first, key.second, longest.length, what))
                out << warning->str() << "\n";
        }
    }

private:
    struct Language {
        int messages = 0;
        int segments = 0;
        int max_segments = 0;
        std::set<SmsEncoding> encodings;
    };
    struct Template {
        int messages = 0;
        int over = 0;       // messages over max_sms_segments
        SmsLength length;   // the longest
    };
    std::map<std::string, Language> languages_;
    std::map<std::pair<std::string, std::string>, Template> templates_;
};

}  // namespace

CommandAction add_simulate_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand(
        "simulate", "preview every message of a programme: the real planner and dispatcher on a virtual clock");
    auto options = std::make_shared<SimulateOptions>();
    command->add_option("PROGRAMME-ID", options->programme, "an applied programme")->required();
    command->add_option("--from", options->from, "start of the simulation (default: a week before the first session)");
    command->add_option("--until", options->until, "end of the simulation (default: the end of the last session)");
    command->add_option("--format", options->format, "text or jsonl")
        ->check(CLI::IsMember({"text", "jsonl"}))
        ->capture_default_str();
    command->add_option("--language", options->languages,
                        "simulate for a sample participant in each of these languages instead of the enrolled ones "
                        "(the default when no one is enrolled: nl)")
        ->delimiter(',');

    return [options, &common, &context]() {
        const DaemonConfig config = load_config(common, context);
        Diagnostics problems;
        auto renderer = MessageRenderer::load(config.templates, problems);
        print_diagnostics(problems, context.err);
        if (!renderer) return exit_bad_input;
        auto database = open_database(common, context);
        if (!database) return exit_failure;
        const auto programme = stored_programme(*database, options->programme, "simulate", context);
        if (!programme) return exit_failure;
        const auto sessions = database->sessions(programme->id);
        if (sessions.empty()) {
            context.err << "ritme simulate: " << programme->id << " has no sessions\n";
            return exit_failure;
        }
        const TimeZone zone = TimeZone::load(config.timezone);

        UtcInstant from = sessions.front().start_utc;
        from.utc -= boost::posix_time::hours(24 * 8);
        UtcInstant until = sessions.back().end_utc;
        for (auto [text, target, name] : {std::tuple{&options->from, &from, "--from"}, {&options->until, &until, "--until"}}) {
            if (text->empty()) continue;
            const auto parsed = parse_instant(*text, zone);
            if (!parsed) {
                context.err << "ritme simulate: " << name << " \"" << *text
                            << "\" is not a time; write 2026-03-05 or 2026-03-05T10:00, from " << supported_dates_text()
                            << "\n";
                return exit_bad_input;
            }
            *target = *parsed;
        }

        // Channels as configured, each accepting everything; sms and email when none are.
        DaemonConfig simulated = config;
        for (Medium medium : {Medium::sms, Medium::email}) {
            if (simulated.channel_for(medium)) continue;
            ChannelConfig channel;
            channel.name = std::string(name_of(medium));
            channel.adapter = "simulated";
            channel.medium = medium;
            channel.quiet_hours = medium == Medium::sms;
            simulated.channels[channel.name] = channel;
        }
        ChannelSet channels;
        for (const auto& [name, channel] : simulated.channels) {
            ChannelConfig unlimited = channel;
            unlimited.rate_per_second = 0;
            channels.add(unlimited, std::make_unique<AcceptingChannel>());
        }

        std::vector<std::string> languages = options->languages;
        if (languages.empty() && database->participants_of(programme->id).empty()) languages = {"nl"};
        MemoryStore store;
        std::map<int64_t, int> session_numbers;
        copy_programme(*database, store, *programme, languages, session_numbers);

        ManualClock clock(from);
        std::ostringstream ignored;
        Log log(ignored, LogLevel::error, iso_timestamps(clock));
        const PlanningRules rules = planning_rules(simulated);
        Dispatcher dispatcher(store, clock, simulated, *renderer, channels, log, "simulate");
        int messages = 0;
        SmsTally sms;
        dispatcher.on_outcome = [&](const DispatchJob& job) {
            if (!job.message || !job.outcome || job.outcome->state != DeliveryState::sent) return;
            ++messages;
            const Delivery& d = job.delivery;
            const OutgoingMessage& m = *job.message;
            const std::string to = m.medium == Medium::sms ? mask_phone(m.to) : mask_email(m.to);
            int segments = 0;
            if (m.medium == Medium::sms) {
                const SmsLength length = measure_sms(m.text);
                segments = length.segments;
                sms.add(m.language, template_of(d), length);
            }
            const auto number = session_numbers.find(d.session_id);
            if (options->format == "jsonl") {
                nlohmann::json line{{"send_at", iso_with_offset(clock.now(), zone)},
                                    {"due_at", iso_with_offset(d.due_at, zone)},
                                    {"kind", name_of(d.kind)},
                                    {"programme", programme->id},
                                    {"participant", d.participant_id},
                                    {"channel", d.channel},
                                    {"to", to},
                                    {"language", m.language},
                                    {"text", m.text}};
                if (number != session_numbers.end()) line["session"] = number->second;
                if (!d.offset.empty()) line["offset"] = d.offset;
                if (m.medium == Medium::sms) line["segments"] = segments;
                context.out << line.dump() << "\n";
                return;
            }
            const LocalDateTime local = zone.to_local(clock.now());
            context.out << iso_date(local.date) << ' ' << local.time.str() << "  " << name_of(d.kind);
            if (number != session_numbers.end()) context.out << " #" << number->second;
            if (!d.offset.empty()) context.out << " (" << d.offset << ")";
            context.out << "  " << d.participant_id << "  " << d.channel << ' ' << to << "  " << m.language;
            if (m.medium == Medium::sms) context.out << "  " << segments << (segments == 1 ? " segment" : " segments");
            context.out << "\n";
            std::istringstream text(m.text);
            for (std::string line; std::getline(text, line);) context.out << "    " << line << "\n";
        };

        store.write([&] { plan_everything(store, rules, clock.now()); });
        for (;;) {
            const auto next = store.next_send_at();
            if (!next || until < *next) break;
            if (clock.now() < *next) clock.set(*next);
            dispatcher.run_due(nullptr);
        }
        if (options->format == "text") {
            context.out << messages << (messages == 1 ? " message" : " messages") << " from "
                        << iso_date(zone.to_local(from).date) << " to " << iso_date(zone.to_local(until).date) << "\n";
            sms.print_summary(context.out);
        }
        // Every line of jsonl is a message, so the warnings go beside it, to standard error.
        sms.print_warnings(config.templates, options->format == "text" ? context.out : context.err);
        return exit_ok;
    };
}

}  // namespace ritme
