#include "engine/holidays/closure_calendar.hpp"

#include "engine/holidays/public_holidays.hpp"
#include "engine/time/weekday.hpp"

#include <algorithm>

namespace ritme {
namespace g = boost::gregorian;

std::string_view name_of(ClosureKind kind) {
    switch (kind) {
        case ClosureKind::school_holiday: return "school";
        case ClosureKind::public_holiday: return "public";
        case ClosureKind::closed_day: return "closed";
    }
    return "closed";
}

ClosureCalendar::ClosureCalendar(const ClosureRules& rules, const SchoolHolidayTable& school_holidays, Date from,
                                 Date to)
    : from_(from), to_(to), by_day_(static_cast<size_t>((to - from).days() + 1), -1) {
    // Lowest priority first: a later close() over the same day replaces the reason.
    for (const auto& period : rules.closed) close(period.from, period.to, {ClosureKind::closed_day, period.reason});

    for (int year = from.year(); year <= to.year(); ++year) {
        for (const auto& holiday : public_holidays(year)) {
            if (!closes_programme(holiday, rules.holidays)) continue;
            close(holiday.date, holiday.date, {ClosureKind::public_holiday, std::string(holiday.name)});
        }
        if (rules.holidays.ascension_friday == OpenOrClosed::closed) {
            const Date friday = easter_sunday(year) + g::days(40);
            close(friday, friday, {ClosureKind::public_holiday, "vrijdag na Hemelvaart"});
        }
    }

    for (const SchoolHoliday* holiday : school_holidays.overlapping(rules.region, from, to)) {
        if (holiday->optional && rules.holidays.optional_school_holidays == OpenOrClosed::open) {
            kept_optional_.push_back(holiday);
            continue;
        }
        close(holiday->from, holiday->to, {ClosureKind::school_holiday, holiday->label(), holiday});
    }
}

void ClosureCalendar::close(Date from, Date to, Closure closure) {
    const Date first = std::max(from, from_);
    const Date last = std::min(to, to_);
    if (last < first) return;
    closures_.push_back(std::move(closure));
    const auto index = static_cast<int32_t>(closures_.size() - 1);
    for (auto day = (first - from_).days(); day <= (last - from_).days(); ++day) by_day_[day] = index;
}

}  // namespace ritme
