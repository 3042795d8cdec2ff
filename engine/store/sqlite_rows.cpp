#include "engine/store/sqlite_rows.hpp"

#include "engine/base/utf8.hpp"
#include "engine/store/outbox_sql.hpp"

#include <boost/date_time/gregorian/parsers.hpp>
#include <boost/date_time/posix_time/time_parsers.hpp>

#include <sqlite3.h>

#include <exception>
#include <limits>

namespace ritme::sqlite_rows {

void unreadable(const RowRef& row, std::string_view column, std::string_view value, std::string_view why) {
    // A damaged column can hold anything: enough of it to recognise, not all of it, and
    // never bytes that would make the message itself invalid UTF-8.
    constexpr size_t shown = 60;
    std::string quoted = valid_utf8(cut_utf8(value, shown));
    if (value.size() > shown) quoted += "…";
    throw UnreadableValue("table " + std::string(row.table) + ", row " + row.id + ": " + std::string(column) + " '" +
                          quoted + "' " + std::string(why));
}

void unreadable_text(const RowRef& row, std::string_view column, std::string_view why) {
    throw UnreadableValue("table " + std::string(row.table) + ", row " + row.id + ": " + std::string(column) + " " +
                          std::string(why));
}

StoreError failure(const SQLite::Database& db, const char* doing, const char* what) {
    sqlite3* handle = db.getHandle();
    for (sqlite3_stmt* statement = sqlite3_next_stmt(handle, nullptr); statement;
         statement = sqlite3_next_stmt(handle, statement))
        if (sqlite3_stmt_busy(statement)) sqlite3_reset(statement);
    return StoreError("database " + db.getFilename() + ": " + doing + ": " + what);
}

StoreBusy busy(const SQLite::Database& db, const char* doing, const char* what) {
    return StoreBusy(failure(db, doing, what).what());
}

bool is_busy(const SQLite::Exception& e) {
    const int code = e.getErrorCode() & 0xff;
    return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

bool is_constraint(const SQLite::Exception& e) { return (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT; }

int64_t integer_from(const SQLite::Column& column, const RowRef& row) {
    if (!column.isInteger()) {
        if (column.isNull()) unreadable(row, column.getName(), "NULL", "is not a number");
        if (column.isText() && !is_valid_utf8(column.getString()))
            unreadable_text(row, column.getName(), "is not a number, nor UTF-8 text");
        unreadable(row, column.getName(), column.getString(), "is not a whole number");
    }
    return column.getInt64();
}

int int_from(const SQLite::Column& column, const RowRef& row) {
    const int64_t value = integer_from(column, row);
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max())
        unreadable(row, column.getName(), std::to_string(value), "is out of range");
    return static_cast<int>(value);
}

std::optional<int64_t> optional_integer_from(const SQLite::Column& column, const RowRef& row) {
    if (column.isNull()) return std::nullopt;
    return integer_from(column, row);
}

std::string text_from(const SQLite::Column& column, const RowRef& row) {
    if (column.isNull()) unreadable(row, column.getName(), "NULL", "is not text");
    std::string text = column.getString();
    if (!is_valid_utf8(text)) unreadable_text(row, column.getName(), "is not UTF-8 text");
    return text;
}

UtcInstant instant_from(const SQLite::Column& column, const RowRef& row) {
    // "2026-03-05T08:30:00Z"
    const std::string iso = column.getString();
    UtcInstant instant;
    if (!iso.empty() && iso.back() == 'Z') {
        try {
            instant = {boost::posix_time::from_iso_extended_string(iso.substr(0, iso.size() - 1))};
        } catch (const std::exception&) {
            // not an instant: below
        }
    }
    if (instant.utc.is_special()) unreadable(row, column.getName(), iso, "is not a UTC time");
    return instant;
}

std::optional<UtcInstant> optional_instant_from(const SQLite::Column& column, const RowRef& row) {
    if (column.isNull()) return std::nullopt;
    return instant_from(column, row);
}

Date date_from(const SQLite::Column& column, const RowRef& row) {
    const std::string text = column.getString();
    Date date;
    try {
        date = boost::gregorian::from_simple_string(text);
    } catch (const std::exception&) {
        // not a date: below
    }
    if (date.is_special()) unreadable(row, column.getName(), text, "is not a date");
    return date;
}

TimeRange range_from(const SQLite::Column& start, const SQLite::Column& end, const RowRef& row) {
    const auto time_of_day = [&](const SQLite::Column& column) {
        const std::string text = column.getString();
        const auto time = TimeOfDay::parse(text);
        if (!time) unreadable(row, column.getName(), text, "is not a time of day");
        return *time;
    };
    return {time_of_day(start), time_of_day(end)};
}

void bind_optional_instant(SQLite::Statement& statement, int index, const std::optional<UtcInstant>& instant) {
    if (instant)
        statement.bind(index, instant->iso());
    else
        statement.bind(index);
}


// The outbox and the leases keep instants as UTC seconds since 1970; an unset instant is NULL.
namespace {
const boost::posix_time::ptime epoch(make_date(1970, 1, 1));
}  // namespace

int64_t seconds_of(UtcInstant instant) { return (instant.utc - epoch).total_seconds(); }

void bind_seconds(SQLite::Statement& statement, int index, UtcInstant instant) {
    if (!instant.utc.is_special())
        statement.bind(index, seconds_of(instant));
    else
        statement.bind(index);
}

// NULL is unset; text, or seconds outside the years a date can hold, is damage (a time
// read as 0 would be 1970, due at once).
UtcInstant instant_from_seconds(const SQLite::Column& column, const RowRef& row) {
    if (column.isNull()) return {};
    const int64_t seconds = integer_from(column, row);
    if (seconds < first_outbox_second || seconds > last_outbox_second)
        unreadable(row, column.getName(), std::to_string(seconds), "is not a time ritme can hold");
    return {epoch + boost::posix_time::seconds(seconds)};
}

}  // namespace ritme::sqlite_rows
