#include "engine/store/attendance.hpp"

#include <array>
#include <utility>

namespace ritme {
namespace {

// As the store writes them; never renamed.
constexpr std::array<std::pair<AttendanceStatus, std::string_view>, 3> status_names{{
    {AttendanceStatus::present, "present"},
    {AttendanceStatus::absent, "absent"},
    {AttendanceStatus::excused, "excused"},
}};

}  // namespace

std::string_view name_of(AttendanceStatus status) {
    for (const auto& [candidate, name] : status_names)
        if (candidate == status) return name;
    return "unknown";
}

std::optional<AttendanceStatus> parse_attendance_status(std::string_view text) {
    for (const auto& [status, name] : status_names)
        if (name == text) return status;
    return std::nullopt;
}

}  // namespace ritme
