#pragma once
// Dates and times as a reader says them in their own language, from ICU's locale data
// (no tables of names here): "dinsdag 3 maart", "Tuesday, 3 March", "الثلاثاء، 3 مارس";
// "09:30". Digits are Latin in every language unless the tag asks for others
// ("ar-u-nu-arab"). A language without a region is read with the conventions of the Netherlands,
// where the sessions take place: the Gregorian calendar and the 24-hour clock ("en" says
// "09:30", not "9:30 AM"; "fa" names the Gregorian month). A region in the tag wins
// ("en-US" says "9:30 AM"), but the calendar is always Gregorian: the date on the
// school's and the municipality's letters.
//
// The values are civil: a date and a time of day, formatted as they are, with no zone.
// Safe to call from several threads at once.

#include "engine/time/instant.hpp"
#include "engine/time/time_of_day.hpp"

#include <string>

namespace ritme {

// The weekday, the day and the month, without the year: reminders are about the coming
// days and weeks. `language` is a BCP 47 tag ("nl", "en", "ar", "pt-BR"). A date that
// is not set formats as an empty string.
std::string format_weekday_date(Date date, const std::string& language);

// The short form a lead's page and lists use: abbreviated weekday and month, no year,
// as Dutch readers write it: "di 12 jan"; "Tue, 12 Jan" in en. Empty for a date not set.
std::string format_short_weekday_date(Date date, const std::string& language);

// The time of day in the locale's clock: "09:30" in nl, en and ar, "9:30" in fa.
std::string format_time(TimeOfDay time, const std::string& language);

}  // namespace ritme
