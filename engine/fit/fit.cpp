#include "engine/fit/fit.hpp"

#include "engine/calendar/session_window.hpp"

#include <algorithm>
#include <utility>

namespace ritme {

std::string_view name_of(ObstacleKind kind) {
    switch (kind) {
        case ObstacleKind::commitment: return "commitment";
        case ObstacleKind::school_closed: return "school_closed";
        case ObstacleKind::no_childcare_place: return "no_childcare_place";
    }
    return "commitment";
}

std::string commitment_text(const Commitment& commitment) {
    std::string text = commitment.label.empty() ? std::string("afspraak") : commitment.label;
    if (commitment.weekday)
        text += " " + std::string(dutch_abbreviation_of(*commitment.weekday));
    else if (commitment.date)
        text += " " + iso_date(*commitment.date);
    return text + " " + commitment.time.str();
}

const std::string_view creche_rule =
    "where the crèche has fewer places than children, places go first to those left out most often at "
    "earlier sessions, then to smaller families, then by id, so the same mothers are not left out every time";

namespace {

std::string childcare_text(int places, int children) {
    return "no crèche place: " + std::to_string(children) + (children == 1 ? " child needs" : " children need") +
           " a place, the crèche has " + std::to_string(places);
}

std::string creche_closed_text(Weekday day, const std::optional<TimeRange>& window) {
    if (!window) return "no crèche: closed on " + std::string(name_of(day));
    return "no crèche: outside its hours on " + std::string(name_of(day)) + " (sessions " + window->str() + ")";
}

// "p-7k2m9q4x8a" for notes: never a name.
std::string who(const Participant& participant) {
    return "participant " + (participant.id.empty() ? std::string("(no id)") : participant.id);
}

}  // namespace

// One school calendar: the days its school is closed while the programme is open.
struct FitGroup::SchoolClosures {
    std::string key;  // Participant::school_calendar
    ClosureCalendar calendar;
    std::vector<const Closure*> extra;  // per day of the window; points into `calendar`

