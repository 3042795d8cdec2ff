#pragma once
// What the dispatch benches share: the shipped Eindhoven programme with participants
// enrolled and a reminder row for each session and person, written straight into a store
// as the planner would write them, due when the bench says.

#include "engine/calendar/programme_calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/planner/planner.hpp"
#include "engine/programme/programme_loader.hpp"
#include "engine/store/store.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ritme::bench {

inline UtcInstant plus_seconds(UtcInstant instant, int64_t count) {
    instant.utc += boost::posix_time::seconds(static_cast<long>(count));
    return instant;
}

// The shipped Eindhoven programme: 40 sessions from January 2027, holidays added at the end.
inline ProgrammeCalendar shipped_programme(const SchoolHolidayTable& holidays) {
    const std::string file = RITME_SOURCE_DIR "/config/programmes/eindhoven-samen-2027.toml";
    ProgrammeLoad load = load_programme_file(file);
    if (load.status != LoadStatus::ok) throw std::runtime_error(file + " does not load");
    ProgrammeCalendar plan = build_programme_calendar(std::move(*load.programme), holidays);
    if (plan.problems.has_errors()) throw std::runtime_error(file + " has calendar errors");
    return plan;
}

// Pseudonymous ids as ritme makes them, "p-" and 10 Crockford base-32 characters, but
// numbered so every run has the same rows.
inline std::string participant_id(uint64_t number) {
    constexpr std::string_view alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    std::string id = "p-";
    uint64_t bits = number * 0x9e3779b97f4a7c15ULL >> 14;  // spread, so ids do not share a prefix
    for (int i = 0; i < 10; ++i, bits >>= 5) id += alphabet[bits & 31];
    return id;
}

inline Participant make_participant(int index) {
    static const char* const first_names[] = {"Amina", "Fatma", "Sanne", "Yasmin", "Olena", "Hiba", "Noor", "Maria"};
    Participant p;
    p.id = participant_id(static_cast<uint64_t>(index));
    p.name = std::string(first_names[index % 8]) + " Deelnemer" + std::to_string(index);
    p.phone = "+316" + std::to_string(20000000 + index);
    p.language = index % 4 == 3 ? "en" : "nl";  // a quarter read English
    p.channels.sms = true;
    return p;
}

// A reminder row as the planner writes it, due at `due` and useful until `expires`.
inline Delivery reminder_row(const StoredSession& session, const std::string& participant, UtcInstant due,
                             UtcInstant expires) {
    Delivery d;
    d.key = "reminder:" + session.programme_id + "#" + std::to_string(session.number) + "@v" +
            std::to_string(session.version) + ":" + participant + ":2h:sms";
    d.kind = DeliveryKind::reminder;
    d.programme_id = session.programme_id;
    d.session_id = session.id;
    d.session_version = session.version;
    d.participant_id = participant;
    d.offset = "2h";
    d.channel = "sms";
    d.due_at = due;
    d.send_at = due;
    d.expires_at = expires;
    d.updated_at = due;
    return d;
}

// Call inside Store::write, on a new store, before anything else is stored: planning
// nothing records the fingerprint of `rules`, so a daemon with these rules does not
// plan again. The plan requests later writes file are cleared with clear_plan_requests.
inline void record_rules_fingerprint(Store& store, const PlanningRules& rules, UtcInstant now) {
    plan_requested(store, rules, now);
}

inline void clear_plan_requests(Store& store) {
    for (const auto& scope : store.plan_requests()) store.clear_plan_request(scope);
}

// In one transaction: the programme applied, `participants` people enrolled in it, and a
// reminder for each session and person due when `due_of` says (rows counted from 0,
// session by session), useful for `useful_for` seconds after; returns the rows' ids with
// their due times. With `fingerprint`, first records the rules' fingerprint (a new store).
inline std::map<int64_t, UtcInstant> seed_programme(Store& store, const ProgrammeCalendar& plan, int participants,
                                                    const PlanningRules& rules, UtcInstant now,
                                                    const std::function<UtcInstant(int row)>& due_of,
                                                    int64_t useful_for, bool fingerprint = true) {
    std::map<int64_t, UtcInstant> rows;
    store.write([&] {
        if (fingerprint) record_rules_fingerprint(store, rules, now);
        apply_programme(store, plan, {now, "bench", "apply"});
        const std::string& programme_id = plan.programme.id;
        const auto sessions = store.sessions(programme_id);
        std::vector<std::string> ids;
        for (int i = 0; i < participants; ++i) {
            const Participant person = make_participant(i);
            store.put_participant(person);
            store.enrol(person.id, programme_id);
            ids.push_back(person.id);
        }
        clear_plan_requests(store);
        int row = 0;
        for (const auto& session : sessions)
            for (const auto& id : ids) {
                const UtcInstant due = due_of(row++);
                const int64_t added = store.add_delivery(reminder_row(session, id, due, plus_seconds(due, useful_for)));
                if (added) rows.emplace(added, due);
            }
        if (rows.size() != sessions.size() * ids.size()) throw std::runtime_error("seeding: some rows share a key");
    });
    return rows;
}

inline int count_in_state(const Store& store, DeliveryState state) {
    int count = 0;
    for (const auto& c : store.delivery_counts())
        if (c.state == state) count += c.count;
    return count;
}

inline int count_all(const Store& store) {
    int count = 0;
    for (const auto& c : store.delivery_counts()) count += c.count;
    return count;
}

}  // namespace ritme::bench
