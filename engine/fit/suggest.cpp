#include "engine/fit/suggest.hpp"

#include "engine/base/text.hpp"
#include "engine/time/time_zone.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

namespace ritme {

std::string CandidateFigures::label() const {
    std::string text;
    for (const Slot& slot : slots)
        text += (text.empty() ? "" : " + ") + std::string(name_of(slot.day)) + " " + slot.time.str();
    return text;
}

namespace {

constexpr int max_slots = 7;  // one per weekday

struct Single {
    Weekday day;
    TimeOfDay start;
};

// A candidate set: its singles (ascending, so in week order) and its figures.
struct Candidate {
    std::array<uint16_t, max_slots> single{};
    int attendable_sum = 0;
    int worst_off = 0;
    int holiday_losses = 0;
    int sessions = 0;
    std::vector<int> ascending;  // sessions attendable per participant, lowest first
};

// Per slot in week order: weekday × 1440 + start minute; zero beyond the last slot.
using WeekKey = std::array<int, max_slots>;

// `slots` in week order (Programme::slots_in_week_order()).
WeekKey key_of(const std::vector<Slot>& slots) {
    WeekKey key{};
    for (size_t i = 0; i < slots.size() && i < key.size(); ++i)
        key[i] = index_of(slots[i].day) * 24 * 60 + slots[i].time.start.minutes();
    return key;
}

// What ranks a candidate.
struct Figures {
    int sessions;
    int attendable_sum;
    int holiday_losses;
    std::span<const int> ascending;  // sessions attendable per participant, lowest first
};

// -1, 0 or 1 as the share a/s is below, equal to or above b/t, exactly (no sessions: 0).
int compare_shares(int a, int s, int b, int t) {
    const long long left = static_cast<long long>(s > 0 ? a : 0) * (t > 0 ? t : 1);
    const long long right = static_cast<long long>(t > 0 ? b : 0) * (s > 0 ? s : 1);
    return left < right ? -1 : left > right ? 1 : 0;
}

// The first place, worst-off first, where the two candidates' shares differ; the size
// when they are the same throughout.
size_t first_difference(const Figures& a, const Figures& b) {
    size_t i = 0;
    while (i < a.ascending.size() && i < b.ascending.size() &&
           compare_shares(a.ascending[i], a.sessions, b.ascending[i], b.sessions) == 0)
        ++i;
    return i;
}

// The ranking: true when `a` ranks before `b`. Maximin on the share of sessions each
// participant can attend: the worst-off participant's share (more first), then the
// next-worst's, and so on; then attendances summed (more sessions held at equal
// shares), sessions lost to holidays (fewer first), the earlier weekday and start.
bool ranks_before(const Figures& a, const WeekKey& a_key, const Figures& b, const WeekKey& b_key) {
    const size_t i = first_difference(a, b);
    if (i < a.ascending.size() && i < b.ascending.size())
        return compare_shares(a.ascending[i], a.sessions, b.ascending[i], b.sessions) > 0;
    if (a.attendable_sum != b.attendable_sum) return a.attendable_sum > b.attendable_sum;
    if (a.holiday_losses != b.holiday_losses) return a.holiday_losses < b.holiday_losses;
    return a_key < b_key;
}

std::vector<int> ascending_of(const std::vector<int>& attendable) {
    std::vector<int> sorted = attendable;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

// The i-th participant from the worst off (0 the worst off): "worst-off participant",
// "3rd worst-off participant".
std::string worst_off_place(size_t i) {
    if (i == 0) return "worst-off participant";
    const size_t n = i + 1;
    const char* suffix = (n % 100 >= 11 && n % 100 <= 13) ? "th"
                         : n % 10 == 1                    ? "st"
                         : n % 10 == 2                    ? "nd"
                         : n % 10 == 3                    ? "rd"
                                                          : "th";
    return std::to_string(n) + suffix + " worst-off participant";
}

std::string ordinal_rank(int rank, int of) {
    return rank == 1 ? "first of " + std::to_string(of) : std::to_string(rank) + " of " + std::to_string(of);
}

class Suggester {
public:
    Suggester(const Programme& programme, const std::vector<Participant>& participants,
              const SchoolHolidayTable& school_holidays, const SchoolDirectory& schools, int step, int top,
              CandidateCalendars how)
        : programme_(programme),
          school_holidays_(school_holidays),
          step_(step),
          top_(top),
          zone_(TimeZone::load(programme.timezone)),
          closures_(programme.closures, school_holidays, programme.start, calendar_window_end(programme)),
          group_(programme, participants, school_holidays, schools, programme.start, calendar_window_end(programme)),
          work_(programme),
          k_(static_cast<int>(programme.slots.size())),
          length_(programme.slots.front().time.length_minutes()),
          cached_(how == CandidateCalendars::automatic && programme.on_holiday == HolidayMode::skip) {}

    Suggestions run() {
        Suggestions out;
        out.programme_id = programme_.id;
        out.programme_name = programme_.name;
        out.slots_per_candidate = k_;
        out.slot_length_minutes = length_;
        out.step_minutes = step_;
        out.participants = static_cast<int>(group_.size());
        write_notes(out);

        // The current slots first: each candidate is compared with them as it is scored.
        Calendar current_calendar;
        out.current = full_figures(programme_.slots, &current_calendar);
        current_key_ = key_of(out.current.slots);
        current_ascending_ = ascending_of(out.current.attendable);
        current_figures_ = {out.current.sessions, out.current.attendable_sum, out.current.holiday_losses,
                            current_ascending_};

        list_singles();
        count_sets();
        if (cached_) score_singles();
        keep_ = std::max<size_t>(static_cast<size_t>(top_), 1);  // the best, for the explanation
        std::vector<int> chosen;
        enumerate(0, chosen);
        out.candidates_evaluated = static_cast<int>(evaluated_);
        out.current.rank = 1 + static_cast<int>(better_than_current_);

        // The kept candidates, best first.
        std::sort_heap(kept_.begin(), kept_.end(), [&](const Candidate& a, const Candidate& b) { return before(a, b); });
        const size_t shown = std::min(kept_.size(), static_cast<size_t>(top_));
        std::optional<CandidateFigures> best;
        for (size_t i = 0; i < kept_.size(); ++i) {
            CandidateFigures figures = full_figures(slots_of(kept_[i]), nullptr);
            figures.rank = static_cast<int>(i) + 1;
            if (figures.attendable_sum != kept_[i].attendable_sum || figures.worst_off != kept_[i].worst_off ||
                figures.holiday_losses != kept_[i].holiday_losses || figures.sessions != kept_[i].sessions ||
                ascending_of(figures.attendable) != kept_[i].ascending)
                throw std::logic_error("suggest: the figures of " + figures.label() +
                                       " differ between the single-slot calendars and the generated calendar");
            if (i == 0) best = figures;
            if (i < shown) out.top.push_back(std::move(figures));
        }

        out.current_is_candidate = is_candidate(programme_.slots);
        for (const Slot& slot : programme_.slots) {
            const auto window = session_window(programme_, slot.day);
            if (!window || !window->fits(slot.time)) out.current_outside.push_back(slot.label());
        }
        out.why = explain(out, best, current_calendar);
        return out;
    }

private:
    void write_notes(Suggestions& out) const {
        const Slot& first = programme_.slots.front();
        out.notes.push_back("candidates are " +
                            (k_ == 1 ? std::string("single slots") :
                             k_ == 2 ? std::string("pairs of slots on different weekdays") :
                                       "sets of " + std::to_string(k_) + " slots on different weekdays") +
                            ", as the programme has " + counted(k_, "slot", "slots") + ", each " +
                            format_duration_minutes(length_) + " long like " + first.label() +
                            ", starting every " + format_duration_minutes(step_) +
                            " from the earliest start the school hours" + (programme_.childcare ? " and crèche" : "") +
                            " allow that day");
        for (const Slot& slot : programme_.slots)
            if (slot.time.length_minutes() != length_) {
                out.notes.push_back("the programme's slots differ in length; candidates use the length of " +
                                    first.label());
                break;
            }
        if (auto uncovered = school_holidays_.first_uncovered(programme_.start, calendar_window_end(programme_)))
            out.notes.push_back("no school holiday data from " + iso_date(*uncovered) +
                                ": sessions after it may fall in holidays ritme does not know");
        for (const auto& note : group_.notes()) out.notes.push_back(note);
    }

    void list_singles() {
        for (Weekday day : all_weekdays) {
            const auto window = session_window(programme_, day);
            day_begin_[index_of(day)] = singles_.size();
            if (window)
                for (int start = window->earliest_start.minutes(); start + length_ <= window->latest_end.minutes();
                     start += step_)
                    singles_.push_back({day, TimeOfDay::from_minutes(start)});
            day_end_[index_of(day)] = singles_.size();
        }
    }

    // Refuses a step so fine that the sets could not be held in memory.
    void count_sets() const {
        std::array<double, max_slots + 1> ways{};
        ways[0] = 1;
        for (int d = 0; d < 7; ++d) {
            const auto count = static_cast<double>(day_end_[d] - day_begin_[d]);
            for (int j = std::min(k_, d + 1); j >= 1; --j) ways[j] += ways[j - 1] * count;
        }
        if (k_ <= max_slots && ways[k_] > static_cast<double>(max_candidates))
            throw std::invalid_argument("suggest: " + std::to_string(static_cast<long long>(ways[k_])) +
                                        " candidate sets at a step of " + format_duration_minutes(step_) +
                                        " is more than " + std::to_string(max_candidates) + "; use a larger step");
    }

    Slot slot_at(const Single& single, int number) const {
        const Slot& first = programme_.slots.front();
        Slot slot;
        slot.number = number;
        slot.day = single.day;
        slot.time = TimeRange{single.start, TimeOfDay::from_minutes(single.start.minutes() + length_)};
        slot.location = first.location;
        slot.where = first.where;
        return slot;
    }

    std::vector<Slot> slots_of(const Candidate& candidate) const {
        std::vector<Slot> slots;
        for (int i = 0; i < k_; ++i) slots.push_back(slot_at(singles_[candidate.single[i]], i + 1));
        return slots;
    }

    WeekKey key_of_candidate(const Candidate& candidate) const {
        WeekKey key{};
        for (int i = 0; i < k_; ++i) {
            const Single& s = singles_[candidate.single[i]];
            key[i] = index_of(s.day) * 24 * 60 + s.start.minutes();
        }
        return key;
    }

    static Figures figures_of(const Candidate& c) {
        return {c.sessions, c.attendable_sum, c.holiday_losses, c.ascending};
    }

    bool before(const Candidate& a, const Candidate& b) const {
        return ranks_before(figures_of(a), key_of_candidate(a), figures_of(b), key_of_candidate(b));
    }

    // The real calendar for these slots, scored.
    CandidateFigures full_figures(const std::vector<Slot>& slots, Calendar* keep) {
        work_.slots = slots;
        Calendar calendar = generate_calendar(work_, zone_, closures_);
        CandidateFigures figures;
        for (const Slot* slot : work_.slots_in_week_order()) figures.slots.push_back(*slot);
        figures.attendable.assign(group_.size(), 0);
        figures.sessions = group_.count_attendable(calendar.sessions, figures.attendable);
        figures.intended_sessions = calendar.intended_sessions;
        figures.holiday_losses = static_cast<int>(calendar.skipped.size());
        figures.possible_sum = figures.sessions * static_cast<int>(group_.size());
        for (int a : figures.attendable) figures.attendable_sum += a;
        figures.worst_off = figures.attendable.empty()
                                ? 0
                                : *std::min_element(figures.attendable.begin(), figures.attendable.end());
        if (keep) *keep = std::move(calendar);
        return figures;
    }

    // skip mode: each single slot's calendar once. Who is free at each of its sessions is
    // kept; the crèche's places are shared per candidate, over its sessions merged in
    // date order, when they can run short (the sharing rotates, so it depends on all of
    // a candidate's sessions). When they cannot, the single slots' counts are summed.
    void score_singles() {
        const size_t n = group_.size();
        share_places_ = group_.places_may_run_short();
        single_attendable_.assign(singles_.size() * n, 0);
        single_sessions_.assign(singles_.size(), 0);
        single_skipped_.assign(singles_.size(), 0);
        single_first_.assign(singles_.size() + 1, 0);
        std::vector<uint8_t> attends(n);
        for (size_t i = 0; i < singles_.size(); ++i) {
            work_.slots = {slot_at(singles_[i], 1)};
            const Calendar calendar = generate_calendar(work_, zone_, closures_);
            single_first_[i] = held_.size();
            int* counts = single_attendable_.data() + i * n;
            for (const Session& session : calendar.sessions) {
                if (session.status == SessionStatus::cancelled) continue;
                group_.decide_free(session.date, session.time, attends, nullptr);
                held_.push_back({session.date, session.time});
                free_.insert(free_.end(), attends.begin(), attends.end());
                for (size_t p = 0; p < n; ++p) counts[p] += attends[p];
                ++single_sessions_[i];
            }
            single_skipped_[i] = static_cast<int>(calendar.skipped.size());
        }
        single_first_[singles_.size()] = held_.size();
        scratch_.assign(n, 0);
        attends_.assign(n, 0);
    }

    // The candidate's sessions in date order, each decided with the crèche's places shared.
    void count_with_places(const std::vector<int>& chosen) {
        const size_t n = group_.size();
        std::array<size_t, max_slots> at{}, end{};
        for (int i = 0; i < k_; ++i) {
            at[i] = single_first_[chosen[i]];
            end[i] = single_first_[chosen[i] + 1];
        }
        turns_.left_out.assign(n, 0);
        for (;;) {
            int next = -1;
            for (int i = 0; i < k_; ++i)
                if (at[i] < end[i] && (next < 0 || held_[at[i]].date < held_[at[next]].date)) next = i;
            if (next < 0) break;
            const size_t session = at[next]++;
            std::copy_n(free_.begin() + static_cast<long>(session * n), n, attends_.begin());
            group_.share_places(held_[session].date, held_[session].time, attends_, nullptr, turns_);
            for (size_t p = 0; p < n; ++p) scratch_[p] += attends_[p];
        }
    }

    // Every set of k singles on k different weekdays, in ascending order.
    void enumerate(int from_day, std::vector<int>& chosen) {
        if (static_cast<int>(chosen.size()) == k_) {
            score(chosen);
            return;
        }
        for (int day = from_day; day < 7; ++day) {
            if (7 - day < k_ - static_cast<int>(chosen.size())) break;
            for (size_t s = day_begin_[day]; s < day_end_[day]; ++s) {
                chosen.push_back(static_cast<int>(s));
                enumerate(day + 1, chosen);
                chosen.pop_back();
            }
        }
    }

    void score(const std::vector<int>& chosen) {
        Candidate candidate;
        for (int i = 0; i < k_; ++i) candidate.single[i] = static_cast<uint16_t>(chosen[i]);
        if (cached_) {
            const size_t n = group_.size();
            std::fill(scratch_.begin(), scratch_.end(), 0);
            for (int s : chosen) {
                candidate.sessions += single_sessions_[s];
                candidate.holiday_losses += single_skipped_[s];
            }
            if (share_places_) {
                count_with_places(chosen);
            } else {
                for (int s : chosen) {
                    const int* row = single_attendable_.data() + static_cast<size_t>(s) * n;
                    for (size_t p = 0; p < n; ++p) scratch_[p] += row[p];
                }
            }
            for (int a : scratch_) candidate.attendable_sum += a;
            candidate.ascending = ascending_of(scratch_);
        } else {
            const CandidateFigures figures = full_figures(slots_of(candidate), nullptr);
            candidate.attendable_sum = figures.attendable_sum;
            candidate.holiday_losses = figures.holiday_losses;
            candidate.sessions = figures.sessions;
            candidate.ascending = ascending_of(figures.attendable);
        }
        candidate.worst_off = candidate.ascending.empty() ? 0 : candidate.ascending.front();
        ++evaluated_;
        const WeekKey key = key_of_candidate(candidate);
        if (key != current_key_ && ranks_before(figures_of(candidate), key, current_figures_, current_key_))
            ++better_than_current_;
        // The best `keep_` so far, in a heap whose top is the one that ranks last.
        auto heap_order = [&](const Candidate& a, const Candidate& b) { return before(a, b); };
        if (kept_.size() < keep_) {
            kept_.push_back(std::move(candidate));
            std::push_heap(kept_.begin(), kept_.end(), heap_order);
        } else if (before(candidate, kept_.front())) {
            std::pop_heap(kept_.begin(), kept_.end(), heap_order);
            kept_.back() = std::move(candidate);
            std::push_heap(kept_.begin(), kept_.end(), heap_order);
        }
    }

    bool is_candidate(const std::vector<Slot>& slots) const {
        if (static_cast<int>(slots.size()) != k_) return false;
        std::set<Weekday> days;
        for (const Slot& slot : slots) {
            if (!days.insert(slot.day).second) return false;
            if (slot.time.length_minutes() != length_) return false;
            const auto window = session_window(programme_, slot.day);
            if (!window || !window->fits(slot.time)) return false;
            if ((slot.time.start.minutes() - window->earliest_start.minutes()) % step_ != 0) return false;
        }
        return true;
    }

    CurrentSlotsExplanation explain(const Suggestions& out, const std::optional<CandidateFigures>& best,
                                    const Calendar& current_calendar) const {
        CurrentSlotsExplanation why;
        const CandidateFigures& current = out.current;
        const int of = out.candidates_evaluated;
        std::string outside;
        for (const auto& label : out.current_outside) outside += (outside.empty() ? "" : ", ") + label;
        if (!outside.empty())
            outside = " Outside the school-hours" + std::string(programme_.childcare ? " or crèche" : "") +
                      " window: " + outside + ".";
        if (!best) {
            why.summary = "No candidate slots fit the school hours" +
                          std::string(programme_.childcare ? " and crèche hours" : "") +
                          ", so there is nothing to rank." + outside;
            return why;
        }
        if (current.rank == 1) {
            why.summary = "The current slots rank first of " + std::to_string(of) + ": the worst-off participant " +
                          "attends " + std::to_string(current.worst_off) + " of " + std::to_string(current.sessions) +
                          " sessions; " + thousands(current.attendable_sum) + " of " +
                          thousands(current.possible_sum) + " attendances." + outside;
            return why;
        }

        // Who loses under the current slots, and their own main reason.
        const FitReport report = group_.report(programme_, current_calendar.sessions);
        for (size_t p = 0; p < group_.size(); ++p) {
            if (best->attendable[p] <= current.attendable[p]) continue;
            ParticipantLoss loss{group_.participant_id(p), group_.participant_name(p), current.attendable[p],
                                 best->attendable[p], {}};
            if (!report.participants[p].reasons.empty()) loss.main_reason = report.participants[p].reasons[0].reason;
            why.losses.push_back(std::move(loss));
        }
        std::stable_sort(why.losses.begin(), why.losses.end(), [](const ParticipantLoss& a, const ParticipantLoss& b) {
            if (a.sessions_lost() != b.sessions_lost()) return a.sessions_lost() > b.sessions_lost();
            return a.participant_id < b.participant_id;
        });
        // Only what differs between the current slots and the best: the slots that are not
        // in both, the first share that differs, and the causes at the sessions of the
        // current slots the best would replace.
        auto same_slot = [](const Slot& a, const Slot& b) { return a.day == b.day && a.time == b.time; };
        auto absent_from = [&](const std::vector<Slot>& slots, const std::vector<Slot>& others) {
            std::vector<Slot> absent;
            for (const Slot& slot : slots)
                if (std::none_of(others.begin(), others.end(), [&](const Slot& o) { return same_slot(slot, o); }))
                    absent.push_back(slot);
            return absent;
        };
        auto joined = [](const std::vector<Slot>& slots) {
            std::string text;
            for (const Slot& slot : slots)
                text += (text.empty() ? "" : " + ") + std::string(name_of(slot.day)) + " " + slot.time.str();
            return text;
        };
        std::set<int> replaced;  // numbers of the programme's slots the best does not have
        for (const Slot& slot : programme_.slots)
            if (std::none_of(best->slots.begin(), best->slots.end(), [&](const Slot& o) { return same_slot(slot, o); }))
                replaced.insert(slot.number);
        if (!why.losses.empty()) why.main_reason = main_cause(report, current_calendar, why.losses, replaced);

        std::string text = "The current slots rank " + ordinal_rank(current.rank, of) + ".";
        const auto gone = absent_from(current.slots, best->slots);
        const auto added = absent_from(best->slots, current.slots);
        if (!gone.empty() || !added.empty())
            text += " The best slots have " + (added.empty() ? std::string("nothing") : joined(added)) +
                    " instead of " + (gone.empty() ? std::string("nothing") : joined(gone)) + ".";
        const std::vector<int> best_ascending = ascending_of(best->attendable);
        const Figures current_figures{current.sessions, current.attendable_sum, current.holiday_losses,
                                      current_ascending_};
        const Figures best_figures{best->sessions, best->attendable_sum, best->holiday_losses, best_ascending};
        const size_t i = first_difference(current_figures, best_figures);
        if (i < current_ascending_.size())
            text += " The " + worst_off_place(i) + " attends " + std::to_string(current_ascending_[i]) + " of " +
                    std::to_string(current.sessions) + " sessions under the current slots, " +
                    std::to_string(best_ascending[i]) + " of " + std::to_string(best->sessions) + " under the best.";
        if (current.attendable_sum != best->attendable_sum || current.possible_sum != best->possible_sum)
            text += " Attendances: " + thousands(current.attendable_sum) + " of " + thousands(current.possible_sum) +
                    " against " + thousands(best->attendable_sum) + " of " + thousands(best->possible_sum) + ".";
        if (!why.losses.empty())
            text += " " + counted(static_cast<int>(why.losses.size()), "participant attends", "participants attend") +
                    " fewer sessions under the current slots.";
        if (!why.main_reason.empty()) text += " Main reason: " + why.main_reason + ".";
        if (current.holiday_losses != best->holiday_losses)
            text += " The current slots lose " + counted(current.holiday_losses, "session", "sessions") +
                    " to holidays and closed days, the best " + std::to_string(best->holiday_losses) + ".";
        if (i == current_ascending_.size() && current.attendable_sum == best->attendable_sum &&
            current.holiday_losses == best->holiday_losses)
            text += " Their figures equal the best's; slots with equal figures rank by weekday and start time.";
        why.summary = std::move(text) + outside;
        return why;
    }

    // The cause that keeps the most of the losing participants from sessions under the
    // current slots.
    std::string main_cause(const FitReport& report, const Calendar& calendar,
                           const std::vector<ParticipantLoss>& losses, const std::set<int>& replaced) const {
        std::map<std::string, int> losers;  // id -> sessions lost against the best
        for (const auto& loss : losses) losers[loss.participant_id] = loss.sessions_lost();
        struct Cause {
            std::set<std::string> participants;
            int sessions = 0;
            ObstacleKind kind = ObstacleKind::commitment;
            std::string label;
            Weekday day = Weekday::monday;
            std::string part_of_day;
            std::string slot_label;
        };
        std::map<std::string, Cause> causes;
        for (size_t i = 0; i < report.sessions.size() && i < calendar.sessions.size(); ++i) {
            const SessionFit& session = report.sessions[i];
            const Session& generated = calendar.sessions[i];
            if (!replaced.count(generated.slot)) continue;  // the best meets then too
            for (const Absentee& absentee : session.unable) {
                if (!losers.count(absentee.participant_id)) continue;
                std::set<std::string> seen;  // one count per cause per session
                for (const Obstacle& obstacle : absentee.reasons) {
                    std::string key;
                    Cause fresh;
                    fresh.kind = obstacle.kind;
                    switch (obstacle.kind) {
                        case ObstacleKind::commitment: {
                            fresh.label = obstacle.cause;
                            fresh.day = weekday_of(session.date);
                            fresh.part_of_day = session.time.start < TimeOfDay::hm(12, 0) ? "morning" : "afternoon";
                            fresh.slot_label = programme_slot_label(generated);
                            key = "1|" + fresh.label + "|" + std::to_string(index_of(fresh.day)) + "|" +
                                  fresh.part_of_day;
                            break;
                        }
                        case ObstacleKind::school_closed:
                            fresh.label = obstacle.cause;
                            key = "2|" + fresh.label;
                            break;
                        case ObstacleKind::no_childcare_place: key = "3|"; break;
                    }
                    if (!seen.insert(key).second) continue;
                    auto [it, inserted] = causes.try_emplace(key, std::move(fresh));
                    it->second.participants.insert(absentee.participant_id);
                    ++it->second.sessions;
                }
            }
        }
        // Most participants, then most sessions those participants lose against the best,
        // then most sessions it blocks, then the first key.
        auto lost_by = [&](const Cause& cause) {
            int lost = 0;
            for (const auto& id : cause.participants)
                if (auto it = losers.find(id); it != losers.end()) lost += it->second;
            return lost;
        };
        auto weight = [&](const Cause& cause) {
            return std::tuple(cause.participants.size(), lost_by(cause), cause.sessions);
        };
        const Cause* top = nullptr;
        for (const auto& [key, cause] : causes)
            if (!top || weight(cause) > weight(*top)) top = &cause;
        if (!top) return {};
        const int people = static_cast<int>(top->participants.size());
        switch (top->kind) {
            case ObstacleKind::commitment:
                return counted(people, "participant has ", "participants have ") +
                       (top->label.empty() ? std::string("a commitment") : top->label) + " on " +
                       std::string(name_of(top->day)) + " " + top->part_of_day +
                       (top->slot_label.empty() ? std::string() : ", when " + top->slot_label + " meets");
            case ObstacleKind::school_closed:
                return counted(people, "participant's school is", "participants' schools are") + " closed (" +
                       top->label + ") on " + counted(top->sessions, "session day", "session days");
            case ObstacleKind::no_childcare_place:
                return "the crèche has too few places: " +
                       counted(people, "participant misses", "participants miss") + " " +
                       counted(top->sessions, "session", "sessions") + " for want of a place";
        }
        return {};
    }

    std::string programme_slot_label(const Session& session) const {
        for (const Slot& slot : programme_.slots)
            if (slot.number == session.slot) return slot.label();
        return {};
    }

    const Programme& programme_;
    const SchoolHolidayTable& school_holidays_;
    int step_;
    int top_;
    TimeZone zone_;
    ClosureCalendar closures_;
    FitGroup group_;
    Programme work_;  // the programme with a candidate's slots
    int k_;
    int length_;
    bool cached_;

    std::vector<Single> singles_;  // by weekday, then start
    std::array<size_t, 7> day_begin_{}, day_end_{};
    std::vector<int> single_attendable_;  // singles × participants: free, before the crèche
    std::vector<int> single_sessions_;
    std::vector<int> single_skipped_;
    std::vector<size_t> single_first_;  // singles + 1: where each single's sessions begin in held_
    struct Held {
        Date date;
        TimeRange time;
    };
    std::vector<Held> held_;     // every single's sessions, single by single, in date order
    std::vector<uint8_t> free_;  // held_ × participants: free by commitments and school
    bool share_places_ = false;
    PlaceTurns turns_;
    std::vector<uint8_t> attends_;
    std::vector<int> scratch_;

    WeekKey current_key_{};
    std::vector<int> current_ascending_;
    Figures current_figures_{0, 0, 0, {}};
    size_t keep_ = 1;
    std::vector<Candidate> kept_;  // a heap while scoring; best first after run()
    long evaluated_ = 0;
    long better_than_current_ = 0;
};

}  // namespace

Suggestions suggest(const Programme& programme, const std::vector<Participant>& participants,
                    const SchoolHolidayTable& school_holidays, const SchoolDirectory& schools, int step_minutes,
                    int top, CandidateCalendars how) {
    if (step_minutes < 1) throw std::invalid_argument("suggest: the step must be at least 1 minute");
    if (top < 0) throw std::invalid_argument("suggest: top must not be negative");
    if (programme.slots.empty()) throw std::invalid_argument("suggest: programme " + programme.id + " has no slot");
    if (programme.slots.size() > static_cast<size_t>(max_slots))
        throw std::invalid_argument("suggest: programme " + programme.id + " has more slots than weekdays");
    return Suggester(programme, participants, school_holidays, schools, step_minutes, top, how).run();
}

}  // namespace ritme
