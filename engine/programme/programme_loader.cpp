#include "engine/programme/programme_loader.hpp"

#include "engine/base/did_you_mean.hpp"
#include "engine/base/identifier.hpp"
#include "engine/base/input_file.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/holidays/closure_rules_reader.hpp"
#include "engine/participants/participant_fields.hpp"
#include "engine/programme/reminder_offsets_reader.hpp"
#include "engine/time/date_range.hpp"
#include "engine/time/time_zone.hpp"
#include "engine/time/toml_time.hpp"

#include <cctype>
#include <filesystem>
#include <sstream>

namespace ritme {
namespace {

constexpr std::pair<std::string_view, HolidayMode> holiday_mode_choices[] = {{"skip", HolidayMode::skip},
                                                                             {"extend", HolidayMode::extend}};

constexpr int max_weeks = 104;


// Reads a weekday-keyed table such as `open = { tuesday = "09:00-12:00" }`.
std::array<std::optional<TimeRange>, 7> read_week_of_ranges(TomlTableReader& reader,
                                                            std::array<SourcePosition, 7>* positions) {
    std::array<std::optional<TimeRange>, 7> week;
    for (int day = 0; day < 7; ++day) {
        const toml::node* node = reader.table().get(weekday_names[day]);
        if (!node) continue;
        week[day] = read_time_range(reader, weekday_names[day]);
        if (positions) (*positions)[day] = position_of(node->source());
    }
    return week;
}

class ProgrammeReader {
public:
    ProgrammeReader(const toml::table& root, std::string base_dir, Diagnostics& diagnostics)
        : root_(root), base_dir_(std::move(base_dir)), diagnostics_(diagnostics) {}

    Programme read() {
        TomlTableReader top(root_, "top level", diagnostics_);
        top.allow_only({"programme", "location", "slot", "school_hours", "childcare", "lead", "reminders"});
        programme_.where = top.position();
        read_programme_table();
        read_locations();
        read_slots();
        const int errors_before_school_hours = diagnostics_.error_count();
        read_school_hours();
        school_hours_read_ = diagnostics_.error_count() == errors_before_school_hours;
        const int errors_before_childcare = diagnostics_.error_count();
        read_childcare();
        childcare_read_ = diagnostics_.error_count() == errors_before_childcare;
        read_lead();
        read_reminders();
        return std::move(programme_);
    }

    bool school_hours_read() const { return school_hours_read_; }
    bool childcare_read() const { return childcare_read_; }

private:
    const toml::table* sub_table(std::string_view key, std::string_view label, bool required) {
        const toml::node* node = root_.get(key);
        if (!node) {
            if (required)
                diagnostics_.error(SourcePosition{file_name(), 1, 1}, "[" + std::string(key) + "] is missing",
                                   "a programme file starts with a [programme] table");
            return nullptr;
        }
        if (auto table = node->as_table()) return table;
        diagnostics_.error(position_of(node->source()), std::string(label) + " must be a table",
                           "write it as [" + std::string(key) + "]");
        return nullptr;
    }

    std::string file_name() const { return root_.source().path ? std::string(*root_.source().path) : "<input>"; }

    void read_programme_table() {
        const toml::table* table = sub_table("programme", "[programme]", true);
        if (!table) return;
        TomlTableReader r(*table, "[programme]", diagnostics_);
        r.allow_only(with_closure_rule_keys({"id", "name", "start", "weeks", "on_holiday", "timezone"}));
        programme_.where = r.position();
        if (auto id = r.string("id", Presence::required)) {
            if (valid_identifier(*id))
                programme_.id = *id;
            else
                r.error_at("id", "`id = \"" + *id + "\"` is not a usable programme id",
                           "use lower-case letters, digits and dashes, e.g. \"almere-vrouwen-2026\"");
        }
        if (auto name = r.string("name", Presence::required)) programme_.name = *name;
        if (auto start = read_date(r, "start", Presence::required)) programme_.start = *start;
        if (auto weeks = r.integer("weeks", 1, max_weeks)) programme_.weeks = static_cast<int>(*weeks);
        if (auto mode = r.choice<HolidayMode>("on_holiday", holiday_mode_choices)) programme_.on_holiday = *mode;
        if (auto zone = r.string("timezone")) {
            try {
                TimeZone::load(*zone);
                programme_.timezone = *zone;
            } catch (const TimeZoneError& e) {
                r.error_at("timezone", "`timezone = \"" + *zone + "\"`: " + e.what(),
                           "use an IANA zone name such as \"Europe/Amsterdam\"");
            }
        }
        // A school calendar's recurring events are expanded only as far as the track can run;
        // without a start, not at all (its dates are still checked).
        const Date start = programme_.start.is_special() ? make_date(first_supported_year, 1, 1) : programme_.start;
        const Date end = programme_.start.is_special() ? start : calendar_window_end(programme_);
        read_closure_rules(r, programme_.closures, {start, end}, base_dir_);
    }

