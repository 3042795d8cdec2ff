#include "engine/programme/programme_loader.hpp"
#include "engine/store/programme_record.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <vector>

using namespace ritme;

namespace {

// The diagnostics of a broken file, with the test-data directory taken off the paths.
std::vector<std::string> problems_of(const std::string& name, LoadStatus expected_status) {
    const std::string path = test::data_path("broken/" + name);
    ProgrammeLoad load = load_programme_file(path);
    CHECK(load.status == expected_status);
    CHECK_FALSE(load.programme.has_value());
    std::vector<std::string> lines;
    const std::string prefix = test::data_path("broken/");
    for (const auto& d : load.diagnostics.items()) {
        std::string line = d.str();
        if (line.rfind(prefix, 0) == 0) line.erase(0, prefix.size());
        lines.push_back(line);
    }
    return lines;
}

}  // namespace

TEST_SUITE_BEGIN("programme_loader");

TEST_CASE("the shipped Almere example reads as written") {
    const Programme p = test::load_valid(
        [] {
            std::ifstream in(test::source_path("config/programmes/almere-vrouwen-2026.toml"));
            return std::string(std::istreambuf_iterator<char>(in), {});
        }(),
        "almere.toml");
    CHECK(p.id == "almere-vrouwen-2026");
    CHECK(p.name == "Vrouwen aan het werk, voorjaar 2026");
    CHECK(p.start == make_date(2026, 2, 2));
    CHECK(p.weeks == 20);
    CHECK(p.closures.region == Region::noord);
    CHECK(p.on_holiday == HolidayMode::skip);
    CHECK(p.closures.holidays.good_friday == OpenOrClosed::closed);
    CHECK(p.closures.holidays.liberation_day == LiberationDayRule::closed);
    CHECK(p.timezone == "Europe/Amsterdam");
    REQUIRE(p.closures.closed.size() == 2);
    CHECK(p.closures.closed[0].from == make_date(2026, 3, 20));
    CHECK(p.closures.closed[0].to == make_date(2026, 3, 20));
    CHECK(p.closures.closed[1].from == make_date(2026, 6, 1));
    CHECK(p.closures.closed[1].to == make_date(2026, 6, 2));
    CHECK(p.closures.closed[1].reason == "studiedagen");
    REQUIRE(p.locations.size() == 1);
    CHECK(p.locations[0].address == "Kruidenwijk, Almere");
    REQUIRE(p.slots.size() == 2);
    CHECK(p.slots[1].day == Weekday::thursday);
    CHECK(p.slots[1].time.str() == "09:30-11:30");
    CHECK(p.slots[1].location == "schakel");
    CHECK(p.school_hours.window[index_of(Weekday::wednesday)]->str() == "08:30-12:15");
    CHECK(p.school_hours.window[index_of(Weekday::tuesday)]->str() == "09:00-13:45");  // the default
    CHECK(p.school_hours.travel_margin_minutes == 15);
    REQUIRE(p.childcare.has_value());
    CHECK(p.childcare->places == 8);
    CHECK(p.childcare->margin_minutes == 10);
    CHECK(p.childcare->open[index_of(Weekday::thursday)]->str() == "09:00-12:00");
    CHECK_FALSE(p.childcare->open[index_of(Weekday::monday)].has_value());
}

TEST_CASE("defaults: 20 weeks, skip, Good Friday and Liberation Day closed, Europe/Amsterdam") {
    const Programme p = test::load_valid(test::programme_toml("start = 2026-02-02\nregion = \"midden\""));
    CHECK(p.weeks == 20);
    CHECK(p.on_holiday == HolidayMode::skip);
    CHECK(p.closures.holidays.good_friday == OpenOrClosed::closed);
    CHECK(p.closures.holidays.liberation_day == LiberationDayRule::closed);
    CHECK(p.closures.holidays.ascension_friday == OpenOrClosed::open);
    CHECK(p.timezone == "Europe/Amsterdam");
    CHECK(p.slots[0].location == "schakel");  // the only location
    CHECK_FALSE(p.childcare.has_value());
}

TEST_CASE("a mistyped weekday names the slot and suggests the day") {
    CHECK(problems_of("typo-weekday.toml", LoadStatus::invalid) ==
          std::vector<std::string>{"typo-weekday.toml:16:7: error: slot 2: `day = \"thurdsay\"` is not a weekday; "
                                   "did you mean thursday?"});
}

