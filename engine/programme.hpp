#pragma once
// A programme (traject): one group track as its lead describes it in a TOML file.
// Holds no personal data: participants live only in the database.

#include "engine/diagnostic.hpp"
#include "engine/instant.hpp"
#include "engine/reminder_rules.hpp"
#include "engine/time_of_day.hpp"
#include "engine/weekday.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

// Programme ids, school ids and location keys: lower-case letters, digits and dashes,
// at most 64 characters, so they read well in file names, URLs and messages.
bool valid_identifier(std::string_view text);

enum class Region { noord, midden, zuid };
std::string_view name_of(Region region);
std::optional<Region> parse_region(std::string_view text);
inline constexpr std::array<std::string_view, 3> region_names{"noord", "midden", "zuid"};

// What happens to sessions that fall on a holiday or closed day.
enum class HolidayMode {
    skip,    // the track keeps its weeks; those sessions are lost
    extend,  // the track keeps its number of sessions and runs on
};
std::string_view name_of(HolidayMode mode);  // "skip", "extend": as written in a programme file

enum class OpenOrClosed { open, closed };
enum class LiberationDayRule { closed, open, lustrum };  // lustrum: closed only in 2025, 2030, …

// Which public holidays a programme treats as closed beyond the fixed ones.
struct HolidayChoices {
    OpenOrClosed good_friday = OpenOrClosed::closed;
    LiberationDayRule liberation_day = LiberationDayRule::closed;
    OpenOrClosed ascension_friday = OpenOrClosed::open;          // schools often close the Friday after
    OpenOrClosed optional_school_holidays = OpenOrClosed::open;  // weeks schools may or may not take
};

// A day or days the programme does not meet, beyond the holidays.
struct ClosedPeriod {
    Date from;
    Date to;  // inclusive
    std::string reason;
    SourcePosition where;
    bool from_calendar_file = false;  // from a closed_ics file, not typed in
};

// What closes a calendar: the school holidays of a region, the public holidays chosen,
// and days of its own. A programme has these, and so has a school's calendar.
struct ClosureRules {
    Region region = Region::noord;
    HolidayChoices holidays;
    std::vector<ClosedPeriod> closed;  // from `closed` and from `closed_ics` files
};

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

}  // namespace ritme
