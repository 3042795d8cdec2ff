#pragma once
// A programme (traject): one group track as its lead describes it in a TOML file.
// Holds no personal data: participants live only in the database.

#include "engine/base/diagnostic.hpp"
#include "engine/holidays/closure_rules.hpp"
#include "engine/programme/reminder_rules.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_of_day.hpp"
#include "engine/time/weekday.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

// What happens to sessions that fall on a holiday or closed day.
enum class HolidayMode {
    skip,    // the track keeps its weeks; those sessions are lost
    extend,  // the track keeps its number of sessions and runs on
};
std::string_view name_of(HolidayMode mode);  // "skip", "extend": as written in a programme file

struct Location {
    std::string key;  // the name of its [location.KEY] table
    std::string name;
    std::string address;
    SourcePosition where;
};

struct Slot {
    int number = 0;  // 1-based, in file order: "slot 2"
    Weekday day = Weekday::monday;
    TimeRange time;
    std::string location;  // a Location key
    SourcePosition where;

    std::string label() const;  // "slot 2 (thursday 09:30-11:30)"
};


struct SchoolHours {
    std::array<std::optional<TimeRange>, 7> window;  // per weekday; empty: no school
    int travel_margin_minutes = 15;
    std::array<SourcePosition, 7> where;  // where each window was set, if in the file
    SourcePosition travel_margin_where;

    // Mon/Tue/Thu 09:00-13:45, Wed 09:00-11:30, Fri 09:00-11:15 (nl-calendar.md).
    static SchoolHours dutch_default();
};

struct Childcare {
    std::string location;  // a Location key
    int places = 0;
    std::array<std::optional<TimeRange>, 7> open;  // per weekday; empty: closed
    int margin_minutes = 10;
    SourcePosition where;
};

// The programme's lead (programmaleider): named in messages so participants know whom
// to call, and alerted when a message to a participant cannot be delivered. A work
// contact, not a participant's personal data.
struct Lead {
    std::string name;
    std::string phone;  // E.164
    std::string email;
    SourcePosition where;
};

struct Programme {
    std::string id;
    std::string name;
    Date start;
    int weeks = 20;
    ClosureRules closures;  // region, holiday choices, closed days
    HolidayMode on_holiday = HolidayMode::skip;
    std::string timezone = "Europe/Amsterdam";
    std::vector<Location> locations;
    std::vector<Slot> slots;  // in file order
    SchoolHours school_hours = SchoolHours::dutch_default();
    std::optional<Childcare> childcare;
    std::optional<Lead> lead;
    // [reminders] offsets: when set, they replace the daemon config's session offsets.
    std::optional<std::vector<ReminderOffset>> reminder_offsets;

    std::string source_file;
    SourcePosition where;  // the [programme] table

    const Location* find_location(std::string_view key) const;
    // The location's name for people to read; the key itself when no such location exists.
    std::string location_name(std::string_view key) const;
    // Slots ordered by weekday and start time: the order sessions take within a week.
    std::vector<const Slot*> slots_in_week_order() const;
};

// Extend mode gives up after this many times the programme's weeks.
inline constexpr int extend_limit_factor = 3;

// The last day a session of the programme can fall on: the end of its last week, or in
// extend mode of its last possible week. Closures must be known up to here.
Date calendar_window_end(const Programme& programme);

}  // namespace ritme