TEST_CASE("unknown keys are errors with the nearest known key") {
    CHECK(problems_of("unknown-keys.toml", LoadStatus::invalid) ==
          std::vector<std::string>{
              "unknown-keys.toml:5:1: error: [programme]: unknown key `wekes`; did you mean weeks?",
              "unknown-keys.toml:10:1: error: [location.schakel]: unknown key `adress`; did you mean address?",
              "unknown-keys.toml:16:1: error: slot 1: unknown key `room`; known keys here: day, start, end or location",
              "unknown-keys.toml:18:2: error: top level: unknown key `schoolhours`; did you mean school_hours?",
          });
}

TEST_CASE("a file with errors carries the parts that read, for the slot checks") {
    const ProgrammeLoad load = load_programme_text(test::programme_toml("start = 2026-02-02\nwekes = 20", R"(
[location.schakel]
name = "De Schakel"
[[slot]]
day = "tuesday"
start = "08:00"
end = "10:00"
[[slot]]
day = "thurdsay"
start = "09:30"
end = "11:30"
[[slot]]
day = "friday"
start = "09:30"
end = "11:00"
[school_hours]
friday = "08:30-11:15"
[childcare]
places = 8
open = { tuesday = "07:00-12:00" }
)"), "partial.toml");
    CHECK(load.status == LoadStatus::invalid);
    CHECK_FALSE(load.programme.has_value());
    REQUIRE(load.partial.has_value());
    const Programme& partial = load.partial->programme;
    REQUIRE(partial.slots.size() == 2);  // the slot with the misspelt day did not read
    CHECK(partial.slots[0].number == 1);
    CHECK(partial.slots[1].number == 3);
    CHECK(partial.slots[1].time.str() == "09:30-11:00");
    CHECK(load.partial->school_hours_read);
    CHECK(partial.school_hours.window[index_of(Weekday::friday)]->str() == "08:30-11:15");
    CHECK(partial.childcare.has_value());  // read without errors: one location, so `location` may be left out

    // A [school_hours] or [childcare] with errors is not checked against.
    const ProgrammeLoad broken = load_programme_text(test::programme_toml("start = 2026-02-02", R"(
[location.schakel]
name = "De Schakel"
[[slot]]
day = "tuesday"
start = "08:00"
end = "10:00"
[school_hours]
tuesday = "half negen"
[childcare]
open = { tuesday = "09:00-12:00" }
)"), "broken.toml");
    CHECK(broken.status == LoadStatus::invalid);
    REQUIRE(broken.partial.has_value());
    CHECK_FALSE(broken.partial->school_hours_read);
    CHECK_FALSE(broken.partial->programme.childcare.has_value());  // `places` is missing
    CHECK(broken.partial->programme.slots.size() == 1);
}

TEST_CASE("a directory is not a programme file: cannot be read") {
    const std::string directory = test::data_path("broken");
    const ProgrammeLoad load = load_programme_file(directory);
    CHECK(load.status == LoadStatus::unreadable);
    CHECK_FALSE(load.partial.has_value());
    REQUIRE(load.diagnostics.items().size() == 1);
    CHECK(load.diagnostics.items()[0].str() == directory +
                                                   ": error: cannot read the file: it is a directory; give the path "
                                                   "of a programme file (.toml)");
}

TEST_CASE("a file with many problems reports all of them, in file order") {
    CHECK(problems_of("many-problems.toml", LoadStatus::invalid) ==
          std::vector<std::string>{
              "many-problems.toml:1:1: error: [programme]: `name` is missing; add `name = …` to this table",
              "many-problems.toml:2:6: error: [programme]: `id = \"Almere 2026\"` is not a usable programme id; "
              "use lower-case letters, digits and dashes, e.g. \"almere-vrouwen-2026\"",
              "many-problems.toml:3:9: error: [programme]: `start = \"2026-02-02\"` is not a date; "
              "write it like `start = 2026-02-02`, without quotes",
              "many-problems.toml:4:9: error: [programme]: `weeks = 0` is out of range; use a number from 1 to 104",
              "many-problems.toml:5:10: error: [programme]: `region = \"nord\"` is not one of noord, midden or zuid; "
              "did you mean noord?",
              "many-problems.toml:6:14: error: [programme]: `on_holiday = \"skipp\"` is not one of skip or extend; "
              "did you mean skip?",
              "many-problems.toml:7:18: error: [programme]: `liberation_day = \"lustrum5\"` is not one of closed, "
              "open or lustrum; did you mean lustrum?",
              "many-problems.toml:8:12: error: [programme]: `timezone = \"Europe/Amsterdan\"`: unknown time zone "
              "\"Europe/Amsterdan\": /usr/share/zoneinfo/Europe/Amsterdan does not exist; use an IANA zone name "
              "such as \"Europe/Amsterdam\"",
              "many-problems.toml:9:23: error: [programme] closed entry 2: `\"2026-04-01\"` is not a date or a "
              "period; write a date like 2026-03-20 or { from = 2026-06-01, to = 2026-06-02, reason = "
              "\"studiedagen\" }",
              "many-problems.toml:9:63: error: [programme] closed entry 3: `to = 2026-06-01` is before "
              "`from = 2026-06-02`; a period runs from its first to its last closed day",
              "many-problems.toml:17:7: error: slot 1: `end = \"09:30\"` is not after `start = \"11:30\"`; a slot "
              "ends after it starts, on the same day",
              "many-problems.toml:21:9: error: slot 2: `start = \"9.30\"` is not a time of day; write it like "
              "`start = \"09:30\"`",
              "many-problems.toml:23:12: error: slot 2: `location = \"schakle\"` is not a [location] in this file; "
              "did you mean schakel?",
              "many-problems.toml:26:10: error: [childcare]: `places = -1` is out of range; use a number from 0 to "
              "500",
              "many-problems.toml:27:35: error: [childcare] open: unknown key `thursdag`; did you mean thursday?",
          });
}

TEST_CASE("a file that is not TOML cannot be read, and says where it broke") {
    const auto problems = problems_of("not-toml.toml", LoadStatus::unreadable);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].rfind("not-toml.toml:2:", 0) == 0);
    CHECK(problems[0].find("error: not valid TOML") != std::string::npos);
}

