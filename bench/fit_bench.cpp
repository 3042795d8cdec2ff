// fit_bench: `suggest` for a programme with 30 participants over every slot pair at
// 15-minute steps, against the target of 200 ms.
//
// The programme: 20 weeks from Monday 2 February 2026, region noord, on_holiday = skip,
// Tuesday and Thursday 09:30-11:30, the default school hours and 15m travel margin, a
// crèche with 12 places open Monday to Friday 08:30-14:00. That gives 31 two-hour single
// slots (10 on Monday, Tuesday and Thursday, 1 on Wednesday, none on Friday) and 330
// pairs on different days.
//
// The participants: 30, each with 2-4 commitments drawn from a fixed seed (about one in
// six dated, the rest weekly on a school day, 1-3 hours between 08:00 and 15:00), 0-3
// children in the crèche (half have none; 19 children in all with the default seed), and
// a school calendar among none, noord, midden, zuid and a school with four study days.
//
// Timed (each the median of --runs runs, one after the other):
//   suggest           the default: one calendar per single slot, pairs scored from them;
//   suggest, full     CandidateCalendars::full_generation: a calendar per pair;
// and for reference, the units those are made of (medians of many repetitions):
//   ClosureCalendar   building the programme's closures (once per suggest);
//   generate_calendar one two-slot calendar from a ready ClosureCalendar;
//   count_attendable  scoring one two-slot calendar for 30 participants (the fit rules).
// Both suggest modes must rank the same top candidates with the same figures (exit 1
// otherwise). The setup (holiday data, participants) is untimed.
//
// Usage: fit_bench [--holidays DIR] [--runs R] [--participants N] [--seed S]

#include "engine/calendar/calendar.hpp"
#include "engine/fit/fit.hpp"
#include "engine/fit/suggest.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/programme/programme.hpp"
#include "engine/time/time_zone.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#ifndef RITME_SOURCE_DIR
#define RITME_SOURCE_DIR "."
#endif

namespace {

using namespace ritme;
namespace g = boost::gregorian;
using Clock = std::chrono::steady_clock;

constexpr double target_ms = 200.0;
constexpr int step_minutes = 15;

struct Options {
    std::string holidays = RITME_SOURCE_DIR "/config/holidays";
    int runs = 7;
    int participants = 30;
    uint64_t seed = 20260202;
};

std::optional<Options> parse_options(int argc, char** argv, int& exit_status) {
    Options options;
    CLI::App app{"fit_bench: suggest over every slot pair at 15-minute steps, against 200 ms"};
    app.add_option("--holidays", options.holidays, "school-holiday data directory")->capture_default_str();
    app.add_option("--runs", options.runs, "timed runs per mode")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--participants", options.participants, "participants in the group")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--seed", options.seed, "seed of the participants' commitments")->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        exit_status = app.exit(e);
        return std::nullopt;
    }
    return options;
}

// SplitMix64: the same numbers on every platform, unlike std:: distributions.
class Random {
public:
    explicit Random(uint64_t seed) : state_(seed) {}
    uint64_t next() {
        uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }

private:
    uint64_t state_;
};

Programme make_programme() {
    Programme p;
    p.id = "fit-bench";
    p.name = "fit_bench";
    p.start = make_date(2026, 2, 2);
    p.weeks = 20;
    p.closures.region = Region::noord;
    p.locations.push_back({"schakel", "Wijkcentrum De Schakel", "Almere", {}});
    p.slots.push_back({1, Weekday::tuesday, {TimeOfDay::hm(9, 30), TimeOfDay::hm(11, 30)}, "schakel", {}});
    p.slots.push_back({2, Weekday::thursday, {TimeOfDay::hm(9, 30), TimeOfDay::hm(11, 30)}, "schakel", {}});
    Childcare care;
    care.location = "schakel";
    care.places = 12;
    for (int d = 0; d < 5; ++d) care.open[d] = TimeRange{TimeOfDay::hm(8, 30), TimeOfDay::hm(14, 0)};
    p.childcare = care;
    return p;
}

