#include "engine/changes/answer_intake.hpp"

#include "engine/base/log.hpp"
#include "engine/message/answer_reading.hpp"
#include "engine/participants/masking.hpp"
#include "engine/participants/participant_fields.hpp"
#include "engine/store/delivery_reason.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ritme {
namespace {

UtcInstant plus_hours(UtcInstant at, int hours) {
    at.utc += boost::posix_time::hours(hours);
    return at;
}

// A confirmation is of use for a day; a message to the lead for a week (as an alert).
constexpr int confirmation_hours = 24;
constexpr int lead_message_hours = 7 * 24;

// What she was asked: a sent reminder, appointment reminder or change notice, and when
// what it is about starts.
struct Asked {
    Delivery delivery;
    UtcInstant start;
};

// Her sent messages about sessions and appointments, the latest first, each with the
// start of its subject as it is now; a subject gone from the store is left out.
std::vector<Asked> what_she_was_asked(const Store& store, const std::string& participant_id) {
    DeliveryQuery query;
    query.participant_id = participant_id;
    query.kinds = {DeliveryKind::reminder, DeliveryKind::appointment, DeliveryKind::change};
    query.states = {DeliveryState::sent};
    std::vector<Asked> asked;
    for (auto& delivery : store.deliveries(query)) {
        std::optional<UtcInstant> start;
        if (delivery.session_id) {
            if (const auto session = store.session(delivery.session_id);
                session && session->status != SessionStatus::cancelled)
                start = session->start_utc;
        } else if (delivery.appointment_id) {
            if (const auto appointment = store.appointment(delivery.appointment_id);
                appointment && !appointment->cancelled)
                start = appointment->start_utc;
        }
        if (start) asked.push_back({std::move(delivery), *start});
    }
    const auto sent_at = [](const Asked& a) { return a.delivery.sent_at.value_or(a.delivery.updated_at).utc; };
    std::stable_sort(asked.begin(), asked.end(), [&](const Asked& a, const Asked& b) {
        return sent_at(a) != sent_at(b) ? sent_at(b) < sent_at(a) : b.delivery.id < a.delivery.id;
    });
    return asked;
}

// The participants with this number; the one asked last first, when two share a phone.
std::vector<Participant> senders(const Store& store, const std::string& number) {
    std::vector<Participant> found;
    for (auto& participant : store.participants())
        if (participant.phone == number) found.push_back(std::move(participant));
    if (found.size() > 1) {
        const auto last_asked = [&](const Participant& p) {
            const auto asked = what_she_was_asked(store, p.id);
            return asked.empty() ? boost::posix_time::ptime(boost::posix_time::min_date_time)
                                 : asked.front().delivery.sent_at.value_or(asked.front().delivery.updated_at).utc;
        };
        std::stable_sort(found.begin(), found.end(),
                         [&](const Participant& a, const Participant& b) { return last_asked(b) < last_asked(a); });
    }
    return found;
}

// What the audit trail says when STOP added e-mail to her channels.
constexpr const char* email_added = ", e-mail added to her channels (her reminders go by e-mail)";

// Whether her latest STOP added e-mail to her channels.
bool last_stop_added_email(const Store& store, const std::string& participant_id) {
    const auto entries = store.audit();
    for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry)
        if (entry->subject == participant_id && entry->action == "answer.stop")
            return entry->details.find(email_added) != std::string::npos;
    return false;
}

// The sender as import writes numbers (E.164). A gateway may give the international form
// without its "+" ("31612345678", as many SMS centres do), which a Dutch reading takes
// for a national number: read it again with the "+".
std::optional<std::string> sender_number(const std::string& from) {
    FieldError ignored;
    if (auto number = normalise_mobile_number(from, ignored)) return number;
    const bool digits = from.size() >= 8 && std::all_of(from.begin(), from.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits && from[0] != '0') return normalise_mobile_number("+" + from, ignored);
    return std::nullopt;
}

std::string confirmation_for(AnswerReading reading) {
    switch (reading) {
        case AnswerReading::cannot_come: return "excused";
        case AnswerReading::stop: return "stop";
        case AnswerReading::start: return "start";
        case AnswerReading::free_text: return "passed-on";
        case AnswerReading::coming: break;
    }
    return {};
}

std::string subject_of(const StoredAnswer& answer) {
    if (answer.session_id) return answer.programme_id + "#s" + std::to_string(answer.session_id);
    if (answer.appointment_id) return "a" + std::to_string(answer.appointment_id);
    return "nothing";
}

}  // namespace