TEST_CASE("a missing file cannot be read") {
    ProgrammeLoad load = load_programme_file(test::data_path("broken/does-not-exist.toml"));
    CHECK(load.status == LoadStatus::unreadable);
    REQUIRE(load.diagnostics.items().size() == 1);
    CHECK(load.diagnostics.items()[0].message == "cannot read the file");
}

TEST_CASE("a closed_ics file that is not there is named with where it was looked for") {
    const auto problems = problems_of("missing-ics.toml", LoadStatus::invalid);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] ==
          "missing-ics.toml:6:14: error: [programme] closed_ics: \"no-such-calendar.ics\" does not exist (looked for " +
              test::data_path("broken/no-such-calendar.ics") + "); the path is relative to the programme file's directory");
}

TEST_CASE("a programme without slots is an error") {
    CHECK(problems_of("no-slots.toml", LoadStatus::invalid) ==
          std::vector<std::string>{"no-slots.toml:1:1: error: the programme has no [[slot]]; add one [[slot]] per "
                                   "weekly meeting with day, start, end and location"});
}

TEST_CASE("closed days as dates, single-date tables and periods, with reasons") {
    const Programme p = test::load_valid(test::programme_toml(
        "start = 2026-02-02\nregion = \"noord\"\n"
        "closed = [2026-03-20, { date = 2026-04-01, reason = \"Suikerfeest\" }, "
        "{ from = 2026-06-01, to = 2026-06-02, reason = \"studiedagen\" }]"));
    REQUIRE(p.closures.closed.size() == 3);
    CHECK(p.closures.closed[0].reason == "gesloten");
    CHECK(p.closures.closed[1].from == make_date(2026, 4, 1));
    CHECK(p.closures.closed[1].to == make_date(2026, 4, 1));
    CHECK(p.closures.closed[1].reason == "Suikerfeest");
    CHECK(p.closures.closed[2].to == make_date(2026, 6, 2));
}

