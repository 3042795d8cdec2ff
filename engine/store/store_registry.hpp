#pragma once
// Which store a `database` setting names (DESIGN.md rule 8), in the manner of ISC Kea's
// lease manager factory: a file path is the SQLite store, `SCHEME://…` the store
// registered for SCHEME (postgresql). main registers the stores it is built with; an
// unknown scheme is an error that lists the known ones.

#include "engine/store/sqlite_store.hpp"
#include "engine/store/store.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ritme {

class StoreRegistry {
public:
    // Opens or creates the store `database` names, migrated to the current schema;
    // throws StoreError when it cannot.
    using Factory = std::function<std::unique_ptr<Store>(const std::string& database)>;

    // `scheme`: what comes before "://", or file_scheme for a path. `example`: how such
    // a database is written, for the error that lists the known ones.
    void add(const std::string& scheme, const std::string& example, Factory factory);

    // Opens the store `database` names. Throws StoreError when its scheme is unknown
    // (naming the known ones) or the store cannot be opened.
    std::unique_ptr<Store> open(const std::string& database) const;

    // How each known store is written, in the order registered.
    std::vector<std::string> examples() const;

    // The scheme of a database: "postgresql" for "postgresql://…", file_scheme for a path.
    static std::string scheme_of(const std::string& database);
    static constexpr const char* file_scheme = "";

private:
    struct Entry {
        std::string example;
        Factory factory;
    };
    std::map<std::string, Entry> entries_;
    std::vector<std::string> order_;
};

// The SQLite store for a file path: the embedded default. `threads`: as the stores it
// opens will be used (SqliteStore::Threads).
void register_sqlite_store(StoreRegistry& registry, SqliteStore::Threads threads = SqliteStore::Threads::any);

}  // namespace ritme
