// The ritme binary: wires the engine to the real clock, the terminal (or, under systemd,
// the journal), the built-in adapters and the stores.

#include "adapters/builtin_adapters.hpp"
#include "engine/base/journal_stream.hpp"
#include "engine/cli/cli.hpp"
#include "engine/store/postgres_store.hpp"

#include <unistd.h>

#include <iostream>
#include <optional>

int main(int argc, char** argv) {
    ritme::SystemClock clock;
    ritme::ChannelRegistry channels;
    ritme::register_builtin_adapters(channels);
    ritme::StoreRegistry stores;
    // Each command, and the daemon's loop, uses its store from one thread at a time.
    ritme::register_sqlite_store(stores, ritme::SqliteStore::Threads::one_at_a_time);
    ritme::register_postgres_store(stores);
    ritme::CliContext context{std::cout, std::cerr, clock, &channels, &stores};
    // Under systemd every line on standard error carries its syslog priority: the log's
    // lines their level's, anything else said there (a config error, "not started") error.
    std::optional<ritme::JournalLineBuffer> journal_lines;
    std::streambuf* terminal = nullptr;
    if (ritme::is_journal_stream(STDERR_FILENO)) {
        context.journal = true;
        journal_lines.emplace(STDERR_FILENO, ritme::journal_error);
        terminal = std::cerr.rdbuf(&*journal_lines);
    }
    const int status = ritme::run_cli(std::vector<std::string>(argv + 1, argv + argc), context);
    if (terminal) std::cerr.rdbuf(terminal);
    return status;
}
