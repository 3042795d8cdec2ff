#include "engine/store/sqlite_backup.hpp"

#include "engine/store/store.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace ritme {

namespace fs = std::filesystem;

namespace {

// The copy holds personal data: it is created 0600 before SQLite writes to it.
void create_private(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) throw StoreError("cannot create " + path.string() + ": " + std::strerror(errno));
    ::close(fd);
}

// Flushes a file or a directory to the disk, so a rename after it survives a power cut.
void sync_path(const fs::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw StoreError("cannot open " + path.string() + " to flush it: " + std::strerror(errno));
    const int failed = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (failed != 0) throw StoreError("cannot flush " + path.string() + " to the disk: " + std::strerror(error));
}

int64_t rows_in(SQLite::Database& db, const std::string& table) {
    return db.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

// Removes the partial copy (and any log SQLite left beside it) unless it was renamed.
struct PartialCopy {
    fs::path path;
    bool kept = false;
    ~PartialCopy() {
        if (kept) return;
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path.string() + suffix, ignored);
    }
};

}  // namespace

BackupSummary backup_database(const std::string& database, const std::string& target_name) {
    const fs::path target(target_name);
    std::error_code error;
    if (fs::exists(target, error) || fs::is_symlink(target, error))
        throw StoreError(target.string() + " exists already; a backup never overwrites a file: name a new file, or "
                                           "remove the old one first");
    if (!fs::is_regular_file(database, error))
        throw StoreError("there is no database at " + database + " to back up (--db, RITME_DB or the config's "
                                                                 "`database` names it)");
    const fs::path directory = target.has_parent_path() ? target.parent_path() : fs::path(".");
    if (!fs::is_directory(directory, error))
        throw StoreError("the folder " + directory.string() + " for the backup does not exist; create it first");

    PartialCopy partial{directory / ("." + target.filename().string() + ".partial-" + std::to_string(::getpid()))};
    BackupSummary summary;
    try {
        create_private(partial.path);
        {
            SQLite::Database source(database, SQLite::OPEN_READONLY);
            source.setBusyTimeout(5000);  // a writer finishing its commit
            SQLite::Database copy(partial.path.string(), SQLite::OPEN_READWRITE);
            SQLite::Backup backup(copy, source);
            // All pages in one step: one read transaction on the source, one consistent copy.
            if (backup.executeStep(-1) != SQLITE_DONE)
                throw StoreError("the backup of " + database + " did not complete; try again");
        }
        // The copy is checked as a restore would find it: every page and index sound.
        {
            SQLite::Database copy(partial.path.string(), SQLite::OPEN_READWRITE);
            const std::string verdict = copy.execAndGet("PRAGMA integrity_check").getString();
            if (verdict != "ok")
                throw StoreError("the copy of " + database + " fails SQLite's integrity check (" + verdict +
                                 "); run `ritme status` on the database itself");
            summary.schema_version = copy.execAndGet("PRAGMA user_version").getInt();
            if (copy.tableExists("programme")) summary.programmes = rows_in(copy, "programme");
            if (copy.tableExists("participant")) summary.participants = rows_in(copy, "participant");
            if (copy.tableExists("delivery")) summary.deliveries = rows_in(copy, "delivery");
            if (copy.tableExists("audit")) summary.audit_entries = rows_in(copy, "audit");
            // One file, no log beside it: a restore copies just this file.
            copy.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        sync_path(partial.path, O_RDONLY);
        // A hard link never replaces a file: one made at `target` meanwhile stays as it is.
        if (::link(partial.path.c_str(), target.c_str()) != 0) {
            if (errno == EEXIST)
                throw StoreError(target.string() + " appeared while the backup was made; it was left as it is");
            throw StoreError("cannot write " + target.string() + ": " + std::strerror(errno));
        }
        sync_path(directory, O_RDONLY | O_DIRECTORY);
        summary.bytes = fs::file_size(target);
    } catch (const SQLite::Exception& e) {
        throw StoreError("cannot back up " + database + ": " + e.what());
    } catch (const fs::filesystem_error& e) {
        throw StoreError("cannot back up " + database + ": " + e.what());
    }
    return summary;
}

}  // namespace ritme