AnswerSetup answer_setup_from(const DaemonConfig& config, const AnswerWords& words) {
    AnswerSetup setup;
    setup.words = &words;
    setup.follow_up = follow_up_setup_from(config);
    for (Medium medium : {Medium::sms, Medium::email})
        if (const ChannelConfig* channel = config.channel_for(medium))
            setup.lead_routes.push_back({channel->name, medium});
    auto zone = std::make_shared<TimeZone>(TimeZone::load(config.timezone));
    std::map<std::string, bool> keeps_quiet;
    for (const auto& route : setup.lead_routes)
        if (const ChannelConfig* channel = config.channel_for(route.medium)) keeps_quiet[route.channel] = channel->quiet_hours;
    const QuietHours quiet = config.reminders.quiet_hours;
    setup.after_quiet_hours = [zone, keeps_quiet, quiet](const std::string& channel, UtcInstant at) {
        const auto found = keeps_quiet.find(channel);
        if (found == keeps_quiet.end() || !found->second || quiet.empty()) return at;
        return quiet.end_of(at, *zone);
    };
    return setup;
}

AnswerIntake::AnswerIntake(Store& store, AnswerSetup setup, Log& log)
    : store_(store), setup_(std::move(setup)), log_(log) {
    if (!setup_.words) throw std::invalid_argument("the answer intake needs the answer words");
}

