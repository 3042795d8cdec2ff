#include "engine/changes/retention.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace ritme {

namespace {

const boost::posix_time::ptime epoch(boost::gregorian::date(1970, 1, 1));

int64_t seconds_of(UtcInstant instant) { return (instant.utc - epoch).total_seconds(); }
UtcInstant instant_of(int64_t seconds) { return {epoch + boost::posix_time::seconds(static_cast<long>(seconds))}; }
UtcInstant plus_minutes(UtcInstant instant, int minutes) {
    return {instant.utc + boost::posix_time::minutes(minutes)};
}
UtcInstant later(UtcInstant a, UtcInstant b) { return a < b ? b : a; }

// What the run reads once: when each session and appointment ended, each programme's
// last session, each person's appointments.
struct Ends {
    std::map<int64_t, UtcInstant> sessions;
    std::map<std::string, UtcInstant> programmes;
    std::map<int64_t, Appointment> appointments;
    std::map<std::string, std::vector<int64_t>> appointments_of;

    std::optional<UtcInstant> of_appointment(int64_t id) const {
        const auto found = appointments.find(id);
        if (found == appointments.end()) return std::nullopt;
        return plus_minutes(found->second.start_utc, found->second.duration_minutes);
    }
    std::optional<UtcInstant> of_session(int64_t id) const {
        const auto found = sessions.find(id);
        if (found == sessions.end()) return std::nullopt;
        return found->second;
    }
    // What a message or answer about a session or appointment is counted from; `own` for
    // one about neither (or about one no longer stored).
    UtcInstant anchor(int64_t session_id, int64_t appointment_id, UtcInstant own) const {
        if (session_id != 0)
            if (auto end = of_session(session_id)) return *end;
        if (appointment_id != 0)
            if (auto end = of_appointment(appointment_id)) return *end;
        return own;
    }
};

Ends read_ends(const Store& store, const std::vector<Participant>& participants) {
    Ends ends;
    for (const auto& programme : store.programme_ids()) {
        for (const auto& session : store.sessions(programme)) {
            ends.sessions[session.id] = session.end_utc;
            const auto found = ends.programmes.find(programme);
            ends.programmes[programme] =
                found == ends.programmes.end() ? session.end_utc : later(found->second, session.end_utc);
        }
    }
    for (const auto& p : participants)
        for (const auto& appointment : store.appointments(p.id)) {
            ends.appointments[appointment.id] = appointment;
            ends.appointments_of[p.id].push_back(appointment.id);
        }
    return ends;
}

// A delivery's own last moment: when it went, or when it was last settled.
UtcInstant own_time(const Delivery& d) {
    UtcInstant t = later(d.send_at, d.updated_at);
    if (d.sent_at) t = later(t, *d.sent_at);
    return t;
}

int64_t group_message_of(const Delivery& d) {
    if (d.kind != DeliveryKind::group || d.payload.empty()) return 0;
    const auto json = nlohmann::json::parse(d.payload, nullptr, false);
    if (!json.is_object() || !json.contains("group") || !json["group"].is_number_integer()) return 0;
    return json["group"].get<int64_t>();
}

// What she was told of an appointment, without its address.
std::string told_without_address(const std::string& state) {
    auto json = nlohmann::json::parse(state, nullptr, false);
    if (!json.is_object()) return {};
    if (json.contains("where")) json["where"] = "";
    return json.dump();
}

std::string record_text(const RetentionRecord& r) {
    return nlohmann::json{{"at", seconds_of(r.at)},
                          {"days", r.retention_days},
                          {"cutoff", seconds_of(r.cutoff)},
                          {"deliveries", r.counts.deliveries},
                          {"receipts", r.counts.receipts},
                          {"answers", r.counts.answers},
                          {"group_messages", r.counts.group_messages},
                          {"appointments", r.counts.appointments},
                          {"participants", r.counts.participants}}
        .dump();
}

}  // namespace

std::string retained_payload(const std::string& payload) {
    if (payload.empty()) return {};
    const auto json = nlohmann::json::parse(payload, nullptr, false);
    if (!json.is_object()) return {};
    static const std::set<std::string> kept{"lead", "day", "answer", "group", "follow_up", "change", "confirm"};
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : json.items())
        if (kept.count(key) && (value.is_string() || value.is_number_integer())) out[key] = value;
    return out.empty() ? std::string() : out.dump();
}

