#include "engine/message/template_preview.hpp"

#include "engine/message/local_dates.hpp"
#include "engine/message/message_facts.hpp"

#include <algorithm>
#include <stdexcept>

namespace ritme {
namespace {

// A tag no template directory is named by, so the renderer falls back to nl and en.
constexpr std::string_view language_without_templates = "und";

constexpr std::string_view long_participant_id = "p-7k2m9q4x8a";
constexpr std::string_view long_alert_reason = "HTTP 400: the recipient's number is not valid (21211)";
constexpr std::string_view long_display_name = "Fatima-Zahra El Amrani";
constexpr std::string_view long_answer = "Ik kan niet komen, mijn zoon is ziek";
constexpr int two_digit_session_number = 40;
constexpr int year_without_start = 2026;  // a programme always has a start; any year holds every weekday and month
constexpr int gsm7_single = 160, gsm7_part = 153, ucs2_single = 70, ucs2_part = 67;

// The languages a row's dates and times are written in.
std::vector<std::string> reading_languages(const std::string& language) {
    if (language == fallback_language) return {"nl", "en"};
    return {language};
}

// The room a text takes in an SMS on its own: septets or UTF-16 units.
int room(const std::string& text) { return measure_sms(text).units; }

// The date of the programme's year whose weekday and month take the most room: a year
// holds every weekday in every month, each with a two-digit day.
Date longest_date(const Programme& programme, const std::vector<std::string>& languages) {
    const int year = programme.start.is_special() ? year_without_start : static_cast<int>(programme.start.year());
    Date longest = make_date(year, 1, 1);
    int most = -1;
    for (Date day = make_date(year, 1, 1); day <= make_date(year, 12, 31); day += boost::gregorian::days(1)) {
        int total = 0;
        for (const auto& language : languages) total += room(format_weekday_date(day, language));
        if (total > most) {
            most = total;
            longest = day;
        }
    }
    return longest;
}

TimeRange longest_time(const Programme& programme, const std::vector<std::string>& languages) {
    TimeRange longest{TimeOfDay::hm(10, 30), TimeOfDay::hm(12, 30)};
    int most = -1;
    for (const Slot& slot : programme.slots) {
        int total = 0;
        for (const auto& language : languages) total += room(format_time(slot.time.start, language));
        if (total > most) {
            most = total;
            longest = slot.time;
        }
    }
    return longest;
}

// Where sessions take place: the slots' locations, or every location when no slot names one.
const Location* longest_location(const Programme& programme) {
    const Location* longest = nullptr;
    int most = -1;
    auto consider = [&](const Location* location) {
        if (!location) return;
        const int total = room(location->name) + room(location->address);
        if (total > most) {
            most = total;
            longest = location;
        }
    };
    for (const Slot& slot : programme.slots) consider(programme.find_location(slot.location));
    if (!longest)
        for (const Location& location : programme.locations) consider(&location);
    return longest;
}

// The values that depend on the reader's language, found once per row.
struct LongValues {
    Date date;
    TimeRange time;
};

LongValues long_values(const Programme& programme, const std::string& language) {
    const auto languages = reading_languages(language);
    return {longest_date(programme, languages), longest_time(programme, languages)};
}

MessageFacts facts_for(const Programme& programme, const std::string& kind, const LongValues& values) {
    MessageFacts facts;
    if (programme.lead) {
        facts.lead_name = first_name_of(programme.lead->name);
        facts.lead_phone = programme.lead->phone;
    }
    if (kind == "alert") {
        facts.kind = DeliveryKind::alert;
        facts.first_name = facts.lead_name;
        facts.alert_participant = long_participant_id;
        facts.alert_reason = long_alert_reason;
        return facts;
    }

    facts.first_name = long_first_name;
    facts.start = {values.date, values.time.start};
    facts.end = values.time.end;
    const Location* location = longest_location(programme);
    if (location) facts.location_address = location->address;
    if (kind == "appointment") {
        facts.kind = DeliveryKind::appointment;
        facts.note = long_travel_note;
        return facts;
    }
    facts.session_number = two_digit_session_number;
    if (location) facts.location_name = location->name;
    constexpr std::string_view confirm_prefix = "confirm-";
    if (kind.rfind(confirm_prefix, 0) == 0) {
        facts.kind = DeliveryKind::confirmation;
        facts.confirmation = kind.substr(confirm_prefix.size());
        return facts;
    }
    if (kind == "answer-alert") {
        facts.kind = DeliveryKind::answer_alert;
        facts.first_name = facts.lead_name;
        facts.answer_from = long_display_name;
        facts.answer_words = long_answer;
        facts.answer_reading = "free_text";
        return facts;
    }
    if (kind == "reminder") {
        facts.kind = DeliveryKind::reminder;
        return facts;
    }
    constexpr std::string_view change_prefix = "change-";
    if (kind.rfind(change_prefix, 0) != 0) throw std::invalid_argument("\"" + kind + "\" is not a message kind");
    facts.kind = DeliveryKind::change;
    facts.change = kind.substr(change_prefix.size());
    if (facts.change == "moved") facts.previous_start = facts.start;
    return facts;
}

std::string quantity(int count, const char* one, const char* many) {
    return std::to_string(count) + " " + (count == 1 ? one : many);
}

}  // namespace

MessageFacts long_facts(const Programme& programme, const std::string& kind, const std::string& language) {
    return facts_for(programme, kind, long_values(programme, language));
}

std::vector<TemplateCost> preview_templates(const MessageRenderer& renderer, const Programme& programme) {
    std::vector<std::string> rows = renderer.languages();
    rows.emplace_back(fallback_language);
    std::vector<TemplateCost> costs;
    for (const std::string& language : rows) {
        const LongValues values = long_values(programme, language);
        const std::string reader =
            language == fallback_language ? std::string(language_without_templates) : language;
        for (const std::string& kind : template_names()) {
            const RenderedMessage message = renderer.render(facts_for(programme, kind, values), reader, Medium::sms);
            costs.push_back({language, kind, message.language, measure_sms(message.text)});
        }
    }
    return costs;
}

int units_in_segments(SmsEncoding encoding, int segments) {
    if (segments <= 0) return 0;
    const bool gsm7 = encoding == SmsEncoding::gsm7;
    if (segments == 1) return gsm7 ? gsm7_single : ucs2_single;
    return segments * (gsm7 ? gsm7_part : ucs2_part);
}

std::optional<Diagnostic> segment_warning(const std::filesystem::path& templates, const std::string& language,
                                          const std::string& kind, const SmsLength& length, const std::string& what) {
    if (length.segments <= max_sms_segments) return std::nullopt;
    const bool fallback = language == fallback_language;
    const std::string file = kind + ".mustache";
    const int room_in_two = units_in_segments(length.encoding, max_sms_segments);
    // A part never splits an escape or a surrogate pair, so a text of exactly that size may still need one unit less.
    const int cut = std::max(1, length.units - room_in_two);

    Diagnostic warning;
    warning.severity = Severity::warning;
    warning.where = SourcePosition{(templates / (fallback ? "nl" : language) / file).string()};
    warning.message = "the " + language + " " + kind + " SMS takes " + std::to_string(length.segments) +
                      " segments: " + std::to_string(length.units) + " " + std::string(name_of(length.encoding)) +
                      " units, where " + std::to_string(max_sms_segments) + " segments hold " +
                      std::to_string(room_in_two);
    if (!what.empty()) warning.message += " (" + what + ")";
    const std::string by = " by " + quantity(cut, "character", "characters") + " or more";
    warning.hint = fallback ? "shorten nl/" + file + " and en/" + file + by +
                                  " together, or add templates in the participants' languages"
                            : "shorten " + language + "/" + file + by;
    if (kind == "appointment")
        warning.hint += ", or the appointment's address or travel note";
    else if (kind != "alert" && kind != "answer-alert")
        warning.hint += ", or the location's name or address";
    return warning;
}

}  // namespace ritme