    SchoolClosures(std::string key_, const ClosureRules& rules, const SchoolHolidayTable& table, Date from, Date to)
        : key(std::move(key_)), calendar(rules, table, from, to) {}
};

FitGroup::~FitGroup() = default;
FitGroup::FitGroup(FitGroup&&) noexcept = default;
FitGroup& FitGroup::operator=(FitGroup&&) noexcept = default;

FitGroup::FitGroup(const Programme& programme, const std::vector<Participant>& participants,
                   const SchoolHolidayTable& school_holidays, const SchoolDirectory& schools, Date from, Date to)
    : from_(from), to_(std::max(from, to)), margin_(programme.school_hours.travel_margin_minutes) {
    if (programme.childcare) {
        places_ = programme.childcare->places;
        for (Weekday day : all_weekdays)
            if (auto window = creche_window(*programme.childcare, day))
                creche_window_[index_of(day)] = TimeRange{window->earliest_start, window->latest_end};
    }
    const auto days = static_cast<int32_t>((to_ - from_).days() + 1);

    // The programme's own closures: a school closed on a day the programme is closed
    // too keeps nobody from a session (there is none then, unless a lead moved one
    // there on purpose).
    const ClosureCalendar programme_closures(programme.closures, school_holidays, from_, to_);

    auto school_index = [&](const Participant& participant) -> int {
        const std::string& key = participant.school_calendar;
        if (key.empty()) return -1;
        for (size_t i = 0; i < schools_.size(); ++i)
            if (schools_[i]->key == key) return static_cast<int>(i);
        ClosureRules rules;
        if (auto region = parse_region(key)) {
            rules.region = *region;
            rules.holidays = School::default_holidays();
        } else if (auto school = schools.find(key); school != schools.end()) {
            rules = school->second.closures;
        } else {
            notes_.push_back(who(participant) + ": school calendar \"" + key +
                             "\" is neither a region (noord, midden, zuid) nor a known school; the school's closed "
                             "days are not checked");
            return -1;
        }
        auto closures = std::make_unique<SchoolClosures>(key, rules, school_holidays, from_, to_);
        closures->extra.assign(static_cast<size_t>(days), nullptr);
        Date date = from_;
        for (int32_t day = 0; day < days; ++day, date += boost::gregorian::days(1))
            if (!programme_closures.closure_on(date)) closures->extra[day] = closures->calendar.closure_on(date);
        schools_.push_back(std::move(closures));
        return static_cast<int>(schools_.size() - 1);
    };

    people_.reserve(participants.size());
    for (const Participant& participant : participants) {
        Person person;
        person.id = participant.id;
        person.name = participant.name;
        person.children = participant.children_in_care;
        person.commitments = participant.commitments;
        person.school = school_index(participant);
        for (size_t i = 0; i < participant.commitments.size(); ++i) {
            const Commitment& c = participant.commitments[i];
            const Interval interval{static_cast<int16_t>(c.time.start.minutes()),
                                    static_cast<int16_t>(c.time.end.minutes()), static_cast<uint32_t>(i)};
            if (c.weekday) {
                person.weekly[index_of(*c.weekday)].push_back(interval);
            } else if (c.date) {
                if (*c.date < from_ || *c.date > to_) continue;  // no session can meet it
                person.dated.push_back({static_cast<int32_t>((*c.date - from_).days()), interval});
            }
        }
        for (auto& day : person.weekly)
            std::sort(day.begin(), day.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
        std::sort(person.dated.begin(), person.dated.end(), [](const DatedInterval& a, const DatedInterval& b) {
            return a.day != b.day ? a.day < b.day : a.time.start < b.time.start;
        });
        people_.push_back(std::move(person));
    }

    if (places_) {
        for (size_t p = 0; p < people_.size(); ++p) {
            if (people_[p].children > 0) childcare_order_.push_back(static_cast<uint32_t>(p));
            children_in_care_ += people_[p].children;
        }
        std::sort(childcare_order_.begin(), childcare_order_.end(), [&](uint32_t a, uint32_t b) {
            const Person& x = people_[a];
            const Person& y = people_[b];
            return x.children != y.children ? x.children < y.children : x.id < y.id;
        });
    }
}

bool FitGroup::free_for(const Person& person, int weekday, int32_t day, int lo, int hi,
                        std::vector<Obstacle>* why) const {
    bool free = true;
    auto blocked_by = [&](const Interval& interval) {
        const Commitment& c = person.commitments[interval.commitment];
        why->push_back({ObstacleKind::commitment, commitment_text(c), c.label});
    };
    // Half-open ranges: a commitment ending exactly when the widened session starts is fine.
    for (const Interval& interval : person.weekly[weekday]) {
        if (interval.start >= hi) break;
        if (lo < interval.end) {
            if (!why) return false;
            free = false;
            blocked_by(interval);
        }
    }
    if (!person.dated.empty()) {
        auto it = std::lower_bound(person.dated.begin(), person.dated.end(), day,
                                   [](const DatedInterval& d, int32_t value) { return d.day < value; });
        for (; it != person.dated.end() && it->day == day; ++it) {
            if (it->time.start >= hi) break;
            if (lo < it->time.end) {
                if (!why) return false;
                free = false;
                blocked_by(it->time);
            }
        }
    }
    if (person.school >= 0 && day >= 0 && day < static_cast<int32_t>(schools_[person.school]->extra.size())) {
        if (const Closure* closure = schools_[person.school]->extra[day]) {
            if (!why) return false;
            free = false;
            why->push_back({ObstacleKind::school_closed, "school dicht: " + closure->reason, closure->reason});
        }
    }
    return free;
}

void FitGroup::decide_free(Date date, TimeRange time, std::span<uint8_t> attends, std::vector<Obstacle>* why) const {
    const int weekday = index_of(weekday_of(date));
    const auto day = static_cast<int32_t>((date - from_).days());
    const int lo = time.start.minutes() - margin_;
    const int hi = time.end.minutes() + margin_;
    for (size_t p = 0; p < people_.size(); ++p)
        attends[p] = free_for(people_[p], weekday, day, lo, hi, why ? &why[p] : nullptr) ? 1 : 0;
}

std::optional<CrecheDemand> FitGroup::share_places(Date date, TimeRange time, std::span<uint8_t> attends,
                                                   std::vector<Obstacle>* why, PlaceTurns& turns) const {
    if (!places_) return std::nullopt;
    const Weekday weekday = weekday_of(date);
    const auto& window = creche_window_[index_of(weekday)];
    const bool open = window && time.start >= window->start && time.end <= window->end;
    CrecheDemand demand{0, open ? *places_ : 0};
    for (uint32_t p : childcare_order_)
        if (attends[p]) demand.children += people_[p].children;
    if (!demand.short_of_places()) return demand;
    if (!open) {
        // No places at all: nobody was passed over for someone else, so no turn is counted.
        for (uint32_t p : childcare_order_) {
            if (!attends[p]) continue;
            attends[p] = 0;
            if (why) why[p].push_back({ObstacleKind::no_childcare_place, creche_closed_text(weekday, window), {}});
        }
        return demand;
    }
    // Those left out most often so far first; among equals the order of childcare_order_
    // (fewest children, then id). An insertion sort: a group is a few dozen people.
    if (turns.left_out.size() != people_.size()) turns.left_out.assign(people_.size(), 0);
    auto& order = turns.order;
    order.clear();
    for (uint32_t p : childcare_order_) {
        if (!attends[p]) continue;
        size_t at = order.size();
        while (at > 0 && turns.left_out[order[at - 1]] < turns.left_out[p]) --at;
        order.insert(order.begin() + static_cast<long>(at), p);
    }
    int used = 0;
    for (uint32_t p : order) {
        if (used + people_[p].children <= demand.places) {
            used += people_[p].children;
            continue;
        }
        attends[p] = 0;
        ++turns.left_out[p];
        if (why) why[p].push_back({ObstacleKind::no_childcare_place, childcare_text(demand.places, demand.children), {}});
    }
    return demand;
}

std::optional<CrecheDemand> FitGroup::decide(Date date, TimeRange time, std::span<uint8_t> attends,
                                             std::vector<Obstacle>* why, PlaceTurns& turns) const {
    decide_free(date, time, attends, why);
    return share_places(date, time, attends, why, turns);
}

namespace {

// The sessions to count, in date order: the crèche's places are shared in that order.
std::vector<size_t> in_date_order(std::span<const Session> sessions) {
    std::vector<size_t> order;
    order.reserve(sessions.size());
    for (size_t i = 0; i < sessions.size(); ++i)
        if (sessions[i].status != SessionStatus::cancelled) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const Session& x = sessions[a];
        const Session& y = sessions[b];
        return x.date != y.date ? x.date < y.date : x.time.start < y.time.start;
    });
    return order;
}

}  // namespace

