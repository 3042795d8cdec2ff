#include "engine/calendar/checks.hpp"
#include "engine/fit/fit_report.hpp"
#include "engine/fit/suggest.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

using namespace ritme;

namespace {

// Four weeks from Monday 9 February 2026, region noord: week 3 (23-27 Feb) is the noord
// spring holiday, so every weekday slot meets 3 times and loses 1 date; every pair 6
// and 2. Default school hours and 15m travel margin: a 2h session fits Mon/Tue/Thu from
// 09:15 to 13:30 (starts 09:15, 09:30, ..., 11:30: 10 each), Wednesday 09:15-11:15 (one
// start), Friday 09:15-11:00 (none). Pairs on different days:
// Mon-Tue 100 + Mon-Thu 100 + Tue-Thu 100 + 10 each with Wednesday x 3 = 330.
const std::string four_weeks = "start = 2026-02-09\nweeks = 4\nregion = \"noord\"";

std::string slots_toml(const std::vector<std::array<const char*, 3>>& slots, const std::string& extra = "") {
    std::string text = "[location.schakel]\nname = \"Wijkcentrum De Schakel\"\n";
    for (const auto& [day, start, end] : slots)
        text += "\n[[slot]]\nday = \"" + std::string(day) + "\"\nstart = \"" + start + "\"\nend = \"" + end + "\"\n";
    return text + extra;
}

Commitment weekly(Weekday day, const char* range, const char* label) {
    return Commitment{day, std::nullopt, *TimeRange::parse(range), label};
}

Commitment dated(Date date, const char* range, const char* label) {
    return Commitment{std::nullopt, date, *TimeRange::parse(range), label};
}

Participant person(const char* id, int children, const char* school, std::vector<Commitment> commitments) {
    Participant p;
    p.id = id;
    p.name = std::string("Name of ") + id;
    p.children_in_care = children;
    p.school_calendar = school;
    p.commitments = std::move(commitments);
    return p;
}

// Built so that Monday 09:30 + Wednesday 09:15 is best:
//  - p-1..p-3 have taalles on Tuesday and Thursday 09:00-12:00: every Tuesday and
//    Thursday start up to 11:30 overlaps it (widened by 15m), so they come only on
//    Monday and Wednesday;
//  - p-4 works Monday 12:00-14:00: Monday starts after 09:45 end (+15m) past 12:00;
//  - p-5 has breakfast club Monday until 09:10: Monday 09:15 starts (-15m) at 09:00;
//  - p-6 has an intake on Wednesday 11 February 10:00-11:00, the one Wednesday start.
std::vector<Participant> taalles_group() {
    std::vector<Participant> group;
    for (const char* id : {"p-1", "p-2", "p-3"})
        group.push_back(person(id, 0, "",
                               {weekly(Weekday::tuesday, "09:00-12:00", "taalles"),
                                weekly(Weekday::thursday, "09:00-12:00", "taalles")}));
    group.push_back(person("p-4", 0, "", {weekly(Weekday::monday, "12:00-14:00", "werk")}));
    group.push_back(person("p-5", 0, "", {weekly(Weekday::monday, "08:00-09:10", "ontbijtclub")}));
    group.push_back(person("p-6", 0, "", {dated(make_date(2026, 2, 11), "10:00-11:00", "intake")}));
    return group;
}

Programme tue_thu(const std::string& keys = four_weeks, const std::string& extra = "") {
    return test::load_valid(
        test::programme_toml(keys, slots_toml({{"tuesday", "09:30", "11:30"}, {"thursday", "09:30", "11:30"}}, extra)));
}

// A mixed group over a 20-week track with holidays, a crèche, other regions, a school
// with study days, dated commitments: for comparing the two ways of making calendars.
std::vector<Participant> mixed_group() {
    return {
        person("p-a", 1, "zuid", {weekly(Weekday::tuesday, "09:00-10:00", "taalles")}),
        person("p-b", 2, "midden", {weekly(Weekday::thursday, "11:00-12:30", "werk")}),
        person("p-c", 2, "de-kleine-prins", {dated(make_date(2026, 3, 10), "10:00-11:00", "tandarts")}),
        person("p-d", 3, "", {weekly(Weekday::monday, "12:30-13:30", "sport"), weekly(Weekday::wednesday, "08:00-09:20", "school")}),
        person("p-e", 0, "noord", {dated(make_date(2026, 4, 16), "09:00-13:00", "examen")}),
        person("p-f", 1, "zuid", {weekly(Weekday::monday, "09:00-10:30", "taalles")}),
    };
}

SchoolDirectory schools() {
    School school;
    school.id = "de-kleine-prins";
    school.closures.region = Region::noord;
    school.closures.holidays = School::default_holidays();
    school.closures.closed.push_back({make_date(2026, 3, 10), make_date(2026, 3, 11), "studiedagen", {}});
    school.closures.closed.push_back({make_date(2026, 5, 15), make_date(2026, 5, 15), "studiedag", {}});
    SchoolDirectory directory;
    directory.emplace(school.id, school);
    return directory;
}

const std::string twenty_weeks_with_creche =
    "start = 2026-02-02\nregion = \"noord\"\nclosed = [{ from = 2026-06-01, to = 2026-06-02, reason = \"studiedagen\" }]";
const std::string creche_all_week = R"(
[childcare]
location = "schakel"
places = 4
open = { monday = "08:30-14:00", tuesday = "08:30-14:00", wednesday = "08:30-12:00", thursday = "08:30-14:00", friday = "08:30-12:00" }
)";

