#pragma once
// What the SQLite store's files share: one way to turn SQLite's errors into StoreError,
// and reading the text columns SQLite keeps back into instants, dates and times. A value
// ritme cannot read (a word it does not know, a date that is no date) is an error that
// names the table, the row and the value: never a silent default. Private to engine/store.

#include "engine/calendar/calendar.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <string>
#include <string_view>

namespace ritme::sqlite_rows {

// A row in the database that ritme cannot read. guarded() adds the file and what was
// being done.
class UnreadableValue : public StoreError {
public:
    using StoreError::StoreError;
};

// Which row a value comes from: "session", "12".
struct RowRef {
    const char* table;
    std::string id;
};

// "table session, row 12: status 'postponed' is not one ritme knows"
[[noreturn]] void unreadable(const RowRef& row, std::string_view column, std::string_view value,
                             std::string_view why);

// The same for a column whose value is not shown: "table participant, row p1: name is not UTF-8 text"
[[noreturn]] void unreadable_text(const RowRef& row, std::string_view column, std::string_view why);

// The StoreError for guarded(): "database /var/lib/ritme/ritme.db: claiming deliveries: disk
// I/O error". Ends the reads of statements left half-way, so the connection does not
// hold on to an old snapshot.
StoreError failure(const SQLite::Database& db, const char* doing, const char* what);

// The same when SQLite stayed busy or locked past its timeout (another connection holds
// the write lock): StoreBusy, so the caller may try again later.
StoreBusy busy(const SQLite::Database& db, const char* doing, const char* what);
bool is_busy(const SQLite::Exception& e);

// Runs one operation of the store. An SQLite error, or a row ritme cannot read, reaches
// the caller as a StoreError that names the database file and `doing` (StoreBusy when the
// database stayed locked); a StoreError the operation throws itself goes as it is.
template <typename Work>
auto guarded(const SQLite::Database& db, const char* doing, Work&& work) -> decltype(work()) {
    try {
        return work();
    } catch (const SQLite::Exception& e) {
        if (is_busy(e)) throw busy(db, doing, e.what());
        throw failure(db, doing, e.what());
    } catch (const UnreadableValue& e) {
        throw failure(db, doing, e.what());
    }
}

// Whether SQLite refused a change for a constraint (a unique key, a reference, a check):
// the caller's mistake, as opposed to the database failing.
bool is_constraint(const SQLite::Exception& e);

// Numbers and text as SQLite keeps them. A number column holding text (or a real) is
// damage, not 0; text that is not UTF-8 is damage, reported without the value (it may be
// a name or a number). A NULL where a value belongs is damage too.
int64_t integer_from(const SQLite::Column& column, const RowRef& row);
int int_from(const SQLite::Column& column, const RowRef& row);           // within int's range
std::optional<int64_t> optional_integer_from(const SQLite::Column& column, const RowRef& row);  // NULL: none
std::string text_from(const SQLite::Column& column, const RowRef& row);

// Instants as "2026-03-05T08:30:00Z", dates as "2026-03-05", times of day as "09:30".
UtcInstant instant_from(const SQLite::Column& column, const RowRef& row);
std::optional<UtcInstant> optional_instant_from(const SQLite::Column& column, const RowRef& row);  // NULL: none
Date date_from(const SQLite::Column& column, const RowRef& row);
TimeRange range_from(const SQLite::Column& start, const SQLite::Column& end, const RowRef& row);
void bind_optional_instant(SQLite::Statement& statement, int index, const std::optional<UtcInstant>& instant);

// Instants as UTC seconds since 1970 (the outbox, the leases); an unset instant is NULL.
int64_t seconds_of(UtcInstant instant);
void bind_seconds(SQLite::Statement& statement, int index, UtcInstant instant);
UtcInstant instant_from_seconds(const SQLite::Column& column, const RowRef& row);

}  // namespace ritme::sqlite_rows
