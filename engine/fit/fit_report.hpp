#pragma once
// The fit report and the slot suggestions, as a lead reads them in a terminal and as
// JSON (`--format json`). Both carry participants' names: they are for the lead's
// terminal, not for logs.

#include "engine/fit/fit.hpp"
#include "engine/fit/suggest.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ritme {

// Per session only those who cannot come, with why; then a line per participant
// ("attends 31 of 33") with their reasons; then how scarce crèche places were shared;
// then the notes.
std::string render_fit_text(const FitReport& report);

// {"programme": {...}, "travel_margin_minutes", "childcare_places", "childcare_rule",
// "sessions": [every session with "childcare": {"children", "places"} (null without a
// crèche) and "unable": [{"participant", "name", "reasons": [{"kind", "text"}]}]],
// "participants": [...], "totals": {...}, "notes": [...]}
nlohmann::ordered_json fit_report_json(const FitReport& report);

// The top candidates with their figures (the worst off first: it ranks them), the
// current slots and their rank, what differs from the best, who loses sessions under
// them, then the notes.
std::string render_suggestions_text(const Suggestions& suggestions);

// {"programme": {...}, "slots_per_candidate", "slot_length_minutes", "step_minutes",
// "participants", "candidates_evaluated", "top": [...], "current": {...},
// "why": {"summary", "main_reason", "losses": [...]}, "notes": [...]}
nlohmann::ordered_json suggestions_json(const Suggestions& suggestions);

}  // namespace ritme