SchoolDirectory make_schools() {
    School school;
    school.id = "de-regenboog";
    school.name = "De Regenboog";
    school.closures.region = Region::noord;
    school.closures.holidays = School::default_holidays();
    for (const Date day : {make_date(2026, 3, 13), make_date(2026, 4, 8), make_date(2026, 5, 15), make_date(2026, 6, 3)})
        school.closures.closed.push_back({day, day, "studiedag", {}});
    SchoolDirectory schools;
    schools.emplace(school.id, school);
    return schools;
}

std::vector<Participant> make_participants(int count, uint64_t seed, const Programme& programme) {
    static const char* labels[] = {"taalles", "werk", "sport", "inburgering", "vrijwilligerswerk", "cursus"};
    static const char* calendars[] = {"", "noord", "midden", "zuid", "de-regenboog"};
    Random random(seed);
    std::vector<Participant> out;
    for (int i = 0; i < count; ++i) {
        Participant p;
        char id[16];
        std::snprintf(id, sizeof id, "p-%08d", i + 1);
        p.id = id;
        p.name = "Deelnemer " + std::to_string(i + 1);
        static const int children[] = {0, 0, 0, 0, 0, 1, 1, 1, 2, 3};  // 0.8 on average
        p.children_in_care = children[random.below(10)];
        p.school_calendar = calendars[random.below(5)];
        const int commitments = 2 + random.below(3);
        for (int c = 0; c < commitments; ++c) {
            Commitment commitment;
            const int start = 8 * 60 + 15 * random.below(25);        // 08:00 .. 14:00
            const int length = 60 + 30 * random.below(5);            // 1h .. 3h
            commitment.time = {TimeOfDay::from_minutes(start), TimeOfDay::from_minutes(std::min(start + length, 15 * 60))};
            commitment.label = labels[random.below(6)];
            if (random.below(6) == 0)
                commitment.date = programme.start + g::days(random.below(7 * programme.weeks));
            else
                commitment.weekday = all_weekdays[random.below(5)];
            p.commitments.push_back(commitment);
        }
        out.push_back(std::move(p));
    }
    return out;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

template <class F>
double seconds_of(F&& work) {
    const auto started = Clock::now();
    work();
    return std::chrono::duration<double>(Clock::now() - started).count();
}

// The median time of one call, over `batches` batches of `repeat` calls.
template <class F>
double unit_seconds(int batches, int repeat, F&& work) {
    std::vector<double> per_call;
    for (int b = 0; b < batches; ++b)
        per_call.push_back(seconds_of([&] {
                               for (int r = 0; r < repeat; ++r) work();
                           }) /
                           repeat);
    return median(per_call);
}

bool same_top(const Suggestions& a, const Suggestions& b) {
    if (a.candidates_evaluated != b.candidates_evaluated || a.top.size() != b.top.size()) return false;
    for (size_t i = 0; i < a.top.size(); ++i)
        if (a.top[i].label() != b.top[i].label() || a.top[i].attendable != b.top[i].attendable ||
            a.top[i].holiday_losses != b.top[i].holiday_losses)
            return false;
    return a.current.rank == b.current.rank;
}

}  // namespace