void require_same_ranking(const Suggestions& a, const Suggestions& b) {
    REQUIRE(a.candidates_evaluated == b.candidates_evaluated);
    REQUIRE(a.top.size() == b.top.size());
    for (size_t i = 0; i < a.top.size(); ++i) {
        CAPTURE(i);
        CHECK(a.top[i].label() == b.top[i].label());
        CHECK(a.top[i].rank == b.top[i].rank);
        CHECK(a.top[i].sessions == b.top[i].sessions);
        CHECK(a.top[i].attendable == b.top[i].attendable);
        CHECK(a.top[i].worst_off == b.top[i].worst_off);
        CHECK(a.top[i].holiday_losses == b.top[i].holiday_losses);
    }
    CHECK(a.current.rank == b.current.rank);
    CHECK(a.why.summary == b.why.summary);
}

}  // namespace

TEST_SUITE_BEGIN("suggest");

TEST_CASE("suggest: Monday and Wednesday fit a group with taalles on Tuesday and Thursday mornings") {
    const Programme programme = tue_thu();
    const Suggestions s = suggest(programme, taalles_group(), test::shipped_school_holidays(), {}, 15, 4);
    CHECK(s.candidates_evaluated == 330);
    CHECK(s.slots_per_candidate == 2);
    CHECK(s.slot_length_minutes == 120);
    CHECK(s.participants == 6);
    REQUIRE(s.top.size() == 4);

    // Monday 09:30 or 09:45 with Wednesday: p-1..p-5 all 6, p-6 misses Wednesday 11 Feb:
    // 5 x 6 + 5 = 35 of 36, worst off 5. Equal, so the earlier Monday start first.
    CHECK(s.top[0].label() == "monday 09:30-11:30 + wednesday 09:15-11:15");
    CHECK(s.top[0].rank == 1);
    CHECK(s.top[0].sessions == 6);
    CHECK(s.top[0].intended_sessions == 8);
    CHECK(s.top[0].attendable_sum == 35);
    CHECK(s.top[0].possible_sum == 36);
    CHECK(s.top[0].worst_off == 5);
    CHECK(s.top[0].holiday_losses == 2);
    CHECK(s.top[0].attendable == std::vector<int>{6, 6, 6, 6, 6, 5});
    CHECK(s.top[0].slots[0].number == 1);
    CHECK(s.top[0].slots[1].day == Weekday::wednesday);
    CHECK(s.top[1].label() == "monday 09:45-11:45 + wednesday 09:15-11:15");
    CHECK(s.top[1].attendable_sum == 35);
    // Monday 09:15 loses p-5 three Mondays, Monday 10:00 and later p-4: 24 + 3 + 5 = 32,
    // worst off 3; 09:15 is earliest.
    CHECK(s.top[2].label() == "monday 09:15-11:15 + wednesday 09:15-11:15");
    CHECK(s.top[2].attendable_sum == 32);
    CHECK(s.top[2].worst_off == 3);
    CHECK(s.top[3].label() == "monday 10:00-12:00 + wednesday 09:15-11:15");
    CHECK(s.top[3].attendable_sum == 32);

    // Tuesday + Thursday 09:30: p-1..p-3 never come: 3 x 6 = 18 of 36, worst off 0.
    // Better: all 100 Mon-Tue and 100 Mon-Thu pairs (>= 24: p-1..p-3 come on Mondays),
    // the 10 Mon-Wed (>= 32), 10 Tue-Wed and 10 Wed-Thu (26: p-1..p-3 on Wednesdays, p-6
    // misses one); and of the Tue-Thu pairs, all equal at 18, the 10 with Tuesday 09:15
    // and Tuesday 09:30 + Thursday 09:15, which come first by time: 241 before it.
    CHECK(s.current.label() == "tuesday 09:30-11:30 + thursday 09:30-11:30");
    CHECK(s.current_is_candidate);
    CHECK(s.current_outside.empty());
    CHECK(s.current.rank == 242);
    CHECK(s.current.attendable_sum == 18);
    CHECK(s.current.possible_sum == 36);
    CHECK(s.current.worst_off == 0);
    CHECK(s.current.holiday_losses == 2);

    REQUIRE(s.why.losses.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
        CHECK(s.why.losses[i].participant_id == "p-" + std::to_string(i + 1));
        CHECK(s.why.losses[i].current == 0);
        CHECK(s.why.losses[i].best == 6);
        CHECK(s.why.losses[i].sessions_lost() == 6);
        CHECK(s.why.losses[i].main_reason == "taalles di 09:00-12:00");  // ties with do: by text
    }
    // Tuesday and Thursday taalles each keep 3 participants from 3 sessions: Tuesday first.
    CHECK(s.why.main_reason == "3 participants have taalles on tuesday morning, when slot 1 (tuesday 09:30-11:30) meets");
    CHECK(s.why.summary ==
          "The current slots rank 242 of 330. The best slots have monday 09:30-11:30 + wednesday 09:15-11:15 instead "
          "of tuesday 09:30-11:30 + thursday 09:30-11:30. The worst-off participant attends 0 of 6 sessions under the "
          "current slots, 5 of 6 under the best. Attendances: 18 of 36 against 35 of 36. 3 participants attend fewer "
          "sessions under the current slots. Main reason: 3 participants have taalles on tuesday morning, when slot 1 "
          "(tuesday 09:30-11:30) meets.");
    // The summary names no one.
    CHECK(s.why.summary.find("Name of") == std::string::npos);
}

