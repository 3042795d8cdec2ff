// The PostgreSQL store's leases on work one daemon does for all. The upsert takes the
// lease when it is free, lapsed or already this holder's; two daemons taking it at once
// meet on its primary key, and the second sees the first's row once that commits.
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"

#include <pqxx/result>

namespace ritme {

using namespace postgres_rows;

Lease PostgresStore::take_lease(const std::string& name, const std::string& holder, UtcInstant now, UtcInstant until) {
    return guarded(name_, "taking a lease", [&]() -> Lease {
        require_write();
        if (!is_set(now) || !is_set(until)) throw StoreError("a lease needs the time and its end");
        const auto taken = exec(
            "INSERT INTO lease (name, holder, until) VALUES ($1, $2, $4) ON CONFLICT (name) DO UPDATE "
            "SET holder = excluded.holder, until = excluded.until WHERE lease.holder = excluded.holder "
            "OR lease.until <= $3 RETURNING holder, until",
            Params(name, holder, seconds_or_null(now), seconds_or_null(until)));
        const RowRef row{"lease", name};
        if (!taken.empty()) return {name, text_from(taken[0][0], row), instant_from_seconds(taken[0][1], row)};
        // Another holds it; the upsert locked its row, so this reads it as it stands.
        const auto held = exec("SELECT holder, until FROM lease WHERE name = $1", Params(name));
        if (held.empty()) throw StoreError("the lease " + name + " is missing right after it was taken");
        return {name, text_from(held[0][0], row), instant_from_seconds(held[0][1], row)};
    });
}

void PostgresStore::release_lease(const std::string& name, const std::string& holder) {
    guarded(name_, "giving a lease back", [&] {
        require_write();
        exec("DELETE FROM lease WHERE name = $1 AND holder = $2", Params(name, holder));
    });
}

}  // namespace ritme
