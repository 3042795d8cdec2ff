#include "engine/store/told.hpp"

#include "engine/store/store.hpp"

#include <nlohmann/json.hpp>

namespace ritme {

std::string told_state(const StoredSession& session) {
    const bool cancelled = session.status == SessionStatus::cancelled;
    return nlohmann::json{{"status", cancelled ? "cancelled" : "planned"},
                          {"date", iso_date(session.date)},
                          {"start", session.time.start.str()},
                          {"end", session.time.end.str()},
                          {"location", session.location}}
        .dump();
}

std::string told_state(const Appointment& appointment) {
    return nlohmann::json{{"status", appointment.cancelled ? "cancelled" : "planned"},
                          {"start_utc", appointment.start_utc.iso()},
                          {"minutes", appointment.duration_minutes},
                          {"where", appointment.where}}
        .dump();
}

std::string told_state_in(const std::string& payload) {
    if (payload.empty()) return {};
    const auto json = nlohmann::json::parse(payload, nullptr, false);
    if (!json.is_object() || !json.contains(told_field) || !json[told_field].is_object()) return {};
    return json[told_field].dump();
}

}  // namespace ritme
