// Copying an SQLite installation into an empty PostgreSQL database: the tables are the
// same, column for column, so each row goes across as the text SQLite gives for it.
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"
#include "engine/store/sqlite_store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <filesystem>

namespace ritme {

using namespace postgres_rows;

namespace {

struct TableCopy {
    const char* table;
    const char* order;  // SQLite's order, so ids and insertion order come across as they were
    bool identity;      // an id PostgreSQL numbers: its sequence continues after the copied ids
};

// Parents before the rows that reference them.
constexpr TableCopy tables[] = {
    {"programme", "id", false},          {"school", "id", false},
    {"participant", "id", false},        {"commitment", "participant_id, position", false},
    {"enrolment", "participant_id, programme_id", false},
    {"anonymous_enrolment", "programme_id", false},
    {"session", "id", true},             {"appointment", "id", true},
    {"delivery", "id", true},            {"delivery_receipt", "id", true},
    {"plan_request", "scope", false},    {"setting", "key", false},
    {"told", "participant_id, session_id, appointment_id", false},
    {"answer", "id", true},              {"attendance", "participant_id, session_id, appointment_id", false},
    {"lead", "id", false},               {"lead_programme", "lead_id, programme_id", false},
    {"lead_token", "rowid", false},      {"follow_up", "id", true},
    {"feed_token", "id", false},         {"group_message", "id", true},
    {"audit", "id", true},          {"lease", "name", false},
};

}  // namespace

std::vector<CopiedTable> PostgresStore::copy_from_sqlite(const std::string& sqlite_path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(sqlite_path, error))
        throw StoreError("no SQLite database at " + sqlite_path + "; hint: --db names the one to copy");
    SqliteStore::open(sqlite_path);  // refuses what is no ritme database; migrates an older one
    std::vector<CopiedTable> copied;
    try {
        SQLite::Database from(sqlite_path, SQLite::OPEN_READONLY);
        copy_tables(from, sqlite_path, copied);
    } catch (const SQLite::Exception& e) {
        throw StoreError("database " + sqlite_path + ": copying: " + e.what());
    }
    return copied;
}

void PostgresStore::copy_tables(SQLite::Database& from, const std::string& sqlite_path,
                                std::vector<CopiedTable>& copied) {
    write([&] {
        for (const auto& t : tables) {
            const auto doing = std::string("copying table ") + t.table;
            guarded(name_, doing.c_str(), [&] {
                if (exec(std::string("SELECT count(*) FROM ") + t.table, Params())[0][0].as<int64_t>() != 0)
                    throw StoreError("the database " + name_ + " holds data already (table " + t.table +
                                     "); hint: migrate into an empty database");
                // The columns PostgreSQL has, in its order; SQLite has each of them.
                std::vector<std::string> columns;
                for (const auto& r : exec("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                          "current_schema() AND table_name = $1 AND is_generated = 'NEVER' "
                                          "AND identity_generation IS DISTINCT FROM 'ALWAYS' ORDER BY ordinal_position",
                                          Params(std::string(t.table))))
                    columns.push_back(r[0].as<std::string>());
                std::string list, placeholders;
                for (size_t i = 0; i < columns.size(); ++i) {
                    list += (i ? ", " : "") + columns[i];
                    placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
                }
                const std::string insert =
                    std::string("INSERT INTO ") + t.table + " (" + list + ") VALUES (" + placeholders + ")";
                SQLite::Statement rows(from, std::string("SELECT ") + list + " FROM " + t.table + " ORDER BY " + t.order);
                int64_t count = 0;
                while (rows.executeStep()) {
                    Params params;
                    for (int i = 0; i < rows.getColumnCount(); ++i) {
                        const auto column = rows.getColumn(i);
                        if (column.isNull())
                            params.add(null);
                        else
                            params.add(column.getString());
                    }
                    exec(insert, params);
                    ++count;
                }
                if (t.identity)
                    exec(std::string("SELECT setval(pg_get_serial_sequence('") + t.table + "', 'id'), max(id)) FROM " +
                             t.table + " HAVING count(*) > 0",
                         Params());
                const int64_t here = exec(std::string("SELECT count(*) FROM ") + t.table, Params())[0][0].as<int64_t>();
                const int64_t there = from.execAndGet(std::string("SELECT count(*) FROM ") + t.table).getInt64();
                if (here != there || here != count)
                    throw StoreError("table " + std::string(t.table) + ": " + std::to_string(there) +
                                     " rows in " + sqlite_path + ", " + std::to_string(here) + " copied");
                copied.push_back({t.table, here});
            });
        }
        // Statistics for the rows just loaded, as PostgreSQL asks after a bulk load: until
        // autovacuum gathers them, the planner takes the tables for nearly empty, and the
        // daemons' first claims sort every due row instead of reading the due index in order.
        guarded(name_, "gathering statistics on the copied tables", [&] {
            std::string list;
            for (const auto& t : tables) list += (list.empty() ? "" : ", ") + std::string(t.table);
            exec("ANALYZE " + list, Params());
        });
    });
}

}  // namespace ritme