AnswerTaken AnswerIntake::take(const std::string& channel, const InboundText& text, UtcInstant now) {
    AnswerTaken taken;
    const auto number = sender_number(text.from);
    int64_t unknown_count = 0;

    store_.write([&] {
        taken = AnswerTaken{};
        const auto found = number ? senders(store_, *number) : std::vector<Participant>{};
        if (found.empty()) {
            const auto before = store_.setting(unknown_sender_setting);
            try {
                unknown_count = (before ? std::stoll(*before) : 0) + 1;
            } catch (const std::exception&) {
                unknown_count = 1;  // a count that is no number starts again
            }
            store_.put_setting(unknown_sender_setting, std::to_string(unknown_count));
            return;
        }
        taken.known_sender = true;
        Participant participant = found.front();

        StoredAnswer answer;
        answer.participant_id = participant.id;
        answer.received_at = now;
        answer.channel = channel;
        answer.words = text.text;
        answer.reading = read_answer(*setup_.words, text.text, participant.language);

        // What she was asked: the latest message about what has not started; else the
        // latest at all, marked too late.
        const auto asked = what_she_was_asked(store_, participant.id);
        const auto open = std::find_if(asked.begin(), asked.end(), [&](const Asked& a) { return now < a.start; });
        const Asked* matched = open != asked.end() ? &*open : asked.empty() ? nullptr : &asked.front();
        if (matched) {
            answer.delivery_id = matched->delivery.id;
            answer.session_id = matched->delivery.session_id;
            answer.appointment_id = matched->delivery.appointment_id;
            answer.programme_id = matched->delivery.programme_id;
            answer.too_late = open == asked.end();
        }
        const bool about_sms = answer.reading == AnswerReading::stop || answer.reading == AnswerReading::start;
        const bool answers_it = matched && !answer.too_late;

        // The SMS switch: the planner moves her reminders when it takes the plan request
        // put_participant files. The planner gives an opt-out no fallback (her choice), so
        // STOP adds e-mail to her channels when she has an address: her reminders go by
        // e-mail instead. START takes it away again when her last STOP added it.
        std::string channel_change;
        if (about_sms) {
            const bool opt_out = answer.reading == AnswerReading::stop;
            bool changed = participant.sms_opt_out != opt_out;
            participant.sms_opt_out = opt_out;
            if (opt_out && participant.channels.sms && !participant.channels.email && !participant.email.empty()) {
                participant.channels.email = true;
                channel_change = email_added;
            } else if (!opt_out && participant.channels.sms && participant.channels.email &&
                       last_stop_added_email(store_, participant.id)) {
                participant.channels.email = false;
                channel_change = ", e-mail taken off again (her last STOP added it)";
            }
            if (changed || !channel_change.empty()) store_.put_participant(participant);
        }

        if (answer.reading == AnswerReading::cannot_come && answers_it) {
            AttendanceRecord excused;
            excused.participant_id = participant.id;
            excused.programme_id = answer.programme_id;
            excused.session_id = answer.session_id;
            excused.appointment_id = answer.appointment_id;
            excused.status = AttendanceStatus::excused;
            excused.at = now;
            excused.source = "sms";
            store_.put_attendance(excused);
            DeliveryQuery remaining;
            remaining.participant_id = participant.id;
            if (answer.session_id) remaining.session_id = answer.session_id;
            else remaining.appointment_id = answer.appointment_id;
            remaining.kinds = {DeliveryKind::reminder, DeliveryKind::appointment};
            remaining.states = {DeliveryState::planned, DeliveryState::retry};
            for (const auto& reminder : store_.deliveries(remaining)) {
                store_.cancel_delivery(reminder.id, stored_reason(DeliveryReason::cannot_come), now);
                ++taken.cancelled_reminders;
            }
        }

        // The lead hears everything but "I come" to what is still ahead.
        answer.for_lead = !(answer.reading == AnswerReading::coming && answers_it);
        answer.id = store_.add_answer(answer);
        taken.follow_ups = follow_ups_after_answer(store_, setup_.follow_up, answer, now);

        // She hears back when her answer did something: not after the start, and not for
        // "I come" (nothing to confirm); STOP and START whatever they are matched to.
        const std::string confirm = (answers_it || about_sms) ? confirmation_for(answer.reading) : std::string();
        if (!confirm.empty()) {
            Delivery row;
            row.kind = DeliveryKind::confirmation;
            row.key = "confirm:" + std::to_string(answer.id) + ":" + channel;
            row.programme_id = answer.programme_id;
            row.participant_id = participant.id;
            row.channel = channel;
            row.due_at = now;
            row.send_at = now;  // she just wrote: quiet hours do not hold
            row.expires_at = plus_hours(now, confirmation_hours);
            row.updated_at = now;
            row.payload = nlohmann::json{{"answer", answer.id}, {"confirm", confirm}}.dump();
            taken.confirmation_id = store_.add_delivery(row);
        }

        if (answer.for_lead) {
            // The lead of the programme it is about, else of her first programme with a lead.
            std::vector<std::string> programmes;
            if (!answer.programme_id.empty()) programmes.push_back(answer.programme_id);
            for (const auto& id : store_.programmes_of(participant.id)) programmes.push_back(id);
            for (const auto& programme_id : programmes) {
                const auto programme = store_.programme(programme_id);
                if (!programme || !programme->lead) continue;
                for (const auto& route : setup_.lead_routes) {
                    const std::string& to = route.medium == Medium::sms ? programme->lead->phone : programme->lead->email;
                    if (to.empty()) continue;
                    Delivery row;
                    row.kind = DeliveryKind::answer_alert;
                    row.key = "answer-alert:" + std::to_string(answer.id) + ":" + route.channel;
                    row.programme_id = programme_id;
                    row.participant_id = participant.id;  // whom it is about: erased with her
                    row.channel = route.channel;
                    row.due_at = now;
                    row.send_at = setup_.after_quiet_hours ? setup_.after_quiet_hours(route.channel, now) : now;
                    row.expires_at = plus_hours(now, lead_message_hours);
                    row.updated_at = now;
                    row.payload = nlohmann::json{{"answer", answer.id}}.dump();
                    answer.lead_delivery_id = store_.add_delivery(row);
                    break;
                }
                if (answer.lead_delivery_id) break;
            }
            if (answer.lead_delivery_id) store_.set_answer_lead_delivery(answer.id, answer.lead_delivery_id);
        }

        // Audited without her words.
        std::string details = "read as " + std::string(name_of(answer.reading)) + ", about " + subject_of(answer);
        if (answer.too_late) details += " (after its start)";
        details += channel_change;
        if (taken.cancelled_reminders) details += ", " + std::to_string(taken.cancelled_reminders) + " reminders cancelled";
        if (answer.for_lead) details += answer.lead_delivery_id ? ", the lead is told" : ", no lead to tell";
        store_.record({0, now, "participant", "answer", "answer." + std::string(name_of(answer.reading)), participant.id,
                       details});
        if (setup_.planning) plan_requested(store_, *setup_.planning, now);
        taken.answer = answer;
    });

    if (!taken.known_sender) {
        log_.warning("answer.unknown_sender", "channel=" + channel + " from=" +
                                                  (number ? mask_phone(*number) : std::string("(not a mobile number)")) +
                                                  " count=" + std::to_string(unknown_count));
        return taken;
    }
    const StoredAnswer& a = *taken.answer;
    log_.info("answer.received", "id=" + std::to_string(a.id) + " participant=" + a.participant_id +
                                     " channel=" + channel + " read_as=" + std::string(name_of(a.reading)) +
                                     " subject=" + subject_of(a) + (a.too_late ? " too_late=yes" : "") +
                                     (a.for_lead && !a.lead_delivery_id ? " lead=none" : ""));
    return taken;
}

}  // namespace ritme
