#pragma once
// Settings written the same way in the daemon config and in programme files: a list of
// reminder offsets, `offsets = ["1d@18:00", "2h"]`, in [reminders] of either.

#include "engine/base/toml_reader.hpp"
#include "engine/programme/reminder_rules.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// More reminders than this for one start is a mistake, not a plan.
inline constexpr size_t max_reminder_offsets = 10;

// The offsets under `key`, each problem reported at its entry; nothing when the key is
// absent or has errors. An empty list is allowed: no reminders.
inline std::optional<std::vector<ReminderOffset>> read_reminder_offsets(TomlTableReader& reader, std::string_view key,
                                                                        Presence presence = Presence::optional) {
    const toml::node* node = reader.find(key, presence);
    if (!node) return std::nullopt;
    const std::string name(key);
    const toml::array* list = node->as_array();
    if (!list) {
        reader.error_at(key, "`" + name + " = " + toml_value_text(*node) + "` is not a list",
                        "write it like `" + name + " = [\"1d@18:00\", \"2h\"]`, or [] for no reminders");
        return std::nullopt;
    }
    if (list->size() > max_reminder_offsets) {
        reader.error_at(key, "`" + name + "` lists " + std::to_string(list->size()) + " offsets",
                        "at most " + std::to_string(max_reminder_offsets) + " reminders before one start");
        return std::nullopt;
    }
    std::vector<ReminderOffset> offsets;
    bool good = true;
    for (const toml::node& element : *list) {
        const SourcePosition where = position_of(element.source());
        std::string why;
        std::optional<ReminderOffset> offset;
        if (auto text = element.as_string()) offset = ReminderOffset::parse(text->get(), why);
        if (!offset) {
            reader.diagnostics().error(
                where, reader.label() + ": `" + name + "` entry " + toml_value_text(element) + " is not an offset",
                why.empty() ? "write it like \"1d@18:00\" (the day before at 18:00) or \"2h\" (two hours before)"
                            : why);
            good = false;
        } else if (std::find(offsets.begin(), offsets.end(), *offset) != offsets.end()) {
            reader.diagnostics().error(where, reader.label() + ": `" + name + "` lists " + offset->str() + " twice",
                                       "each reminder once: remove one of them");
            good = false;
        } else {
            offsets.push_back(*offset);
        }
    }
    if (!good) return std::nullopt;
    return offsets;
}

}  // namespace ritme