int main(int argc, char** argv) {
    int exit_status = 0;
    const std::optional<Options> parsed = parse_options(argc, argv, exit_status);
    if (!parsed) return exit_status;
    const Options& options = *parsed;

    // ---- set-up, untimed -------------------------------------------------------------
    Diagnostics diagnostics;
    const SchoolHolidayTable table = SchoolHolidayTable::load_directory(options.holidays, diagnostics);
    if (diagnostics.has_errors() || table.holidays().empty()) {
        for (const Diagnostic& d : diagnostics.items()) std::fprintf(stderr, "%s\n", d.str().c_str());
        std::fprintf(stderr, "fit_bench: no usable school-holiday data in %s\n", options.holidays.c_str());
        return 1;
    }
    const Programme programme = make_programme();
    const SchoolDirectory schools = make_schools();
    const std::vector<Participant> participants = make_participants(options.participants, options.seed, programme);
    size_t commitments = 0;
    int children = 0;
    for (const auto& p : participants) {
        commitments += p.commitments.size();
        children += p.children_in_care;
    }

    // ---- suggest, both modes, interleaved --------------------------------------------
    std::vector<double> cached_seconds, full_seconds;
    Suggestions cached, full;
    for (int run = 0; run < options.runs; ++run) {
        cached_seconds.push_back(seconds_of([&] { cached = suggest(programme, participants, table, schools, step_minutes, 5); }));
        full_seconds.push_back(seconds_of([&] {
            full = suggest(programme, participants, table, schools, step_minutes, 5, CandidateCalendars::full_generation);
        }));
    }
    if (!same_top(cached, full)) {
        std::fprintf(stderr, "fit_bench: error: the two modes rank differently\n");
        return 1;
    }

    // ---- the units, for reference ----------------------------------------------------
    const TimeZone zone = TimeZone::load(programme.timezone);
    const Date window_end = calendar_window_end(programme);
    const double closure_s = unit_seconds(9, 200, [&] {
        const ClosureCalendar closures(programme.closures, table, programme.start, window_end);
        if (!closures.closure_on(programme.start + g::days(20))) std::abort();  // 22 Feb: voorjaarsvakantie
    });
    const ClosureCalendar closures(programme.closures, table, programme.start, window_end);
    size_t sessions = 0;
    const double calendar_s = unit_seconds(9, 2000, [&] { sessions = generate_calendar(programme, zone, closures).sessions.size(); });
    const Calendar calendar = generate_calendar(programme, zone, closures);
    const FitGroup group(programme, participants, table, schools, programme.start, window_end);
    std::vector<int> attendable(group.size());
    const double score_s = unit_seconds(9, 2000, [&] {
        std::fill(attendable.begin(), attendable.end(), 0);
        group.count_attendable(calendar.sessions, attendable);
    });

    // ---- report ------------------------------------------------------------------------
    const double cached_ms = median(cached_seconds) * 1e3;
    const double full_ms = median(full_seconds) * 1e3;
    const int pairs = cached.candidates_evaluated;
    int singles = 0;
    for (Weekday day : all_weekdays)
        if (const auto window = session_window(programme, day))
            for (int start = window->earliest_start.minutes(); start + 120 <= window->latest_end.minutes();
                 start += step_minutes)
                ++singles;
    std::printf("fit_bench: %zu participants (%zu commitments, %d children, seed %llu), Tue+Thu 09:30-11:30, "
                "20 weeks, noord, crèche %d places\n",
                participants.size(), commitments, children, static_cast<unsigned long long>(options.seed),
                programme.childcare->places);
    std::printf("  %d candidate pairs of 2h slots at %dm steps (%d single slots); current slots rank %d; best %s "
                "(%d of %d attendances)\n",
                pairs, step_minutes, singles, cached.current.rank, cached.top.empty() ? "-" : cached.top[0].label().c_str(),
                cached.top.empty() ? 0 : cached.top[0].attendable_sum, cached.top.empty() ? 0 : cached.top[0].possible_sum);
    for (int run = 0; run < options.runs; ++run)
        std::printf("  run %d: suggest %.2f ms, suggest full generation %.2f ms\n", run, cached_seconds[run] * 1e3,
                    full_seconds[run] * 1e3);
    std::printf("median of %d runs:\n", options.runs);
    std::printf("  suggest (single-slot calendars)  %8.2f ms  %6.2f us per pair\n", cached_ms, cached_ms * 1e3 / pairs);
    std::printf("  suggest (calendar per pair)      %8.2f ms  %6.2f us per pair\n", full_ms, full_ms * 1e3 / pairs);
    std::printf("reference units (median):\n");
    std::printf("  ClosureCalendar, 20 weeks        %8.2f us\n", closure_s * 1e6);
    std::printf("  generate_calendar, 2 slots       %8.2f us  (%zu sessions)\n", calendar_s * 1e6, sessions);
    std::printf("  count_attendable, %2zu people     %8.2f us  (%.0f ns per participant-session)\n", group.size(),
                score_s * 1e6, score_s * 1e9 / static_cast<double>(sessions * group.size()));
    std::printf("  a pair costs %.2f generated calendars by default, %.2f with a calendar per pair\n",
                cached_ms * 1e-3 / pairs / calendar_s, full_ms * 1e-3 / pairs / calendar_s);
    std::printf("  single-slot calendars are %.1fx faster than a calendar per pair\n", full_ms / cached_ms);
    std::printf("target: suggest under %.0f ms: %s (%.2f ms)\n", target_ms, cached_ms < target_ms ? "met" : "NOT met",
                cached_ms);
    return 0;
}
