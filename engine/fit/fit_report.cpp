#include "engine/fit/fit_report.hpp"

#include "engine/base/text.hpp"
#include "engine/base/utf8.hpp"

#include <algorithm>
#include <array>
#include <sstream>

namespace ritme {
namespace {

// Terminal columns of UTF-8 text, counted as code points: close enough for names in
// Latin, Cyrillic, Arabic or Ge'ez script, which take one column per letter.
size_t columns(const std::string& text) { return count_code_points(text); }

std::string pad_right(const std::string& text, size_t width) {
    const size_t used = columns(text);
    return used >= width ? text : text + std::string(width - used, ' ');
}

std::string pad_left(const std::string& text, size_t width) {
    const size_t used = columns(text);
    return used >= width ? text : std::string(width - used, ' ') + text;
}

std::string short_weekday(Date date) { return std::string(english_abbreviation_of(weekday_of(date))); }

std::string person(const std::string& name, const std::string& id) { return name + " (" + id + ")"; }

std::string reasons_text(const std::vector<Obstacle>& reasons) {
    std::string text;
    for (const auto& r : reasons) text += (text.empty() ? "" : "; ") + r.text;
    return text;
}

nlohmann::ordered_json slots_json(const std::vector<Slot>& slots) {
    auto list = nlohmann::ordered_json::array();
    for (const Slot& slot : slots)
        list.push_back({{"day", name_of(slot.day)}, {"start", slot.time.start.str()}, {"end", slot.time.end.str()}});
    return list;
}

nlohmann::ordered_json candidate_json(const CandidateFigures& c) {
    return {{"rank", c.rank},
            {"slots", slots_json(c.slots)},
            {"label", c.label()},
            {"sessions", c.sessions},
            {"intended_sessions", c.intended_sessions},
            {"attendable", c.attendable_sum},
            {"possible", c.possible_sum},
            {"worst_off", c.worst_off},
            {"holiday_losses", c.holiday_losses}};
}

}  // namespace

std::string render_fit_text(const FitReport& report) {
    std::ostringstream out;
    const int sessions = static_cast<int>(report.sessions.size());
    const int people = static_cast<int>(report.participants.size());
    out << report.programme_name << " (" << report.programme_id << ")\n";
    out << counted(sessions, "session", "sessions") << ", " << counted(people, "participant", "participants")
        << ", travel margin " << format_duration_minutes(report.travel_margin_minutes);
    if (report.childcare_places)
        out << ", crèche " << counted(*report.childcare_places, "place", "places");
    else
        out << ", no crèche";
    out << "\n";
    if (people > 0)
        out << "attendances: " << thousands(report.attendable_sum) << " of " << thousands(report.possible_sum)
            << "; worst off: " << report.worst_off << " of " << sessions << " ("
            << counted(report.worst_off_count, "participant", "participants") << ")\n";

    int with_absentees = 0;
    for (const auto& session : report.sessions)
        if (!session.unable.empty()) ++with_absentees;
    out << "\n";
    if (people == 0) {
        out << "No participants.\n";
    } else if (with_absentees == 0) {
        out << "Everyone can come to every session.\n";
    } else {
        out << "Who cannot come\n";
        const std::string indent(8, ' ');
        for (const auto& session : report.sessions) {
            if (session.unable.empty()) continue;
            out << "  " << pad_left("#" + std::to_string(session.number), 4) << "  " << short_weekday(session.date)
                << " " << iso_date(session.date) << "  " << session.time.str() << "\n";
            for (const auto& absentee : session.unable)
                out << indent << person(absentee.name, absentee.participant_id) << ": "
                    << reasons_text(absentee.reasons) << "\n";
        }
        if (with_absentees < sessions)
            out << "Everyone can come to the other " << counted(sessions - with_absentees, "session", "sessions")
                << ".\n";
    }

    if (people > 0) {
        out << "\nPer participant\n";
        size_t width = 0;
        for (const auto& p : report.participants) width = std::max(width, columns(person(p.name, p.id)));
        const size_t count_width = std::to_string(sessions).size();
        for (const auto& p : report.participants) {
            out << "  " << pad_right(person(p.name, p.id), width) << "  attends "
                << pad_left(std::to_string(p.attendable), count_width) << " of " << p.total;
            std::string reasons;
            for (const auto& r : p.reasons)
                reasons += (reasons.empty() ? "" : ", ") + r.reason + " (" + std::to_string(r.sessions) + ")";
            if (!reasons.empty()) out << "  not: " << reasons;
            out << "\n";
        }
    }

    if (report.short_sessions > 0)
        out << "\nCrèche places\n  short at " << counted(report.short_sessions, "session", "sessions") << "; "
            << creche_rule << ".\n";

    if (!report.notes.empty()) {
        out << "\nNotes\n";
        for (const auto& note : report.notes) out << "  " << note << "\n";
    }
    return out.str();
}

nlohmann::ordered_json fit_report_json(const FitReport& report) {
    auto sessions = nlohmann::ordered_json::array();
    for (const auto& session : report.sessions) {
        auto unable = nlohmann::ordered_json::array();
        for (const auto& absentee : session.unable) {
            auto reasons = nlohmann::ordered_json::array();
            for (const auto& r : absentee.reasons) reasons.push_back({{"kind", name_of(r.kind)}, {"text", r.text}});
            unable.push_back({{"participant", absentee.participant_id}, {"name", absentee.name}, {"reasons", reasons}});
        }
        sessions.push_back({{"number", session.number},
                            {"date", iso_date(session.date)},
                            {"weekday", name_of(weekday_of(session.date))},
                            {"start", session.time.start.str()},
                            {"end", session.time.end.str()},
                            {"childcare", session.creche ? nlohmann::ordered_json{{"children", session.creche->children},
                                                                                  {"places", session.creche->places}}
                                                         : nlohmann::ordered_json(nullptr)},
                            {"unable", unable}});
    }
    auto participants = nlohmann::ordered_json::array();
    for (const auto& p : report.participants) {
        auto reasons = nlohmann::ordered_json::array();
        for (const auto& r : p.reasons)
            reasons.push_back({{"kind", name_of(r.kind)}, {"text", r.reason}, {"sessions", r.sessions}});
        participants.push_back({{"id", p.id},
                                {"name", p.name},
                                {"children_in_care", p.children_in_care},
                                {"school_calendar", p.school_calendar},
                                {"attendable", p.attendable},
                                {"total", p.total},
                                {"reasons", reasons}});
    }
    nlohmann::ordered_json out;
    out["programme"] = {{"id", report.programme_id}, {"name", report.programme_name}};
    out["travel_margin_minutes"] = report.travel_margin_minutes;
    out["childcare_places"] = report.childcare_places ? nlohmann::ordered_json(*report.childcare_places) : nullptr;
    out["childcare_rule"] = report.childcare_places ? nlohmann::ordered_json(std::string(creche_rule)) : nullptr;
    out["sessions"] = sessions;
    out["participants"] = participants;
    out["totals"] = {{"sessions", report.sessions.size()},
                     {"participants", report.participants.size()},
                     {"attendable", report.attendable_sum},
                     {"possible", report.possible_sum},
                     {"worst_off", report.worst_off},
                     {"worst_off_participants", report.worst_off_count},
                     {"childcare_short_sessions", report.short_sessions}};
    out["notes"] = report.notes;
    return out;
}

std::string render_suggestions_text(const Suggestions& s) {
    std::ostringstream out;
    const char* shape = s.slots_per_candidate == 1 ? "single slots" : s.slots_per_candidate == 2 ? "pairs" : "sets";
    out << "Slots for " << s.programme_name << " (" << s.programme_id << ")\n";
    out << thousands(s.candidates_evaluated) << " candidate " << shape << " of "
        << format_duration_minutes(s.slot_length_minutes) << " slots, every " << format_duration_minutes(s.step_minutes)
        << "; " << counted(s.participants, "participant", "participants") << "\n\n";

    // One table: the top candidates, then the current slots.
    std::vector<std::array<std::string, 5>> rows;
    // Worst off first: it ranks them (maximin on the share of sessions each can attend).
    rows.push_back({"rank", "slots", "worst off", "attendances", "lost to holidays"});
    auto row_of = [](const std::string& rank, const CandidateFigures& c) {
        return std::array<std::string, 5>{rank, c.label(),
                                          std::to_string(c.worst_off) + " of " + std::to_string(c.sessions),
                                          thousands(c.attendable_sum) + " of " + thousands(c.possible_sum),
                                          std::to_string(c.holiday_losses)};
    };
    for (const auto& c : s.top) rows.push_back(row_of(std::to_string(c.rank), c));
    const size_t current_row = rows.size();
    rows.push_back(row_of(std::to_string(s.current.rank), s.current));
    std::array<size_t, 5> width{};
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], columns(row[i]));
    for (size_t r = 0; r < rows.size(); ++r) {
        const auto& row = rows[r];
        if (r == current_row) out << "current slots:\n";
        out << "  " << pad_left(row[0], width[0]) << "  " << pad_right(row[1], width[1]) << "  "
            << pad_left(row[2], width[2]) << "  " << pad_left(row[3], width[3]) << "  " << pad_left(row[4], width[4])
            << "\n";
    }
    if (!s.current_is_candidate)
        out << "  (the current slots are not among the candidates: "
            << (s.current_outside.empty() ? std::string("another length, day or start than the step grid gives")
                                          : "outside the window")
            << ")\n";

    out << "\nRanked by the share of sessions each participant can attend, the worst off first, then the "
           "next-worst, and so on.\n"
        << s.why.summary << "\n";
    if (!s.why.losses.empty()) {
        out << "\nAttend fewer sessions under the current slots\n";
        size_t width_name = 0;
        for (const auto& l : s.why.losses) width_name = std::max(width_name, columns(person(l.name, l.participant_id)));
        for (const auto& l : s.why.losses) {
            out << "  " << pad_right(person(l.name, l.participant_id), width_name) << "  " << l.current << " instead of "
                << l.best;
            if (!l.main_reason.empty()) out << "  (" << l.main_reason << ")";
            out << "\n";
        }
    }
    if (!s.notes.empty()) {
        out << "\nNotes\n";
        for (const auto& note : s.notes) out << "  " << note << "\n";
    }
    return out.str();
}

