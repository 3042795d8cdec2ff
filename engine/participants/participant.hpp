#pragma once
// A participant (deelnemer): only what reminders and fitting the track need. Personal
// data: it lives in the database and nowhere else (no programme files, no logs). No
// BSN, no health data, no case notes; children are a count, never their details.

#include "engine/time/instant.hpp"
#include "engine/time/time_of_day.hpp"
#include "engine/time/weekday.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ritme {

struct Channels {
    bool sms = false;
    bool email = false;

    bool operator==(const Channels&) const = default;
};

// A standing commitment that keeps a participant from coming: weekly ("ma 09:00-12:00
// taalles") or on one date ("2026-03-10 13:00-14:00 tandarts").
struct Commitment {
    std::optional<Weekday> weekday;  // weekly when set
    std::optional<Date> date;        // dated when set; exactly one of the two is set
    TimeRange time;
    std::string label;

    bool applies_on(Date day) const { return weekday ? weekday_of(day) == *weekday : date == day; }
    bool operator==(const Commitment& other) const {
        return weekday == other.weekday && date == other.date && time == other.time && label == other.label;
    }
};

struct Participant {
    std::string id;  // pseudonymous, generated: "p-" and 10 random base-32 characters
    std::string name;
    std::string phone;  // E.164 ("+31612345678") or empty
    std::string email;  // or empty
    std::string language = "nl";  // BCP 47
    Channels channels;
    bool sms_opt_out = false;
    int children_in_care = 0;  // children needing a crèche place during sessions
    // The school calendar the children follow: empty (no children at school), a
    // region ("noord", "midden", "zuid"), or the id of a school applied with `ritme apply`.
    std::string school_calendar;
    std::vector<Commitment> commitments;
};

}  // namespace ritme
