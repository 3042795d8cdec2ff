#include "engine/http/page_style.hpp"

namespace ritme {
namespace {

// Text #1b1f24 and muted #4d5560 on white, links #0b57a4, the accent #9c3312 and the
// states' dark colours on their light fills are all above 4.5:1.
constexpr std::string_view stylesheet = R"(:root { --ink: #1b1f24; --muted: #4d5560; --line: #c9ced6; --link: #0b57a4;
  --accent: #9c3312; --no: #8a1c12; --no-bg: #fdecea; --yes: #1d5e2c; --yes-bg: #e6f4ea;
  --warn: #7a4205; --warn-bg: #fff3d6; --card: #f6f7f9; --focus: #1a56b3; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 56rem; padding: .75rem; color: var(--ink); background: #fff;
  font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--link); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
h1 { font-size: 1.45em; margin: .25rem 0 .75rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15em; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1em; margin: 1rem 0 .35rem; }
.back { margin: 0 0 .25rem; }
dt { font-weight: 600; }
dd { margin: 0 0 .5rem; }
.muted { color: var(--muted); }
ul.plain { list-style: none; padding: 0; margin: 0; }
ul.plain > li { padding: .35rem 0; border-bottom: 1px solid var(--line); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem;
  margin: .5rem 0 1rem; }
.card h3 { margin-top: .25rem; }
.card h2, .card h4 { font-size: 1em; margin: .75rem 0 .25rem; }
.counts { display: flex; flex-wrap: wrap; gap: .35rem .6rem; padding: 0; margin: .25rem 0; list-style: none; }
.counts li { padding: .1rem .5rem; border-radius: 1rem; background: #fff; border: 1px solid var(--line); }
.said-no { color: var(--no); }
.coming { color: var(--yes); }
.not-reached { color: var(--warn); }
.tag { display: inline-block; padding: 0 .4rem; border-radius: .25rem; font-size: .9em; }
.tag.no { color: var(--no); background: var(--no-bg); }
.tag.yes { color: var(--yes); background: var(--yes-bg); }
.tag.warn { color: var(--warn); background: var(--warn-bg); }
.cancelled { text-decoration: line-through; }
form.inline { display: inline; margin-left: .5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
td.number, th.number { text-align: right; }
.marks { display: flex; flex-wrap: wrap; gap: .35rem; margin: .25rem 0 0; }
.marks form { margin: 0; }
button, input, select, textarea { font: inherit; }
button { min-height: 2.75rem; padding: .4rem .9rem; border: 1px solid var(--ink); border-radius: .35rem;
  background: #fff; color: var(--ink); cursor: pointer; }
button.primary { background: var(--link); border-color: var(--link); color: #fff; }
button[aria-pressed="true"] { background: var(--ink); color: #fff; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input[type="date"], input[type="time"], input[type="text"], select, textarea { min-height: 2.75rem; width: 100%;
  max-width: 24rem; padding: .35rem .5rem; border: 1px solid var(--muted); border-radius: .35rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
.actions a { display: inline-flex; align-items: center; min-height: 2.75rem; padding: 0 .75rem;
  border: 1px solid var(--line); border-radius: .35rem; }
.errors { border: 2px solid var(--no); background: var(--no-bg); padding: .5rem 1rem; border-radius: .35rem; }
.warnings { border: 2px solid var(--warn); background: var(--warn-bg); padding: .5rem 1rem; border-radius: .35rem; }
blockquote { margin: .5rem 0; padding: .5rem .75rem; border-left: 4px solid var(--line); background: var(--card);
  white-space: pre-wrap; overflow-wrap: anywhere; }
.placeholder { border: 1px dashed var(--line); }
@media (min-width: 40rem) {
  body { padding: 1.25rem 1.5rem; }
  dl.columns { display: grid; grid-template-columns: max-content 1fr; gap: 0 1.5rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 12pt; }
  nav, form, .actions, .no-print { display: none !important; }
  a { color: inherit; text-decoration: none; }
  .card { border: none; background: none; padding: 0; }
  th, td { border-bottom: 1px solid #000; }
}
)";

}  // namespace

std::string stylesheet_href() { return std::string(stylesheet_path) + "?v=" + RITME_VERSION; }

HttpAnswer stylesheet_answer() {
    HttpAnswer answer = HttpAnswer::text(200, std::string(stylesheet));
    answer.content_type = "text/css; charset=utf-8";
    answer.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    answer.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return answer;
}

}  // namespace ritme
