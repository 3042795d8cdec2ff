// `ritme backup FILE`: a whole, checked copy of the SQLite database, taken while the daemon
// runs (engine/store/sqlite_backup.hpp). A PostgreSQL database is backed up with
// PostgreSQL's own tools.

#include "engine/cli/commands.hpp"
#include "engine/store/sqlite_backup.hpp"
#include "engine/store/store_registry.hpp"

#include <filesystem>
#include <ostream>

namespace ritme {

CommandAction add_backup_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto* command = app.add_subcommand("backup", "a copy of the database, taken while the daemon runs");
    auto target = std::make_shared<std::string>();
    command->add_option("FILE", *target, "the new file (never overwritten; created 0600)")->required();
    command->footer(
        "The copy is one consistent moment of the database, checked with SQLite's integrity check before it is "
        "given its name. To restore: stop the daemon, copy FILE over the database (removing any -wal and -shm "
        "files beside it), start the daemon.\n"
        "Exit status: 0 written; 1 the backup failed (nothing is left at FILE); 2 FILE exists, or bad input.");

    return [target, &common, &context]() {
        const std::string database = database_location(common, context);
        // Only a file is copied here; a database server is backed up with its own tools.
        if (StoreRegistry::scheme_of(database) != StoreRegistry::file_scheme) {
            context.err << "ritme backup: the database is " << StoreRegistry::scheme_of(database)
                        << ", not an SQLite file; back it up with its own tools (for PostgreSQL pg_dump, or its "
                           "replication and base backups: README, \"Backups\")\n";
            return exit_bad_input;
        }
        std::error_code ignored;
        if (std::filesystem::exists(*target, ignored) || std::filesystem::is_symlink(*target, ignored)) {
            context.err << "ritme backup: " << *target
                        << " exists already; a backup never overwrites a file: name a new file, or remove the old "
                           "one first\n";
            return exit_bad_input;
        }
        try {
            const BackupSummary copy = backup_database(database, *target);
            context.out << "backed up " << database << " to " << *target << " (" << copy.bytes << " bytes, schema "
                        << copy.schema_version << "): programmes " << copy.programmes << ", participants "
                        << copy.participants << ", deliveries " << copy.deliveries << ", audit entries "
                        << copy.audit_entries << "\n";
            return exit_ok;
        } catch (const StoreError& e) {
            context.err << "ritme backup: " << e.what() << "\n";
            return exit_failure;
        }
    };
}

}  // namespace ritme
