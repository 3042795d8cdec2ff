#include "engine/calendar/html_calendar.hpp"

#include "engine/time/weekday.hpp"

#include <mustache.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>
#include <vector>

namespace ritme {
namespace {
namespace g = boost::gregorian;
namespace mu = kainjow::mustache;

// Every {{value}} below is HTML-escaped by Mustache; the template never uses {{{ }}},
// so names and reasons from programme files cannot inject markup.
//
// Mustache looks a name up in the enclosing contexts when the inner one lacks it, so
// every optional part is always set (to false when absent), never left out.
constexpr const char* page_template = R"html(<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{name}} – rooster</title>
<style>
:root { --ink: #1b1f24; --muted: #5b6470; --line: #c9ced6; --accent: #b3401a;
        --school: #d7e8fb; --public: #fbdcc2; --closed: #e6dff3; --outside: #f3f4f6; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem; color: var(--ink); background: #fff;
       font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.5em; margin: 0 0 .1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15em; margin: 1.5rem 0 .5rem; }
.id { margin: 0 0 .75rem; color: var(--muted); font-family: ui-monospace, monospace; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .4rem 1.25rem; margin: 0; }
.facts div { min-width: 0; }
.facts dt { font-size: .8em; color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.today-note { color: var(--accent); font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: .4rem 1.25rem; list-style: none; padding: 0; margin: 0 0 .75rem;
          font-size: .85em; }
.legend li { display: flex; align-items: center; gap: .4rem; }
.swatch { display: inline-block; width: 1.1rem; height: 1.1rem; border: 1px solid var(--line); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
/* Separate borders: collapsed ones vanish from the sticky week column when scrolling. */
table.grid { border-collapse: separate; border-spacing: 0; width: 100%; min-width: 50rem; table-layout: fixed;
             border-top: 1px solid var(--line); border-left: 1px solid var(--line); }
.grid th, .grid td { border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); padding: .3rem .4rem;
                     vertical-align: top; text-align: left; }
.grid thead th { background: #eef0f3; font-size: .85em; text-transform: capitalize; }
.grid thead th.week, .grid tbody th.week { width: 6.5rem; }
.grid tbody th.week { background: #fafafa; font-weight: normal; position: sticky; left: 0; z-index: 1; }
.week-number { display: block; font-weight: 700; }
.monday { font-size: .75em; color: var(--muted); white-space: nowrap; }
.grid td { height: 4.5rem; font-size: .85em; }
.date { font-size: .9em; color: var(--muted); margin-bottom: .2rem; }
.school-holiday { background: var(--school); }
.public-holiday { background: var(--public); }
/* Striped, so own closed days stay apart from school holidays in a grey print too. */
.closed-day { background: repeating-linear-gradient(135deg, var(--closed) 0 .4rem, #d9cfee .4rem .8rem); }
.outside { background: var(--outside); }
.outside .date { color: #6b7480; }
.today { outline: 3px solid var(--accent); outline-offset: -3px; }
.today-label { margin-left: .3rem; padding: 0 .3rem; border-radius: .2rem; background: var(--accent); color: #fff;
               font-size: .8em; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
.closure { margin: 0 0 .2rem; font-weight: 600; overflow-wrap: break-word; }
.session, .skipped { margin: 0 0 .25rem; overflow-wrap: break-word; }
.range { white-space: nowrap; }
.session .location { color: var(--muted); }
.session.cancelled .time { text-decoration: line-through; }
.status { font-style: normal; font-weight: 600; color: var(--accent); }
.planned { color: var(--muted); }
.skipped del { color: var(--muted); }
.problems { list-style: none; padding: 0; margin: 0; }
.problem { margin: 0 0 .5rem; padding: .4rem .6rem; border-left: 4px solid; border-radius: .2rem;
           overflow-wrap: anywhere; }
.problem.error { border-color: #b42318; background: #fdecea; }
.problem.warning { border-color: #a15c07; background: #fff6e0; }
.problem p { margin: .15rem 0 0; }
.severity { display: inline-block; padding: 0 .35rem; border-radius: .2rem; color: #fff; font-size: .75em;
            font-weight: 700; text-transform: uppercase; }
.error .severity { background: #b42318; }
.warning .severity { background: #8a4b06; }
.where { font-size: .8em; color: var(--muted); }
.hint { color: var(--muted); }
@media (min-width: 40rem) {
  .facts .wide { grid-column: span 2; }
}
@media (max-width: 40rem) {
  body { padding: .6rem; font-size: 14px; }
  .grid thead th.week, .grid tbody th.week { width: 5.8rem; }
}
@media print {
  @page { size: A4 portrait; margin: 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 9pt; }
  .scroll { overflow: visible; }
  table.grid { min-width: 0; border-collapse: collapse; border: 0; }
  .grid th, .grid td { border: 1px solid var(--line); }
  .grid thead th.week, .grid tbody th.week { width: 4.5rem; position: static; }
  .grid thead { display: table-header-group; }
  .grid tr, .problem { break-inside: avoid; }
  .grid td { height: auto; }
}
</style>
</head>
<body>
<header>
<h1>{{name}}</h1>
<p class="id">{{id}}</p>
<dl class="facts">
<div><dt>Regio</dt><dd>{{region}}</dd></div>
<div><dt>Tijdzone</dt><dd>{{timezone}}</dd></div>
<div><dt>Bijeenkomsten</dt><dd>{{session_count}} van {{intended_sessions}}</dd></div>
{{#span}}
<div><dt>Eerste bijeenkomst</dt><dd>{{first}}</dd></div>
<div><dt>Laatste bijeenkomst</dt><dd>{{last}}</dd></div>
{{/span}}
{{^span}}
<div><dt>Eerste bijeenkomst</dt><dd>geen</dd></div>
{{/span}}
<div class="wide"><dt>Bij vakantie (on_holiday)</dt><dd><code>{{holiday_mode}}</code>: {{holiday_mode_text}}</dd></div>
<div><dt>Vandaag</dt><dd>{{today}}{{#today_outside}} <span class="today-note">– {{where}}</span>{{/today_outside}}</dd></div>
</dl>
</header>
<main>
<h2>Rooster</h2>
<ul class="legend">
<li><span class="swatch school-holiday"></span>schoolvakantie</li>
<li><span class="swatch public-holiday"></span>feestdag</li>
<li><span class="swatch closed-day"></span>eigen vrije dag</li>
<li><span class="swatch outside"></span>buiten het traject</li>
<li><span class="swatch today"></span>vandaag</li>
<li><del>09:30-11:30</del>&nbsp;vervalt</li>
</ul>
<div class="scroll">
<table class="grid">
<thead><tr><th scope="col" class="week">week</th>{{#columns}}<th scope="col">{{day_name}}</th>{{/columns}}</tr></thead>
<tbody>
{{#weeks}}
<tr>
<th scope="row" class="week"><span class="week-number">{{week_number}}</span><span class="monday">{{monday}}</span></th>
{{#days}}
<td class="{{classes}}" data-date="{{date}}"{{#shading}} title="{{reason}}"{{/shading}}{{#is_today}} aria-current="date"{{/is_today}}>
<div class="date">{{label}}{{#is_today}}<span class="today-label">vandaag</span>{{/is_today}}</div>{{#named}}<p class="closure">{{reason}}</p>{{/named}}{{#sessions}}
<p class="{{session_classes}}"><b class="time">#{{number}} <span class="range">{{time}}</span></b>{{#status}} <em class="status">{{status_name}}</em>{{/status}}{{#planned}} <span class="planned">(gepland {{text}})</span>{{/planned}}<br><span class="location">{{location}}</span></p>{{/sessions}}{{#skipped}}
<p class="skipped"><del>{{slot_time}}</del> vervalt{{#own_reason}}: {{text}}{{/own_reason}}</p>{{/skipped}}
</td>
{{/days}}
</tr>
{{/weeks}}
</tbody>
</table>
</div>
<h2>Problemen</h2>
{{#has_problems}}
<ul class="problems">
{{#problems}}
<li class="problem {{severity}}"><span class="severity">{{severity_name}}</span> <code class="where">{{where}}</code>
<p lang="{{lang}}">{{message}}</p>{{#hint}}<p class="hint" lang="{{lang}}">{{text}}</p>{{/hint}}</li>
{{/problems}}
</ul>
{{/has_problems}}
{{^has_problems}}
<p class="no-problems">Geen problemen.</p>
{{/has_problems}}
</main>
</body>
</html>
)html";

constexpr std::array<std::string_view, 12> dutch_months{"jan", "feb", "mrt", "apr", "mei", "jun",
                                                        "jul", "aug", "sep", "okt", "nov", "dec"};

// "3 feb": the week column already gives the year.
std::string day_and_month(Date date) {
    return std::to_string(date.day().as_number()) + " " + std::string(dutch_months[date.month().as_number() - 1]);
}

// "di 2026-02-03"
std::string weekday_and_date(Date date) {
    return std::string(dutch_abbreviation_of(weekday_of(date))) + " " + iso_date(date);
}

std::string_view class_of(ClosureKind kind) {
    switch (kind) {
        case ClosureKind::school_holiday: return "school-holiday";
        case ClosureKind::public_holiday: return "public-holiday";
        case ClosureKind::closed_day: return "closed-day";
    }
    return "closed-day";
}

// A Mustache section that renders once with `value`, or not at all.
mu::data optional_section(bool present, mu::data value) { return present ? std::move(value) : mu::data(false); }

mu::data text_section(const std::string& text) { return optional_section(!text.empty(), mu::data("text", text)); }

// What became of a session that is no longer simply planned.
std::string dutch_status(SessionStatus status) {
    return status == SessionStatus::cancelled ? "afgelast" : "verplaatst";
}

mu::data session_data(const Programme& programme, const Session& session) {
    mu::data data;
    data.set("number", std::to_string(session.number));
    data.set("time", session.time.str());
    data.set("location", programme.location_name(session.location));
    const bool planned = session.status == SessionStatus::planned;
    data.set("session_classes", planned ? std::string("session") : "session " + std::string(name_of(session.status)));
    data.set("status", optional_section(!planned, mu::data("status_name", dutch_status(session.status))));
    data.set("planned", session.planned ? text_section(weekday_and_date(session.planned->date) + " " +
                                                       session.planned->time.str())
                                        : mu::data(false));
    return data;
}

// The reason of a skipped slot is named by its cell already when the cell's closure
// caused it; it is spelled out here only when it is something else.
mu::data skipped_data(const Programme& programme, const SkippedDate& skipped, const Closure* shading) {
    const auto slot = std::find_if(programme.slots.begin(), programme.slots.end(),
                                   [&](const Slot& s) { return s.number == skipped.slot; });
    mu::data data;
    data.set("slot_time", slot != programme.slots.end() ? slot->time.str() : "slot " + std::to_string(skipped.slot));
    const bool named_by_cell = shading && shading->reason == skipped.reason;
    data.set("own_reason", named_by_cell ? mu::data(false) : text_section(skipped.reason));
    return data;
}

// The weeks of the track as rows of day cells: Monday to Friday, or on to the last
// weekend day a slot or session falls on.
class WeekGrid {
public:
    WeekGrid(const ProgrammeCalendar& plan, Date today)
        : plan_(plan),
          today_(today),
          first_monday_(monday_of(plan.calendar.first_day)),
          last_monday_(monday_of(plan.calendar.last_day)),
          days_shown_(days_shown(plan)) {
        for (const auto& session : plan.calendar.sessions) by_date_[session.date].sessions.push_back(&session);
        for (const auto& skipped : plan.calendar.skipped) by_date_[skipped.date].skipped.push_back(&skipped);
    }

    mu::data columns() const {
        mu::data list{mu::data::type::list};
        for (int i = 0; i < days_shown_; ++i)
            list << mu::data("day_name", std::string(dutch_name_of(all_weekdays[static_cast<size_t>(i)])));
        return list;
    }

    mu::data weeks() const {
        mu::data list{mu::data::type::list};
        for (Date monday = first_monday_; monday <= last_monday_; monday += g::days(7)) list << week(monday);
        return list;
    }

    // Why `date` has no cell, for the header; empty when it has one.
    std::string why_not_shown(Date date) const {
        if (date < first_monday_) return "voor het traject";
        if (date > last_monday_ + g::days(6)) return "na het traject";
        if (index_of(weekday_of(date)) >= days_shown_) return "in het weekend, niet in het rooster";
        return {};
    }

private:
    struct DayItems {
        std::vector<const Session*> sessions;
        std::vector<const SkippedDate*> skipped;
    };

    static int days_shown(const ProgrammeCalendar& plan) {
        int last = index_of(Weekday::friday);
        for (const auto& slot : plan.programme.slots) last = std::max(last, index_of(slot.day));
        // A moved session may leave its slot's day; it must not drop out of the grid.
        for (const auto& session : plan.calendar.sessions) last = std::max(last, index_of(session.weekday()));
        return last + 1;
    }

    bool in_track(Date date) const { return date >= plan_.calendar.first_day && date <= plan_.calendar.last_day; }

    // The closure calendar reaches past the end of an extended track; only days of the
    // track itself are shaded.
    const Closure* shading_on(Date date) const { return in_track(date) ? plan_.closures->closure_on(date) : nullptr; }

    static bool same_closure(const Closure* a, const Closure* b) {
        return a && b && a->kind == b->kind && a->reason == b->reason;
    }

    mu::data week(Date monday) const {
        mu::data days{mu::data::type::list};
        const Closure* previous = nullptr;
        for (int i = 0; i < days_shown_; ++i) {
            const Date date = monday + g::days(i);
            const Closure* shading = shading_on(date);
            // A closure is named once per row, on its first day there, so a holiday week
            // does not repeat its name in every cell.
            days << day(date, shading, !same_closure(shading, previous));
            previous = shading;
        }
        mu::data data;
        data.set("week_number", std::to_string(monday.week_number()));
        data.set("monday", iso_date(monday));
        data.set("days", days);
        return data;
    }

    mu::data day(Date date, const Closure* shading, bool name_closure) const {
        std::string classes = "day";
        if (!in_track(date)) classes += " outside";
        if (shading) classes += " " + std::string(class_of(shading->kind));
        if (date == today_) classes += " today";

        mu::data sessions{mu::data::type::list};
        mu::data skipped{mu::data::type::list};
        if (const auto found = by_date_.find(date); found != by_date_.end()) {
            for (const Session* session : found->second.sessions) sessions << session_data(plan_.programme, *session);
            for (const SkippedDate* s : found->second.skipped) skipped << skipped_data(plan_.programme, *s, shading);
        }

        const mu::data reason = shading ? mu::data("reason", shading->reason) : mu::data(false);
        mu::data data;
        data.set("date", iso_date(date));
        data.set("label", day_and_month(date));
        data.set("classes", classes);
        data.set("is_today", date == today_);
        data.set("shading", reason);
        data.set("named", name_closure ? reason : mu::data(false));
        data.set("sessions", sessions);
        data.set("skipped", skipped);
        return data;
    }

    const ProgrammeCalendar& plan_;
    Date today_;
    Date first_monday_;
    Date last_monday_;
    int days_shown_;
    std::map<Date, DayItems> by_date_;
};

std::string holiday_mode_text(const Programme& programme, int intended_sessions) {
    if (programme.on_holiday == HolidayMode::skip)
        return "bijeenkomsten op vrije dagen vervallen; het traject blijft " + std::to_string(programme.weeks) +
               " weken";
    return "vervallen bijeenkomsten komen aan het eind erbij; het traject houdt " +
           std::to_string(intended_sessions) + " bijeenkomsten";
}

void set_header(mu::data& page, const ProgrammeCalendar& plan, const WeekGrid& grid, Date today) {
    const Programme& programme = plan.programme;
    const auto& sessions = plan.calendar.sessions;
    page.set("name", programme.name);
    page.set("id", programme.id);
    page.set("region", std::string(name_of(programme.closures.region)));
    page.set("timezone", programme.timezone);
    page.set("session_count", std::to_string(sessions.size()));
    page.set("intended_sessions", std::to_string(plan.calendar.intended_sessions));
    mu::data span;
    if (!sessions.empty()) {
        span.set("first", weekday_and_date(sessions.front().date));
        span.set("last", weekday_and_date(sessions.back().date));
    }
    page.set("span", optional_section(!sessions.empty(), span));
    page.set("holiday_mode", std::string(name_of(programme.on_holiday)));
    page.set("holiday_mode_text", holiday_mode_text(programme, plan.calendar.intended_sessions));
    page.set("today", weekday_and_date(today));
    const std::string outside = grid.why_not_shown(today);
    page.set("today_outside", optional_section(!outside.empty(), mu::data("where", outside)));
}

void set_problems(mu::data& page, const Diagnostics& problems, Language language) {
    mu::data list{mu::data::type::list};
    for (const auto& problem : problems.items()) {
        mu::data item;
        item.set("severity", std::string(name_of(problem.severity)));
        item.set("severity_name", std::string(problem.severity == Severity::error ? "fout" : "waarschuwing"));
        item.set("where", problem.where.str());
        // A check's problems are phrases, said in the reader's language; the programme
        // file's own diagnostics are English.
        item.set("lang", std::string(problem.message_phrase ? tag_of(language) : "en"));
        item.set("message", problem.message_in(language));
        item.set("hint", text_section(problem.hint_in(language)));
        list << item;
    }
    page.set("has_problems", !problems.empty());
    page.set("problems", list);
}

}  // namespace

std::string render_html_calendar(const ProgrammeCalendar& plan, Date today, Language problems_language) {
    const WeekGrid grid(plan, today);
    mu::data page;
    set_header(page, plan, grid, today);
    page.set("columns", grid.columns());
    page.set("weeks", grid.weeks());
    set_problems(page, plan.problems, problems_language);

    mu::mustache tmpl{page_template};
    std::string html = tmpl.render(page);
    // The template is fixed, so an error here is a bug in it, not bad input.
    if (!tmpl.is_valid()) throw std::logic_error("html calendar template: " + tmpl.error_message());
    return html;
}

}  // namespace ritme
