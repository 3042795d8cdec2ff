#pragma once
// Which database a command uses: a file path (SQLite) or a URL (StoreRegistry).

#include <string>

namespace ritme {

inline constexpr const char* default_database_path = "var/ritme.db";

// `--db` when given, else RITME_DB, else the daemon config's `database` when a config
// is in use, else the default relative to the working directory.
std::string resolve_database_path(const std::string& flag, const std::string& from_config = {});

}  // namespace ritme
