#pragma once
// Attendance (aanwezigheid) per session or appointment and participant: present,
// absent, or excused (afgemeld) when she said she cannot come. One record per
// participant and subject; the latest word counts.

#include "engine/time/instant.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ritme {

enum class AttendanceStatus { present, absent, excused };
std::string_view name_of(AttendanceStatus status);  // "present", "absent", "excused"
std::optional<AttendanceStatus> parse_attendance_status(std::string_view text);

struct AttendanceRecord {
    std::string participant_id;
    std::string programme_id;    // the session's programme; an appointment's own (may be empty)
    int64_t session_id = 0;      // one of session_id and appointment_id is set
    int64_t appointment_id = 0;
    AttendanceStatus status = AttendanceStatus::excused;
    UtcInstant at;               // when it was recorded
    std::string source;          // "sms" (her answer), "lead"
};

}  // namespace ritme
