#pragma once
// `ritme backup`: a copy of the SQLite database while the daemon and other commands go on
// writing. SQLite's online backup API copies every page in one read transaction, so the
// copy is the database as one commit left it (in WAL mode a reader does not hold up a
// writer). The copy is written beside its target under a temporary name, checked, made
// durable and only then renamed, so FILE is either a whole, sound backup or absent.
// Restoring is copying the file back while no ritme runs (README, "Backups").

#include <cstdint>
#include <string>

namespace ritme {

struct BackupSummary {
    int schema_version = 0;
    int64_t programmes = 0;
    int64_t participants = 0;
    int64_t deliveries = 0;
    int64_t audit_entries = 0;
    std::uintmax_t bytes = 0;
};

// Copies the database at `database` to `target`, a file that must not exist yet (a backup
// never overwrites one), created 0600. Throws StoreError saying what went wrong and how
// to go on; nothing is left at `target` then.
BackupSummary backup_database(const std::string& database, const std::string& target);

}  // namespace ritme
