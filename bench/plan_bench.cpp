// plan_bench: what planning reminders costs, in one process.
//   (a) edit     one session of one programme moved (and back), then plan_requested:
//                only that programme is planned again; time per edit, against planning
//                every programme from scratch (the comparison run)
//   (b) scratch  every programme × 30 participants planned from scratch into SQLite in
//                one transaction: rows per second, against inserting the same rows into
//                a new SQLite file in one transaction (the comparison run; target ≥ 0.5)
//
// Usage: plan_bench [--programmes N] [--participants P] [--edits E] [--dir DIR]

#include "engine/calendar/programme_calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/planner/planner.hpp"
#include "engine/programme/programme_loader.hpp"
#include "engine/store/sqlite_store.hpp"
#include "example_programmes.hpp"

#include <CLI/CLI.hpp>
#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

// The example programmes starting on one of 20 Mondays from 7 September 2026, with their calendars.
std::vector<ProgrammeCalendar> make_calendars(int count) {
    Diagnostics diagnostics;
    const auto holidays = SchoolHolidayTable::load_directory(RITME_SOURCE_DIR "/config/holidays", diagnostics);
    std::vector<ProgrammeCalendar> calendars;
    for (const auto& programme : bench::example_programmes(count, make_date(2026, 9, 7), 20))
        calendars.push_back(build_programme_calendar(programme, holidays));
    return calendars;
}

PlanningRules rules() {
    PlanningRules r;
    std::string why;
    r.defaults.session_offsets = {*ReminderOffset::parse("1d@18:00", why), *ReminderOffset::parse("2h", why)};
    r.defaults.appointment_offsets = r.defaults.session_offsets;
    r.routes[Medium::sms] = {"sms", true};
    return r;
}

// Programmes applied, each with its participants enrolled (SMS only); nothing planned.
std::unique_ptr<SqliteStore> make_store(const std::string& path, const std::vector<ProgrammeCalendar>& calendars,
                                        int participants, UtcInstant now) {
    auto store = SqliteStore::open(path);
    const AuditContext audit{now, "bench", "apply"};
    store->write([&] {
        for (const auto& calendar : calendars) {
            apply_programme(*store, calendar, audit);
            for (int p = 0; p < participants; ++p) {
                Participant person;
                person.id = calendar.programme.id + "-p" + std::to_string(p);
                person.name = "Deelnemer " + std::to_string(p);
                person.phone = "+3161234" + std::to_string(1000 + p);
                person.channels = {true, false};
                store->put_participant(person);
                store->enrol(person.id, calendar.programme.id);
            }
        }
    });
    return store;
}

int planned_rows(const PlanResult& result) { return result.added + result.dropped; }

}  // namespace

