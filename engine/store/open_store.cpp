#include "engine/store/open_store.hpp"

#include <cstdlib>

namespace ritme {

std::string resolve_database_path(const std::string& flag, const std::string& from_config) {
    if (!flag.empty()) return flag;
    const char* environment = std::getenv("RITME_DB");
    if (environment && *environment) return environment;
    if (!from_config.empty()) return from_config;
    return default_database_path;
}

}  // namespace ritme
