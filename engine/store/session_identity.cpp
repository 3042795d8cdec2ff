#include "engine/store/session_identity.hpp"

#include "engine/time/weekday.hpp"

#include <map>
#include <optional>
#include <set>
#include <utility>

namespace ritme {
namespace {

namespace g = boost::gregorian;

struct Occurrence {
    int slot = 0;
    Date date;
};

// Every occurrence the programme's calendar can hold, in the order it numbers them:
// week by week from the start, slots in week order.
std::vector<Occurrence> occurrences_of(const Programme& programme) {
    std::vector<Occurrence> out;
    const Date window_end = calendar_window_end(programme);
    const auto slots = programme.slots_in_week_order();
    for (Date monday = monday_of(programme.start); monday <= window_end; monday += g::days(7))
        for (const Slot* slot : slots) {
            const Date date = monday + g::days(index_of(slot->day));
            if (date < programme.start || date > window_end) continue;
            out.push_back({slot->number, date});
        }
    return out;
}

}  // namespace

void derive_session_identities(const Programme& programme, std::vector<StoredSession>& sessions) {
    const std::vector<Occurrence> occurrences = occurrences_of(programme);
    std::map<std::pair<int, Date>, size_t> index;
    for (size_t k = 0; k < occurrences.size(); ++k) index.emplace(std::pair(occurrences[k].slot, occurrences[k].date), k);
    std::vector<bool> taken(occurrences.size(), false);
    std::vector<std::optional<size_t>> placed(sessions.size());

    // The occurrence a session at `date` and `time` is, when a slot has that weekday and time.
    const auto occurrence_at = [&](Date date, const TimeRange& time) -> std::optional<size_t> {
        for (const auto& slot : programme.slots) {
            if (slot.day != weekday_of(date) || slot.time != time) continue;
            if (const auto found = index.find({slot.number, date}); found != index.end()) return found->second;
        }
        return std::nullopt;
    };
    const auto take = [&](size_t i, size_t k) {
        taken[k] = true;
        placed[i] = k;
    };

    // 1. Where the last apply put them.
    for (size_t i = 0; i < sessions.size(); ++i) {
        const StoredSession& s = sessions[i];
        if (s.lead_override || s.status == SessionStatus::cancelled) continue;
        if (const auto k = occurrence_at(s.date, s.time); k && !taken[*k]) take(i, *k);
    }
    const std::vector<std::optional<size_t>> following_the_file = placed;

    // 2. The lead's sessions, between their neighbours by number.
    for (size_t i = 0; i < sessions.size(); ++i) {
        const StoredSession& s = sessions[i];
        if (!s.lead_override || placed[i]) continue;
        size_t low = 0, high = occurrences.size();  // candidates in [low, high)
        for (size_t j = i; j-- > 0;)
            if (following_the_file[j]) {
                low = *following_the_file[j] + 1;
                break;
            }
        for (size_t j = i + 1; j < sessions.size(); ++j)
            if (following_the_file[j]) {
                high = *following_the_file[j];
                break;
            }
        const auto free_candidate = [&](std::optional<size_t> k) {
            return k && *k >= low && *k < high && !taken[*k] ? k : std::nullopt;
        };
        std::optional<size_t> k;
        if (s.previous) k = free_candidate(occurrence_at(s.previous->date, s.previous->time));
        if (!k) k = free_candidate(occurrence_at(s.date, s.time));
        for (size_t c = low; !k && c < high; ++c) k = free_candidate(c);
        if (k) take(i, *k);
    }

    // 3. The rest: cancelled by an apply, or with no free place.
    std::set<Date> without_slot;
    for (size_t i = 0; i < sessions.size(); ++i) {
        StoredSession& s = sessions[i];
        if (!placed[i])
            if (const auto k = occurrence_at(s.date, s.time); k && !taken[*k]) take(i, *k);
        if (placed[i]) {
            s.slot = occurrences[*placed[i]].slot;
            s.planned_date = occurrences[*placed[i]].date;
            continue;
        }
        Date date = s.date;
        while (!without_slot.insert(date).second) date += g::days(1);
        s.slot = 0;
        s.planned_date = date;
    }
}

}  // namespace ritme
