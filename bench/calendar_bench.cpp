// calendar_bench: ritme's calendar generation against libical's recurrence iterator.
//
// Both sides produce the same sessions for the same 100,000 programmes (Tuesday and
// Thursday 09:30-11:30, 20 weeks, school and public holidays skipped, Europe/Amsterdam),
// each session with its start and end as UTC instants:
//
//   ritme:   per programme a ClosureCalendar (its holidays, built from the school-holiday
//            table) and generate_calendar() with one TimeZone loaded up front;
//   libical: per programme FREQ=WEEKLY;BYDAY=TU,TH;COUNT=40 from a DTSTART in libical's
//            Europe/Amsterdam, expanded with icalrecur_iterator_next, the programme's
//            EXDATEs skipped, start and start + 2h converted to UTC.
//
// The EXDATEs are the dates ritme skipped, computed before timing, so libical is handed
// for free what ritme works out inside its timed loop; the RRULE is parsed once, as the
// Programme objects are built once. Both sides run single-threaded.
//
// libical manages ~0.26 million sessions/s, so expanding all 4 million sessions takes
// ~15 s a run. By default it is timed on every 4th programme (25,000 programmes, spread
// over every start week and region); `--libical-every 1` times it on all of them.
// Before timing, every programme libical is timed on (all of them with --verify-all) is
// expanded by both sides and compared session by session: a different count or UTC
// start or end is an error (exit 1). Each timed run checks the session count and the sum
// of all UTC seconds again. The sides run interleaved, several times; the median run of
// each is reported, and the ratio of their sessions per second.
//
// Usage: calendar_bench [--holidays DIR] [--programmes N] [--runs R] [--libical-every K] [--verify-all]

#include "engine/calendar/calendar.hpp"
#include "engine/holidays/closure_calendar.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/programme/programme.hpp"
#include "engine/time/time_zone.hpp"

#include <CLI/CLI.hpp>
#include <libical/ical.h>

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
namespace pt = boost::posix_time;

constexpr double target_ratio = 10.0;
constexpr const char* rrule_text = "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=40";
constexpr int session_minutes = 120;  // 09:30-11:30

struct Options {
    std::string holidays = RITME_SOURCE_DIR "/config/holidays";
    int programmes = 100'000;
    int runs = 3;
    int libical_every = 4;
    bool verify_all = false;
};

// Returns nothing when the command line asked for help or was wrong (after saying so).
std::optional<Options> parse_options(int argc, char** argv, int& exit_status) {
    Options options;
    CLI::App app{"calendar_bench: ritme's calendar generation against libical's recurrence iterator"};
    app.add_option("--holidays", options.holidays, "school-holiday data directory")->capture_default_str();
    app.add_option("--programmes", options.programmes, "programmes to generate")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--runs", options.runs, "timed runs per side")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--libical-every", options.libical_every, "time libical on every K-th programme")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_flag("--verify-all", options.verify_all, "compare every programme session by session before timing");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        exit_status = app.exit(e);
        return std::nullopt;
    }
    return options;
}

int64_t epoch_seconds(const UtcInstant& instant) {
    static const pt::ptime epoch(g::date(1970, 1, 1));
    return (instant.utc - epoch).total_seconds();
}

// Programmes starting on the Monday of every week from September 2024 to December 2027,
// cycling through the weeks, then through the regions.
std::vector<Programme> make_programmes(int count) {
    const Date first_monday = make_date(2024, 9, 2);
    const Date last_monday = make_date(2027, 12, 27);
    const int week_count = static_cast<int>((last_monday - first_monday).days() / 7 + 1);

    Programme prototype;
    prototype.name = "Samen verder";
    prototype.weeks = 20;
    prototype.on_holiday = HolidayMode::skip;
    prototype.timezone = "Europe/Amsterdam";
    prototype.locations.push_back({"buurthuis", "Buurthuis De Schakel", "Markt 1", {}});
    const TimeRange morning{TimeOfDay::hm(9, 30), TimeOfDay::hm(11, 30)};
    prototype.slots.push_back({1, Weekday::tuesday, morning, "buurthuis", {}});
    prototype.slots.push_back({2, Weekday::thursday, morning, "buurthuis", {}});

    std::vector<Programme> programmes;
    programmes.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        Programme p = prototype;
        p.id = "bench-" + std::to_string(i);
        p.start = first_monday + g::days(7 * (i % week_count));
        p.closures.region = static_cast<Region>((i / week_count) % 3);
        programmes.push_back(std::move(p));
    }
    return programmes;
}

// What libical gets per programme: its first session (DTSTART) and the dates to skip.
struct LibicalInput {
    uint32_t programme = 0;  // index into the programmes
    Date dtstart;
    uint32_t exdate_begin = 0, exdate_end = 0;  // into LibicalInputs::exdates
};
struct LibicalInputs {
    std::vector<LibicalInput> programmes;
    std::vector<int> exdates;  // yyyymmdd, sorted per programme