nlohmann::ordered_json suggestions_json(const Suggestions& s) {
    auto top = nlohmann::ordered_json::array();
    for (const auto& c : s.top) top.push_back(candidate_json(c));
    nlohmann::ordered_json current = candidate_json(s.current);
    current["is_candidate"] = s.current_is_candidate;
    current["outside_window"] = s.current_outside;
    auto losses = nlohmann::ordered_json::array();
    for (const auto& l : s.why.losses)
        losses.push_back({{"participant", l.participant_id},
                          {"name", l.name},
                          {"current", l.current},
                          {"best", l.best},
                          {"sessions_lost", l.sessions_lost()},
                          {"main_reason", l.main_reason}});
    nlohmann::ordered_json out;
    out["programme"] = {{"id", s.programme_id}, {"name", s.programme_name}};
    out["slots_per_candidate"] = s.slots_per_candidate;
    out["slot_length_minutes"] = s.slot_length_minutes;
    out["step_minutes"] = s.step_minutes;
    out["participants"] = s.participants;
    out["candidates_evaluated"] = s.candidates_evaluated;
    out["top"] = top;
    out["current"] = current;
    out["why"] = {{"summary", s.why.summary}, {"main_reason", s.why.main_reason}, {"losses", losses}};
    out["notes"] = s.notes;
    return out;
}

}  // namespace ritme
