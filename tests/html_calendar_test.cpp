#include "engine/calendar/html_calendar.hpp"
#include "engine/time/weekday.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>
#include <string>
#include <vector>

TEST_SUITE_BEGIN("html_calendar");

namespace {
using namespace ritme;
namespace g = boost::gregorian;

size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

// What the page must show for `text`: Mustache escapes these five characters.
std::string escaped(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

// What a reader sees of `html`: the text between the tags.
std::string text_of(const std::string& html) {
    std::string text;
    bool in_tag = false;
    for (char c : html) {
        if (c == '<' || c == '>') in_tag = c == '<';
        else if (!in_tag) text += c;
    }
    return text;
}

// The element of kind `tag` around position `at` of `html`, from its opening tag to its
// closing one.
std::string element_around(const std::string& html, size_t at, const std::string& tag) {
    const auto begin = html.rfind("<" + tag, at);
    const auto end = html.find("</" + tag + ">", at);
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    return html.substr(begin, end + tag.size() + 3 - begin);
}

std::string cell(const std::string& html, Date date) {
    const auto at = html.find("data-date=\"" + iso_date(date) + "\"");
    return at == std::string::npos ? std::string() : element_around(html, at, "td");
}

std::string row(const std::string& html, Date date) {
    const auto at = html.find("data-date=\"" + iso_date(date) + "\"");
    REQUIRE(at != std::string::npos);
    return element_around(html, at, "tr");
}

// The classes of the first tag in `element`.
std::set<std::string> classes_of(const std::string& element) {
    const auto begin = element.find("class=\"");
    if (begin == std::string::npos || begin > element.find('>')) return {};
    const auto end = element.find('"', begin + 7);
    std::istringstream words(element.substr(begin + 7, end - begin - 7));
    std::set<std::string> classes;
    for (std::string word; words >> word;) classes.insert(word);
    return classes;
}

// Every day cell of the grid, in page order.
std::vector<std::string> cells(const std::string& html) {
    std::vector<std::string> all;
    for (auto at = html.find("<td"); at != std::string::npos; at = html.find("<td", at + 3))
        all.push_back(element_around(html, at + 1, "td"));
    return all;
}

std::string date_of(const std::string& cell) {
    const auto begin = cell.find("data-date=\"") + 11;
    return cell.substr(begin, cell.find('"', begin) - begin);
}

std::vector<std::string> cells_with_class(const std::string& html, const std::string& name) {
    std::vector<std::string> found;
    for (const auto& c : cells(html))
        if (classes_of(c).count(name)) found.push_back(c);
    return found;
}

ProgrammeCalendar noord_2026(const std::string& extra_keys = "on_holiday = \"skip\"") {
    return test::plan(test::programme_toml("start = 2026-02-02\nweeks = 20\nregion = \"noord\"\n" + extra_keys));
}

const Date some_thursday = make_date(2026, 3, 5);

}  // namespace

TEST_CASE("every session appears exactly once, in the cell of its date") {
    const auto plan = noord_2026();
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    REQUIRE(plan.calendar.sessions.size() > 20);
    for (const auto& session : plan.calendar.sessions) {
        CAPTURE(session.number);
        const std::string label = "#" + std::to_string(session.number) + " " + session.time.str();
        CHECK(count(text_of(html), label) == 1);
        const std::string day = cell(html, session.date);
        CHECK(text_of(day).find(label) != std::string::npos);
        CHECK(day.find(escaped(plan.programme.find_location(session.location)->name)) != std::string::npos);
    }
}

TEST_CASE("skipped dates are struck through in their cell") {
    const auto plan = noord_2026();
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    REQUIRE(!plan.calendar.skipped.empty());
    size_t struck = 0;
    for (const auto& day : cells(html)) struck += count(day, "<del>");
    CHECK(struck == plan.calendar.skipped.size());
    for (const auto& skipped : plan.calendar.skipped) {
        CAPTURE(iso_date(skipped.date));
        const Slot& slot = plan.programme.slots.at(static_cast<size_t>(skipped.slot - 1));
        CHECK(cell(html, skipped.date).find("<del>" + slot.time.str() + "</del>") != std::string::npos);
    }
}

TEST_CASE("a skipped date names its reason when its cell does not") {
    auto plan = noord_2026();
    SkippedDate& skipped = plan.calendar.skipped.front();
    skipped.reason = "verplaatst naar de <avond>";
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    CHECK(cell(html, skipped.date).find("vervalt: " + escaped(skipped.reason)) != std::string::npos);
}

TEST_CASE("a school holiday is shaded on every day and named once in its week row") {
    const auto plan = noord_2026();
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    const Date tuesday = make_date(2026, 2, 24);
    const Closure* closure = plan.closures->closure_on(tuesday);
    REQUIRE(closure);
    REQUIRE(closure->kind == ClosureKind::school_holiday);

    const std::string day = cell(html, tuesday);
    CHECK(classes_of(day).count("school-holiday"));
    CHECK(day.find(escaped(closure->reason)) != std::string::npos);

    const std::string week = row(html, tuesday);
    CHECK(count(week, "class=\"closure\">" + escaped(closure->reason) + "<") == 1);
    // The skipped slots of that week do not repeat it; only the tooltips do.
    CHECK(count(week, escaped(closure->reason)) - count(week, "title=\"" + escaped(closure->reason)) == 1);
    for (Date d = monday_of(tuesday); d <= monday_of(tuesday) + g::days(4); d += g::days(1)) {
        CAPTURE(iso_date(d));
        REQUIRE(plan.closures->closure_on(d) == closure);
        CHECK(classes_of(cell(html, d)).count("school-holiday"));
    }
}

TEST_CASE("public holidays and the programme's own closed days have their own shading") {
    const auto plan = noord_2026(
        "on_holiday = \"skip\"\nclosed = [{ from = 2026-06-01, to = 2026-06-02, reason = \"studiedagen\" }]");
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);

