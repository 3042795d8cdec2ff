#include "engine/holidays/school_loader.hpp"

#include "engine/base/identifier.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/holidays/closure_rules_reader.hpp"

namespace ritme {

HolidayChoices School::default_holidays() {
    HolidayChoices choices;
    choices.good_friday = OpenOrClosed::closed;
    choices.liberation_day = LiberationDayRule::lustrum;
    choices.ascension_friday = OpenOrClosed::closed;
    choices.optional_school_holidays = OpenOrClosed::open;
    return choices;
}

bool is_school_file(std::string_view toml_text) {
    try {
        return toml::parse(toml_text).contains("school");
    } catch (const toml::parse_error&) {
        return false;  // the programme loader reports the syntax error
    }
}

SchoolLoad load_school_text(std::string_view toml_text, const std::string& source_name, const std::string& base_dir,
                            Date today) {
    SchoolLoad load;
    const auto parsed = parse_toml(toml_text, source_name, load.diagnostics);
    if (!parsed) {
        load.status = LoadStatus::unreadable;
        return load;
    }
    const toml::table& root = *parsed;
    TomlTableReader top(root, "top level", load.diagnostics);
    top.allow_only({"school"});
    School school;
    school.source_file = source_name;
    school.closures.holidays = School::default_holidays();
    if (const toml::node* node = top.find("school", Presence::required)) {
        if (const toml::table* table = node->as_table()) {
            TomlTableReader r(*table, "[school]", load.diagnostics);
            r.allow_only(with_closure_rule_keys({"id", "name"}));
            school.where = r.position();
            if (auto id = r.string("id", Presence::required)) {
                if (valid_identifier(*id))
                    school.id = *id;
                else
                    r.error_at("id", "`id = \"" + *id + "\"` is not a usable school id",
                               "use lower-case letters, digits and dashes, e.g. \"de-regenboog\"");
            }
            if (auto name = r.string("name", Presence::required)) school.name = *name;
            const DateWindow window{today - boost::gregorian::days(366), today + boost::gregorian::days(3653)};
            read_closure_rules(r, school.closures, window, base_dir);
        } else {
            top.error_at("school", "[school] must be a table", "write it as [school]");
        }
    }
    load.diagnostics.sort_by_position();
    if (load.diagnostics.has_errors()) {
        load.status = LoadStatus::invalid;
        return load;
    }
    load.school = std::move(school);
    return load;
}

}  // namespace ritme
