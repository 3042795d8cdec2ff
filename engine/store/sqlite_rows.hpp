#pragma once
// What the SQLite store's files share: turning the text columns SQLite keeps back into
// instants, dates and times, and binding optional instants. Private to engine/store.

#include "engine/calendar/calendar.hpp"
#include "engine/time/instant.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <string>

namespace ritme::sqlite_rows {

UtcInstant instant_from(const std::string& iso);
Date date_from(const std::string& text);
TimeRange range_from(const std::string& start, const std::string& end);
std::optional<UtcInstant> optional_instant_from(const SQLite::Column& column);
void bind_optional_instant(SQLite::Statement& statement, int index, const std::optional<UtcInstant>& instant);

}  // namespace ritme::sqlite_rows
