#include "engine/holidays/school_holidays.hpp"

#include "engine/base/input_file.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/time/date_range.hpp"
#include "engine/time/toml_time.hpp"
#include "engine/time/weekday.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace ritme {
namespace {

Date september_first(int year) { return make_date(year, 9, 1); }

// "2025-2026" → 2025
std::optional<int> parse_school_year(std::string_view text) {
    if (text.size() != 9 || text[4] != '-') return std::nullopt;
    int first = 0, second = 0;
    for (int i = 0; i < 4; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i])) || !std::isdigit(static_cast<unsigned char>(text[5 + i])))
            return std::nullopt;
        first = first * 10 + (text[i] - '0');
        second = second * 10 + (text[5 + i] - '0');
    }
    if (second != first + 1 || first < first_supported_year || second > last_supported_year) return std::nullopt;
    return first;
}

void read_holiday(const toml::table& table, int index, int first_year, const std::string& school_year,
                  Diagnostics& diagnostics, std::vector<SchoolHoliday>& out) {
    TomlTableReader r(table, "holiday " + std::to_string(index), diagnostics);
    r.allow_only({"name", "optional", "noord", "midden", "zuid"});
    auto name = r.string("name", Presence::required);
    if (name && std::find(school_holiday_names.begin(), school_holiday_names.end(), *name) ==
                    school_holiday_names.end()) {
        r.report_bad_word("name", *name, school_holiday_names, "a school holiday");
        name.reset();
    }
    bool optional = false;
    if (const toml::node* node = r.find("optional")) {
        if (auto flag = node->as_boolean())
            optional = flag->get();
        else
            r.error_at("optional", "`optional` must be true or false");
    }
    for (size_t region_index = 0; region_index < region_names.size(); ++region_index) {
        const auto region_key = region_names[region_index];
        const toml::node* node = r.find(region_key, Presence::required);
        if (!node) continue;
        const toml::table* range = node->as_table();
        if (!range) {
            r.error_at(region_key, "`" + std::string(region_key) + "` must be { from = …, to = … }");
            continue;
        }
        TomlTableReader rr(*range, r.label() + " " + std::string(region_key), diagnostics);
        rr.allow_only({"from", "to", "confirmed"});
        auto from = read_date(rr, "from", Presence::required);
        auto to = read_date(rr, "to", Presence::required);
        bool confirmed = true;
        if (const toml::node* flag = rr.find("confirmed")) {
            if (auto value = flag->as_boolean())
                confirmed = value->get();
            else
                rr.error_at("confirmed", "`confirmed` must be true or false");
        }
        if (!from || !to) continue;
        if (*to < *from) {
            rr.error_at("to", "ends before it starts");
            continue;
        }
        if (weekday_of(*from) != Weekday::saturday || weekday_of(*to) != Weekday::sunday) {
            rr.error_at("from", "a school holiday runs from a Saturday to a Sunday; " + iso_date(*from) + " is a " +
                                    std::string(name_of(weekday_of(*from))) + " and " + iso_date(*to) + " a " +
                                    std::string(name_of(weekday_of(*to))));
            continue;
        }
        if (*from < september_first(first_year) || *from > september_first(first_year + 1)) {
            rr.error_at("from", iso_date(*from) + " does not lie in school year " + school_year);
            continue;
        }
        if (!name) continue;  // reported above; the range was still checked
        out.push_back(SchoolHoliday{*name, static_cast<Region>(region_index), *from, *to, confirmed, optional,
                                    school_year, position_of(node->source())});
    }
}

}  // namespace

std::string SchoolHoliday::label() const {
    std::string text = name;
    if (optional) text += ", extra week";
    return text + " (" + std::string(name_of(region)) + ")";
}