TEST_CASE("suggest: the worst-off participant's share ranks first, not the attendances summed") {
    // p-1..p-3 work all Monday; p-4 has taalles on Tuesday, Wednesday and Thursday
    // mornings. Tuesday + Thursday gives 18 attendances (p-1..p-3 every session) but p-4
    // none; a Monday slot gives p-4 her Mondays (3 of 6) at the cost of p-1..p-3's
    // (3 of 6 each): 12 attendances, and nobody below half.
    std::vector<Participant> group;
    for (const char* id : {"p-1", "p-2", "p-3"}) group.push_back(person(id, 0, "", {weekly(Weekday::monday, "08:00-14:00", "werk")}));
    group.push_back(person("p-4", 0, "",
                           {weekly(Weekday::tuesday, "09:00-13:00", "taalles"),
                            weekly(Weekday::wednesday, "09:00-13:00", "taalles"),
                            weekly(Weekday::thursday, "09:00-13:00", "taalles")}));
    const Suggestions s = suggest(tue_thu(), group, test::shipped_school_holidays(), {}, 15, 1);
    REQUIRE(s.top.size() == 1);
    CHECK(s.top[0].label() == "monday 09:15-11:15 + tuesday 09:15-11:15");
    CHECK(s.top[0].worst_off == 3);
    CHECK(s.top[0].attendable_sum == 12);
    CHECK(s.current.attendable_sum == 18);
    CHECK(s.current.worst_off == 0);
    // Every pair with a Monday slot (Mon-Tue, Mon-Wed, Mon-Thu: 210) ranks before it.
    CHECK(s.current.rank > 210);
    CHECK(s.why.summary.find("The worst-off participant attends 0 of 6 sessions under the current slots, 3 of 6 "
                             "under the best.") != std::string::npos);
    CHECK(s.why.summary.find("Attendances: 18 of 24 against 12 of 24.") != std::string::npos);
}