int FitGroup::count_attendable(std::span<const Session> sessions, std::span<int> attendable) const {
    std::vector<uint8_t> attends(people_.size());
    PlaceTurns turns;
    const auto order = in_date_order(sessions);
    for (size_t i : order) {
        const Session& session = sessions[i];
        decide(session.date, session.time, attends, nullptr, turns);
        for (size_t p = 0; p < attends.size(); ++p) attendable[p] += attends[p];
    }
    return static_cast<int>(order.size());
}

FitReport FitGroup::report(const Programme& programme, std::span<const Session> sessions) const {
    FitReport report;
    report.programme_id = programme.id;
    report.programme_name = programme.name;
    report.travel_margin_minutes = margin_;
    report.childcare_places = places_;
    report.notes = notes_;

    const size_t n = people_.size();
    std::vector<uint8_t> attends(n);
    std::vector<std::vector<Obstacle>> why(n);
    std::vector<int> attendable(n, 0);
    std::vector<std::map<std::string, ReasonCount>> reasons(n);
    PlaceTurns turns;
    // Decided in date order, listed in the order given.
    const auto order = in_date_order(sessions);
    std::vector<SessionFit> decided(order.size());
    for (size_t k = 0; k < order.size(); ++k) {
        const Session& session = sessions[order[k]];
        for (auto& list : why) list.clear();
        SessionFit& fit = decided[k];
        fit = {session.number, session.date, session.time, {}, {}};
        fit.creche = decide(session.date, session.time, attends, why.data(), turns);
        if (fit.creche && fit.creche->short_of_places()) ++report.short_sessions;
        for (size_t p = 0; p < n; ++p) {
            if (attends[p]) {
                ++attendable[p];
                continue;
            }
            for (const Obstacle& obstacle : why[p]) {
                ReasonCount& count = reasons[p][obstacle.text];
                count.reason = obstacle.text;
                count.kind = obstacle.kind;
                ++count.sessions;
            }
            fit.unable.push_back({people_[p].id, people_[p].name, std::move(why[p])});
        }
    }
    std::vector<size_t> listed(order.size());
    for (size_t k = 0; k < order.size(); ++k) listed[k] = k;
    std::sort(listed.begin(), listed.end(), [&](size_t a, size_t b) { return order[a] < order[b]; });
    for (size_t k : listed) report.sessions.push_back(std::move(decided[k]));

    const int total = static_cast<int>(report.sessions.size());
    for (size_t p = 0; p < n; ++p) {
        ParticipantFit participant;
        participant.id = people_[p].id;
        participant.name = people_[p].name;
        participant.children_in_care = people_[p].children;
        participant.school_calendar = people_[p].school >= 0 ? schools_[people_[p].school]->key : std::string();
        participant.attendable = attendable[p];
        participant.total = total;
        for (auto& [text, count] : reasons[p]) participant.reasons.push_back(std::move(count));
        std::stable_sort(participant.reasons.begin(), participant.reasons.end(),
                         [](const ReasonCount& a, const ReasonCount& b) { return a.sessions > b.sessions; });
        report.participants.push_back(std::move(participant));
        report.attendable_sum += attendable[p];
    }
    report.possible_sum = total * static_cast<int>(n);
    if (n > 0) {
        report.worst_off = *std::min_element(attendable.begin(), attendable.end());
        report.worst_off_count = static_cast<int>(std::count(attendable.begin(), attendable.end(), report.worst_off));
    }
    return report;
}

FitReport fit(const Programme& programme, const std::vector<Session>& sessions,
              const std::vector<Participant>& participants, const SchoolHolidayTable& school_holidays,
              const SchoolDirectory& schools) {
    std::optional<Date> first, last;
    for (const Session& session : sessions) {
        if (session.status == SessionStatus::cancelled) continue;
        if (!first || session.date < *first) first = session.date;
        if (!last || session.date > *last) last = session.date;
    }
    const Date from = first.value_or(programme.start);
    const Date to = last.value_or(programme.start);
    const FitGroup group(programme, participants, school_holidays, schools, from, to);
    return group.report(programme, sessions);
}

}  // namespace ritme
