#include "engine/holidays/closure_rules_reader.hpp"

#include "engine/holidays/ics_closures.hpp"

#include <filesystem>

namespace ritme {
namespace {

constexpr std::pair<std::string_view, Region> region_choices[] = {
    {"noord", Region::noord}, {"midden", Region::midden}, {"zuid", Region::zuid}};
constexpr std::pair<std::string_view, OpenOrClosed> open_closed_choices[] = {{"closed", OpenOrClosed::closed},
                                                                             {"open", OpenOrClosed::open}};
constexpr std::pair<std::string_view, LiberationDayRule> liberation_day_choices[] = {
    {"closed", LiberationDayRule::closed}, {"open", LiberationDayRule::open}, {"lustrum", LiberationDayRule::lustrum}};

void read_closed(TomlTableReader& r, ClosureRules& rules) {
    const toml::node* node = r.find("closed");
    if (!node) return;
    const toml::array* list = node->as_array();
    if (!list) {
        r.error_at("closed", "`closed` must be a list", "write `closed = [2026-03-20, { from = 2026-06-01, to = 2026-06-02, reason = \"studiedagen\" }]`");
        return;
    }
    int index = 0;
    for (const toml::node& entry : *list) {
        ++index;
        const std::string label = r.label() + " closed entry " + std::to_string(index);
        if (auto day = entry.as_date()) {
            if (auto date = supported_date_of(day->get()))
                rules.closed.push_back({*date, *date, "gesloten", position_of(entry.source())});
            else
                r.diagnostics().error(position_of(entry.source()),
                                      label + ": " + unsupported_date_message("closed", day->get()),
                                      unsupported_date_hint());
            continue;
        }
        const toml::table* table = entry.as_table();
        if (!table) {
            r.diagnostics().error(position_of(entry.source()),
                               label + ": `" + toml_value_text(entry) + "` is not a date or a period",
                               "write a date like 2026-03-20 or { from = 2026-06-01, to = 2026-06-02, reason = \"studiedagen\" }");
            continue;
        }
        TomlTableReader e(*table, label, r.diagnostics());
        e.allow_only({"date", "from", "to", "reason"});
        ClosedPeriod period{{}, {}, "gesloten", position_of(entry.source())};
        if (auto reason = e.string("reason")) period.reason = *reason;
        if (table->contains("date")) {
            if (table->contains("from") || table->contains("to")) {
                e.error_at("date", "give either `date` or `from` and `to`, not both");
                continue;
            }
            auto day = read_date(e, "date");
            if (!day) continue;
            period.from = period.to = *day;
        } else {
            auto from = read_date(e, "from", Presence::required);
            auto to = read_date(e, "to", Presence::required);
            if (!from || !to) continue;
            if (*to < *from) {
                e.error_at("to", "`to = " + iso_date(*to) + "` is before `from = " + iso_date(*from) + "`",
                           "a period runs from its first to its last closed day");
                continue;
            }
            period.from = *from;
            period.to = *to;
        }
        rules.closed.push_back(std::move(period));
    }
}

void read_closed_ics(TomlTableReader& r, ClosureRules& rules, DateWindow window, const std::string& base_dir) {
    const toml::node* node = r.find("closed_ics");
    if (!node) return;
    std::vector<const toml::node*> entries;
    if (node->is_string()) {
        entries.push_back(node);
    } else if (auto list = node->as_array()) {
        for (const toml::node& entry : *list) entries.push_back(&entry);
    } else {
        r.error_at("closed_ics", "`closed_ics` must be a file name or a list of them",
                   "write `closed_ics = \"studiedagen.ics\"`");
        return;
    }
    for (const toml::node* entry : entries) {
        auto name = entry->value<std::string>();
        if (!name || !entry->is_string()) {
            r.diagnostics().error(position_of(entry->source()),
                               r.label() + " closed_ics: `" + toml_value_text(*entry) + "` is not a file name",
                               "write the name in quotes: \"studiedagen.ics\"");
            continue;
        }
        std::filesystem::path path(*name);
        if (path.is_relative()) path = std::filesystem::path(base_dir) / path;
        std::error_code ignored;
        if (!std::filesystem::is_regular_file(path, ignored)) {
            r.diagnostics().error(position_of(entry->source()),
                               r.label() + " closed_ics: \"" + *name + "\" does not exist (looked for " +
                                   path.string() + ")",
                               "the path is relative to the programme file's directory");
            continue;
        }
        IcsClosures closures = read_ics_closures(path.string(), window.from, window.to);
        for (const auto& error : closures.errors)
            r.diagnostics().error(position_of(entry->source()), r.label() + " closed_ics \"" + *name + "\": " + error,
                               "export the school calendar again as an .ics file");
        for (auto& period : closures.periods) {
            period.where = position_of(entry->source());
            period.from_calendar_file = true;
            rules.closed.push_back(std::move(period));
        }
    }
}

}  // namespace

std::vector<std::string_view> with_closure_rule_keys(std::vector<std::string_view> own_keys) {
    for (auto key : {"region", "good_friday", "liberation_day", "ascension_friday", "optional_school_holidays", "closed",
                     "closed_ics"})
        own_keys.push_back(key);
    return own_keys;
}

void read_closure_rules(TomlTableReader& r, ClosureRules& rules, DateWindow ics_window, const std::string& base_dir) {
    if (auto region = r.choice<Region>("region", region_choices, Presence::required)) rules.region = *region;
    if (auto choice = r.choice<OpenOrClosed>("good_friday", open_closed_choices)) rules.holidays.good_friday = *choice;
    if (auto choice = r.choice<LiberationDayRule>("liberation_day", liberation_day_choices))
        rules.holidays.liberation_day = *choice;
    if (auto choice = r.choice<OpenOrClosed>("ascension_friday", open_closed_choices))
        rules.holidays.ascension_friday = *choice;
    if (auto choice = r.choice<OpenOrClosed>("optional_school_holidays", open_closed_choices))
        rules.holidays.optional_school_holidays = *choice;
    read_closed(r, rules);
    read_closed_ics(r, rules, ics_window, base_dir);
}

}  // namespace ritme
