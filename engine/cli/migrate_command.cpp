// `ritme migrate --to postgresql://…`: moves an SQLite installation into an empty
// PostgreSQL database (PostgresStore::copy_from_sqlite), every table with its ids and the
// audit trail, then says how many rows each table has on both sides. Nothing lands unless
// every count agrees; the SQLite file stays as it was.

#include "engine/cli/commands.hpp"
#include "engine/store/postgres_store.hpp"

#include <ostream>

namespace ritme {

namespace {

class MigrateCommand {
public:
    MigrateCommand(const CommonOptions& common, CliContext& context) : common_(common), context_(context) {}

    void add_to(CLI::App& app) {
        command_ = app.add_subcommand("migrate", "copy this SQLite database into an empty PostgreSQL database");
        command_->add_option("--to", to_, "the PostgreSQL database: postgresql://USER@HOST/DATABASE?sslmode=…")
            ->required();
        command_->add_option("--password-file", password_file_,
                             "a file holding the database password alone (mode 0600); else the URL's "
                             "password_file=FILE, or libpq's PGPASSFILE");
    }

    int run() {
        const std::string from = database_location(common_, context_);
        if (from.find("://") != std::string::npos) {
            error() << "--db names " << from << ", not an SQLite file; migrate copies an SQLite database\n";
            return exit_bad_input;
        }
        if (const std::string problem = postgres_url_problem(to_); !problem.empty()) {
            error() << "--to: " << problem << "\n";
            return exit_bad_input;
        }
        try {
            auto target = PostgresStore::open({to_, password_file_});
            const auto copied = target->copy_from_sqlite(from);
            int64_t rows = 0;
            for (const auto& table : copied) {
                context_.out << table.table << ": " << table.rows << " rows\n";
                rows += table.rows;
            }
            context_.out << "copied " << from << " to " << to_ << ": " << copied.size() << " tables, " << rows
                         << " rows, the same count in each table on both sides\n";
            return exit_ok;
        } catch (const StoreError& e) {
            error() << e.what() << "; nothing was copied\n";
            return exit_failure;
        }
    }

private:
    std::ostream& error() { return context_.err << "ritme migrate: "; }

    const CommonOptions& common_;
    CliContext& context_;
    CLI::App* command_ = nullptr;
    std::string to_;
    std::string password_file_;
};

}  // namespace

CommandAction add_migrate_command(CLI::App& app, const CommonOptions& common, CliContext& context) {
    auto command = std::make_shared<MigrateCommand>(common, context);
    command->add_to(app);
    return [command] { return command->run(); };
}

}  // namespace ritme
