// The SQLite store's leases on work one daemon does for all. write()'s IMMEDIATE
// transaction holds the write lock, so the read after the upsert sees what it left.
#include "engine/store/sqlite_rows.hpp"
#include "engine/store/sqlite_store.hpp"

namespace ritme {

using namespace sqlite_rows;

Lease SqliteStore::take_lease(const std::string& name, const std::string& holder, UtcInstant now, UtcInstant until) {
    return guarded(db_, "taking a lease", [&]() -> Lease {
        require_write();
        if (now.utc.is_special() || until.utc.is_special()) throw StoreError("a lease needs the time and its end");
        SQLite::Statement& take = statement(
            "INSERT INTO lease (name, holder, until) VALUES (?1, ?2, ?4) ON CONFLICT (name) DO UPDATE "
            "SET holder = excluded.holder, until = excluded.until WHERE lease.holder = excluded.holder "
            "OR lease.until <= ?3");
        take.bind(1, name);
        take.bind(2, holder);
        bind_seconds(take, 3, now);
        bind_seconds(take, 4, until);
        take.exec();
        SQLite::Statement& read = statement("SELECT holder, until FROM lease WHERE name = ?1");
        read.bind(1, name);
        if (!read.executeStep()) throw StoreError("the lease " + name + " is missing right after it was taken");
        const RowRef row{"lease", name};
        Lease lease{name, text_from(read.getColumn(0), row), instant_from_seconds(read.getColumn(1), row)};
        read.reset();
        return lease;
    });
}

void SqliteStore::release_lease(const std::string& name, const std::string& holder) {
    guarded(db_, "giving a lease back", [&] {
        require_write();
        SQLite::Statement& release = statement("DELETE FROM lease WHERE name = ?1 AND holder = ?2");
        release.bind(1, name);
        release.bind(2, holder);
        release.exec();
    });
}

}  // namespace ritme