std::string removed_counts_text(const RetentionCounts& c) {
    auto part = [](int n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    return part(c.deliveries, "delivery", "deliveries") + ", " + part(c.receipts, "receipt", "receipts") + ", " +
           part(c.answers, "answer", "answers") + ", " + part(c.group_messages, "group message", "group messages") +
           ", " + part(c.appointments, "appointment", "appointments") + ", " +
           part(c.participants, "participant", "participants");
}

std::optional<RetentionRecord> last_retention(const Store& store) {
    const auto text = store.setting(retention_setting);
    if (!text) return std::nullopt;
    const auto json = nlohmann::json::parse(*text, nullptr, false);
    if (!json.is_object()) return std::nullopt;  // unreadable: runs as if never run
    RetentionRecord r;
    r.at = instant_of(json.value("at", int64_t{0}));
    r.retention_days = json.value("days", 0);
    r.cutoff = instant_of(json.value("cutoff", int64_t{0}));
    r.counts.deliveries = json.value("deliveries", 0);
    r.counts.receipts = json.value("receipts", 0);
    r.counts.answers = json.value("answers", 0);
    r.counts.group_messages = json.value("group_messages", 0);
    r.counts.appointments = json.value("appointments", 0);
    r.counts.participants = json.value("participants", 0);
    return r;
}

UtcInstant next_retention_at(const Store& store, UtcInstant now) {
    const auto last = last_retention(store);
    if (!last) return now;
    return {last->at.utc + boost::posix_time::hours(24)};
}

RetentionRun run_retention(Store& store, int retention_days, UtcInstant now, const std::string& actor) {
    RetentionRun run;
    run.record.at = now;
    run.record.retention_days = retention_days;
    run.record.cutoff = {now.utc - boost::gregorian::days(retention_days)};
    const UtcInstant cutoff = run.record.cutoff;
    const auto previous = last_retention(store);
    // Deliveries whose time passed after the previous run's cutoff are new to the
    // channels; a first run hands them every one. (A flag beside an instant: gcc 12 takes
    // an optional instant's copy for an uninitialised read.)
    const bool ran_before = previous.has_value();
    const UtcInstant previous_cutoff = ran_before ? previous->cutoff : UtcInstant{};
    auto past = [&](UtcInstant anchor) { return !(cutoff < anchor); };
    auto newly_past = [&](UtcInstant anchor) { return past(anchor) && (!ran_before || previous_cutoff < anchor); };

    const auto participants = store.participants();
    const Ends ends = read_ends(store, participants);

    // Rows still to be sent, and what they need: never scrubbed under them.
    DeliveryQuery pending_query;
    pending_query.states = {DeliveryState::planned, DeliveryState::claimed, DeliveryState::retry};
    std::set<int64_t> pending_ids;
    std::set<std::string> people_with_pending;
    std::set<int64_t> groups_pending;
    for (const auto& d : store.deliveries(pending_query)) {
        pending_ids.insert(d.id);
        people_with_pending.insert(d.participant_id);
        if (const int64_t group = group_message_of(d)) groups_pending.insert(group);
    }

    RetentionScrub scrub;
    DeliveryQuery done_query;
    done_query.states = {DeliveryState::sent, DeliveryState::failed, DeliveryState::expired, DeliveryState::cancelled};
    std::set<int64_t> groups_done;
    for (const auto& d : store.deliveries(done_query)) {
        if (const int64_t group = group_message_of(d)) groups_done.insert(group);
        const UtcInstant anchor = ends.anchor(d.session_id, d.appointment_id, own_time(d));
        if (!past(anchor)) continue;
        const std::string kept = retained_payload(d.payload);
        // Newly past, or past but still holding something (it was still being sent at the
        // previous run): channels forget it too.
        if (newly_past(anchor) || kept != d.payload || !d.reason.empty()) {
            scrub.deliveries.emplace_back(d.id, kept);
            run.past_retention.push_back(d.id);
        }
    }

    for (const auto& a : store.answers("")) {
        if (a.words.empty() || pending_ids.count(a.lead_delivery_id)) continue;  // the lead is still to read them
        if (past(ends.anchor(a.session_id, a.appointment_id, a.received_at))) scrub.answers.push_back(a.id);
    }

    for (int64_t id : groups_done) {
        if (groups_pending.count(id)) continue;
        const auto message = store.group_message(id);
        if (message && past(later(message->send_at, message->created_at)) &&
            message->texts != std::map<std::string, std::string>{{"nl", ""}})
            scrub.group_messages.push_back(id);
    }

    for (const auto& [id, appointment] : ends.appointments) {
        if (appointment.where.empty() && appointment.note.empty()) continue;
        if (!past(*ends.of_appointment(id))) continue;
        scrub.appointments.push_back(id);
        for (auto told : store.told_about_appointments(appointment.participant_id)) {
            if (told.appointment_id != id) continue;
            const std::string state = told_without_address(told.state);
            if (state == told.state) continue;
            told.state = state;
            scrub.told.push_back(std::move(told));
        }
    }

    for (const auto& p : participants) {
        if (p.name.empty() && p.phone.empty() && p.email.empty() && p.commitments.empty()) continue;
        if (people_with_pending.count(p.id)) continue;
        const auto programmes = store.programmes_of(p.id);
        const auto appointments = ends.appointments_of.find(p.id);
        const bool has_appointments = appointments != ends.appointments_of.end() && !appointments->second.empty();
        if (programmes.empty() && !has_appointments) continue;  // waiting for a track
        const bool programmes_ended = std::all_of(programmes.begin(), programmes.end(), [&](const std::string& id) {
            const auto end = ends.programmes.find(id);
            return end != ends.programmes.end() && past(end->second);
        });
        const bool appointments_ended =
            !has_appointments || std::all_of(appointments->second.begin(), appointments->second.end(),
                                             [&](int64_t id) { return past(*ends.of_appointment(id)); });
        if (programmes_ended && appointments_ended) scrub.participants.push_back(p.id);
    }

    store.write([&] {
        run.record.counts = scrub.empty() ? RetentionCounts{} : store.scrub(scrub);
        store.put_setting(retention_setting, record_text(run.record));
        if (run.record.counts.total() > 0)
            store.record({0, now, actor, "retention", "retention.scrubbed", "",
                          "older than " + std::to_string(retention_days) + " days: " + removed_counts_text(run.record.counts)});
    });
    if (run.record.counts.total() > 0) run.log_emptied = store.purge_deleted();
    return run;
}

}  // namespace ritme
