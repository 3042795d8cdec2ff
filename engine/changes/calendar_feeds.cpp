#include "engine/changes/calendar_feeds.hpp"

#include "engine/base/secret_token.hpp"
#include "engine/base/translation.hpp"
#include "engine/calendar/ics_calendar.hpp"
#include "engine/message/message_facts.hpp"
#include "engine/time/time_zone.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>

namespace ritme {
namespace {

std::string generate_feed_id() {
    constexpr std::string_view alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    std::random_device device;
    std::uint64_t bits = (std::uint64_t{device()} << 32) | device();
    std::string id = "f-";
    for (int i = 0; i < 10; ++i, bits >>= 5) id += alphabet[bits & 31];
    return id;
}

std::string where_of(const Programme& programme, const std::string& location) {
    if (const Location* found = programme.find_location(location))
        return found->address.empty() ? found->name : found->name + ", " + found->address;
    return location;
}

// The latest change the feed shows: its DTSTAMP.
void take_later(UtcInstant& latest, const std::optional<UtcInstant>& at) {
    if (at && at->utc > latest.utc) latest = *at;
}

FeedEvent session_event(const Programme& programme, const StoredSession& s, std::string summary, std::string uid_tail) {
    FeedEvent event;
    event.uid = programme.id + "-s" + std::to_string(s.id) + uid_tail + "@ritme";
    event.summary = std::move(summary);
    event.location = where_of(programme, s.location);
    event.start = {s.date, s.time.start};
    event.end = {s.date, s.time.end};
    event.cancelled = s.status == SessionStatus::cancelled;
    event.sequence = s.version - 1;
    return event;
}

// The crèche's sessions: those with a mother who has children in care and did not say
// she cannot come; her first name and how many children, nothing else of her.
void add_creche_events(const Store& store, const Programme& programme, FeedCalendar& calendar, UtcInstant& latest) {
    std::vector<Participant> mothers;
    for (const auto& id : store.participants_of(programme.id))
        if (auto person = store.participant(id); person && person->children_in_care > 0) mothers.push_back(*person);
    std::set<std::pair<std::string, int64_t>> excused;
    for (const auto& record : store.attendance_of_programme(programme.id))
        if (record.status == AttendanceStatus::excused) excused.insert({record.participant_id, record.session_id});
    for (const StoredSession& s : store.sessions(programme.id)) {
        int children = 0;
        std::string names;
        for (const Participant& mother : mothers) {
            if (excused.count({mother.id, s.id})) continue;
            children += mother.children_in_care;
            names += (names.empty() ? "" : ", ") + first_name_of(mother.name) + " (" +
                     std::to_string(mother.children_in_care) + ")";
        }
        if (children == 0) continue;
        FeedEvent event = session_event(
            programme, s, tr_count(Language::nl, children, "Crèche: {n} child", "Crèche: {n} children"), "-creche");
        event.description = names;
        take_later(latest, s.changed_at);
        calendar.events.push_back(std::move(event));
    }
}

}  // namespace

ChangeResult<FeedMade> add_feed(Store& store, const FeedRequest& request, std::string_view base_url,
                                const AuditContext& audit) {
    if (!store.programme(request.programme_id))
        return ChangeError{ChangeError::Kind::bad_input, "programme", "no programme " + request.programme_id,
                           "see `ritme status` for the programmes applied"};
    if (!request.participant_id.empty()) {
        if (request.creche)
            return ChangeError{ChangeError::Kind::bad_input, "creche", "a participant's feed has no crèche variant",
                               "give {participant} or {creche}, not both"};
        const auto enrolled = store.participants_of(request.programme_id);
        if (std::find(enrolled.begin(), enrolled.end(), request.participant_id) == enrolled.end())
            return ChangeError{ChangeError::Kind::bad_input, "participant",
                               "no participant " + request.participant_id + " in " + request.programme_id,
                               "see `ritme participant list`"};
    }
    const std::string token = secret_token::random();
    FeedMade made;
    FeedToken& feed = made.feed;
    feed.id = generate_feed_id();
    feed.hash = secret_token::sha256_hex(token);
    feed.kind = !request.participant_id.empty() ? FeedKind::participant
                : request.creche                ? FeedKind::creche
                                                : FeedKind::programme;
    feed.programme_id = request.programme_id;
    feed.participant_id = request.participant_id;
    feed.created_at = audit.at;
    feed.created_by = audit.actor;
    store.write([&] {
        store.put_feed_token(feed);
        const std::string subject = feed.participant_id.empty() ? feed.programme_id : feed.participant_id;
        store.record(audit.entry("feed.added", subject, feed.id + " " + std::string(name_of(feed.kind))));
    });
    std::string base(base_url);
    while (!base.empty() && base.back() == '/') base.pop_back();
    made.url = base + "/feed/" + token + ".ics";
    return made;
}

ChangeResult<FeedToken> revoke_feed(Store& store, const std::string& id, const AuditContext& audit) {
    auto feed = store.feed_token(id);
    if (!feed) return ChangeError{ChangeError::Kind::bad_input, "id", "no feed " + id, "see `ritme feed list`"};
    if (feed->revoked_at)
        return ChangeError{ChangeError::Kind::conflict, "id", "feed " + id + " is revoked already", ""};
    feed->revoked_at = audit.at;
    store.write([&] {
        store.put_feed_token(*feed);
        const std::string subject = feed->participant_id.empty() ? feed->programme_id : feed->participant_id;
        store.record(audit.entry("feed.revoked", subject, feed->id));
    });
    return *feed;
}

std::string feed_audience(const Store& store, const FeedToken& feed) {
    switch (feed.kind) {
        case FeedKind::programme: return tr(Language::nl, "programme");
        case FeedKind::creche: return tr(Language::nl, "crèche");
        case FeedKind::participant:
            if (const auto person = store.participant(feed.participant_id)) return first_name_of(person->name);
            return feed.participant_id;
    }
    return {};
}

std::optional<FeedFile> feed_file(const Store& store, std::string_view token) {
    if (token.empty()) return std::nullopt;
    const auto feed = store.feed_token_by_hash(secret_token::sha256_hex(token));
    if (!feed || feed->revoked_at) return std::nullopt;
    const auto programme = store.programme(feed->programme_id);
    if (!programme) return std::nullopt;
    const TimeZone zone = TimeZone::load(programme->timezone);

    FeedCalendar calendar;
    calendar.zone = &zone;
    calendar.alarm_minutes_before = feed_alarm_minutes;
    UtcInstant latest = feed->created_at;
    switch (feed->kind) {
        case FeedKind::programme: {
            calendar.name = programme->name;
            const auto sessions = store.sessions(programme->id);
            const int total = static_cast<int>(sessions.size());
            for (const StoredSession& s : sessions) {
                calendar.events.push_back(session_event(
                    *programme, s,
                    programme->name + " (" + std::to_string(s.number) + "/" + std::to_string(total) + ")", ""));
                take_later(latest, s.changed_at);
            }
            break;
        }
        case FeedKind::creche:
            calendar.name = tr(Language::nl, "Crèche: {1}", {programme->name});
            add_creche_events(store, *programme, calendar, latest);
            break;
        case FeedKind::participant: {
            const auto person = store.participant(feed->participant_id);
            if (!person) return std::nullopt;
            // Information-lean: a neutral name, the place and the time.
            calendar.name = tr(Language::nl, "Appointments");
            for (const StoredSession& s : store.sessions(programme->id)) {
                calendar.events.push_back(session_event(*programme, s, tr(Language::nl, "Meeting"), "-p"));
                take_later(latest, s.changed_at);
            }
            for (const Appointment& a : store.appointments(person->id)) {
                FeedEvent event;
                event.uid = "appointment-" + std::to_string(a.id) + "@ritme";
                event.summary = tr(Language::nl, "Appointment");
                event.location = a.where;
                event.description = a.note;
                event.start = zone.to_local(a.start_utc);
                UtcInstant end = a.start_utc;
                end.utc += boost::posix_time::minutes(a.duration_minutes);
                event.end = zone.to_local(end);
                event.cancelled = a.cancelled;
                event.sequence = a.version - 1;
                take_later(latest, a.changed_at);
                calendar.events.push_back(std::move(event));
            }
            break;
        }
    }
    std::stable_sort(calendar.events.begin(), calendar.events.end(), [](const FeedEvent& a, const FeedEvent& b) {
        return std::pair(a.start.date, a.start.time.minutes()) < std::pair(b.start.date, b.start.time.minutes());
    });
    calendar.stamp = latest;
    FeedFile file;
    file.ics = render_ics_feed(calendar);
    file.etag = "\"" + secret_token::sha256_hex(file.ics).substr(0, 32) + "\"";
    return file;
}

}  // namespace ritme
