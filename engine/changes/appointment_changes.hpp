#pragma once
// Individual appointments (afspraken): add, move, cancel (`ritme appointment …`). Times
// are local to the daemon config's time zone. The address and the travel note are the
// participant's business: they are stored, never written to the audit trail.

#include "engine/changes/apply.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/programme/reminder_rules.hpp"
#include "engine/store/appointment.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_zone.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

// "a7": an appointment as the audit trail names it.
std::string appointment_subject(const Appointment& appointment);

struct AppointmentRequest {
    std::string participant_id;
    LocalDateTime start;       // local time of `zone`
    int duration_minutes = 60;  // under a day
    std::string where;         // the address, as the participant needs it
    std::string note;          // a travel note; may be empty
    std::string programme_id;  // the programme it belongs to; empty: none
};

// What an appointment is checked against before it is stored (appointment_checks.hpp).
struct AppointmentChecks {
    const SchoolHolidayTable* school_holidays = nullptr;  // null: its programme's closed days are not checked
    QuietHours night;                                      // the daemon config's quiet hours
    bool strict = false;  // refuse, storing nothing, when there is any warning
};

struct AppointmentAdded {
    Appointment appointment;
    // A start in the hour the clocks change, then appointment_problems(); with strict,
    // they come with the refusal.
    std::vector<std::string> warnings;
};
ChangeResult<AppointmentAdded> add_appointment(Store& store, const TimeZone& zone, const AppointmentRequest& request,
                                               const AuditContext& audit, const AppointmentChecks& checks = {});

struct AppointmentChanged {
    Appointment before;
    Appointment after;  // as stored; equal to `before` when nothing changed
    bool changed = false;
    std::vector<std::string> warnings;
};
ChangeResult<AppointmentChanged> move_appointment(Store& store, const TimeZone& zone, int64_t id, LocalDateTime to,
                                                  const AuditContext& audit, const AppointmentChecks& checks = {});
ChangeResult<AppointmentChanged> cancel_appointment(Store& store, int64_t id, const AuditContext& audit);

}  // namespace ritme