TEST_CASE("Dutch day names are accepted in slots") {
    const Programme p = test::load_valid(test::programme_toml("start = 2026-02-02\nregion = \"noord\"", R"(
[location.a]
name = "A"
[[slot]]
day = "Dinsdag"
start = "09:30"
end = "11:30"
)"));
    CHECK(p.slots[0].day == Weekday::tuesday);
}

namespace {

// A valid programme with more tables after its slots.
std::string programme_with(const std::string& tables) {
    return test::programme_toml("start = 2026-02-02\nregion = \"noord\"") + "\n" + tables;
}

std::vector<std::string> problems_in(const std::string& toml) {
    const ProgrammeLoad load = load_programme_text(toml, "p.toml");
    CHECK(load.status == LoadStatus::invalid);
    std::vector<std::string> lines;
    for (const auto& d : load.diagnostics.items()) lines.push_back(d.str());
    return lines;
}

bool any_starts_with(const std::vector<std::string>& lines, const std::string& prefix) {
    for (const auto& line : lines)
        if (line.rfind(prefix, 0) == 0) return true;
    return false;
}

// "p.toml:LINE:COLUMN: error: ", where the problems of problems_in() begin.
std::string at(int line, int column) {
    return "p.toml:" + std::to_string(line) + ":" + std::to_string(column) + ": error: ";
}

// The line where `text` first appears, for positions in the tests below.
int line_of(const std::string& toml, const std::string& text) {
    const size_t at = toml.find(text);
    REQUIRE(at != std::string::npos);
    return 1 + static_cast<int>(std::count(toml.begin(), toml.begin() + static_cast<long>(at), '\n'));
}

}  // namespace

TEST_CASE("the shipped Almere example names its lead and its reminder offsets") {
    ProgrammeLoad load = load_programme_file(test::source_path("config/programmes/almere-vrouwen-2026.toml"));
    REQUIRE(load.status == LoadStatus::ok);
    const Programme& p = *load.programme;
    REQUIRE(p.lead);
    CHECK(p.lead->name == "Fatima");
    CHECK(p.lead->phone == "+31612345678");
    CHECK(p.lead->email == "programma@example.org");
    REQUIRE(p.reminder_offsets);
    REQUIRE(p.reminder_offsets->size() == 2);
    CHECK((*p.reminder_offsets)[0].str() == "1d@18:00");
    CHECK((*p.reminder_offsets)[1].str() == "2h");
}

TEST_CASE("[lead]: a name and a phone or e-mail address, normalised") {
    const Programme p = test::load_valid(programme_with(R"(
[lead]
name = "  Fatima  "
phone = "06-12345678"
email = "Fatima@Example.ORG"
)"));
    REQUIRE(p.lead);
    CHECK(p.lead->name == "Fatima");
    CHECK(p.lead->phone == "+31612345678");
    CHECK(p.lead->email == "Fatima@example.org");
    CHECK(p.lead->where.line > 0);

    const Programme email_only =
        test::load_valid(programme_with("[lead]\nname = \"Team Noord\"\nemail = \"team@example.org\"\n"));
    REQUIRE(email_only.lead);
    CHECK(email_only.lead->phone.empty());

    const Programme without = test::load_valid(programme_with(""));
    CHECK_FALSE(without.lead);
    CHECK_FALSE(without.reminder_offsets);
}

TEST_CASE("[lead] problems: unknown keys, a landline, a bad address, no way to reach the lead") {
    const std::string toml = programme_with(R"(
[lead]
nmae = "Fatima"
phone = "020-1234567"
email = "fatima at example.org"
)");
    const int lead_line = line_of(toml, "[lead]");
    const auto problems = problems_in(toml);
    INFO(problems.size());
    for (const auto& line : problems) MESSAGE(line);
    CHECK(problems.size() == 4);
    CHECK(any_starts_with(problems, at(lead_line + 1, 1) + "[lead]: unknown key `nmae`; did you mean name?"));
    CHECK(any_starts_with(problems, at(lead_line, 1) + "[lead]: `name` is missing"));
    CHECK(any_starts_with(problems, at(lead_line + 2, 9) + "[lead]: `phone`: "));
    CHECK(any_starts_with(problems, at(lead_line + 3, 9) + "[lead]: `email`: "));

    const std::string unreachable = programme_with("[lead]\nname = \"Fatima\"\n");
    const auto no_contact = problems_in(unreachable);
    REQUIRE(no_contact.size() == 1);
    CHECK(no_contact[0] == at(line_of(unreachable, "[lead]"), 1) +
                               "[lead]: no `phone` and no `email`; give at least one, so ritme can tell the lead "
                               "when a message cannot be delivered");
}

TEST_CASE("[reminders] offsets replace the daemon's; an empty list means none") {
    const Programme p = test::load_valid(programme_with("[reminders]\noffsets = [\"2d@10:00\", \"1h30m\"]\n"));
    REQUIRE(p.reminder_offsets);
    REQUIRE(p.reminder_offsets->size() == 2);
    CHECK((*p.reminder_offsets)[0].days == 2);
    CHECK((*p.reminder_offsets)[1].minutes == 90);

    const Programme none = test::load_valid(programme_with("[reminders]\noffsets = []\n"));
    REQUIRE(none.reminder_offsets);
    CHECK(none.reminder_offsets->empty());
}

TEST_CASE("[reminders] problems are reported at the entry") {
    const std::string toml = programme_with("[reminders]\noffset = [\"2h\"]\n");
    const int line = line_of(toml, "[reminders]");
    const auto typo = problems_in(toml);
    CHECK(any_starts_with(typo, at(line + 1, 1) + "[reminders]: unknown key `offset`; did you mean offsets?"));
    CHECK(any_starts_with(typo, at(line, 1) + "[reminders]: `offsets` is missing"));

    const std::string bad = programme_with("[reminders]\noffsets = [\"1d@18:00\", \"2u\", 3, \"2h\", \"120m\"]\n");
    const int bad_line = line_of(bad, "[reminders]") + 1;
    const auto problems = problems_in(bad);
    for (const auto& line_text : problems) MESSAGE(line_text);
    REQUIRE(problems.size() == 3);
    CHECK(problems[0] == at(bad_line, 24) + "[reminders]: `offsets` entry \"2u\" is not an offset; unknown unit "
                                           "\"u\"; use d (days), h (hours) or m (minutes)");
    CHECK(any_starts_with(problems, at(bad_line, 30) + "[reminders]: `offsets` entry 3 is not an offset"));
    CHECK(problems[2] ==
          at(bad_line, 39) + "[reminders]: `offsets` lists 2h twice; each reminder once: remove one of them");

    const auto not_a_list = problems_in(programme_with("[reminders]\noffsets = \"2h\"\n"));
    REQUIRE(not_a_list.size() == 1);
    CHECK(not_a_list[0].find("`offsets = \"2h\"` is not a list") != std::string::npos);
}

TEST_CASE("the stored record keeps the lead and the reminder offsets") {
    const Programme p = test::load_valid(programme_with(R"(
[lead]
name = "Fatima"
phone = "+31612345678"
[reminders]
offsets = ["1d@18:00", "45m"]
)"));
    const Programme stored = programme_from_record(programme_record(p));
    REQUIRE(stored.lead);
    CHECK(stored.lead->name == "Fatima");
    CHECK(stored.lead->phone == "+31612345678");
    CHECK(stored.lead->email.empty());
    CHECK(stored.reminder_offsets == p.reminder_offsets);
    CHECK(programme_record(stored) == programme_record(p));

    const Programme plain = programme_from_record(programme_record(test::load_valid(programme_with(""))));
    CHECK_FALSE(plain.lead);
    CHECK_FALSE(plain.reminder_offsets);
}

TEST_CASE("a date outside 1970 to 2200 is an error at its key, not an exception") {
    // One key from 2026: Boost.DateTime holds no year before 1400, so this threw bad_year.
    CHECK(problems_in(test::programme_toml("start = 1026-02-02\nregion = \"noord\"")) ==
          std::vector<std::string>{"p.toml:4:9: error: [programme]: `start = 1026-02-02` is outside the dates "
                                   "ritme supports; write a date from 1970-01-01 to 2200-12-31 (check the year for a "
                                   "typo)"});
    CHECK(problems_in(test::programme_toml("start = 2026-02-02\nregion = \"noord\"\nclosed = [0000-01-01]")) ==
          std::vector<std::string>{"p.toml:6:11: error: [programme] closed entry 1: `closed = 0000-01-01` is "
                                   "outside the dates ritme supports; write a date from 1970-01-01 to 2200-12-31 "
                                   "(check the year for a typo)"});
    const auto periods = problems_in(test::programme_toml(
        "start = 2026-02-02\nregion = \"noord\"\nclosed = [{ from = 2026-06-01, to = 9999-12-31 }]"));
    REQUIRE(periods.size() == 1);
    CHECK(periods[0].find("p.toml:6:") == 0);
    CHECK(periods[0].find("`to = 9999-12-31` is outside the dates ritme supports") != std::string::npos);
}

TEST_CASE("an extend-mode track that would run past 9999 is refused at its start") {
    // 104 weeks, extended up to three times as long: Boost's last year was reached.
    const auto problems = problems_in(
        test::programme_toml("start = 9990-01-01\nweeks = 104\non_holiday = \"extend\"\nregion = \"noord\""));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("p.toml:4:9: error: [programme]: `start = 9990-01-01` is outside") == 0);
    // The last supported start still has all its window inside what Boost holds.
    const Programme late = test::load_valid(
        test::programme_toml("start = 2200-12-31\nweeks = 104\non_holiday = \"extend\"\nregion = \"noord\""));
    CHECK(calendar_window_end(late) > make_date(2206, 1, 1));
    CHECK_NOTHROW(test::plan(
        test::programme_toml("start = 2200-12-31\nweeks = 104\non_holiday = \"extend\"\nregion = \"noord\"")));
}

TEST_SUITE_END();
