#pragma once
// Finding what a change names in the store, or the error that says it is not there and
// what the person may have meant.

#include "engine/changes/change_result.hpp"
#include "engine/store/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ritme {

// "no programme \"x\"" (with `where`, e.g. " in the database"), then "did you mean y?" or
// how to apply it; about `field` when the request has one for it.
ChangeError no_such_programme(const Store& store, const std::string& id, std::string field = {},
                              std::string_view where = {});

// The applied programme of that id, or why not.
std::optional<Programme> find_programme(const Store& store, const std::string& id, std::string_view where,
                                        std::vector<ChangeError>& errors);

// Each id must be an applied programme; one error per id that is not.
std::vector<ChangeError> unknown_programmes(const Store& store, const std::vector<std::string>& ids);

// The children of a programme's enrolled participants who need a crèche place during a session.
int children_in_care(const Store& store, const std::string& programme_id);

// "no participant p-…; see `ritme participant list`"
ChangeError no_such_participant(const std::string& id);

}  // namespace ritme
