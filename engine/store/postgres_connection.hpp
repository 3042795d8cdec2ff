#pragma once
// Where the PostgreSQL store is: `database = "postgresql://…"` as the config gives it,
// turned into libpq's connection string. The password never stands in the URL (a URL
// is printed, logged and kept in config files): it comes from a file the URL names with
// ritme's own parameter `password_file=FILE` (taken out before libpq reads the URL), or
// from libpq's own PGPASSFILE or `passfile`. Every other parameter (sslmode, sslrootcert,
// options, …) goes to libpq as written.

#include <string>
#include <string_view>

namespace ritme {

// "postgresql://…" or "postgres://…": a database URL rather than an SQLite file.
bool is_postgres_url(std::string_view database);

struct PostgresTarget {
    std::string url;            // as configured; never holds a password
    std::string password_file;  // a file holding only the password, mode 0600; empty: the URL's, or none
};

// Why `url` cannot name ritme's database (not a URL libpq reads, or one holding a
// password), with a hint; empty when it can.
std::string postgres_url_problem(const std::string& url);

// libpq's connection string for `target`, the password read from its file. Throws
// StoreError: a URL postgres_url_problem() refuses, a password file that cannot be read,
// is empty, or that others than its owner may read.
std::string postgres_connection_string(const PostgresTarget& target);

}  // namespace ritme
