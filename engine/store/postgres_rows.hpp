#pragma once
// What the PostgreSQL store's files share: statement parameters as text, PostgreSQL's
// errors as StoreError, and reading columns back into instants, dates and times. The
// columns keep SQLite's representation (instants as ISO text, the outbox's as UTC seconds),
// so both stores read and write the same values. A value ritme cannot read is an error
// that names the table and the row: never a silent default. Private to engine/store.

#include "engine/calendar/calendar.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme::postgres_rows {

// A row that ritme cannot read; guarded() adds the database and what was being done.
class UnreadableValue : public StoreError {
public:
    using StoreError::StoreError;
};

struct RowRef {
    const char* table;
    std::string id;
};

[[noreturn]] void unreadable(const RowRef& row, std::string_view column, std::string_view value,
                             std::string_view why);

// SQL NULL, as a parameter.
struct Null {};
inline constexpr Null null{};

// A statement's parameters, each as the text PostgreSQL reads it (its type comes from
// the statement), or NULL.
class Params {
public:
    Params() = default;
    template <typename... Values>
    explicit Params(const Values&... values) {
        (add(values), ...);
    }
    Params& add(const std::string& text) { return push(text); }
    Params& add(const char* text) { return push(std::string(text)); }
    Params& add(std::string_view text) { return push(std::string(text)); }
    Params& add(int value) { return push(std::to_string(value)); }
    Params& add(int64_t value) { return push(std::to_string(value)); }
    Params& add(bool) = delete;  // 0 or 1 explicitly: the schema keeps flags as numbers
    Params& add(Null) { return push(std::nullopt); }
    Params& add(const std::optional<std::string>& text) { return push(text); }
    // Pointers into the values, NULL as nullptr, for libpqxx.
    std::vector<const char*> pointers() const;

private:
    Params& push(std::optional<std::string> value) {
        values_.push_back(std::move(value));
        return *this;
    }
    std::vector<std::optional<std::string>> values_;
};

// An instant as ISO text, or NULL when unset; as UTC seconds (the outbox), or NULL.
std::optional<std::string> iso_or_null(const std::optional<UtcInstant>& instant);
bool is_set(UtcInstant instant);
int64_t seconds_of(UtcInstant instant);
std::optional<std::string> seconds_or_null(UtcInstant instant);
// An id, or NULL for 0 (the outbox's session and appointment).
std::optional<std::string> id_or_null(int64_t id);

// The StoreError for a PostgreSQL error: "database postgresql://db.example/ritme:
// claiming deliveries: ERROR: …" (its first line). A lock or serialisation conflict, or a
// connection that broke, is StoreBusy: nothing was written, and trying again may work.
StoreError failure(const std::string& database, const char* doing, const std::exception& e);
// Throws failure()'s error as what it is: StoreBusy or StoreError (a StoreBusy returned as
// a StoreError and thrown would be only a StoreError).
[[noreturn]] void throw_failure(const std::string& database, const char* doing, const std::exception& e);
bool is_constraint(const pqxx::sql_error& e);

// Runs one operation of the store. PostgreSQL's errors, and rows ritme cannot read,
// reach the caller as StoreError naming the database and `doing`.
template <typename Work>
auto guarded(const std::string& database, const char* doing, Work&& work) -> decltype(work()) {
    try {
        return work();
    } catch (const UnreadableValue& e) {
        throw_failure(database, doing, e);
    } catch (const StoreError&) {
        throw;
    } catch (const pqxx::failure& e) {
        throw_failure(database, doing, e);
    } catch (const pqxx::usage_error& e) {
        throw_failure(database, doing, e);
    } catch (const pqxx::conversion_error& e) {
        throw_failure(database, doing, e);
    }
}

int64_t integer_from(const pqxx::field& field, const RowRef& row);
int int_from(const pqxx::field& field, const RowRef& row);
std::optional<int64_t> optional_integer_from(const pqxx::field& field, const RowRef& row);  // NULL: none
std::string text_from(const pqxx::field& field, const RowRef& row);
// Instants as "2026-03-05T08:30:00Z", dates as "2026-03-05", times of day as "09:30".
UtcInstant instant_from(const pqxx::field& field, const RowRef& row);
std::optional<UtcInstant> optional_instant_from(const pqxx::field& field, const RowRef& row);  // NULL: none
// The outbox's UTC seconds; NULL is unset.
UtcInstant instant_from_seconds(const pqxx::field& field, const RowRef& row);
Date date_from(const pqxx::field& field, const RowRef& row);
TimeRange range_from(const pqxx::field& start, const pqxx::field& end, const RowRef& row);

}  // namespace ritme::postgres_rows
