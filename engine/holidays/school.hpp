#pragma once
// A school's calendar (schoolkalender): its region's holidays plus the school's own
// study days. Participants name it as the calendar their children follow; `ritme
// apply` reads it from a file with a [school] table.

#include "engine/base/diagnostic.hpp"
#include "engine/holidays/closure_rules.hpp"

#include <string>

namespace ritme {

struct School {
    std::string id;  // lower-case letters, digits, dashes
    std::string name;
    ClosureRules closures;  // region, public holidays the school closes on, study days
    std::string source_file;
    SourcePosition where;

    // Schools close on every public holiday, Good Friday and the Friday after Ascension
    // included; on Liberation Day only in lustrum years.
    static HolidayChoices default_holidays();
};

}  // namespace ritme
