#pragma once
// A programme or school as the store keeps it: the applied definition as JSON, so
// `ritme fit PROGRAMME-ID` works from the database alone, without the file or its
// .ics files. Positions in the source file are not kept.

#include "engine/holidays/school.hpp"
#include "engine/programme/programme.hpp"

#include <nlohmann/json.hpp>

namespace ritme {

nlohmann::json programme_record(const Programme& programme);
Programme programme_from_record(const nlohmann::json& record);

nlohmann::json school_record(const School& school);
School school_from_record(const nlohmann::json& record);

}  // namespace ritme