TEST_CASE("suggest: equal worst-off shares are decided by the next-worst") {
    // p-1 cannot come on Mondays and Tuesdays; p-2 not on Wednesday 11 February. Only
    // Wednesday + Thursday gives p-1 every session; a pair with Monday or Tuesday gives her
    // 3 of 6 at most. Among those, a pair that keeps p-2 at 6 of 6 (no Wednesday) ranks
    // before one that takes her to 5 of 6.
    const std::vector<Participant> group{
        person("p-1", 0, "",
               {weekly(Weekday::monday, "08:00-14:00", "werk"), weekly(Weekday::tuesday, "08:00-14:00", "werk")}),
        person("p-2", 0, "", {dated(make_date(2026, 2, 11), "08:00-14:00", "intake")}),
    };
    const Suggestions s = suggest(tue_thu(), group, test::shipped_school_holidays(), {}, 15, 400);
    REQUIRE(!s.top.empty());
    // Wednesday + Thursday gives p-1 6 of 6 and p-2 5 of 6: lowest 5, the best.
    CHECK(s.top[0].label() == "wednesday 09:15-11:15 + thursday 09:15-11:15");
    CHECK(s.top[0].worst_off == 5);
    // Then pairs with lowest 3 (p-1): Mon-Thu and Tue-Thu (p-2 6 of 6) before Mon-Wed and
    // Tue-Wed (p-2 5 of 6).
    size_t last_without_wednesday = 0, first_with_wednesday = s.top.size();
    for (size_t i = 1; i < s.top.size(); ++i) {
        if (s.top[i].worst_off != 3) continue;
        const bool wednesday = s.top[i].label().find("wednesday") != std::string::npos;
        if (wednesday) first_with_wednesday = std::min(first_with_wednesday, i);
        else last_without_wednesday = i;
    }
    CHECK(last_without_wednesday > 0);
    CHECK(first_with_wednesday < s.top.size());
    CHECK(last_without_wednesday < first_with_wednesday);
}

TEST_CASE("suggest: the main reason is the one behind the biggest losses") {
    // Under Tuesday + Thursday: p-1 misses the 3 Tuesdays (inburgering), p-2 all 6
    // sessions (sport on Tuesday, werk on Thursday); Monday + Wednesday suits both: 12.
    // Each cause keeps one participant away from 3 sessions; sport and werk are p-2's,
    // who loses 6, so one of them (sport, first by key) and not inburgering (p-1 loses 3).
    const std::vector<Participant> group{
        person("p-1", 0, "", {weekly(Weekday::tuesday, "09:00-12:00", "inburgering")}),
        person("p-2", 0, "",
               {weekly(Weekday::tuesday, "09:00-12:00", "sport"), weekly(Weekday::thursday, "09:00-12:00", "werk")}),
    };
    const Suggestions s = suggest(tue_thu(), group, test::shipped_school_holidays(), {}, 15, 1);
    CHECK(s.top[0].label() == "monday 09:15-11:15 + wednesday 09:15-11:15");
    CHECK(s.top[0].attendable_sum == 12);
    CHECK(s.current.attendable_sum == 3);
    REQUIRE(s.why.losses.size() == 2);
    CHECK(s.why.losses[0].participant_id == "p-2");
    CHECK(s.why.losses[0].sessions_lost() == 6);
    CHECK(s.why.losses[1].sessions_lost() == 3);
    CHECK(s.why.main_reason == "1 participant has sport on tuesday morning, when slot 1 (tuesday 09:30-11:30) meets");
}

