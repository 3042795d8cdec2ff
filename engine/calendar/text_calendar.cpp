#include "engine/calendar/text_calendar.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace ritme {
namespace {

std::string short_weekday(Date date) { return std::string(english_abbreviation_of(weekday_of(date))); }

std::string pad_left(std::string text, size_t width) {
    return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

// "  cancelled", "  moved (planned Tue 2026-03-10 09:30-11:30)", or nothing for a planned session.
std::string status_text(const Session& session) {
    if (session.status == SessionStatus::cancelled) return "  cancelled";
    if (session.status != SessionStatus::moved) return {};
    if (!session.planned) return "  moved";
    return "  moved (planned " + short_weekday(session.planned->date) + " " + iso_date(session.planned->date) + " " +
           session.planned->time.str() + ")";
}

}  // namespace

std::string render_text_calendar(const ProgrammeCalendar& plan) {
    const Programme& programme = plan.programme;
    const Calendar& calendar = plan.calendar;
    std::ostringstream out;
    out << programme.name << " (" << programme.id << ")\n";
    out << "region " << name_of(programme.closures.region) << ", " << programme.timezone << ", on_holiday = "
        << name_of(programme.on_holiday) << "\n";
    out << calendar.sessions.size() << " of " << calendar.intended_sessions << " sessions";
    if (!calendar.sessions.empty())
        out << ", " << short_weekday(calendar.sessions.front().date) << " " << iso_date(calendar.sessions.front().date)
            << " to " << short_weekday(calendar.sessions.back().date) << " " << iso_date(calendar.sessions.back().date);
    const auto count = [&](SessionStatus status) {
        return std::count_if(calendar.sessions.begin(), calendar.sessions.end(),
                             [&](const Session& s) { return s.status == status; });
    };
    const auto moved = count(SessionStatus::moved), cancelled = count(SessionStatus::cancelled);
    if (moved > 0 || cancelled > 0) out << "; " << moved << " moved, " << cancelled << " cancelled";
    out << "\n\n";

    struct Week {
        std::vector<const Session*> sessions;
        std::vector<const SkippedDate*> skipped;
    };
    std::map<Date, Week> weeks;
    for (const auto& session : calendar.sessions) weeks[monday_of(session.date)].sessions.push_back(&session);
    for (const auto& skipped : calendar.skipped) weeks[monday_of(skipped.date)].skipped.push_back(&skipped);

    for (const auto& [monday, week] : weeks) {
        const std::string heading = "week " + pad_left(std::to_string(monday.week_number()), 2) + "  " + iso_date(monday);
        const std::string indent(heading.size(), ' ');
        if (week.sessions.empty()) {
            std::set<std::string> seen;
            std::string reasons;
            for (const SkippedDate* s : week.skipped)
                if (seen.insert(s->reason).second) reasons += (reasons.empty() ? "" : ", ") + s->reason;
            out << heading << "  no session: " << reasons << "\n";
            continue;
        }
        bool first_line = true;
        auto line_start = [&]() -> const std::string& {
            const std::string& text = first_line ? heading : indent;
            first_line = false;
            return text;
        };
        // Sessions and skipped dates in date order within the week.
        size_t s = 0, k = 0;
        while (s < week.sessions.size() || k < week.skipped.size()) {
            const bool take_session =
                k >= week.skipped.size() || (s < week.sessions.size() && week.sessions[s]->date <= week.skipped[k]->date);
            if (take_session) {
                const Session& session = *week.sessions[s++];
                out << line_start() << "  " << pad_left("#" + std::to_string(session.number), 4) << "  "
                    << short_weekday(session.date) << " " << iso_date(session.date) << "  " << session.time.str()
                    << "  " << programme.location_name(session.location) << status_text(session) << "\n";
            } else {
                const SkippedDate& skipped = *week.skipped[k++];
                out << line_start() << "     -  " << short_weekday(skipped.date) << " " << iso_date(skipped.date)
                    << "  skipped: " << skipped.reason << "\n";
            }
        }
    }

    if (!plan.problems.empty()) {
        out << "\n";
        for (const auto& problem : plan.problems.items()) out << problem.str() << "\n";
    }
    return out.str();
}

}  // namespace ritme
