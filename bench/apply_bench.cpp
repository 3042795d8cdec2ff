// apply_bench: what `ritme apply` costs for 1,000 programmes, in one process:
//   generate   building and checking the 1,000 calendars (what apply does before storing)
//   memory     applying them to the in-memory store (the diff and the audit, no I/O)
//   sqlite     applying them to a new SQLite file in one transaction, as `ritme apply` does
//   again      applying the same 1,000 again to that file: idempotent, nothing written
// Each figure is also given as a multiple of `generate`, the comparison run.
//
// Usage: apply_bench [--programmes N] [--dir DIR]

#include "engine/calendar/programme_calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/programme/programme_loader.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "example_programmes.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>

using namespace ritme;

namespace {

size_t apply_all(Store& store, const std::vector<ProgrammeCalendar>& plans, const AuditContext& audit) {
    size_t changes = 0;
    store.write([&] {
        for (const auto& plan : plans) changes += apply_programme(store, plan, audit).changes.size();
    });
    return changes;
}

}  // namespace

int main(int argc, char** argv) {
    int count = 1000;
    std::string dir = (std::filesystem::temp_directory_path() / "ritme-apply-bench").string();
    CLI::App app{"apply_bench: ritme apply for many programmes"};
    app.add_option("--programmes", count, "programmes to apply")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--dir", dir, "directory for the SQLite file (emptied first)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    Diagnostics diagnostics;
    const auto holidays = SchoolHolidayTable::load_directory(RITME_SOURCE_DIR "/config/holidays", diagnostics);
    const auto programmes = bench::example_programmes(count, make_date(2025, 9, 1), 100);
    const AuditContext audit{{boost::posix_time::second_clock::universal_time()}, "bench", "apply"};

    auto start = std::chrono::steady_clock::now();
    std::vector<ProgrammeCalendar> plans;
    size_t sessions = 0;
    for (const auto& programme : programmes) {
        plans.push_back(build_programme_calendar(programme, holidays));
        sessions += plans.back().calendar.sessions.size();
    }
    const double generate = bench::seconds_since(start);

    MemoryStore memory;
    start = std::chrono::steady_clock::now();
    const size_t memory_changes = apply_all(memory, plans, audit);
    const double in_memory = bench::seconds_since(start);

    std::filesystem::remove_all(dir);
    auto sqlite = SqliteStore::open(dir + "/ritme.db");
    start = std::chrono::steady_clock::now();
    const size_t sqlite_changes = apply_all(*sqlite, plans, audit);
    const double to_sqlite = bench::seconds_since(start);

    start = std::chrono::steady_clock::now();
    const size_t repeat_changes = apply_all(*sqlite, plans, audit);
    const double again = bench::seconds_since(start);

    if (memory_changes != sessions || sqlite_changes != sessions || repeat_changes != 0) {
        std::fprintf(stderr, "apply_bench: error: expected %zu changes then none, got %zu, %zu, %zu\n", sessions,
                     memory_changes, sqlite_changes, repeat_changes);
        return 1;
    }
    std::printf("apply_bench: %d programmes, %zu sessions (each stored with an audit entry)\n", count, sessions);
    auto line = [&](const char* what, double seconds) {
        std::printf("  %-9s %8.3f s  %9.0f sessions/s  %5.1fx generate\n", what, seconds,
                    static_cast<double>(sessions) / seconds, seconds / generate);
    };
    line("generate", generate);
    line("memory", in_memory);
    line("sqlite", to_sqlite);
    line("again", again);
    std::printf("  ritme apply for %d programmes: %.3f s (generate + sqlite), again %.3f s\n", count,
                generate + to_sqlite, generate + again);
    return 0;
}