    void read_locations() {
        const toml::table* locations = sub_table("location", "[location]", false);
        if (!locations) return;
        for (const auto& [key, node] : *locations) {
            const std::string label = "[location." + std::string(key.str()) + "]";
            const toml::table* table = node.as_table();
            if (!table) {
                diagnostics_.error(position_of(node.source()), label + " must be a table",
                                   "write [location." + std::string(key.str()) + "] with name and address");
                continue;
            }
            TomlTableReader r(*table, label, diagnostics_);
            r.allow_only({"name", "address"});
            if (!valid_identifier(key.str()))
                diagnostics_.error(position_of(key.source()), label + ": `" + std::string(key.str()) +
                                                                  "` is not a usable location key",
                                   "use lower-case letters, digits and dashes, e.g. [location.de-schakel]");
            Location location{std::string(key.str()), {}, {}, r.position()};
            if (auto name = r.string("name", Presence::required)) location.name = *name;
            if (auto address = r.string("address")) location.address = *address;
            programme_.locations.push_back(std::move(location));
        }
    }

    std::vector<std::string_view> location_keys() const {
        std::vector<std::string_view> keys;
        for (const auto& location : programme_.locations) keys.push_back(location.key);
        return keys;
    }

    // A location reference: may be left out when the file has exactly one location.
    std::optional<std::string> read_location_reference(TomlTableReader& r) {
        auto key = r.string("location");
        if (!key) {
            if (r.table().contains("location")) return std::nullopt;  // wrong type, reported
            if (programme_.locations.size() == 1) return programme_.locations.front().key;
            if (programme_.locations.empty())
                r.diagnostics().error(r.position(), r.label() + ": no location",
                                      "add a [location.NAME] table with name and address, and `location = \"NAME\"` here");
            else
                r.diagnostics().error(r.position(), r.label() + ": `location` is missing",
                                      "use one of " + join_alternatives(location_keys()));
            return std::nullopt;
        }
        if (programme_.find_location(*key)) return key;
        if (programme_.locations.empty())
            r.error_at("location", "`location = \"" + *key + "\"` names no location",
                       "add a [location." + *key + "] table with name and address");
        else
            r.report_bad_word("location", *key, location_keys(), "a [location] in this file");
        return std::nullopt;
    }

    void read_slots() {
        const toml::node* node = root_.get("slot");
        if (!node) {
            diagnostics_.error(programme_.where, "the programme has no [[slot]]",
                               "add one [[slot]] per weekly meeting with day, start, end and location");
            return;
        }
        const toml::array* slots = node->as_array();
        if (!slots || !slots->is_array_of_tables()) {
            diagnostics_.error(position_of(node->source()), "`slot` must be a list of [[slot]] tables",
                               "write each weekly meeting as a [[slot]] table");
            return;
        }
        int number = 0;
        for (const toml::node& entry : *slots) {
            ++number;
            TomlTableReader r(*entry.as_table(), "slot " + std::to_string(number), diagnostics_);
            r.allow_only({"day", "start", "end", "location"});
            Slot slot;
            slot.number = number;
            slot.where = r.position();
            bool complete = true;
            if (auto text = r.string("day", Presence::required)) {
                if (auto day = parse_weekday(*text))
                    slot.day = *day;
                else {
                    r.report_bad_word("day", *text, weekday_names, "a weekday");
                    complete = false;
                }
            } else {
                complete = false;
            }
            auto start = read_time_of_day(r, "start", Presence::required);
            auto end = read_time_of_day(r, "end", Presence::required);
            if (start && end) {
                if (*start < *end)
                    slot.time = {*start, *end};
                else {
                    r.error_at("end", "`end = \"" + end->str() + "\"` is not after `start = \"" + start->str() + "\"`",
                               "a slot ends after it starts, on the same day");
                    complete = false;
                }
            } else {
                complete = false;
            }
            if (auto location = read_location_reference(r))
                slot.location = *location;
            else
                complete = false;
            if (complete) programme_.slots.push_back(std::move(slot));
        }
    }

    void read_school_hours() {
        const toml::table* table = sub_table("school_hours", "[school_hours]", false);
        if (!table) return;
        TomlTableReader r(*table, "[school_hours]", diagnostics_);
        r.allow_only({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "travel_margin"});
        auto& hours = programme_.school_hours;
        std::array<SourcePosition, 7> positions;
        auto week = read_week_of_ranges(r, &positions);
        for (int day = 0; day < 7; ++day) {
            if (!r.table().contains(weekday_names[day])) continue;
            hours.window[day] = week[day];
            hours.where[day] = positions[day];
        }
        if (auto margin = read_duration_minutes(r, "travel_margin")) {
            hours.travel_margin_minutes = *margin;
            hours.travel_margin_where = r.position_of_key("travel_margin");
        }
    }

