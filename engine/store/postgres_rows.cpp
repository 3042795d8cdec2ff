#include "engine/store/postgres_rows.hpp"

#include "engine/base/utf8.hpp"
#include "engine/store/outbox_sql.hpp"

#include <boost/date_time/gregorian/parsers.hpp>
#include <boost/date_time/posix_time/time_parsers.hpp>

#include <limits>

namespace ritme::postgres_rows {

namespace {
const boost::posix_time::ptime epoch(make_date(1970, 1, 1));

std::string first_line(const char* what) {
    std::string text(what);
    const auto end = text.find('\n');
    if (end != std::string::npos) text.resize(end);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

bool is_busy(const std::exception& e) {
    if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::transaction_rollback*>(&e))
        return true;
    if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
        // lock_not_available, serialization_failure, deadlock_detected, query_canceled
        // (a lock or statement timeout), admin_shutdown and the other connection failures
        const std::string& state = sql->sqlstate();
        return state == "55P03" || state == "40001" || state == "40P01" || state == "57014" ||
               state.rfind("57P", 0) == 0 || state.rfind("08", 0) == 0;
    }
    return false;
}
}  // namespace

void unreadable(const RowRef& row, std::string_view column, std::string_view value, std::string_view why) {
    constexpr size_t shown = 60;
    std::string quoted = valid_utf8(cut_utf8(value, shown));
    if (value.size() > shown) quoted += "…";
    throw UnreadableValue("table " + std::string(row.table) + ", row " + row.id + ": " + std::string(column) + " '" +
                          quoted + "' " + std::string(why));
}

std::vector<const char*> Params::pointers() const {
    std::vector<const char*> out;
    out.reserve(values_.size());
    for (const auto& value : values_) out.push_back(value ? value->c_str() : nullptr);
    return out;
}

std::optional<std::string> iso_or_null(const std::optional<UtcInstant>& instant) {
    if (!instant) return std::nullopt;
    return instant->iso();
}

bool is_set(UtcInstant instant) { return !instant.utc.is_special(); }

int64_t seconds_of(UtcInstant instant) { return (instant.utc - epoch).total_seconds(); }

std::optional<std::string> seconds_or_null(UtcInstant instant) {
    if (!is_set(instant)) return std::nullopt;
    return std::to_string(seconds_of(instant));
}

std::optional<std::string> id_or_null(int64_t id) {
    if (id == 0) return std::nullopt;
    return std::to_string(id);
}

StoreError failure(const std::string& database, const char* doing, const std::exception& e) {
    const std::string message = "database " + database + ": " + doing + ": " + first_line(e.what());
    if (is_busy(e)) return StoreBusy(message);
    return StoreError(message);
}

void throw_failure(const std::string& database, const char* doing, const std::exception& e) {
    const StoreError error = failure(database, doing, e);
    if (is_busy(e)) throw StoreBusy(error.what());
    throw error;
}

bool is_constraint(const pqxx::sql_error& e) { return e.sqlstate().rfind("23", 0) == 0; }

int64_t integer_from(const pqxx::field& field, const RowRef& row) {
    if (field.is_null()) unreadable(row, field.name(), "NULL", "is not a number");
    int64_t value = 0;
    if (!field.to(value)) unreadable(row, field.name(), field.c_str(), "is not a whole number");
    return value;
}

int int_from(const pqxx::field& field, const RowRef& row) {
    const int64_t value = integer_from(field, row);
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max())
        unreadable(row, field.name(), std::to_string(value), "is out of range");
    return static_cast<int>(value);
}

std::optional<int64_t> optional_integer_from(const pqxx::field& field, const RowRef& row) {
    if (field.is_null()) return std::nullopt;
    return integer_from(field, row);
}

std::string text_from(const pqxx::field& field, const RowRef& row) {
    if (field.is_null()) unreadable(row, field.name(), "NULL", "is not text");
    return std::string(field.c_str(), field.size());
}

UtcInstant instant_from(const pqxx::field& field, const RowRef& row) {
    const std::string iso = field.is_null() ? std::string("NULL") : std::string(field.c_str());
    UtcInstant instant;
    if (!iso.empty() && iso.back() == 'Z') {
        try {
            instant = {boost::posix_time::from_iso_extended_string(iso.substr(0, iso.size() - 1))};
        } catch (const std::exception&) {
            // not an instant: below
        }
    }
    if (instant.utc.is_special()) unreadable(row, field.name(), iso, "is not a UTC time");
    return instant;
}

std::optional<UtcInstant> optional_instant_from(const pqxx::field& field, const RowRef& row) {
    if (field.is_null()) return std::nullopt;
    return instant_from(field, row);
}

UtcInstant instant_from_seconds(const pqxx::field& field, const RowRef& row) {
    if (field.is_null()) return {};
    const int64_t seconds = integer_from(field, row);
    if (seconds < first_outbox_second || seconds > last_outbox_second)
        unreadable(row, field.name(), std::to_string(seconds), "is not a time ritme can hold");
    return {epoch + boost::posix_time::seconds(seconds)};
}

Date date_from(const pqxx::field& field, const RowRef& row) {
    const std::string text = field.is_null() ? std::string("NULL") : std::string(field.c_str());
    Date date;
    try {
        date = boost::gregorian::from_simple_string(text);
    } catch (const std::exception&) {
        // not a date: below
    }
    if (date.is_special()) unreadable(row, field.name(), text, "is not a date");
    return date;
}

TimeRange range_from(const pqxx::field& start, const pqxx::field& end, const RowRef& row) {
    const auto time_of_day = [&](const pqxx::field& field) {
        const std::string text = field.is_null() ? std::string("NULL") : std::string(field.c_str());
        const auto time = TimeOfDay::parse(text);
        if (!time) unreadable(row, field.name(), text, "is not a time of day");
        return *time;
    };
    return {time_of_day(start), time_of_day(end)};
}

}  // namespace ritme::postgres_rows