    const Date liberation_day = make_date(2026, 5, 5);
    REQUIRE(plan.closures->closure_on(liberation_day));
    REQUIRE(plan.closures->closure_on(liberation_day)->kind == ClosureKind::public_holiday);
    const auto holiday_classes = classes_of(cell(html, liberation_day));
    CHECK(holiday_classes.count("public-holiday"));
    CHECK_FALSE(holiday_classes.count("school-holiday"));
    CHECK(cell(html, liberation_day).find(plan.closures->closure_on(liberation_day)->reason) != std::string::npos);

    const Date study_day = make_date(2026, 6, 2);
    REQUIRE(plan.closures->closure_on(study_day));
    REQUIRE(plan.closures->closure_on(study_day)->kind == ClosureKind::closed_day);
    const auto closed_classes = classes_of(cell(html, study_day));
    CHECK(closed_classes.count("closed-day"));
    CHECK_FALSE(closed_classes.count("public-holiday"));

    const Date open_day = make_date(2026, 3, 3);
    REQUIRE_FALSE(plan.closures->closure_on(open_day));
    CHECK(classes_of(cell(html, open_day)) == std::set<std::string>{"day"});
}

TEST_CASE("exactly one cell is marked today, the date passed in") {
    const auto plan = noord_2026();
    // A session day, a school-holiday day, and the first day of the track.
    for (const Date today : {some_thursday, make_date(2026, 2, 25), plan.calendar.first_day}) {
        CAPTURE(iso_date(today));
        const std::string html = render_html_calendar(plan, today, Language::nl);
        const auto marked = cells_with_class(html, "today");
        REQUIRE(marked.size() == 1);
        CHECK(date_of(marked.front()) == iso_date(today));
        CHECK(marked.front().find("vandaag") != std::string::npos);
        CHECK(html.find("na het traject") == std::string::npos);
    }
}

TEST_CASE("today outside the grid is said in the header") {
    const auto plan = noord_2026();
    struct Case {
        Date today;
        std::string note;
    };
    const Date saturday_in_track = monday_of(some_thursday) + g::days(5);
    for (const auto& c : {Case{make_date(2026, 11, 22), "na het traject"},
                          Case{monday_of(plan.calendar.first_day) - g::days(1), "voor het traject"},
                          Case{saturday_in_track, "in het weekend"}}) {
        CAPTURE(iso_date(c.today));
        const std::string html = render_html_calendar(plan, c.today, Language::nl);
        CHECK(cells_with_class(html, "today").empty());
        const std::string header = html.substr(0, html.find("</header>"));
        CHECK(header.find(iso_date(c.today)) != std::string::npos);
        CHECK(header.find(c.note) != std::string::npos);
    }
}