TEST_CASE("suggest: the best slots ranked first say so") {
    const Programme programme = test::load_valid(test::programme_toml(
        four_weeks, slots_toml({{"monday", "09:30", "11:30"}, {"wednesday", "09:15", "11:15"}})));
    const Suggestions s = suggest(programme, taalles_group(), test::shipped_school_holidays(), {}, 15, 1);
    CHECK(s.current.rank == 1);
    CHECK(s.current_is_candidate);
    CHECK(s.why.losses.empty());
    CHECK(s.why.main_reason.empty());
    CHECK(s.why.summary ==
          "The current slots rank first of 330: the worst-off participant attends 5 of 6 sessions; 35 of 36 attendances.");
}

TEST_CASE("suggest: current slots equal to the best but later in the week; slots too long for any window") {
    const Programme second = test::load_valid(test::programme_toml(
        four_weeks, slots_toml({{"monday", "09:45", "11:45"}, {"wednesday", "09:15", "11:15"}})));
    const Suggestions s = suggest(second, taalles_group(), test::shipped_school_holidays(), {}, 15, 1);
    CHECK(s.current.rank == 2);  // 35 of 36 like Monday 09:30, which starts earlier
    CHECK(s.why.losses.empty());
    CHECK(s.why.main_reason.empty());
    // Only what differs: Wednesday stays, so only Monday is named; the figures are the same.
    CHECK(s.why.summary ==
          "The current slots rank 2 of 330. The best slots have monday 09:30-11:30 instead of monday 09:45-11:45. "
          "Their figures equal the best's; slots with equal figures rank by weekday and start time.");

    // 09:00-14:00 is longer than any day's window (Monday 09:15-13:30 at most).
    const Programme long_slot = test::load_valid(
        test::programme_toml(four_weeks, slots_toml({{"monday", "09:00", "14:00"}})));
    const Suggestions none = suggest(long_slot, taalles_group(), test::shipped_school_holidays(), {}, 15, 5);
    CHECK(none.candidates_evaluated == 0);
    CHECK(none.top.empty());
    CHECK(none.current.rank == 1);
    CHECK(none.current.sessions == 3);
    CHECK(!none.current_is_candidate);
    CHECK(none.why.summary == "No candidate slots fit the school hours, so there is nothing to rank. Outside the "
                              "school-hours window: slot 1 (monday 09:00-14:00).");
}

TEST_CASE("suggest: one slot gives single slots; with nobody to fit, holidays decide") {
    // Three weeks from Monday 30 March 2026: Good Friday (3 April, closed by default) and
    // Easter Monday (6 April) are the only closures. A Monday slot meets twice and loses
    // one date; Tuesday, Wednesday and Thursday meet 3 times; Friday has no 2h start.
    const Programme programme = test::load_valid(test::programme_toml(
        "start = 2026-03-30\nweeks = 3\nregion = \"noord\"", slots_toml({{"monday", "09:30", "11:30"}})));
    const Suggestions s = suggest(programme, {}, test::shipped_school_holidays(), {}, 15, 3);
    CHECK(s.slots_per_candidate == 1);
    CHECK(s.candidates_evaluated == 31);  // 10 + 10 + 1 + 10
    REQUIRE(s.top.size() == 3);
    CHECK(s.top[0].label() == "tuesday 09:15-11:15");
    CHECK(s.top[0].holiday_losses == 0);
    CHECK(s.top[0].sessions == 3);
    CHECK(s.top[1].label() == "tuesday 09:30-11:30");
    // Before Monday 09:30: the 21 slots on other days (no loss) and Monday 09:15.
    CHECK(s.current.rank == 23);
    CHECK(s.current.holiday_losses == 1);
    CHECK(s.current.sessions == 2);
    CHECK(s.why.losses.empty());
    CHECK(s.why.summary.find("The current slots lose 1 session to holidays and closed days, the best 0.") !=
          std::string::npos);
    CHECK(s.notes[0].find("single slots") != std::string::npos);
}