    void read_childcare() {
        const toml::table* table = sub_table("childcare", "[childcare]", false);
        if (!table) return;
        TomlTableReader r(*table, "[childcare]", diagnostics_);
        r.allow_only({"location", "places", "open", "margin"});
        Childcare childcare;
        childcare.where = r.position();
        if (auto location = read_location_reference(r)) childcare.location = *location;
        if (auto places = r.integer("places", 0, 500, Presence::required))
            childcare.places = static_cast<int>(*places);
        if (auto margin = read_duration_minutes(r, "margin")) childcare.margin_minutes = *margin;
        if (const toml::node* open = r.find("open", Presence::required)) {
            if (auto open_table = open->as_table()) {
                TomlTableReader o(*open_table, "[childcare] open", diagnostics_);
                o.allow_only({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"});
                childcare.open = read_week_of_ranges(o, nullptr);
            } else {
                r.error_at("open", "`open` must give opening hours per weekday",
                           "write `open = { tuesday = \"09:00-12:00\", thursday = \"09:00-12:00\" }`");
            }
        }
        programme_.childcare = std::move(childcare);
    }

    // A work contact: the lead's own phone and e-mail, never a participant's.
    void read_lead() {
        const toml::table* table = sub_table("lead", "[lead]", false);
        if (!table) return;
        TomlTableReader r(*table, "[lead]", diagnostics_);
        r.allow_only({"name", "phone", "email"});
        Lead lead;
        lead.where = r.position();
        FieldError error;
        if (auto name = r.string("name", Presence::required)) {
            if (auto normalised = normalise_name(*name, error))
                lead.name = *normalised;
            else
                r.error_at("name", "`name`: " + error.message, error.hint);
        }
        if (auto phone = r.string("phone")) {
            if (auto normalised = normalise_mobile_number(*phone, error))
                lead.phone = *normalised;
            else
                r.error_at("phone", "`phone`: " + error.message, error.hint + "; the lead gets alerts by SMS");
        }
        if (auto email = r.string("email")) {
            if (auto normalised = normalise_email(*email, error))
                lead.email = *normalised;
            else
                r.error_at("email", "`email`: " + error.message, error.hint);
        }
        if (!table->contains("phone") && !table->contains("email"))
            diagnostics_.error(r.position(), "[lead]: no `phone` and no `email`",
                               "give at least one, so ritme can tell the lead when a message cannot be delivered");
        programme_.lead = std::move(lead);
    }

    // Offsets that replace the daemon config's for this programme's sessions.
    void read_reminders() {
        const toml::table* table = sub_table("reminders", "[reminders]", false);
        if (!table) return;
        TomlTableReader r(*table, "[reminders]", diagnostics_);
        r.allow_only({"offsets"});
        if (auto offsets = read_reminder_offsets(r, "offsets", Presence::required))
            programme_.reminder_offsets = std::move(*offsets);
    }

    const toml::table& root_;
    std::string base_dir_;
    Diagnostics& diagnostics_;
    Programme programme_;
    bool school_hours_read_ = true;
    bool childcare_read_ = true;
};

}  // namespace

ProgrammeLoad load_programme_text(std::string_view toml_text, const std::string& source_name,
                                  const std::string& base_dir) {
    ProgrammeLoad load;
    const auto parsed = parse_toml(toml_text, source_name, load.diagnostics);
    if (!parsed) {
        load.status = LoadStatus::unreadable;
        return load;
    }
    const toml::table& root = *parsed;
    ProgrammeReader reader(root, base_dir, load.diagnostics);
    Programme programme = reader.read();
    programme.source_file = source_name;
    load.diagnostics.sort_by_position();
    if (load.diagnostics.has_errors()) {
        load.status = LoadStatus::invalid;
        // Incomplete slots were never added; a [childcare] with errors might check against the wrong hours.
        if (!reader.childcare_read()) programme.childcare.reset();
        load.partial = PartialProgramme{std::move(programme), reader.school_hours_read()};
        return load;
    }
    load.programme = std::move(programme);
    return load;
}

ProgrammeLoad load_programme_file(const std::string& path) {
    auto cannot_read = [&](std::string message, std::string hint) {
        ProgrammeLoad load;
        load.status = LoadStatus::unreadable;
        load.diagnostics.error(SourcePosition{path, 0, 0}, std::move(message), std::move(hint));
        return load;
    };
    // A directory opens as an empty stream on Linux; it must not read as an empty programme.
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        return cannot_read("cannot read the file: it is a directory", "give the path of a programme file (.toml)");
    if (std::filesystem::exists(path, error) && !std::filesystem::is_regular_file(path, error))
        return cannot_read("cannot read the file: it is not a regular file", "give the path of a programme file (.toml)");
    const InputText read = read_input_file(path, input_limits::programme);
    if (read.problem == InputProblem::too_large)
        return cannot_read(too_large_message(input_limits::programme), too_large_hint(input_limits::programme));
    if (!read.ok()) return cannot_read("cannot read the file", "check the path and permissions");
    const auto base_dir = std::filesystem::path(path).parent_path();
    return load_programme_text(read.text, path, base_dir.empty() ? "." : base_dir.string());
}

}  // namespace ritme
