#include "engine/store/sqlite_rows.hpp"

#include <boost/date_time/gregorian/parsers.hpp>
#include <boost/date_time/posix_time/time_parsers.hpp>

namespace ritme::sqlite_rows {

UtcInstant instant_from(const std::string& iso) {
    // "2026-03-05T08:30:00Z"
    return {boost::posix_time::from_iso_extended_string(iso.substr(0, iso.size() - 1))};
}

Date date_from(const std::string& text) { return boost::gregorian::from_simple_string(text); }

TimeRange range_from(const std::string& start, const std::string& end) {
    return {*TimeOfDay::parse(start), *TimeOfDay::parse(end)};
}

std::optional<UtcInstant> optional_instant_from(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return instant_from(column.getString());
}

void bind_optional_instant(SQLite::Statement& statement, int index, const std::optional<UtcInstant>& instant) {
    if (instant)
        statement.bind(index, instant->iso());
    else
        statement.bind(index);
}

}  // namespace ritme::sqlite_rows
