#pragma once
// Every day a calendar is closed, with the reason, for a window of dates: the school
// holidays of its region, the public holidays it observes, and its own closed days.
// Built once per programme (or school); a look-up is an array index.

#include "engine/holidays/closure_rules.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/time/instant.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ritme {

enum class ClosureKind { school_holiday, public_holiday, closed_day };
std::string_view name_of(ClosureKind kind);

struct Closure {
    ClosureKind kind;
    std::string reason;  // "voorjaarsvakantie (noord)", "Hemelvaartsdag", "studiedagen"
    const SchoolHoliday* school_holiday = nullptr;  // for school holidays
};

class ClosureCalendar {
public:
    // Covers [from, to]; a date outside the window is reported open.
    ClosureCalendar(const ClosureRules& rules, const SchoolHolidayTable& school_holidays, Date from, Date to);

    // The closure that keeps the programme from meeting on `date`, or null. Where
    // several apply, a school holiday names the day best, then a public holiday.
    const Closure* closure_on(Date date) const {
        if (date < from_ || date > to_) return nullptr;
        const int32_t index = by_day_[(date - from_).days()];
        return index < 0 ? nullptr : &closures_[index];
    }

    // School holidays the programme meets in (optional weeks it chose to keep).
    const std::vector<const SchoolHoliday*>& kept_optional_holidays() const { return kept_optional_; }

    Date from() const { return from_; }
    Date to() const { return to_; }

private:
    void close(Date from, Date to, Closure closure);

    Date from_, to_;
    std::vector<Closure> closures_;
    std::vector<int32_t> by_day_;  // per day of the window: index into closures_, or -1
    std::vector<const SchoolHoliday*> kept_optional_;
};

}  // namespace ritme
