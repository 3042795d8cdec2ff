#pragma once
// Local date-times as people type them on the command line and read them in output:
// "2026-03-05T10:00" in the zone the context gives, or an instant with "Z" or an
// offset; and instants written back as local time with their UTC offset.

#include "engine/base/phrase.hpp"
#include "engine/time/date_range.hpp"
#include "engine/time/instant.hpp"
#include "engine/time/time_zone.hpp"
#include "engine/time/weekday.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ritme {

// "2026-03-05" exactly; nothing for a date that does not exist or is outside the
// supported years (date_range.hpp).
std::optional<Date> parse_local_date(std::string_view text);

// "2026-03-05T10:00", "2026-03-05 10:00", or a date alone ("2026-03-05", midnight).
// Nothing for a date outside the supported years (date_range.hpp) or a time past 23:59.
std::optional<LocalDateTime> parse_local_date_time(std::string_view text);

// The same with the time required: a date alone is refused. Spaces around are ignored.
std::optional<LocalDateTime> parse_local_date_and_time(std::string_view text);

// A local date-time in `zone` (a gap moves forward, an overlap takes the earlier), or
// an instant written with "Z" or "+01:00" (at most 18 hours, minutes below 60). Nothing
// when it is neither, or its date is outside the supported years.
std::optional<UtcInstant> parse_instant(std::string_view text, const TimeZone& zone);

// "Thu 2026-03-05": a date in terminal output.
std::string day_and_date(Date date);
// The same in a lead's text: "Thu 2026-03-05" in English, "do 2026-03-05" in Dutch.
Phrase day_and_date_phrase(Date date);
// "tuesday" in English, "dinsdag" in Dutch.
Phrase weekday_phrase(Weekday day);

// "2026-03-05T10:00:00+01:00": ISO 8601 local time with its offset.
std::string iso_with_offset(UtcInstant instant, const TimeZone& zone);

}  // namespace ritme
