#include "engine/changes/lookups.hpp"

#include "engine/base/did_you_mean.hpp"

#include <algorithm>

namespace ritme {

ChangeError no_such_programme(const Store& store, const std::string& id, std::string field, std::string_view where) {
    const auto known = store.programme_ids();
    std::vector<std::string_view> candidates(known.begin(), known.end());
    const auto match = closest_match(id, candidates);
    return {ChangeError::Kind::bad_input, std::move(field), "no programme \"" + id + "\"" + std::string(where),
            match ? "did you mean " + *match + "?" : "apply its file first with `ritme apply`"};
}

std::optional<Programme> find_programme(const Store& store, const std::string& id, std::string_view where,
                                        std::vector<ChangeError>& errors) {
    if (auto programme = store.programme(id)) return programme;
    errors.push_back(no_such_programme(store, id, {}, where));
    return std::nullopt;
}

std::vector<ChangeError> unknown_programmes(const Store& store, const std::vector<std::string>& ids) {
    const auto known = store.programme_ids();
    std::vector<ChangeError> errors;
    for (const auto& id : ids)
        if (std::find(known.begin(), known.end(), id) == known.end()) errors.push_back(no_such_programme(store, id));
    return errors;
}

int children_in_care(const Store& store, const std::string& programme_id) {
    int children = 0;
    for (const auto& id : store.participants_of(programme_id))
        if (const auto participant = store.participant(id)) children += participant->children_in_care;
    return children;
}

ChangeError no_such_participant(const std::string& id) {
    return {ChangeError::Kind::bad_input, {}, "no participant " + id, "see `ritme participant list`"};
}

}  // namespace ritme
