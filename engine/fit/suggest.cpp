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

struct Figures {
    int attendable_sum;
    int worst_off;
    int holiday_losses;
};

// The ranking: true when `a` ranks before `b`.
bool ranks_before(const Figures& a, const WeekKey& a_key, const Figures& b, const WeekKey& b_key) {
    if (a.attendable_sum != b.attendable_sum) return a.attendable_sum > b.attendable_sum;
    if (a.worst_off != b.worst_off) return a.worst_off > b.worst_off;
    if (a.holiday_losses != b.holiday_losses) return a.holiday_losses < b.holiday_losses;
    return a_key < b_key;
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

        list_singles();
        count_sets();
        if (cached_) score_singles();
        std::vector<int> chosen;
        enumerate(0, chosen);
        out.candidates_evaluated = static_cast<int>(candidates_.size());

        const size_t shown = std::min(candidates_.size(), static_cast<size_t>(top_));
        const size_t needed = std::max<size_t>(shown, candidates_.empty() ? 0 : 1);  // the best, for the explanation
        auto before = [&](const Candidate& a, const Candidate& b) {
            return ranks_before(figures_of(a), key_of_candidate(a), figures_of(b), key_of_candidate(b));
        };
        std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<long>(needed), candidates_.end(),
                          before);

        std::optional<CandidateFigures> best;
        for (size_t i = 0; i < needed; ++i) {
            CandidateFigures figures = full_figures(slots_of(candidates_[i]), nullptr);
            figures.rank = static_cast<int>(i) + 1;
            if (figures.attendable_sum != candidates_[i].attendable_sum ||
                figures.worst_off != candidates_[i].worst_off ||
                figures.holiday_losses != candidates_[i].holiday_losses ||
                figures.sessions != candidates_[i].sessions)
                throw std::logic_error("suggest: the figures of " + figures.label() +
                                       " differ between the single-slot calendars and the generated calendar");
            if (i == 0) best = figures;
            if (i < shown) out.top.push_back(std::move(figures));
        }

        Calendar current_calendar;
        out.current = full_figures(programme_.slots, &current_calendar);
        const WeekKey current_key = key_of(out.current.slots);
        const Figures current_figures{out.current.attendable_sum, out.current.worst_off, out.current.holiday_losses};
        out.current.rank = 1 + static_cast<int>(std::count_if(candidates_.begin(), candidates_.end(),
                                                               [&](const Candidate& c) {
                                                                   const WeekKey key = key_of_candidate(c);
                                                                   return key != current_key &&
                                                                          ranks_before(figures_of(c), key,
                                                                                       current_figures, current_key);
                                                               }));
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

    static Figures figures_of(const Candidate& c) { return {c.attendable_sum, c.worst_off, c.holiday_losses}; }

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

    // skip mode: each single slot's calendar once.
    void score_singles() {
        const size_t n = group_.size();
        single_attendable_.assign(singles_.size() * n, 0);
        single_sessions_.assign(singles_.size(), 0);
        single_skipped_.assign(singles_.size(), 0);
        for (size_t i = 0; i < singles_.size(); ++i) {
            work_.slots = {slot_at(singles_[i], 1)};
            const Calendar calendar = generate_calendar(work_, zone_, closures_);
            single_sessions_[i] = group_.count_attendable(
                calendar.sessions, std::span<int>(single_attendable_.data() + i * n, n));
            single_skipped_[i] = static_cast<int>(calendar.skipped.size());
        }
        scratch_.assign(n, 0);
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
                const int* row = single_attendable_.data() + static_cast<size_t>(s) * n;
                for (size_t p = 0; p < n; ++p) scratch_[p] += row[p];
                candidate.sessions += single_sessions_[s];
                candidate.holiday_losses += single_skipped_[s];
            }
            for (int a : scratch_) candidate.attendable_sum += a;
            candidate.worst_off = n == 0 ? 0 : *std::min_element(scratch_.begin(), scratch_.end());
        } else {
            const CandidateFigures figures = full_figures(slots_of(candidate), nullptr);
            candidate.attendable_sum = figures.attendable_sum;
            candidate.worst_off = figures.worst_off;
            candidate.holiday_losses = figures.holiday_losses;
            candidate.sessions = figures.sessions;
        }
        candidates_.push_back(candidate);
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
            why.summary = "The current slots rank first of " + std::to_string(of) + ": " +
                          thousands(current.attendable_sum) + " of " + thousands(current.possible_sum) +
                          " attendances, the worst-off participant " + std::to_string(current.worst_off) + " of " +
                          std::to_string(current.sessions) + "." + outside;
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
        if (!why.losses.empty()) why.main_reason = main_cause(report, current_calendar, why.losses);

        std::string text = "The current slots rank " + ordinal_rank(current.rank, of) + ": " +
                           thousands(current.attendable_sum) + " of " + thousands(current.possible_sum) +
                           " attendances (worst off " + std::to_string(current.worst_off) + " of " +
                           std::to_string(current.sessions) + ") against " + thousands(best->attendable_sum) + " of " +
                           thousands(best->possible_sum) + " (worst off " + std::to_string(best->worst_off) + " of " +
                           std::to_string(best->sessions) + ") for " + best->label() + ".";
        if (!why.losses.empty())
            text += " " + counted(static_cast<int>(why.losses.size()), "participant attends", "participants attend") +
                    " fewer sessions under the current slots.";
        if (!why.main_reason.empty()) text += " Main reason: " + why.main_reason + ".";
        if (current.holiday_losses != best->holiday_losses)
            text += " The current slots lose " + counted(current.holiday_losses, "session", "sessions") +
                    " to holidays and closed days, the best " + std::to_string(best->holiday_losses) + ".";
        if (current.attendable_sum == best->attendable_sum && current.worst_off == best->worst_off &&
            current.holiday_losses == best->holiday_losses)
            text += " Their figures equal the best's; slots with equal figures rank by weekday and start time.";
        why.summary = std::move(text) + outside;
        return why;
    }

    // The cause that keeps the most of the losing participants from sessions under the
    // current slots.
    std::string main_cause(const FitReport& report, const Calendar& calendar,
                           const std::vector<ParticipantLoss>& losses) const {
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
    std::vector<int> single_attendable_;  // singles × participants
    std::vector<int> single_sessions_;
    std::vector<int> single_skipped_;
    std::vector<int> scratch_;
    std::vector<Candidate> candidates_;
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