    void add(uint32_t programme, Date dtstart, const std::vector<int>& skipped) {
        const auto begin = static_cast<uint32_t>(exdates.size());
        exdates.insert(exdates.end(), skipped.begin(), skipped.end());
        programmes.push_back({programme, dtstart, begin, static_cast<uint32_t>(exdates.size())});
    }
};

int date_key(int year, int month, int day) { return year * 10000 + month * 100 + day; }

struct SideResult {
    long long sessions = 0;
    long long checksum = 0;  // sum of start and end seconds: keeps the work observable
    double seconds = 0;
};

// ---- ritme ----------------------------------------------------------------------------

// `each` is called with every programme's calendar; the timed run passes a no-op.
template <typename Each>
SideResult run_ritme(const std::vector<Programme>& programmes, const SchoolHolidayTable& table, const TimeZone& zone,
                     Each&& each) {
    SideResult result;
    const auto started = std::chrono::steady_clock::now();
    for (size_t i = 0; i < programmes.size(); ++i) {
        const Programme& programme = programmes[i];
        const ClosureCalendar closures(programme.closures, table, programme.start, calendar_window_end(programme));
        const Calendar calendar = generate_calendar(programme, zone, closures);
        result.sessions += static_cast<long long>(calendar.sessions.size());
        for (const Session& session : calendar.sessions)
            result.checksum += epoch_seconds(session.start_utc) + epoch_seconds(session.end_utc);
        each(i, calendar);
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

// ---- libical --------------------------------------------------------------------------

template <typename Each>
SideResult run_libical(const LibicalInputs& inputs, const icalrecurrencetype& rule, icaltimezone* zone,
                       Each&& each) {
    SideResult result;
    const icaldurationtype length = icaldurationtype_from_int(session_minutes * 60);
    const auto started = std::chrono::steady_clock::now();
    for (size_t i = 0; i < inputs.programmes.size(); ++i) {
        const LibicalInput& input = inputs.programmes[i];
        icaltimetype dtstart = icaltime_null_time();
        dtstart.year = input.dtstart.year();
        dtstart.month = input.dtstart.month();
        dtstart.day = input.dtstart.day();
        dtstart.hour = 9;
        dtstart.minute = 30;
        dtstart.is_date = 0;
        icaltime_set_timezone(&dtstart, zone);

        icalrecur_iterator* it = icalrecur_iterator_new(rule, dtstart);
        uint32_t ex = input.exdate_begin;
        for (icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t); t = icalrecur_iterator_next(it)) {
            const int key = date_key(t.year, t.month, t.day);
            while (ex < input.exdate_end && inputs.exdates[ex] < key) ++ex;
            if (ex < input.exdate_end && inputs.exdates[ex] == key) continue;
            const time_t start = icaltime_as_timet_with_zone(t, zone);
            const time_t end = icaltime_as_timet_with_zone(icaltime_add(t, length), zone);
            ++result.sessions;
            result.checksum += static_cast<long long>(start) + static_cast<long long>(end);
            each(input.programme, start, end);
        }
        icalrecur_iterator_free(it);
    }
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
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
        std::fprintf(stderr, "calendar_bench: no usable school-holiday data in %s\n", options.holidays.c_str());
        return 1;
    }
    const TimeZone zone = TimeZone::load("Europe/Amsterdam");
    icaltimezone* ical_zone = icaltimezone_get_builtin_timezone("Europe/Amsterdam");
    if (!ical_zone) {
        std::fprintf(stderr, "calendar_bench: libical has no built-in Europe/Amsterdam\n");
        return 1;
    }
    const icalrecurrencetype rule = icalrecurrencetype_from_string(rrule_text);
    if (rule.freq != ICAL_WEEKLY_RECURRENCE) {
        std::fprintf(stderr, "calendar_bench: libical could not parse %s\n", rrule_text);
        return 1;
    }

    const std::vector<Programme> programmes = make_programmes(options.programmes);

    // ritme's output, once: the reference sessions, and libical's inputs (DTSTART, and
    // the dates ritme skipped as EXDATEs) for every programme and for the timed sample.
    std::vector<uint32_t> offsets{0};  // per programme, into reference
    std::vector<std::pair<int64_t, int64_t>> reference;
    LibicalInputs all_inputs, timed_inputs;
    long long skipped_total = 0, timed_sessions = 0, timed_checksum = 0;
    std::vector<int> exdates;
    const SideResult reference_run = run_ritme(programmes, table, zone, [&](size_t i, const Calendar& calendar) {
        for (const Session& s : calendar.sessions)
            reference.emplace_back(epoch_seconds(s.start_utc), epoch_seconds(s.end_utc));
        offsets.push_back(static_cast<uint32_t>(reference.size()));

        const Date start = programmes[i].start;
        const Date dtstart = start + g::days((index_of(Weekday::tuesday) - index_of(weekday_of(start)) + 7) % 7);
        exdates.clear();
        for (const SkippedDate& skipped : calendar.skipped)
            exdates.push_back(date_key(skipped.date.year(), skipped.date.month(), skipped.date.day()));
        std::sort(exdates.begin(), exdates.end());
        skipped_total += static_cast<long long>(calendar.skipped.size());
        const auto index = static_cast<uint32_t>(i);
        if (options.verify_all) all_inputs.add(index, dtstart, exdates);
        if (i % static_cast<size_t>(options.libical_every) == 0) {
            timed_inputs.add(index, dtstart, exdates);
            timed_sessions += static_cast<long long>(calendar.sessions.size());
            for (const Session& s : calendar.sessions)
                timed_checksum += epoch_seconds(s.start_utc) + epoch_seconds(s.end_utc);
        }
    });

    // ---- both sides must agree on every session --------------------------------------
    const LibicalInputs& verified = options.verify_all ? all_inputs : timed_inputs;
    {
        std::vector<uint32_t> seen(programmes.size(), 0);
        long long mismatches = 0;
        auto report = [&](size_t i, const char* what) {
            if (++mismatches <= 5)
                std::fprintf(stderr, "calendar_bench: programme %s (start %s, region %s): %s\n",
                             programmes[i].id.c_str(), iso_date(programmes[i].start).c_str(),
                             std::string(name_of(programmes[i].closures.region)).c_str(), what);
        };
        run_libical(verified, rule, ical_zone, [&](size_t i, time_t start, time_t end) {
            const uint32_t k = seen[i]++;
            if (offsets[i] + k >= offsets[i + 1]) {
                if (k == offsets[i + 1] - offsets[i]) report(i, "libical gives more sessions than ritme");
                return;
            }
            const auto& [ritme_start, ritme_end] = reference[offsets[i] + k];
            if (ritme_start != start || ritme_end != end) {
                char text[200];
                std::snprintf(text, sizeof text, "session %u: ritme %lld..%lld, libical %lld..%lld (UTC seconds)",
                              k + 1, static_cast<long long>(ritme_start), static_cast<long long>(ritme_end),
                              static_cast<long long>(start), static_cast<long long>(end));
                report(i, text);
            }
        });
        for (const LibicalInput& input : verified.programmes) {
            const size_t i = input.programme;
            if (seen[i] < offsets[i + 1] - offsets[i]) report(i, "libical gives fewer sessions than ritme");
        }
        if (mismatches) {
            std::fprintf(stderr, "calendar_bench: error: %lld differences between ritme and libical\n", mismatches);
            return 1;
        }
    }
    std::printf("calendar_bench: %zu programmes (Tue+Thu 09:30-11:30, 20 weeks, holidays skipped, Europe/Amsterdam)\n",
                programmes.size());
    std::printf("  %lld sessions, %lld dates skipped; libical agrees with ritme on every session's UTC start and end\n"
                "  for the %zu programmes %s\n",
                reference_run.sessions, skipped_total, verified.programmes.size(),
                options.verify_all || options.libical_every == 1 ? "(all)" : "it is timed on");

    // ---- timed, interleaved ----------------------------------------------------------
    auto nothing = [](auto&&...) {};
    std::vector<double> ritme_seconds, libical_seconds;
    for (int run = 1; run <= options.runs; ++run) {
        const SideResult r = run_ritme(programmes, table, zone, nothing);
        const SideResult l = run_libical(timed_inputs, rule, ical_zone, nothing);
        if (r.sessions != reference_run.sessions || r.checksum != reference_run.checksum ||
            l.sessions != timed_sessions || l.checksum != timed_checksum) {
            std::fprintf(stderr, "calendar_bench: error: run %d differs from the verified sessions\n", run);
            return 1;
        }
        std::printf("  run %d: ritme %.3f s, %.2f M sessions/s; libical %.3f s, %.3f M sessions/s\n", run,
                    r.seconds, static_cast<double>(r.sessions) / r.seconds / 1e6, l.seconds,
                    static_cast<double>(l.sessions) / l.seconds / 1e6);
        ritme_seconds.push_back(r.seconds);
        libical_seconds.push_back(l.seconds);
    }

    const double rs = median(ritme_seconds), ls = median(libical_seconds);
    const double ritme_rate = static_cast<double>(reference_run.sessions) / rs;
    const double libical_rate = static_cast<double>(timed_sessions) / ls;
    const double ratio = ritme_rate / libical_rate;
    std::printf("median of %d runs (sessions with UTC start and end):\n", options.runs);
    std::printf("  %-8s %7zu programmes, %8lld sessions, %7.3f s, %6.2f M sessions/s\n", "ritme", programmes.size(),
                reference_run.sessions, rs, ritme_rate / 1e6);
    std::printf("  %-8s %7zu programmes, %8lld sessions, %7.3f s, %6.2f M sessions/s\n", "libical",
                timed_inputs.programmes.size(), timed_sessions, ls, libical_rate / 1e6);
    std::printf("  ratio ritme/libical: %.1fx; target %.0fx: %s\n", ratio, target_ratio,
                ratio >= target_ratio ? "met" : "NOT met");
    return 0;
}
