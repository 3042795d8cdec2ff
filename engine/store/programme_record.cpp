#include "engine/store/programme_record.hpp"

#include "engine/store/store.hpp"

#include <boost/date_time/gregorian/parsers.hpp>

#include <string_view>

namespace ritme {
namespace {

using json = nlohmann::json;

// A record is read back as it was written; a word ritme does not know means the
// database was changed by something else, and is an error rather than a default.
[[noreturn]] void unknown(std::string_view field, const std::string& text) {
    throw StoreError(std::string(field) + " '" + text + "' is not one ritme knows");
}

template <typename T>
T known(std::optional<T> parsed, std::string_view field, const std::string& text) {
    if (!parsed) unknown(field, text);
    return *parsed;
}

Date date_from(const json& value) {
    const auto text = value.get<std::string>();
    try {
        const Date date = boost::gregorian::from_simple_string(text);
        if (!date.is_special()) return date;
    } catch (const std::exception&) {
        // not a date: below
    }
    throw StoreError("date '" + text + "' is not a date");
}

TimeRange range_from(const json& value) {
    const auto text = value.get<std::string>();
    return known(TimeRange::parse(text), "time", text);
}

json week_of_ranges(const std::array<std::optional<TimeRange>, 7>& week) {
    json out = json::object();
    for (int day = 0; day < 7; ++day)
        if (week[day]) out[std::string(weekday_names[day])] = week[day]->str();
    return out;
}

std::array<std::optional<TimeRange>, 7> week_of_ranges_from(const json& value) {
    std::array<std::optional<TimeRange>, 7> week;
    for (int day = 0; day < 7; ++day)
        if (value.contains(weekday_names[day])) week[day] = range_from(value.at(std::string(weekday_names[day])));
    return week;
}

json closure_rules_record(const ClosureRules& rules) {
    json closed = json::array();
    for (const auto& period : rules.closed)
        closed.push_back({{"from", iso_date(period.from)}, {"to", iso_date(period.to)}, {"reason", period.reason}});
    return {{"region", name_of(rules.region)},
            {"good_friday", rules.holidays.good_friday == OpenOrClosed::closed ? "closed" : "open"},
            {"liberation_day", rules.holidays.liberation_day == LiberationDayRule::closed ? "closed"
                               : rules.holidays.liberation_day == LiberationDayRule::open ? "open"
                                                                                          : "lustrum"},
            {"ascension_friday", rules.holidays.ascension_friday == OpenOrClosed::closed ? "closed" : "open"},
            {"optional_school_holidays",
             rules.holidays.optional_school_holidays == OpenOrClosed::closed ? "closed" : "open"},
            {"closed", closed}};
}

OpenOrClosed open_or_closed(const json& value, std::string_view field) {
    const auto text = value.get<std::string>();
    if (text == "closed") return OpenOrClosed::closed;
    if (text == "open") return OpenOrClosed::open;
    unknown(field, text);
}

LiberationDayRule liberation_day_from(const json& value) {
    const auto text = value.get<std::string>();
    if (text == "closed") return LiberationDayRule::closed;
    if (text == "open") return LiberationDayRule::open;
    if (text == "lustrum") return LiberationDayRule::lustrum;
    unknown("liberation_day", text);
}

HolidayMode holiday_mode_from(const json& value) {
    const auto text = value.get<std::string>();
    for (const HolidayMode mode : {HolidayMode::skip, HolidayMode::extend})
        if (name_of(mode) == text) return mode;
    unknown("on_holiday", text);
}

ClosureRules closure_rules_from(const json& record) {
    ClosureRules rules;
    const auto region = record.at("region").get<std::string>();
    rules.region = known(parse_region(region), "region", region);
    rules.holidays.good_friday = open_or_closed(record.at("good_friday"), "good_friday");
    rules.holidays.liberation_day = liberation_day_from(record.at("liberation_day"));
    rules.holidays.ascension_friday = open_or_closed(record.at("ascension_friday"), "ascension_friday");
    rules.holidays.optional_school_holidays =
        open_or_closed(record.at("optional_school_holidays"), "optional_school_holidays");
    for (const auto& period : record.at("closed"))
        rules.closed.push_back({date_from(period.at("from")), date_from(period.at("to")),
                                period.at("reason").get<std::string>(), {}});
    return rules;
}

}  // namespace

json programme_record(const Programme& programme) {
    json locations = json::array();
    for (const auto& location : programme.locations)
        locations.push_back({{"key", location.key}, {"name", location.name}, {"address", location.address}});
    json slots = json::array();
    for (const auto& slot : programme.slots)
        slots.push_back({{"number", slot.number},
                         {"day", name_of(slot.day)},
                         {"time", slot.time.str()},
                         {"location", slot.location}});
    json record = {{"id", programme.id},
                   {"name", programme.name},
                   {"start", iso_date(programme.start)},
                   {"weeks", programme.weeks},
                   {"on_holiday", name_of(programme.on_holiday)},
                   {"timezone", programme.timezone},
                   {"closures", closure_rules_record(programme.closures)},
                   {"locations", locations},
                   {"slots", slots},
                   {"school_hours",
                    {{"window", week_of_ranges(programme.school_hours.window)},
                     {"travel_margin_minutes", programme.school_hours.travel_margin_minutes}}},
                   {"source_file", programme.source_file}};
    if (programme.childcare)
        record["childcare"] = {{"location", programme.childcare->location},
                               {"places", programme.childcare->places},
                               {"open", week_of_ranges(programme.childcare->open)},
                               {"margin_minutes", programme.childcare->margin_minutes}};
    if (programme.lead)
        record["lead"] = {{"name", programme.lead->name}, {"phone", programme.lead->phone},
                          {"email", programme.lead->email}};
    if (programme.reminder_offsets) {
        json offsets = json::array();
        for (const auto& offset : *programme.reminder_offsets) offsets.push_back(offset.str());
        record["reminder_offsets"] = offsets;
    }
    return record;
}

Programme programme_from_record(const json& record) {
    Programme programme;
    programme.id = record.at("id").get<std::string>();
    programme.name = record.at("name").get<std::string>();
    programme.start = date_from(record.at("start"));
    programme.weeks = record.at("weeks").get<int>();
    programme.on_holiday = holiday_mode_from(record.at("on_holiday"));
    programme.timezone = record.at("timezone").get<std::string>();
    programme.closures = closure_rules_from(record.at("closures"));
    for (const auto& location : record.at("locations"))
        programme.locations.push_back({location.at("key").get<std::string>(), location.at("name").get<std::string>(),
                                       location.at("address").get<std::string>(), {}});
    for (const auto& s : record.at("slots")) {
        const auto day = s.at("day").get<std::string>();
        programme.slots.push_back({s.at("number").get<int>(), known(parse_weekday(day), "day", day),
                                   range_from(s.at("time")), s.at("location").get<std::string>(), {}});
    }
    const auto& hours = record.at("school_hours");
    programme.school_hours.window = week_of_ranges_from(hours.at("window"));
    programme.school_hours.travel_margin_minutes = hours.at("travel_margin_minutes").get<int>();
    if (record.contains("childcare")) {
        const auto& c = record.at("childcare");
        Childcare childcare;
        childcare.location = c.at("location").get<std::string>();
        childcare.places = c.at("places").get<int>();
        childcare.open = week_of_ranges_from(c.at("open"));
        childcare.margin_minutes = c.at("margin_minutes").get<int>();
        programme.childcare = childcare;
    }
    if (record.contains("lead")) {
        const auto& lead = record.at("lead");
        programme.lead = Lead{lead.at("name").get<std::string>(), lead.at("phone").get<std::string>(),
                              lead.at("email").get<std::string>(), {}};
    }
    if (record.contains("reminder_offsets")) {
        std::vector<ReminderOffset> offsets;
        std::string why;
        for (const auto& value : record.at("reminder_offsets")) {
            const auto text = value.get<std::string>();  // written by str()
            offsets.push_back(known(ReminderOffset::parse(text, why), "reminder offset", text));
        }
        programme.reminder_offsets = std::move(offsets);
    }
    programme.source_file = record.at("source_file").get<std::string>();
    return programme;
}

json school_record(const School& school) {
    return {{"id", school.id},
            {"name", school.name},
            {"closures", closure_rules_record(school.closures)},
            {"source_file", school.source_file}};
}

School school_from_record(const json& record) {
    School school;
    school.id = record.at("id").get<std::string>();
    school.name = record.at("name").get<std::string>();
    school.closures = closure_rules_from(record.at("closures"));
    school.source_file = record.at("source_file").get<std::string>();
    return school;
}

}  // namespace ritme
