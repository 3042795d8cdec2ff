#include "engine/fit/fit.hpp"
#include "engine/fit/fit_report.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace ritme;

namespace {

// Four weeks from Monday 9 February 2026, region noord, Tuesday and Thursday
// 09:30-11:30, 15 minutes travel margin (the default). The noord spring holiday
// (21 Feb - 1 Mar) takes week 3, so the sessions are:
//   #1 Tue 10 Feb   #2 Thu 12 Feb   #3 Tue 17 Feb   #4 Thu 19 Feb   #5 Tue 3 Mar   #6 Thu 5 Mar
// The zuid spring holiday (14 - 22 Feb) falls in week 2, when the programme meets.
const std::string four_weeks = "start = 2026-02-09\nweeks = 4\nregion = \"noord\"";

std::string rest(const std::string& childcare) {
    return R"(
[location.schakel]
name = "Wijkcentrum De Schakel"

[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"

[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)" + childcare;
}

const std::string three_places = R"(
[childcare]
location = "schakel"
places = 3
open = { tuesday = "09:00-12:00", thursday = "09:00-12:00" }
)";

Commitment weekly(Weekday day, const char* range, const char* label) {
    return Commitment{day, std::nullopt, *TimeRange::parse(range), label};
}

Commitment dated(Date date, const char* range, const char* label) {
    return Commitment{std::nullopt, date, *TimeRange::parse(range), label};
}

Participant person(const char* id, const char* name, int children, const char* school,
                   std::vector<Commitment> commitments) {
    Participant p;
    p.id = id;
    p.name = name;
    p.children_in_care = children;
    p.school_calendar = school;
    p.commitments = std::move(commitments);
    return p;
}

std::vector<Participant> group() {
    return {
        // Taalles ends exactly when the widened session starts (09:30 - 15m), work starts
        // exactly when it ends (11:30 + 15m): half-open ranges, so both are fine. 6 of 6.
        person("p-a", "Amina", 0, "",
               {weekly(Weekday::tuesday, "08:00-09:15", "taalles"), weekly(Weekday::thursday, "11:45-13:00", "werk")}),
        // Tuesday taalles overlaps the widened 09:15-11:45: misses #1, #3, #5. The intake
        // adds a second reason to #3 only. 3 of 6.
        person("p-b", "Busra", 0, "",
               {weekly(Weekday::tuesday, "09:00-09:30", "taalles"),
                dated(make_date(2026, 2, 17), "10:00-10:30", "intake")}),
        // School in zuid: closed 14-22 Feb while the programme meets: misses #3, #4. 4 of 6.
        person("p-c", "Chaimae", 1, "zuid", {}),
        // Dentist at 11:40 on Thursday 5 March, before the widened end 11:45: misses #6. 5 of 6.
        person("p-d", "Dilan", 2, "", {dated(make_date(2026, 3, 5), "11:40-12:30", "tandarts")}),
        // Two children, like Dilan: the crèche (3 places) has room for Chaimae (1) and one
        // of them. The places rotate, so Eden and Dilan take turns: 3 of 6 each. Her school
        // follows noord like the programme.
        person("p-e", "Eden", 2, "noord", {}),
        // A school nobody applied: a note, no check. 6 of 6.
        person("p-f", "Fatma", 0, "de-regenboog", {}),
        // A known school with a study day on Tuesday 3 March: misses #5. 5 of 6.
        person("p-g", "Gul", 0, "de-kleine-prins", {}),
    };
}

SchoolDirectory schools() {
    School school;
    school.id = "de-kleine-prins";
    school.name = "De Kleine Prins";
    school.closures.region = Region::noord;
    school.closures.holidays = School::default_holidays();
    school.closures.closed.push_back({make_date(2026, 3, 3), make_date(2026, 3, 3), "studiedag", {}});
    SchoolDirectory directory;
    directory.emplace(school.id, school);
    return directory;
}

std::vector<std::string> texts(const std::vector<Obstacle>& reasons) {
    std::vector<std::string> out;
    for (const auto& r : reasons) out.push_back(r.text);
    return out;
}

const Absentee* absentee(const SessionFit& session, const std::string& id) {
    for (const auto& a : session.unable)
        if (a.participant_id == id) return &a;
    return nullptr;
}

std::vector<std::string> unable_ids(const SessionFit& session) {
    std::vector<std::string> out;
    for (const auto& a : session.unable) out.push_back(a.participant_id);
    return out;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_SUITE_BEGIN("fit");

TEST_CASE("fit: commitments with travel margin, another region's holiday, a study day, a dated commitment, "
          "too few crèche places") {
    const auto plan = test::plan(test::programme_toml(four_weeks, rest(three_places)));
    REQUIRE(plan.calendar.sessions.size() == 6);
    const FitReport report =
        fit(plan.programme, plan.calendar.sessions, group(), test::shipped_school_holidays(), schools());

    REQUIRE(report.sessions.size() == 6);
    const auto& s = report.sessions;
    CHECK(s[0].number == 1);
    CHECK(s[0].date == make_date(2026, 2, 10));
    CHECK(s[5].date == make_date(2026, 3, 5));
    // The crèche per session, children of those otherwise free; the places go first to
    // whoever was left out most often before, then fewest children, then by id:
    //   #1: Chaimae 1 + Dilan 2 + Eden 2 = 5 > 3: Chaimae, Dilan in; Eden out (1).
    //   #2: 5 children; Eden first: Eden, Chaimae in; Dilan out (1).
    //   #3: Chaimae at home: Dilan 2 + Eden 2 = 4, both out once: Dilan in; Eden out (2).
    //   #4: Eden first: Eden in; Dilan out (2).
    //   #5: 5 children; Dilan and Eden both out twice: Dilan, Chaimae in; Eden out (3).
    //   #6: Dilan at the dentist: 1 + 2 = 3 fits.
    // Without the turns Eden was left out at every session but #6 (1 of 6).
    CHECK(unable_ids(s[0]) == Ids{"p-b", "p-e"});
    CHECK(unable_ids(s[1]) == Ids{"p-d"});
    CHECK(unable_ids(s[2]) == Ids{"p-b", "p-c", "p-e"});
    CHECK(unable_ids(s[3]) == Ids{"p-c", "p-d"});
    CHECK(unable_ids(s[4]) == Ids{"p-b", "p-e", "p-g"});
    CHECK(unable_ids(s[5]) == Ids{"p-d"});
    REQUIRE(s[0].creche.has_value());
    CHECK(s[0].creche->children == 5);
    CHECK(s[0].creche->places == 3);
    CHECK(s[5].creche->children == 3);
    CHECK(report.short_sessions == 5);

    CHECK(texts(absentee(s[0], "p-b")->reasons) == Ids{"taalles di 09:00-09:30"});
    CHECK(texts(absentee(s[2], "p-b")->reasons) == Ids{"taalles di 09:00-09:30", "intake 2026-02-17 10:00-10:30"});
    CHECK(texts(absentee(s[2], "p-c")->reasons) == Ids{"school dicht: voorjaarsvakantie (zuid)"});
    CHECK(absentee(s[2], "p-c")->reasons[0].kind == ObstacleKind::school_closed);
    CHECK(texts(absentee(s[0], "p-e")->reasons) ==
          Ids{"no crèche place: 5 children need a place, the crèche has 3"});
    CHECK(texts(absentee(s[2], "p-e")->reasons) ==
          Ids{"no crèche place: 4 children need a place, the crèche has 3"});
    CHECK(texts(absentee(s[1], "p-d")->reasons) ==
          Ids{"no crèche place: 5 children need a place, the crèche has 3"});
    CHECK(absentee(s[2], "p-e")->reasons[0].kind == ObstacleKind::no_childcare_place);
    CHECK(texts(absentee(s[4], "p-g")->reasons) == Ids{"school dicht: studiedag"});
    CHECK(texts(absentee(s[5], "p-d")->reasons) == Ids{"tandarts 2026-03-05 11:40-12:30"});
    CHECK(absentee(s[0], "p-b")->name == "Busra");

    REQUIRE(report.participants.size() == 7);
    std::vector<int> attendable;
    for (const auto& p : report.participants) {
        attendable.push_back(p.attendable);
        CHECK(p.total == 6);
    }
    CHECK(attendable == std::vector<int>{6, 3, 4, 3, 3, 6, 5});
    CHECK(report.attendable_sum == 30);  // 6 + 3 + 4 + 3 + 3 + 6 + 5
    CHECK(report.possible_sum == 42);    // 6 sessions x 7
    CHECK(report.worst_off == 3);
    CHECK(report.worst_off_count == 3);
    CHECK(report.childcare_places == 3);

    // Eden: 2 sessions with 5 children, 1 with 4; most first.
    const auto& eden = report.participants[4];
    REQUIRE(eden.reasons.size() == 2);
    CHECK(eden.reasons[0].reason == "no crèche place: 5 children need a place, the crèche has 3");
    CHECK(eden.reasons[0].sessions == 2);
    CHECK(eden.reasons[1].sessions == 1);
    // Busra: taalles on 3 sessions, the intake on 1 (of those).
    const auto& busra = report.participants[1];
    REQUIRE(busra.reasons.size() == 2);
    CHECK(busra.reasons[0].reason == "taalles di 09:00-09:30");
    CHECK(busra.reasons[0].sessions == 3);
    CHECK(busra.reasons[1].sessions == 1);

    // The unknown school calendar is a note naming the id, not the person.
    REQUIRE(report.notes.size() == 1);
    CHECK(report.notes[0].find("p-f") != std::string::npos);
    CHECK(report.notes[0].find("de-regenboog") != std::string::npos);
    CHECK(report.notes[0].find("Fatma") == std::string::npos);
}

TEST_CASE("fit: without [childcare] children are not checked; cancelled sessions are left out") {
    auto plan = test::plan(test::programme_toml(four_weeks, rest("")));
    auto sessions = plan.calendar.sessions;
    sessions[5].status = SessionStatus::cancelled;  // #6, Dilan's dentist day
    const FitReport report = fit(plan.programme, sessions, group(), test::shipped_school_holidays(), schools());
    REQUIRE(report.sessions.size() == 5);
    CHECK(!report.childcare_places);
    // Five sessions: Amina 5, Busra 5-3, Chaimae 5-2, Dilan 5 (the dentist day is
    // cancelled), Eden 5 (no crèche check), Fatma 5, Gul 5-1.
    std::vector<int> attendable;
    for (const auto& p : report.participants) {
        attendable.push_back(p.attendable);
        CHECK(p.total == 5);
    }
    CHECK(attendable == std::vector<int>{5, 2, 3, 5, 5, 5, 4});
    CHECK(report.attendable_sum == 29);
    CHECK(report.worst_off == 2);
}

TEST_CASE("fit: a school closure the programme shares keeps nobody away, even on a session moved there") {
    auto plan = test::plan(test::programme_toml(four_weeks, rest("")));
    auto sessions = plan.calendar.sessions;
    // #4 moved from Thursday 19 Feb into the noord spring holiday, Tuesday 24 Feb: the
    // programme is closed then too, so a lead who moves a session there means it.
    sessions[3].date = make_date(2026, 2, 24);
    sessions[3].status = SessionStatus::moved;
    const std::vector<Participant> participants{person("p-n", "Noor", 0, "noord", {}),
                                                person("p-z", "Zahra", 0, "zuid", {})};
    const FitReport report = fit(plan.programme, sessions, participants, test::shipped_school_holidays(), {});
    // Noor (noord): her school's holiday is the programme's: 6 of 6. Zahra (zuid): closed
    // 14-22 Feb: #3 (17 Feb) only now that #4 moved to the 24th: 5 of 6.
    CHECK(report.participants[0].attendable == 6);
    CHECK(report.participants[1].attendable == 5);
    CHECK(unable_ids(report.sessions[2]) == Ids{"p-z"});
    CHECK(report.sessions[3].unable.empty());
}

TEST_CASE("fit: the fast path counts what the report shows") {
    const auto plan = test::plan(test::programme_toml(four_weeks, rest(three_places)));
    const auto participants = group();
    const FitGroup fit_group(plan.programme, participants, test::shipped_school_holidays(), schools(),
                             plan.programme.start, calendar_window_end(plan.programme));
    std::vector<int> counted(participants.size(), 0);
    CHECK(fit_group.count_attendable(plan.calendar.sessions, counted) == 6);
    const FitReport report = fit_group.report(plan.programme, plan.calendar.sessions);
    for (size_t p = 0; p < participants.size(); ++p) CHECK(counted[p] == report.participants[p].attendable);
    CHECK(counted == std::vector<int>{6, 3, 4, 3, 3, 6, 5});
}

TEST_CASE("fit: a participant with more children than places never gets one; with none never needs one") {
    const auto plan = test::plan(test::programme_toml(four_weeks, rest(three_places)));
    const std::vector<Participant> participants{person("p-1", "Een", 4, "", {}), person("p-2", "Twee", 3, "", {}),
                                                person("p-3", "Drie", 0, "", {})};
    const FitReport report = fit(plan.programme, plan.calendar.sessions, participants,
                                 test::shipped_school_holidays(), {});
    // 3 + 4 = 7 children for 3 places: Twee (3) fits, Een (4) never does.
    CHECK(report.participants[0].attendable == 0);
    CHECK(report.participants[1].attendable == 6);
    CHECK(report.participants[2].attendable == 6);
    CHECK(texts(report.sessions[0].unable[0].reasons) ==
          Ids{"no crèche place: 7 children need a place, the crèche has 3"});
}

TEST_CASE("fit: 14 children for 6 places: the places rotate, so nobody is left out every time") {
    const auto plan = test::plan(test::programme_toml(four_weeks, rest(R"(
[childcare]
location = "schakel"
places = 6
open = { tuesday = "09:00-12:00", thursday = "09:00-12:00" }
)")));
    std::vector<Participant> mothers;
    for (const char* id : {"p-1", "p-2", "p-3", "p-4", "p-5", "p-6", "p-7"}) mothers.push_back(person(id, id, 2, "", {}));
    const FitReport report = fit(plan.programme, plan.calendar.sessions, mothers, test::shipped_school_holidays(), {});
    // 3 of 7 get a place at each of the 6 sessions: 18 places over 7 mothers, 2 or 3 each.
    // Without turns p-4..p-7 (the highest ids) never got one.
    for (const auto& p : report.participants) {
        CAPTURE(p.id);
        CHECK(p.attendable >= 2);
        CHECK(p.attendable <= 3);
    }
    CHECK(report.attendable_sum == 18);
    CHECK(report.worst_off == 2);
    CHECK(texts(report.sessions[0].unable[0].reasons) ==
          Ids{"no crèche place: 14 children need a place, the crèche has 6"});
    CHECK(report.short_sessions == 6);
}

TEST_CASE("fit: a session moved to a day or a time the crèche is closed gets no places") {
    auto plan = test::plan(test::programme_toml(four_weeks, rest(three_places)));
    auto sessions = plan.calendar.sessions;
    // #2 moved from Thursday 12 Feb to Wednesday 11 Feb (the crèche opens Tuesday and
    // Thursday only); #3 to Tuesday 17 Feb 13:00-15:00, after the crèche closes at 12:00.
    sessions[1].date = make_date(2026, 2, 11);
    sessions[1].status = SessionStatus::moved;
    sessions[2].time = *TimeRange::parse("13:00-15:00");
    sessions[2].status = SessionStatus::moved;
    const std::vector<Participant> participants{person("p-1", "Een", 1, "", {}), person("p-2", "Twee", 0, "", {})};
    const FitReport report = fit(plan.programme, sessions, participants, test::shipped_school_holidays(), {});
    REQUIRE(report.sessions.size() == 6);
    CHECK(report.sessions[1].creche->places == 0);
    CHECK(report.sessions[1].creche->children == 1);
    CHECK(unable_ids(report.sessions[1]) == Ids{"p-1"});
    CHECK(texts(report.sessions[1].unable[0].reasons) == Ids{"no crèche: closed on wednesday"});
    CHECK(report.sessions[2].creche->places == 0);
    CHECK(texts(report.sessions[2].unable[0].reasons) ==
          Ids{"no crèche: outside its hours on tuesday (sessions 09:10-11:50)"});
    CHECK(unable_ids(report.sessions[0]).empty());
    CHECK(report.participants[0].attendable == 4);
    CHECK(report.participants[1].attendable == 6);
}

TEST_CASE("fit: no sessions, no participants") {
    const auto plan = test::plan(test::programme_toml(four_weeks, rest("")));
    const FitReport empty = fit(plan.programme, {}, group(), test::shipped_school_holidays(), schools());
    CHECK(empty.sessions.empty());
    CHECK(empty.attendable_sum == 0);
    CHECK(empty.participants[0].total == 0);
    const FitReport nobody = fit(plan.programme, plan.calendar.sessions, {}, test::shipped_school_holidays(), {});
    CHECK(nobody.sessions.size() == 6);
    CHECK(nobody.worst_off == 0);
    CHECK(render_fit_text(nobody).find("No participants.") != std::string::npos);
}

TEST_CASE("fit report: text for the lead and JSON") {
    const auto plan = test::plan(test::programme_toml(four_weeks, rest(three_places)));
    const FitReport report =
        fit(plan.programme, plan.calendar.sessions, group(), test::shipped_school_holidays(), schools());

    const std::string text = render_fit_text(report);
    CHECK(text.find("6 sessions, 7 participants, travel margin 15m, crèche 3 places\n") != std::string::npos);
    CHECK(text.find("attendances: 30 of 42; worst off: 3 of 6 (3 participants)\n") != std::string::npos);
    CHECK(text.find("    #3  Tue 2026-02-17  09:30-11:30\n"
                    "        Busra (p-b): taalles di 09:00-09:30; intake 2026-02-17 10:00-10:30\n"
                    "        Chaimae (p-c): school dicht: voorjaarsvakantie (zuid)\n"
                    "        Eden (p-e): no crèche place: 4 children need a place, the crèche has 3\n") !=
          std::string::npos);
    // Every session has someone missing, so no "everyone can come" line.
    CHECK(text.find("Everyone can come") == std::string::npos);
    CHECK(text.find("  Amina (p-a)    attends 6 of 6\n") != std::string::npos);
    CHECK(text.find("  Eden (p-e)     attends 3 of 6  not: no crèche place: 5 children need a place, the crèche "
                    "has 3 (2), no crèche place: 4 children need a place, the crèche has 3 (1)\n") != std::string::npos);
    CHECK(text.find("\nCrèche places\n  short at 5 sessions; where the crèche has fewer places than children, "
                    "places go first to those left out most often at earlier sessions") != std::string::npos);
    CHECK(text.find("Notes\n  participant p-f: school calendar \"de-regenboog\"") != std::string::npos);

    const auto json = fit_report_json(report);
    CHECK(json["programme"]["id"] == "test");
    CHECK(json["childcare_places"] == 3);
    CHECK(json["sessions"].size() == 6);
    CHECK(json["sessions"][2]["date"] == "2026-02-17");
    CHECK(json["sessions"][2]["unable"][0]["participant"] == "p-b");
    CHECK(json["sessions"][2]["unable"][0]["reasons"][1]["text"] == "intake 2026-02-17 10:00-10:30");
    CHECK(json["sessions"][2]["unable"][1]["reasons"][0]["kind"] == "school_closed");
    CHECK(json["participants"][4]["attendable"] == 3);
    CHECK(json["participants"][4]["reasons"][0]["sessions"] == 2);
    CHECK(json["sessions"][0]["childcare"]["children"] == 5);
    CHECK(json["sessions"][0]["childcare"]["places"] == 3);
    CHECK(json["totals"]["childcare_short_sessions"] == 5);
    CHECK(json["childcare_rule"].get<std::string>().find("left out most often") != std::string::npos);
    CHECK(json["totals"]["attendable"] == 30);
    CHECK(json["totals"]["possible"] == 42);
    CHECK(json["totals"]["worst_off"] == 3);
    CHECK(json["notes"].size() == 1);
    // Keys in a fixed order, for diffs.
    CHECK(json.begin().key() == "programme");

    const auto no_creche = fit(test::plan(test::programme_toml(four_weeks, rest(""))).programme,
                               plan.calendar.sessions, {}, test::shipped_school_holidays(), {});
    CHECK(fit_report_json(no_creche)["childcare_places"].is_null());
    CHECK(fit_report_json(no_creche)["sessions"][0]["childcare"].is_null());
}

TEST_CASE("fit: commitment reason texts") {
    CHECK(commitment_text(weekly(Weekday::monday, "09:00-12:00", "taalles")) == "taalles ma 09:00-12:00");
    CHECK(commitment_text(dated(make_date(2026, 3, 10), "13:00-14:00", "tandarts")) ==
          "tandarts 2026-03-10 13:00-14:00");
    CHECK(commitment_text(weekly(Weekday::friday, "09:00-10:00", "")) == "afspraak vr 09:00-10:00");
}

TEST_SUITE_END();