TEST_CASE("suggest: single-slot calendars give exactly what generating every candidate's calendar gives") {
    // skip mode: a slot's sessions do not depend on the other slots, so summing the
    // single slots' figures must equal generating each pair. Every candidate is
    // returned (top 100,000), so every one is re-generated and compared inside suggest
    // as well, and the rankings must be identical.
    const auto& table = test::shipped_school_holidays();
    const auto group = mixed_group();
    for (const auto& shape : {slots_toml({{"tuesday", "09:30", "11:30"}, {"thursday", "09:30", "11:30"}}, creche_all_week),
                              slots_toml({{"tuesday", "09:30", "11:00"}}, creche_all_week),
                              slots_toml({{"monday", "09:30", "11:30"}, {"tuesday", "09:30", "11:30"},
                                          {"thursday", "09:30", "11:30"}},
                                         creche_all_week)}) {
        const Programme programme = test::load_valid(test::programme_toml(twenty_weeks_with_creche, shape));
        const Suggestions cached = suggest(programme, group, table, schools(), 15, 100'000);
        const Suggestions generated =
            suggest(programme, group, table, schools(), 15, 100'000, CandidateCalendars::full_generation);
        CAPTURE(programme.slots.size());
        CHECK(cached.candidates_evaluated > 0);
        CHECK(static_cast<int>(cached.top.size()) == cached.candidates_evaluated);
        require_same_ranking(cached, generated);
    }
}

TEST_CASE("suggest: why single-slot calendars may be combined in skip mode and not in extend mode") {
    // The premise of CandidateCalendars::automatic, on the calendars themselves: in skip
    // mode a pair's sessions and skipped dates are exactly its two slots' own, merged by
    // date; in extend mode they are not (the pair stops at 2 x weeks sessions together).
    const auto& table = test::shipped_school_holidays();
    auto dates = [](const Calendar& c) {
        std::vector<std::pair<Date, TimeRange>> out;
        for (const auto& s : c.sessions) out.emplace_back(s.date, s.time);
        std::sort(out.begin(), out.end());
        return out;
    };
    auto skipped = [](const Calendar& c) {
        std::vector<Date> out;
        for (const auto& s : c.skipped) out.push_back(s.date);
        std::sort(out.begin(), out.end());
        return out;
    };
    for (const char* mode : {"skip", "extend"}) {
        CAPTURE(mode);
        Programme programme = test::load_valid(test::programme_toml(
            twenty_weeks_with_creche + "\non_holiday = \"" + mode + "\"",
            slots_toml({{"monday", "09:30", "11:30"}, {"thursday", "10:00", "12:00"}})));
        const TimeZone zone = TimeZone::load(programme.timezone);
        const ClosureCalendar closures(programme.closures, table, programme.start, calendar_window_end(programme));
        const Calendar pair = generate_calendar(programme, zone, closures);
        Programme single = programme;
        single.slots = {programme.slots[0]};
        const Calendar monday = generate_calendar(single, zone, closures);
        single.slots = {programme.slots[1]};
        single.slots[0].number = 1;
        const Calendar thursday = generate_calendar(single, zone, closures);
        auto merged = dates(monday);
        for (const auto& d : dates(thursday)) merged.push_back(d);
        std::sort(merged.begin(), merged.end());
        auto merged_skipped = skipped(monday);
        for (const auto& d : skipped(thursday)) merged_skipped.push_back(d);
        std::sort(merged_skipped.begin(), merged_skipped.end());
        if (std::string(mode) == "skip") {
            CHECK(dates(pair) == merged);
            CHECK(skipped(pair) == merged_skipped);
        } else {
            // Each single slot runs on to 20 sessions of its own: 40 in all, but later.
            CHECK(merged.size() == pair.sessions.size());
            CHECK(dates(pair) != merged);
        }
    }
}

TEST_CASE("suggest: extend mode generates every candidate's calendar") {
    // on_holiday = extend keeps 8 sessions: week 3 is skipped and a fifth week added.
    const Programme programme = tue_thu(four_weeks + "\non_holiday = \"extend\"");
    const Suggestions s = suggest(programme, taalles_group(), test::shipped_school_holidays(), {}, 15, 1);
    CHECK(s.candidates_evaluated == 330);
    // Mon 09:30 + Wed 09:15 over 9 Feb - 13 Mar: p-6 misses 11 Feb only: 5 x 8 + 7 = 47.
    CHECK(s.top[0].label() == "monday 09:30-11:30 + wednesday 09:15-11:15");
    CHECK(s.top[0].sessions == 8);
    CHECK(s.top[0].holiday_losses == 2);
    CHECK(s.top[0].attendable_sum == 47);
    const Suggestions generated = suggest(programme, taalles_group(), test::shipped_school_holidays(), {}, 15, 1,
                                          CandidateCalendars::full_generation);
    require_same_ranking(s, generated);
}

TEST_CASE("suggest: every candidate passes check_slots, and session_window's edges are check_slots' edges") {
    // A crèche with its own hours: Monday opens late, Tuesday closes early, none on
    // Wednesday; Friday's school window is too short.
    const std::string creche = R"(
[childcare]
location = "schakel"
places = 6
open = { monday = "09:30-14:00", tuesday = "08:00-12:00", thursday = "00:00-24:00", friday = "08:00-12:00" }
margin = "10m"
)";
    const Programme programme = test::load_valid(
        test::programme_toml(four_weeks, slots_toml({{"thursday", "09:30", "11:00"}}, creche)));
    auto errors_for = [&](Weekday day, int start, int end) {
        Programme copy = programme;
        copy.slots[0].day = day;
        copy.slots[0].time = TimeRange{TimeOfDay::from_minutes(start), TimeOfDay::from_minutes(end)};
        Diagnostics out;
        check_slots(copy, out);
        return out.error_count();
    };

    // Monday: school 09:15 (09:00 + 15m) but the crèche opens 09:30, so 09:40; ends by
    // 13:30. Tuesday: from 09:15, crèche until 12:00 - 10m = 11:50. Thursday: school only.
    CHECK(session_window(programme, Weekday::monday)->earliest_start == TimeOfDay::hm(9, 40));
    CHECK(session_window(programme, Weekday::monday)->latest_end == TimeOfDay::hm(13, 30));
    CHECK(session_window(programme, Weekday::tuesday)->latest_end == TimeOfDay::hm(11, 50));
    CHECK(session_window(programme, Weekday::thursday)->earliest_start == TimeOfDay::hm(9, 15));
    CHECK(!session_window(programme, Weekday::wednesday));  // crèche closed
    CHECK(!session_window(programme, Weekday::saturday));   // no school
    for (Weekday day : all_weekdays) {
        CAPTURE(name_of(day));
        const auto window = session_window(programme, day);
        if (!window) {
            CHECK(errors_for(day, 10 * 60, 11 * 60) > 0);
            continue;
        }
        const int first = window->earliest_start.minutes();
        const int last = window->latest_end.minutes();
        if (last - first < 30) continue;
        CHECK(errors_for(day, first, first + 30) == 0);
        CHECK(errors_for(day, first - 1, first + 30) > 0);
        CHECK(errors_for(day, last - 30, last) == 0);
        CHECK(errors_for(day, last - 30, last + 1) > 0);
    }

    const Suggestions s = suggest(programme, {}, test::shipped_school_holidays(), {}, 5, 100'000);
    // 90-minute slots every 5 minutes, by first and last start: Monday 09:40-12:00 (29),
    // Tuesday 09:15-10:20 (14), Thursday 09:15-12:00 (34), Friday 09:15-09:30 (4: school
    // until 11:15 - 15m = 11:00).
    CHECK(s.candidates_evaluated == 29 + 14 + 34 + 4);
    for (const auto& candidate : s.top) {
        CAPTURE(candidate.label());
        CHECK(errors_for(candidate.slots[0].day, candidate.slots[0].time.start.minutes(),
                         candidate.slots[0].time.end.minutes()) == 0);
    }
}

TEST_CASE("suggest: current slots outside the window or off the grid; notes") {
    // Tuesday 09:00 starts before 09:15; Thursday 09:40 is not on the 15m grid from 09:15.
    const Programme programme = test::load_valid(test::programme_toml(
        four_weeks, slots_toml({{"tuesday", "09:00", "11:00"}, {"thursday", "09:40", "11:10"}})));
    const Suggestions s = suggest(programme, taalles_group(), test::shipped_school_holidays(), {}, 15, 2);
    CHECK(!s.current_is_candidate);
    CHECK(s.current_outside == std::vector<std::string>{"slot 1 (tuesday 09:00-11:00)"});
    CHECK(s.slot_length_minutes == 120);  // slot 1's
    CHECK(s.notes[0] ==
          "candidates are pairs of slots on different weekdays, as the programme has 2 slots, each 2h long like slot "
          "1 (tuesday 09:00-11:00), starting every 15m from the earliest start the school hours allow that day");
    CHECK(s.notes[1] == "the programme's slots differ in length; candidates use the length of slot 1 (tuesday 09:00-11:00)");
    CHECK(s.why.summary.find("Outside the school-hours window: slot 1 (tuesday 09:00-11:00).") != std::string::npos);
}

TEST_CASE("suggest: bad arguments") {
    const Programme programme = tue_thu();
    const auto& table = test::shipped_school_holidays();
    CHECK_THROWS_AS(suggest(programme, {}, table, {}, 0, 5), std::invalid_argument);
    CHECK_THROWS_AS(suggest(programme, {}, table, {}, 15, -1), std::invalid_argument);
    Programme none = programme;
    none.slots.clear();
    CHECK_THROWS_AS(suggest(none, {}, table, {}, 15, 5), std::invalid_argument);
    // Three slots at a 1-minute step: 136 starts on Mon/Tue/Thu, 1 on Wednesday:
    // 136^3 + 3 x 136^2 = 2,570,944 triples, more than max_candidates.
    const Programme three = test::load_valid(test::programme_toml(
        four_weeks,
        slots_toml({{"monday", "09:30", "11:30"}, {"tuesday", "09:30", "11:30"}, {"thursday", "09:30", "11:30"}})));
    CHECK_THROWS_WITH_AS(suggest(three, {}, table, {}, 1, 5), doctest::Contains("use a larger step"),
                         std::invalid_argument);
}

TEST_CASE("suggestions: text and JSON") {
    const Suggestions s = suggest(tue_thu(), taalles_group(), test::shipped_school_holidays(), {}, 15, 2);
    const std::string text = render_suggestions_text(s);
    CHECK(text.find("Slots for Test (test)\n330 candidate pairs of 2h slots, every 15m; 6 participants\n") !=
          std::string::npos);
    CHECK(text.find("  rank  slots                                       worst off  attendances  lost to holidays\n"
                    "     1  monday 09:30-11:30 + wednesday 09:15-11:15     5 of 6     35 of 36                 2\n"
                    "     2  monday 09:45-11:45 + wednesday 09:15-11:15     5 of 6     35 of 36                 2\n"
                    "current slots:\n"
                    "   242  tuesday 09:30-11:30 + thursday 09:30-11:30     0 of 6     18 of 36                 2\n") !=
          std::string::npos);
    CHECK(text.find("Ranked by the share of sessions each participant can attend, the worst off first") !=
          std::string::npos);
    CHECK(text.find("\nAttend fewer sessions under the current slots\n"
                    "  Name of p-1 (p-1)  0 instead of 6  (taalles di 09:00-12:00)\n") != std::string::npos);

    const auto json = suggestions_json(s);
    CHECK(json["candidates_evaluated"] == 330);
    CHECK(json["top"][0]["slots"][0]["day"] == "monday");
    CHECK(json["top"][0]["slots"][0]["start"] == "09:30");
    CHECK(json["top"][0]["attendable"] == 35);
    CHECK(json["current"]["rank"] == 242);
    CHECK(json["current"]["is_candidate"] == true);
    CHECK(json["why"]["losses"].size() == 3);
    CHECK(json["why"]["losses"][0]["sessions_lost"] == 6);
    CHECK(json["why"]["main_reason"] ==
          "3 participants have taalles on tuesday morning, when slot 1 (tuesday 09:30-11:30) meets");
}

TEST_SUITE_END();