int main(int argc, char** argv) {
    int count = 1000;
    int participants = 30;
    int edits = 40;
    std::string dir = (std::filesystem::temp_directory_path() / "ritme-plan-bench").string();
    CLI::App app{"plan_bench: planning reminders after one edit and from scratch"};
    app.add_option("--programmes", count, "programmes")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--participants", participants, "participants per programme")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--edits", edits, "edits timed in (a)")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--dir", dir, "directory for the SQLite files (emptied first)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    const UtcInstant now{pt::ptime(make_date(2026, 8, 1), pt::hours(10))};
    const PlanningRules planning = rules();
    const auto calendars = make_calendars(count);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto store = make_store(dir + "/planned.db", calendars, participants, now);

    // (b) from scratch: every programme planned, in one transaction.
    PlanResult scratch;
    auto start = std::chrono::steady_clock::now();
    store->write([&] { scratch = plan_requested(*store, planning, now); });
    const double plan_seconds = bench::seconds_since(start);
    const auto rows = store->deliveries({});
    if (static_cast<int>(rows.size()) != planned_rows(scratch)) {
        std::fprintf(stderr, "plan_bench: error: %zu rows stored, the planner says %d\n", rows.size(),
                     planned_rows(scratch));
        return 1;
    }

    // The comparison: the same rows into a new SQLite file, in one transaction.
    auto plain = SqliteStore::open(dir + "/inserted.db");
    start = std::chrono::steady_clock::now();
    plain->write([&] {
        for (const auto& row : rows) plain->add_delivery(row);
    });
    const double insert_seconds = bench::seconds_since(start);

    // And the floor: SQLite copying the same rows into a new file with ritme's schema in
    // one statement, one transaction, with no per-row work outside SQLite at all.
    SqliteStore::open(dir + "/copied.db");  // creates the schema
    double copy_seconds = 0;
    {
        SQLite::Database copy(dir + "/copied.db", SQLite::OPEN_READWRITE);
        copy.exec("PRAGMA journal_mode = WAL");
        copy.exec("PRAGMA synchronous = NORMAL");
        copy.exec("ATTACH DATABASE '" + dir + "/planned.db' AS planned");
        start = std::chrono::steady_clock::now();
        SQLite::Transaction transaction(copy);
        copy.exec("INSERT INTO delivery SELECT * FROM planned.delivery");
        transaction.commit();
        copy_seconds = bench::seconds_since(start);
    }

    // (a) one edit: a session moved, or moved back; only its programme is planned again.
    const std::string edited = calendars.front().programme.id;
    StoredSession session = store->sessions(edited).at(3);
    const StoredSession original = session;
    double edit_seconds = 0;
    PlanResult edit_result;
    for (int e = 0; e < edits; ++e) {
        const UtcInstant at{now.utc + pt::minutes(e + 1)};
        const bool away = e % 2 == 0;
        session.date = original.date + boost::gregorian::days(away ? 1 : 0);
        session.start_utc.utc = original.start_utc.utc + pt::hours(away ? 24 : 0);
        session.end_utc.utc = original.end_utc.utc + pt::hours(away ? 24 : 0);
        session.status = away ? SessionStatus::moved : SessionStatus::planned;
        session.version += 1;
        session.changed_at = at;
        start = std::chrono::steady_clock::now();
        store->write([&] {
            store->put_session(session);
            edit_result += plan_requested(*store, planning, at);
        });
        edit_seconds += bench::seconds_since(start);
    }
    if (edit_result.cancelled == 0 || edit_result.added == 0) {
        std::fprintf(stderr, "plan_bench: error: the edits planned nothing\n");
        return 1;
    }

    const double rows_per_second = static_cast<double>(rows.size()) / plan_seconds;
    const double inserts_per_second = static_cast<double>(rows.size()) / insert_seconds;
    const double ratio = rows_per_second / inserts_per_second;
    const double per_edit = edit_seconds / edits;
    std::printf("plan_bench: %d programmes x %d participants, %zu rows (SMS, 1d@18:00 and 2h)\n", count,
                participants, rows.size());
    std::printf("  (a) one edit, its programme planned again: %8.2f ms per edit (%d edits), %.0fx faster than\n"
                "      planning everything from scratch (%.2f s)\n",
                per_edit * 1000, edits, plan_seconds / per_edit, plan_seconds);
    std::printf("  (b) from scratch into SQLite: %8.3f s, %9.0f rows/s\n", plan_seconds, rows_per_second);
    std::printf("      inserting the same rows:  %8.3f s, %9.0f rows/s\n", insert_seconds, inserts_per_second);
    std::printf("      ratio %.2f (target >= 0.5: %s)\n", ratio, ratio >= 0.5 ? "met" : "NOT met");
    const double copies_per_second = static_cast<double>(rows.size()) / copy_seconds;
    std::printf("      SQLite copying them (INSERT ... SELECT): %8.3f s, %9.0f rows/s; ratio %.2f\n", copy_seconds,
                copies_per_second, rows_per_second / copies_per_second);
    return 0;
}
