#pragma once
// What each message template costs as an SMS for one programme, before anything is sent:
// every template of every language rendered with facts as long as that programme's
// messages get (its locations and addresses, its lead's phone, a long first name, the
// language's longest weekday and month, a long travel note) and measured (messaging.md:
// GSM-7 or UCS-2, units, segments). `ritme check` shows the table; `ritme check` and
// `ritme simulate` warn about every SMS over max_sms_segments.

#include "engine/base/diagnostic.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/programme/programme.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// More segments than this in one SMS is a warning (config/templates/README.md).
inline constexpr int max_sms_segments = 2;

// The row of the languages without templates of their own: the nl text, then the en text.
inline constexpr std::string_view fallback_language = "nl+en";

// The long values the preview puts in every message, beside the programme's own.
inline constexpr std::string_view long_first_name = "Fatima-Zahra";
inline constexpr std::string_view long_travel_note = "Bus 4 of 5 tot halte Stadhuis, ingang achterom";

struct TemplateCost {
    std::string language;       // a template directory's language, or fallback_language
    std::string kind;           // a template name (template_names())
    std::string text_language;  // the text's language: `language`, or "nl+en" where that kind has no template
    SmsLength length;
};

// The facts of a message of `kind` (a template name) for `programme`, as long as they get
// when read in `language` (a BCP 47 tag, or fallback_language): the slot location with the
// longest name and address, the lead's first name and phone when there is a lead, the
// date of the year whose weekday and month take the most room, the slot time that takes
// the most room, a session number of two digits; an appointment at that address with
// long_travel_note; a move from and to that same long date.
MessageFacts long_facts(const Programme& programme, const std::string& kind, const std::string& language);

// Every template of every language the renderer has, then the fallback row, each kind in
// the order of template_names(): rendered as SMS with long_facts and measured.
std::vector<TemplateCost> preview_templates(const MessageRenderer& renderer, const Programme& programme);

// The most units an SMS of that encoding holds in `segments` segments: 160 or 70 alone,
// 153 or 67 per part of a longer one.
int units_in_segments(SmsEncoding encoding, int segments);

// A warning when `length` takes more than max_sms_segments segments, at the template's
// file under `templates`, with the figures and how much to cut; nothing otherwise.
// `what` says whose messages these are ("with long facts for almere-2026", "3 of 68
// messages"); it is added to the message in brackets when not empty.
std::optional<Diagnostic> segment_warning(const std::filesystem::path& templates, const std::string& language,
                                          const std::string& kind, const SmsLength& length,
                                          const std::string& what = {});

}  // namespace ritme