TEST_CASE("the grid runs Monday to Friday from the week of the first day to the week of the last") {
    // Starts on a Wednesday: Monday and Tuesday of that week are outside the track.
    const auto plan = test::plan(test::programme_toml("start = 2026-02-04\nweeks = 20\nregion = \"noord\""));
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    const Date first_monday = monday_of(plan.calendar.first_day);
    const long weeks = (monday_of(plan.calendar.last_day) - first_monday).days() / 7 + 1;

    const auto all = cells(html);
    REQUIRE(all.size() == static_cast<size_t>(weeks * 5));
    CHECK(date_of(all.front()) == iso_date(first_monday));
    CHECK(date_of(all.back()) == iso_date(monday_of(plan.calendar.last_day) + g::days(4)));
    CHECK(count(html, "<tr>") == static_cast<size_t>(weeks) + 1);  // and the column heads
    CHECK(html.find("zaterdag") == std::string::npos);

    CHECK(classes_of(cell(html, first_monday)).count("outside"));
    CHECK_FALSE(classes_of(cell(html, plan.calendar.first_day)).count("outside"));
    CHECK(cell(html, first_monday + g::days(5)).empty());  // no Saturday column
}

TEST_CASE("a weekend slot adds the weekend columns up to its day") {
    const auto plan = test::plan(test::programme_toml("start = 2026-02-02\nweeks = 4\nregion = \"noord\"", R"(
[location.schakel]
name = "Wijkcentrum De Schakel"

[[slot]]
day = "saturday"
start = "10:00"
end = "12:00"
)"));
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    const Date first_monday = monday_of(plan.calendar.first_day);
    CHECK(html.find(">zaterdag<") != std::string::npos);
    CHECK(html.find(">zondag<") == std::string::npos);
    CHECK(cells(html).size() == 4 * 6);
    CHECK(text_of(cell(html, first_monday + g::days(5))).find("#1 10:00-12:00") != std::string::npos);
    CHECK(cell(html, first_monday + g::days(6)).empty());
}

TEST_CASE("an extended track is shaded only up to its last session") {
    const auto plan = noord_2026("on_holiday = \"extend\"");
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    const Date last = plan.calendar.last_day;
    REQUIRE(last == plan.calendar.sessions.back().date);
    for (Date d = last + g::days(1); d <= monday_of(last) + g::days(4); d += g::days(1)) {
        CAPTURE(iso_date(d));
        CHECK(classes_of(cell(html, d)) == std::set<std::string>{"day", "outside"});
    }
}

TEST_CASE("text from the programme file is escaped") {
    const std::string name = R"(<script>alert("x")</script> & 'co')";
    const auto plan = test::plan(R"([programme]
id = "escape"
name = "<script>alert(\"x\")</script> & 'co'"
start = 2026-02-02
weeks = 2
region = "noord"
closed = [{ from = 2026-02-03, to = 2026-02-03, reason = "<b>dicht</b>" }]

[location.schakel]
name = "De <i>Schakel</i>"

[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)");
    REQUIRE(plan.programme.name == name);
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<b>dicht") == std::string::npos);
    CHECK(html.find("<i>") == std::string::npos);
    CHECK(count(html, escaped(name)) >= 2);  // title and heading
    CHECK(cell(html, make_date(2026, 2, 3)).find(escaped("<b>dicht</b>")) != std::string::npos);
    CHECK(cell(html, make_date(2026, 2, 5)).find(escaped("De <i>Schakel</i>")) != std::string::npos);
}

TEST_CASE("problems are listed with where they are, errors apart from warnings") {
    auto plan = noord_2026();
    plan.problems.error({"programme.toml", 12, 7}, "slot 1: `day = \"<tuesday>\"` & more", "write a weekday");
    plan.problems.warning({"programme.toml", 0, 0}, "a warning without a line");
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    for (const auto& problem : plan.problems.items()) {
        CAPTURE(problem.str());
        const auto at = html.find(">" + escaped(problem.where.str()) + "<");
        REQUIRE(at != std::string::npos);
        const std::string item = element_around(html, at, "li");
        CHECK(classes_of(item).count(std::string(name_of(problem.severity))));
        CHECK(item.find(escaped(problem.message_in(Language::nl))) != std::string::npos);
        CHECK(item.find(escaped(problem.hint_in(Language::nl))) != std::string::npos);
    }
    CHECK(count(html, "class=\"problem error\"") == static_cast<size_t>(plan.problems.error_count()));
    CHECK(count(html, "class=\"problem warning\"") == static_cast<size_t>(plan.problems.warning_count()));
    CHECK(html.find("Geen problemen") == std::string::npos);
}

TEST_CASE("a plan without problems says so") {
    auto plan = noord_2026();
    plan.problems = Diagnostics{};
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    CHECK(html.find("Geen problemen") != std::string::npos);
    CHECK(html.find("class=\"problem ") == std::string::npos);
}

TEST_CASE("a cancelled session is marked as such") {
    auto plan = noord_2026();
    Session& session = plan.calendar.sessions.at(4);
    session.status = SessionStatus::cancelled;
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    const std::string day = cell(html, session.date);
    CHECK(day.find("class=\"session cancelled\"") != std::string::npos);
    CHECK(day.find("afgelast") != std::string::npos);
    CHECK(count(html, "afgelast") == 1);
}

TEST_CASE("the header names the programme and its numbers") {
    const auto plan = noord_2026();
    const std::string html = render_html_calendar(plan, some_thursday, Language::nl);
    const std::string header = html.substr(0, html.find("</header>"));
    CHECK(header.find(">" + plan.programme.id + "<") != std::string::npos);
    CHECK(header.find(">noord<") != std::string::npos);
    CHECK(header.find(">" + plan.programme.timezone + "<") != std::string::npos);
    CHECK(header.find(std::to_string(plan.calendar.sessions.size()) + " van " +
                      std::to_string(plan.calendar.intended_sessions)) != std::string::npos);
    CHECK(header.find(iso_date(plan.calendar.sessions.front().date)) != std::string::npos);
    CHECK(header.find(iso_date(plan.calendar.sessions.back().date)) != std::string::npos);
    CHECK(header.find("<code>skip</code>") != std::string::npos);
}

TEST_CASE("the page stands alone and prints") {
    const std::string html = render_html_calendar(noord_2026(), some_thursday, Language::nl);
    CHECK(html.rfind("<!doctype html>", 0) == 0);
    CHECK(html.find("<html lang=\"nl\">") != std::string::npos);
    CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
    CHECK(html.find("@media print") != std::string::npos);
    for (const char* external : {"<script", "<link", "src=", "http:", "https:", "url("}) {
        CAPTURE(external);
        CHECK(html.find(external) == std::string::npos);
    }
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("html_calendar");

TEST_CASE("the calendar's problems in the reader's language: Dutch for a Dutch reader, English for an English one") {
    // A Tuesday slot from 08:00: before school hours, so the children cannot be brought.
    const auto plan = test::plan(test::programme_toml("start = 2026-02-02\nregion = \"noord\"", R"(
[location.schakel]
name = "Wijkcentrum De Schakel"

[[slot]]
day = "tuesday"
start = "08:00"
end = "10:00"
)"));
    const auto found = std::find_if(plan.problems.items().begin(), plan.problems.items().end(),
                                    [](const Diagnostic& d) {
                                        return d.message_phrase && d.message.find("too early") != std::string::npos;
                                    });
    REQUIRE(found != plan.problems.items().end());
    const Diagnostic& problem = *found;
    const std::string dutch_message = problem.message_in(Language::nl);
    REQUIRE(dutch_message != problem.message);
    CHECK(dutch_message.find("dinsdag") != std::string::npos);  // the weekday is said in Dutch too
    CHECK(dutch_message.find("tuesday") == std::string::npos);

    const std::string dutch = render_html_calendar(plan, some_thursday, Language::nl);
    CHECK(dutch.find("<p lang=\"nl\">" + escaped(dutch_message) + "</p>") != std::string::npos);
    CHECK(dutch.find(escaped(problem.hint_in(Language::nl))) != std::string::npos);
    CHECK(dutch.find(escaped(problem.message)) == std::string::npos);

    const std::string english = render_html_calendar(plan, some_thursday, Language::en);
    CHECK(english.find("<p lang=\"en\">" + escaped(problem.message) + "</p>") != std::string::npos);
    CHECK(english.find(escaped(dutch_message)) == std::string::npos);
}

TEST_SUITE_END();
