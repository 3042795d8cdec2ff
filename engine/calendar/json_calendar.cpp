#include "engine/calendar/json_calendar.hpp"

namespace ritme {

nlohmann::json problems_json(const Diagnostics& problems) {
    auto list = nlohmann::json::array();
    for (const auto& problem : problems.items())
        list.push_back({{"severity", name_of(problem.severity)},
                        {"where", problem.where.str()},
                        {"message", problem.message},
                        {"hint", problem.hint}});
    return list;
}

nlohmann::json calendar_json(const ProgrammeCalendar& plan) {
    const Programme& programme = plan.programme;
    auto sessions = nlohmann::json::array();
    for (const auto& session : plan.calendar.sessions) {
        // Where the file puts a moved session; null when it is where it was planned.
        nlohmann::json planned = nullptr;
        if (session.planned)
            planned = {{"date", iso_date(session.planned->date)},
                       {"start", session.planned->time.start.str()},
                       {"end", session.planned->time.end.str()},
                       {"location", session.planned->location}};
        sessions.push_back({{"number", session.number},
                            {"date", iso_date(session.date)},
                            {"weekday", name_of(session.weekday())},
                            {"start", session.time.start.str()},
                            {"end", session.time.end.str()},
                            {"start_utc", session.start_utc.iso()},
                            {"end_utc", session.end_utc.iso()},
                            {"location", session.location},
                            {"slot", session.slot},
                            {"status", name_of(session.status)},
                            {"version", session.version},
                            {"planned", planned}});
    }
    auto skipped = nlohmann::json::array();
    for (const auto& s : plan.calendar.skipped)
        skipped.push_back({{"date", iso_date(s.date)},
                           {"slot", s.slot},
                           {"reason", s.reason},
                           {"kind", s.closure ? name_of(s.closure->kind) : "closed"}});
    auto locations = nlohmann::json::object();
    for (const auto& location : programme.locations)
        locations[location.key] = {{"name", location.name}, {"address", location.address}};
    return {{"programme",
             {{"id", programme.id},
              {"name", programme.name},
              {"region", name_of(programme.closures.region)},
              {"timezone", programme.timezone},
              {"start", iso_date(programme.start)},
              {"weeks", programme.weeks},
              {"on_holiday", name_of(programme.on_holiday)},
              {"intended_sessions", plan.calendar.intended_sessions},
              {"locations", locations}}},
            {"sessions", sessions},
            {"skipped", skipped},
            {"problems", problems_json(plan.problems)}};
}

}  // namespace ritme
