#include "engine/store/store_registry.hpp"

#include "engine/store/sqlite_store.hpp"

#include <cctype>

namespace ritme {

void StoreRegistry::add(const std::string& scheme, const std::string& example, Factory factory) {
    if (entries_.find(scheme) == entries_.end()) order_.push_back(scheme);
    entries_[scheme] = {example, std::move(factory)};
}

std::vector<std::string> StoreRegistry::examples() const {
    std::vector<std::string> out;
    for (const auto& scheme : order_) out.push_back(entries_.at(scheme).example);
    return out;
}

std::string StoreRegistry::scheme_of(const std::string& database) {
    // RFC 3986: a letter, then letters, digits, "+", "-" and ".".
    const size_t end = database.find("://");
    if (end == std::string::npos || end == 0 || !std::isalpha(static_cast<unsigned char>(database[0])))
        return file_scheme;
    for (size_t i = 1; i < end; ++i) {
        const auto c = static_cast<unsigned char>(database[i]);
        if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return file_scheme;
    }
    std::string scheme = database.substr(0, end);
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return scheme;
}

std::unique_ptr<Store> StoreRegistry::open(const std::string& database) const {
    const std::string scheme = scheme_of(database);
    const auto found = entries_.find(scheme);
    if (found != entries_.end()) return found->second.factory(database);
    std::string known;
    for (const auto& example : examples()) known += (known.empty() ? "" : ", ") + example;
    // The scheme only: the rest of a URL may hold a password.
    throw StoreError("the database is a " + (scheme.empty() ? std::string("file path") : scheme + "://… URL") +
                     ", which this ritme has no store for; it knows " + (known.empty() ? "none" : known));
}

void register_sqlite_store(StoreRegistry& registry, SqliteStore::Threads threads) {
    registry.add(StoreRegistry::file_scheme, "a file path (SQLite, e.g. /var/lib/ritme/ritme.db)",
                 [threads](const std::string& path) -> std::unique_ptr<Store> { return SqliteStore::open(path, threads); });
}

}  // namespace ritme
