#include "engine/message/lead_overview.hpp"

#include "engine/base/text.hpp"
#include "engine/message/follow_up_text.hpp"
#include "engine/message/local_dates.hpp"
#include "engine/store/fallback_key.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace ritme {

namespace {

std::string name_of_participant(const Store& store, const std::string& id, std::map<std::string, std::string>& cache) {
    auto found = cache.find(id);
    if (found != cache.end()) return found->second;
    const auto participant = store.participant(id);
    return cache[id] = participant ? participant->name : id;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

bool within(UtcInstant at, UtcInstant since, UtcInstant until) { return !(at < since) && at < until; }

// The failed messages to participants of one programme that nothing made good: no
// fallback of theirs went or is on its way.
std::vector<Delivery> unmade_failures(const Store& store, const std::string& programme_id) {
    DeliveryQuery query;
    query.programme_id = programme_id;
    query.kinds = {DeliveryKind::reminder, DeliveryKind::appointment, DeliveryKind::change};
    const auto rows = store.deliveries(query);
    std::set<std::string> made_good;  // keys of messages whose fallback went or may still go
    for (const auto& row : rows)
        if (is_fallback(row) && row.state != DeliveryState::failed && row.state != DeliveryState::expired &&
            row.state != DeliveryState::cancelled) {
            const std::string original = row.key.substr(fallback_key_prefix.size());
            made_good.insert(original.substr(0, original.rfind('>')));
        }
    std::vector<Delivery> failed;
    for (const auto& row : rows)
        if (row.state == DeliveryState::failed && !made_good.count(row.key)) failed.push_back(row);
    return failed;
}

}  // namespace

LeadOverview gather_lead_overview(const Store& store, const StoredLead& lead, Date day, UtcInstant since,
                                  UtcInstant until) {
    LeadOverview overview;
    overview.lead = lead;
    overview.day = day;
    std::map<std::string, std::string> names;
    std::set<std::string> hers;  // participants of her programmes

    for (const auto& programme_id : lead.programmes) {
        for (const auto& id : store.participants_of(programme_id)) hers.insert(id);
        std::map<int64_t, std::vector<std::string>> said_no;
        for (const auto& record : store.attendance_of_programme(programme_id))
            if (record.status == AttendanceStatus::excused)
                said_no[record.session_id].push_back(name_of_participant(store, record.participant_id, names));
        for (const auto& session : store.sessions(programme_id)) {
            if (session.date != day || session.status == SessionStatus::cancelled) continue;
            OverviewSession today{session, said_no[session.id]};
            std::sort(today.said_no.begin(), today.said_no.end());
            overview.sessions.push_back(std::move(today));
        }

        // Each participant and cause once: at its first failure, when that falls in this overview's time.
        std::map<std::pair<std::string, FailureCause>, const Delivery*> first;
        const auto failed = unmade_failures(store, programme_id);
        for (const auto& row : failed) {
            const FailureCause cause = classify_failure(row.reason + " " + row.provider_status);
            auto& earliest = first[{row.participant_id, cause}];
            if (!earliest || row.updated_at < earliest->updated_at) earliest = &row;
        }
        for (const auto& [who, row] : first) {
            if (!within(row->updated_at, since, until)) continue;
            NotReached line;
            line.participant_id = who.first;
            line.name = name_of_participant(store, who.first, names);
            line.cause = who.second;
            if (row->session_id)
                if (const auto session = store.session(row->session_id)) line.session_date = session->date;
            overview.not_reached.push_back(std::move(line));
        }

        for (const auto& f : store.follow_ups(programme_id, true)) {
            OverviewFollowUp line{f, name_of_participant(store, f.participant_id, names), std::nullopt};
            if (f.session_id) line.session = store.session(f.session_id);
            overview.follow_ups.push_back(std::move(line));
        }
    }
    std::stable_sort(overview.sessions.begin(), overview.sessions.end(),
                     [](const OverviewSession& a, const OverviewSession& b) {
                         return a.session.start_utc < b.session.start_utc;
                     });
    std::stable_sort(overview.not_reached.begin(), overview.not_reached.end(),
                     [](const NotReached& a, const NotReached& b) { return lower(a.name) < lower(b.name); });
    std::stable_sort(overview.follow_ups.begin(), overview.follow_ups.end(),
                     [](const OverviewFollowUp& a, const OverviewFollowUp& b) {
                         return a.follow_up.id < b.follow_up.id;
                     });

    // Her own words for the lead, about one of these programmes or from one of hers.
    const std::set<std::string> programmes(lead.programmes.begin(), lead.programmes.end());
    for (const auto& answer : store.answers(""))
        if (answer.reading == AnswerReading::free_text && answer.for_lead &&
            within(answer.received_at, since, until) &&
            (programmes.count(answer.programme_id) || (answer.programme_id.empty() && hers.count(answer.participant_id))))
            overview.answers.push_back({name_of_participant(store, answer.participant_id, names), answer.received_at});
    return overview;
}

OverviewText lead_overview_text(const LeadOverview& overview, Language language) {
    const std::string tag(tag_of(language));
    OverviewText out;
    out.subject = tr(language, "ritme: overview for {1}", {format_short_weekday_date(overview.day, tag)});
    std::string& text = out.text;
    text = out.subject + "\n";
    if (!overview.sessions.empty()) {
        text += "\n" + tr(language, "Today:") + "\n";
        for (const auto& today : overview.sessions) {
            const StoredSession& s = today.session;
            text += "- " + format_time(s.time.start, tag) + " " + s.programme_id + " #" + std::to_string(s.number);
            if (!s.location.empty()) text += ", " + s.location;
            text += "\n";
            if (today.said_no.empty())
                text += "  " + tr(language, "nobody said no") + "\n";
            else
                text += "  " + tr(language, "said no: {1}", {joined(today.said_no)}) + "\n";
        }
    }
    if (!overview.not_reached.empty()) {
        text += "\n" + tr(language, "Not reached:") + "\n";
        for (const auto& line : overview.not_reached) {
            text += "- " + line.name;
            if (line.session_date) text += " (" + format_short_weekday_date(*line.session_date, tag) + ")";
            text += ": " + failure_cause_text(line.cause, language) + "\n";
        }
    }
    if (!overview.follow_ups.empty()) {
        text += "\n" + tr(language, "Follow-ups open:") + "\n";
        for (const auto& line : overview.follow_ups)
            text += "- " + follow_up_text(line.follow_up, line.name, line.session, language) + "\n";
    }
    if (!overview.answers.empty()) {
        text += "\n" + tr(language, "Messages from participants:") + "\n";
        std::map<std::string, int> counts;
        std::vector<std::string> order;
        for (const auto& answer : overview.answers)
            if (counts[answer.name]++ == 0) order.push_back(answer.name);
        for (const auto& name : order)
            text += "- " + tr_count(language, counts[name], "{1}: {n} message", "{1}: {n} messages", {name}) + "\n";
    }
    return out;
}

}  // namespace ritme