SchoolHolidayTable SchoolHolidayTable::load_text(std::string_view toml_text, const std::string& source_name,
                                                 Diagnostics& diagnostics) {
    SchoolHolidayTable table;
    toml::table root;
    try {
        root = toml::parse(toml_text, source_name);
    } catch (const toml::parse_error& e) {
        diagnostics.error(position_of(e.source()), "not valid TOML: " + std::string(e.description()));
        return table;
    }
    Diagnostics local;
    TomlTableReader r(root, "holiday file", local);
    r.allow_only({"school_year", "source", "holiday"});
    r.string("source");
    auto school_year = r.string("school_year", Presence::required);
    std::optional<int> first_year;
    if (school_year) {
        first_year = parse_school_year(*school_year);
        if (!first_year)
            r.error_at("school_year", "`school_year = \"" + *school_year + "\"` is not like \"2025-2026\"",
                       "two years in a row, from " + std::to_string(first_supported_year) + "-" +
                           std::to_string(first_supported_year + 1) + " to " + std::to_string(last_supported_year - 1) +
                           "-" + std::to_string(last_supported_year));
    }
    std::vector<SchoolHoliday> holidays;
    if (const toml::node* node = r.find("holiday", Presence::required)) {
        const toml::array* list = node->as_array();
        if (!list || !list->is_array_of_tables()) {
            r.error_at("holiday", "`holiday` must be a list of [[holiday]] tables");
        } else if (first_year) {
            int index = 0;
            for (const toml::node& entry : *list)
                read_holiday(*entry.as_table(), ++index, *first_year, *school_year, local, holidays);
        }
    }
    diagnostics.append(local);
    if (local.has_errors()) return table;
    table.holidays_ = std::move(holidays);
    table.first_years_.push_back(*first_year);
    return table;
}

SchoolHolidayTable SchoolHolidayTable::load_directory(const std::string& directory, Diagnostics& diagnostics) {
    SchoolHolidayTable table;
    std::error_code error;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory, error))
        if (entry.path().extension() == ".toml") files.push_back(entry.path());
    if (error) {
        diagnostics.error(SourcePosition{directory, 0, 0}, "cannot read the school-holiday directory: " + error.message(),
                          "point --holidays or RITME_HOLIDAYS at ritme's config/holidays directory");
        return table;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files)
        if (const auto text = read_input_file(file, input_limits::holidays, diagnostics))
            table.merge(load_text(*text, file.string(), diagnostics));
    return table;
}

void SchoolHolidayTable::merge(SchoolHolidayTable other) {
    for (auto& holiday : other.holidays_) holidays_.push_back(std::move(holiday));
    for (int year : other.first_years_) first_years_.push_back(year);
    std::sort(holidays_.begin(), holidays_.end(),
              [](const SchoolHoliday& a, const SchoolHoliday& b) { return a.from < b.from; });
    std::sort(first_years_.begin(), first_years_.end());
    first_years_.erase(std::unique(first_years_.begin(), first_years_.end()), first_years_.end());
}

std::vector<const SchoolHoliday*> SchoolHolidayTable::for_region(Region region) const {
    std::vector<const SchoolHoliday*> out;
    for (const auto& holiday : holidays_)
        if (holiday.region == region) out.push_back(&holiday);
    return out;
}

std::vector<const SchoolHoliday*> SchoolHolidayTable::overlapping(Region region, Date from, Date to) const {
    std::vector<const SchoolHoliday*> out;
    for (const auto& holiday : holidays_)
        if (holiday.region == region && holiday.from <= to && from <= holiday.to) out.push_back(&holiday);
    return out;
}

bool SchoolHolidayTable::covers(Date date) const {
    const int year = date.month() >= 9 ? year_of(date) : year_of(date) - 1;
    return std::binary_search(first_years_.begin(), first_years_.end(), year);
}

std::optional<Date> SchoolHolidayTable::first_uncovered(Date from, Date to) const {
    // Coverage changes only on 1 September, so test `from` and each 1 September after it.
    for (Date day = from; day <= to;) {
        if (!covers(day)) return day;
        const int next_year = day.month() >= 9 ? year_of(day) + 1 : year_of(day);
        day = september_first(next_year);
    }
    return std::nullopt;
}

}  // namespace ritme
