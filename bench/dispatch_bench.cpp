// dispatch_bench: the dispatcher and the daemon against their targets, in one run:
//   throughput  100,000 reminders due at once in a SQLite file, sent end to end by
//               Dispatcher::run_due on 8 workers through a null adapter, against the bare
//               SQLite claim/mark loop on a copy of the same file (target: at least 0.5x)
//   idle        `ritme serve` with nothing due: context switches and CPU ticks over 10 s
//               (target: none; without NOTIFY_SOCKET there is no watchdog)
//   lateness    a Daemon in process on the system clock, 1,000 reminders over 10 s: send
//               time minus due time (target: p99 under 10 ms)
//   scale       `ritme serve` on 1,000,000 planned rows: time to ready (target under 1 s),
//               VmRSS and VmHWM at ready (target under 64 MB)
//
// Usage: dispatch_bench [--dir DIR] [--participants N] [--runs R] [--scale-rows N] [--idle-seconds S]
//                       [--only throughput|idle|lateness|scale] [--ritme PATH]

#include "adapters/builtin_adapters.hpp"
#include "bench/seeded_reminders.hpp"
#include "engine/base/text.hpp"
#include "engine/calendar/programme_calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/config/config_reader.hpp"
#include "engine/daemon/daemon.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/dispatch/claim_owner.hpp"
#include "engine/dispatch/dispatcher.hpp"
#include "engine/programme/programme_loader.hpp"
#include "engine/store/sqlite_store.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/thread_pool.hpp>
#include <sqlite3.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

extern char** environ;

using namespace ritme;
using namespace ritme::bench;
namespace fs = std::filesystem;
namespace pt = boost::posix_time;
using std::chrono::steady_clock;

namespace {

// --- Time -------------------------------------------------------------------------------

double seconds_since(steady_clock::time_point start) {
    return std::chrono::duration<double>(steady_clock::now() - start).count();
}

const pt::ptime unix_epoch(make_date(1970, 1, 1));

// The outbox keeps instants as whole seconds since 1970 (engine/store/sqlite_store.cpp).
int64_t unix_seconds(UtcInstant instant) { return (instant.utc - unix_epoch).total_seconds(); }

std::chrono::system_clock::time_point system_time(UtcInstant instant) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds(instant)));
}

const char* met(bool yes) { return yes ? "met" : "NOT met"; }

// --- The log ----------------------------------------------------------------------------

// ritme logs to stderr (std::cerr, unit-buffered): while one of these lives, the
// process's stderr goes to a file, so the log costs what it costs `ritme serve`.
class StderrToFile {
public:
    explicit StderrToFile(const fs::path& file) {
        std::cerr.flush();
        saved_ = ::dup(STDERR_FILENO);
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (saved_ < 0 || fd < 0) throw std::runtime_error("cannot send stderr to " + file.string());
        ::dup2(fd, STDERR_FILENO);
        ::close(fd);
    }
    ~StderrToFile() {
        std::cerr.flush();
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
    }
    StderrToFile(const StderrToFile&) = delete;
    StderrToFile& operator=(const StderrToFile&) = delete;

private:
    int saved_ = -1;
};

// --- The rows ---------------------------------------------------------------------------

// Accepts every message at once: what is measured is ritme, not a gateway.
class NullChannel final : public Channel {
public:
    SendResult send(const OutgoingMessage&) override {
        sent.fetch_add(1, std::memory_order_relaxed);
        return SendResult::accepted();
    }
    std::atomic<int> sent{0};
};

// The daemon config the in-process runs use: the shipped templates and one sms channel
// with the defaults a config file gives it, but no quiet hours.
DaemonConfig in_process_config(const std::string& adapter) {
    DaemonConfig config;
    config.templates = RITME_SOURCE_DIR "/config/templates";
    ChannelConfig sms;
    sms.name = "sms";
    sms.adapter = adapter;
    sms.medium = Medium::sms;
    sms.quiet_hours = false;  // the bench runs at any hour; the rows' times are its own
    config.channels["sms"] = sms;
    return config;
}

MessageRenderer shipped_renderer() {
    Diagnostics problems;
    auto renderer = MessageRenderer::load(RITME_SOURCE_DIR "/config/templates", problems);
    if (!renderer) throw std::runtime_error("the shipped templates do not load: " + problems.items().front().str());
    return std::move(*renderer);
}

// The rows of bench/seeded_reminders.hpp in an SQLite file, checkpointed, so each run's copy
// is one file.
std::map<int64_t, UtcInstant> seed_programme(SqliteStore& store, const ProgrammeCalendar& plan, int participants,
                                             const PlanningRules& rules, UtcInstant now,
                                             const std::function<UtcInstant(int row)>& due_of, int64_t useful_for) {
    auto rows = bench::seed_programme(store, plan, participants, rules, now, due_of, useful_for);
    store.checkpoint();
    return rows;
}

// --- Throughput -------------------------------------------------------------------------

// How long a run took, and what the process spent on it: CPU time over all its threads
// and the context switches (its worker threads handing over).
struct Rate {
    int rows = 0;
    double seconds = 0;
    double user = 0;
    double system = 0;
    long switches = 0;
    double per_second() const { return rows / seconds; }
};

class RateMeter {
public:
    RateMeter() {
        ::getrusage(RUSAGE_SELF, &before_);
        start_ = steady_clock::now();
    }
    Rate stop(int rows) const {
        Rate rate;
        rate.rows = rows;
        rate.seconds = seconds_since(start_);
        rusage after{};
        ::getrusage(RUSAGE_SELF, &after);
        auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
        rate.user = seconds(after.ru_utime) - seconds(before_.ru_utime);
        rate.system = seconds(after.ru_stime) - seconds(before_.ru_stime);
        rate.switches = (after.ru_nvcsw - before_.ru_nvcsw) + (after.ru_nivcsw - before_.ru_nivcsw);
        return rate;
    }

private:
    rusage before_{};
    steady_clock::time_point start_;
};

// Dispatcher::run_due on the file as ritme runs it: its claims, rendering with the
// shipped templates, 8 workers through the null channel, results and one log line per
// delivery on stderr (sent to a file), every state change committed.
Rate run_ritme(const fs::path& database, int batch_size, const MessageRenderer& renderer, UtcInstant now,
               const fs::path& log_file, bool& all_sent) {
    auto store = SqliteStore::open(database.string());
    ManualClock clock(now);
    DaemonConfig config = in_process_config("null");
    config.dispatch.batch_size = batch_size;
    ChannelSet channels;
    auto null_channel = std::make_unique<NullChannel>();
    NullChannel& sends = *null_channel;
    channels.add(config.channels.at("sms"), std::move(null_channel));
    const int rows = count_all(*store);
    Rate rate;
    DispatchCounts counts;
    {
        StderrToFile log_to_file(log_file);
        Log log(std::cerr, LogLevel::info, iso_timestamps(clock));
        Dispatcher dispatcher(*store, clock, config, renderer, channels, log, claim_owner_id());
        boost::asio::thread_pool pool(static_cast<size_t>(config.dispatch.workers));
        const RateMeter meter;
        counts = dispatcher.run_due(&pool);
        rate = meter.stop(rows);
        pool.join();
    }

    const int sent_rows = count_in_state(*store, DeliveryState::sent);
    all_sent = counts.sent == rows && sends.sent == rows && sent_rows == rows;
    if (!all_sent)
        std::fprintf(stderr,
                     "dispatch_bench: error: ritme (batch %d) sent %d of %d rows (%d through the channel, %d claimed, "
                     "%d failed, %d expired, %d cancelled)\n",
                     batch_size, sent_rows, rows, sends.sent.load(), counts.claimed, counts.failed, counts.expired,
                     counts.cancelled);
    return rate;
}

// A sqlite3 call that must succeed.
void check(int rc, sqlite3* db, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        throw std::runtime_error(std::string("bare loop: ") + what + ": " + sqlite3_errmsg(db));
}

// The same claims and marks with nothing around them: claim a batch in one IMMEDIATE
// transaction, mark each row sent in a second one, until nothing is due. The same
// pragmas as SqliteStore, so the commits are as durable.
Rate run_bare(const fs::path& database, int batch_size, UtcInstant now, bool& all_sent) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
        throw std::runtime_error("bare loop: cannot open " + database.string());
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> closer(db, sqlite3_close_v2);
    auto exec = [db](const char* sql) { check(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), db, sql); };
    sqlite3_busy_timeout(db, 5000);
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA secure_delete = ON");

    auto prepare = [db](const char* sql) {
        sqlite3_stmt* statement = nullptr;
        check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr), db, sql);
        return std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)>(statement, sqlite3_finalize);
    };
    auto claim = prepare(
        "UPDATE delivery SET state = 'claimed', claimed_by = ?1, claimed_until = ?2, attempts = attempts + 1 "
        "WHERE id IN (SELECT id FROM delivery WHERE state IN ('planned', 'retry') AND send_at <= ?3 "
        "ORDER BY send_at, id LIMIT ?4) RETURNING id");
    auto mark = prepare("UPDATE delivery SET state = 'sent', sent_at = ?1, updated_at = ?2 WHERE id = ?3");
    const std::string owner = claim_owner_id();
    const int64_t at = unix_seconds(now);

    int rows = 0;
    std::vector<int64_t> ids;
    const RateMeter meter;
    for (;;) {
        ids.clear();
        exec("BEGIN IMMEDIATE");
        sqlite3_bind_text(claim.get(), 1, owner.c_str(), static_cast<int>(owner.size()), SQLITE_STATIC);
        sqlite3_bind_int64(claim.get(), 2, at + 300);
        sqlite3_bind_int64(claim.get(), 3, at);
        sqlite3_bind_int(claim.get(), 4, batch_size);
        int rc;
        while ((rc = sqlite3_step(claim.get())) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(claim.get(), 0));
        check(rc, db, "claim");
        sqlite3_reset(claim.get());
        exec("COMMIT");
        if (ids.empty()) break;
        exec("BEGIN");
        for (const int64_t id : ids) {
            sqlite3_bind_int64(mark.get(), 1, at);
            sqlite3_bind_int64(mark.get(), 2, at);
            sqlite3_bind_int64(mark.get(), 3, id);
            check(sqlite3_step(mark.get()), db, "mark");
            sqlite3_reset(mark.get());
        }
        exec("COMMIT");
        rows += static_cast<int>(ids.size());
    }
    const Rate rate = meter.stop(rows);

    int total = 0, sent = 0;
    auto count = prepare("SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM delivery");
    if (sqlite3_step(count.get()) == SQLITE_ROW) {
        total = sqlite3_column_int(count.get(), 0);
        sent = sqlite3_column_int(count.get(), 1);
    }
    all_sent = sent == total && rows == total;
    if (!all_sent)
        std::fprintf(stderr, "dispatch_bench: error: the bare loop marked %d of %d rows sent\n", sent, total);
    return rate;
}

// The run of median rate.
Rate median(std::vector<Rate> rates) {
    std::sort(rates.begin(), rates.end(), [](const Rate& a, const Rate& b) { return a.per_second() < b.per_second(); });
    return rates[rates.size() / 2];
}

// A fresh copy of the seeded file for one run, so every run starts from the same rows.
fs::path fresh_copy(const fs::path& seeded, const fs::path& copy) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(copy.string() + suffix);
    fs::copy_file(seeded, copy);
    return copy;
}

bool throughput(const fs::path& dir, int participants, int runs, const SchoolHolidayTable& holidays) {
    fs::create_directories(dir);
    const ProgrammeCalendar plan = shipped_programme(holidays);
    const MessageRenderer renderer = shipped_renderer();
    // A week before the first session; every row due at once and useful for a year.
    const UtcInstant t0{pt::ptime(make_date(2027, 1, 4), pt::hours(8))};
    const PlanningRules rules = planning_rules(in_process_config("null"));

    const auto build_start = steady_clock::now();
    const fs::path seeded = dir / "seeded.db";
    size_t rows = 0;
    {
        auto store = SqliteStore::open(seeded.string());
        rows = seed_programme(*store, plan, participants, rules, t0, [&](int) { return t0; }, 365 * 24 * 3600).size();
    }
    std::printf("throughput: %s reminders due at once: %s, %zu sessions x %s participants\n",
                thousands(static_cast<int>(rows)).c_str(), plan.programme.id.c_str(), plan.calendar.sessions.size(),
                thousands(participants).c_str());
    std::printf("  SQLite file (WAL) %.1f MB, built in %.1f s; the clock at T0 + 1 s; the null adapter accepts all;\n"
                "  ritme logs each delivery at info level on stderr (to a file); each run on a fresh copy\n",
                static_cast<double>(fs::file_size(seeded)) / 1e6, seconds_since(build_start));

    const UtcInstant now = plus_seconds(t0, 1);
    std::vector<Rate> ritme_100, ritme_500, bare;
    bool all_sent = true;
    auto ritme = [&](int batch_size) {
        bool sent = false;
        const Rate rate = run_ritme(fresh_copy(seeded, dir / "ritme.db"), batch_size, renderer, now, dir / "ritme.log",
                                    sent);
        all_sent = all_sent && sent;
        return rate;
    };
    for (int run = 1; run <= runs; ++run) {
        ritme_100.push_back(ritme(100));
        ritme_500.push_back(ritme(500));
        bool sent = false;
        bare.push_back(run_bare(fresh_copy(seeded, dir / "bare.db"), 100, now, sent));
        all_sent = all_sent && sent;
        std::printf("  run %d: ritme batch 100 %s rows/s, batch 500 %s rows/s; bare %s rows/s\n", run,
                    thousands(static_cast<int>(ritme_100.back().per_second())).c_str(),
                    thousands(static_cast<int>(ritme_500.back().per_second())).c_str(),
                    thousands(static_cast<int>(bare.back().per_second())).c_str());
    }

    auto line = [](const char* what, const Rate& rate) {
        std::printf("  %-36s %5.2f s %7s rows/s  CPU %.2f s user, %.2f s sys; %s context switches\n", what,
                    rate.seconds, thousands(static_cast<int>(rate.per_second())).c_str(), rate.user, rate.system,
                    thousands(static_cast<int>(rate.switches)).c_str());
    };
    std::printf("  the median of %s:\n", counted(runs, "run", "runs").c_str());
    const Rate median_100 = median(ritme_100), median_500 = median(ritme_500), median_bare = median(bare);
    line("ritme run_due, batch 100, 8 workers", median_100);
    line("ritme run_due, batch 500, 8 workers", median_500);
    line("bare claim/mark loop, batch 100", median_bare);
    const double ratio_100 = median_100.per_second() / median_bare.per_second();
    const double ratio_500 = median_500.per_second() / median_bare.per_second();
    std::printf("  ritme / bare: %.2f at batch 100, %.2f at batch 500 (target at least 0.50 at batch 100: %s)\n",
                ratio_100, ratio_500, met(ratio_100 >= 0.5));
    std::printf("  every row ended sent in every run: %s\n", all_sent ? "yes" : "NO");
    return all_sent;
}

// --- `ritme serve` as a child process ------------------------------------------------------

// A `ritme serve` the bench started, with its stderr (the log) read through a pipe. The
// environment has no NOTIFY_SOCKET, so there is no systemd watchdog, and none of
// ritme's own variables, so the config file alone decides.
class ServeProcess {
public:
    ServeProcess(const std::string& binary, const fs::path& config) {
        int pipe_fds[2];
        if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        stderr_fd_ = pipe_fds[0];
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);

        std::vector<std::string> environment;
        for (char** entry = environ; *entry; ++entry) {
            const std::string_view text = *entry;
            const std::string_view name = text.substr(0, text.find('='));
            if (name == "NOTIFY_SOCKET" || name == "WATCHDOG_USEC" || name == "WATCHDOG_PID" ||
                name.starts_with("RITME_"))
                continue;
            environment.emplace_back(text);
        }
        std::vector<char*> envp;
        for (auto& entry : environment) envp.push_back(entry.data());
        envp.push_back(nullptr);
        std::string config_path = config.string();
        std::string program = binary, verb = "serve", option = "-c";
        std::vector<char*> argv{program.data(), verb.data(), option.data(), config_path.data(), nullptr};

        started_ = steady_clock::now();
        const int rc = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(pipe_fds[1]);
        if (rc != 0) {
            ::close(stderr_fd_);
            throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
        }
    }

    ~ServeProcess() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (stderr_fd_ >= 0) ::close(stderr_fd_);
    }

    pid_t pid() const { return pid_; }
    steady_clock::time_point started() const { return started_; }
    const std::string& log() const { return log_; }

    // Reads the log until a line with `event` ("2027-01-04T08:00:01Z info ready owner=…");
    // when it was read, or nothing at the end of the log or after `timeout`.
    std::optional<steady_clock::time_point> wait_for_event(std::string_view event, std::chrono::milliseconds timeout) {
        const auto deadline = steady_clock::now() + timeout;
        for (;;) {
            for (size_t end; (end = log_.find('\n', scanned_)) != std::string::npos; scanned_ = end + 1)
                if (event_of(std::string_view(log_).substr(scanned_, end - scanned_)) == event)
                    return steady_clock::now();
            if (!read_some(deadline)) return std::nullopt;
        }
    }

    // SIGTERM, then the exit status once it has gone (its log read to the end), or -1
    // when it has not gone within `timeout`.
    int terminate(std::chrono::milliseconds timeout) {
        ::kill(pid_, SIGTERM);
        const auto deadline = steady_clock::now() + timeout;
        while (read_some(deadline)) {
        }
        int status = 0;
        if (::waitpid(pid_, &status, steady_clock::now() < deadline ? 0 : WNOHANG) != pid_) return -1;
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

private:
    // "TIME LEVEL EVENT details": the third word.
    static std::string_view event_of(std::string_view line) {
        for (int skip = 0; skip < 2; ++skip) {
            const size_t space = line.find(' ');
            if (space == std::string_view::npos) return {};
            line.remove_prefix(space + 1);
        }
        return line.substr(0, line.find(' '));
    }

    // More of the log; false at its end or at the deadline.
    bool read_some(steady_clock::time_point deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd fd{stderr_fd_, POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) return false;
        char buffer[4096];
        const ssize_t got = ::read(stderr_fd_, buffer, sizeof buffer);
        if (got <= 0) return false;
        log_.append(buffer, static_cast<size_t>(got));
        return true;
    }

    pid_t pid_ = -1;
    int stderr_fd_ = -1;
    bool exited_ = false;
    steady_clock::time_point started_;
    std::string log_;
    size_t scanned_ = 0;
};

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A number after `key` in a /proc status file ("VmRSS:\t  12345 kB"), or 0.
uint64_t status_field(const std::string& status, std::string_view key) {
    const size_t at = status.find(std::string("\n") + std::string(key) + ":");
    if (at == std::string::npos) return 0;
    return std::strtoull(status.c_str() + at + key.size() + 2, nullptr, 10);
}

struct ThreadSwitches {
    std::string name;
    uint64_t voluntary = 0;
    uint64_t involuntary = 0;
};

// What the scheduler saw of a process: each thread's context switches, and the CPU time
// of all of them in clock ticks.
struct ProcessSample {
    std::map<pid_t, ThreadSwitches> threads;
    uint64_t cpu_ticks = 0;

    uint64_t voluntary() const {
        uint64_t sum = 0;
        for (const auto& [tid, t] : threads) sum += t.voluntary;
        return sum;
    }
    uint64_t involuntary() const {
        uint64_t sum = 0;
        for (const auto& [tid, t] : threads) sum += t.involuntary;
        return sum;
    }
};

ProcessSample sample_process(pid_t pid) {
    ProcessSample sample;
    const fs::path proc = "/proc/" + std::to_string(pid);
    for (const auto& task : fs::directory_iterator(proc / "task")) {
        const std::string status = "\n" + read_text(task.path() / "status");
        ThreadSwitches& thread = sample.threads[std::stoi(task.path().filename().string())];
        thread.name = read_text(task.path() / "comm");
        if (!thread.name.empty() && thread.name.back() == '\n') thread.name.pop_back();
        thread.voluntary = status_field(status, "voluntary_ctxt_switches");
        thread.involuntary = status_field(status, "nonvoluntary_ctxt_switches");
    }
    // utime and stime are fields 14 and 15 of /proc/PID/stat, counted from the pid; the
    // command name before them may hold spaces, so counting starts after its ')'.
    const std::string stat = read_text(proc / "stat");
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int number = 3; number <= 15 && fields >> field; ++number)
        if (number >= 14) sample.cpu_ticks += std::stoull(field);
    return sample;
}

// The config `ritme serve` runs with: the outbox adapter into a directory beside it,
// nothing printed, an empty programmes directory, the shipped templates.
fs::path write_serve_config(const fs::path& dir) {
    fs::create_directories(dir / "programmes");
    const fs::path file = dir / "ritme.toml";
    std::ofstream out(file);
    out << "database = \"ritme.db\"\n"
        << "timezone = \"Europe/Amsterdam\"\n"
        << "programmes = \"programmes\"\n"
        << "templates = \"" << RITME_SOURCE_DIR << "/config/templates\"\n"
        << "log_level = \"info\"\n\n"
        << "[channel.sms]\nadapter = \"outbox\"\ndir = \"outbox\"\nprint = false\n";
    return file;
}

// The planning rules `ritme serve` will have with that config.
PlanningRules serve_rules(const fs::path& config_file) {
    ChannelRegistry registry;
    register_builtin_adapters(registry);
    Diagnostics problems;
    auto config = load_daemon_config(config_file, registry, problems);
    if (!config) throw std::runtime_error(config_file.string() + " does not load: " + problems.items().front().str());
    return planning_rules(*config);
}

void print_log_tail(const ServeProcess& serve) {
    std::fprintf(stderr, "dispatch_bench: ritme serve's log:\n%s", serve.log().c_str());
}

bool stop_serve(ServeProcess& serve) {
    const int status = serve.terminate(std::chrono::seconds(15));
    std::printf("  SIGTERM: %s\n", status == 0 ? "exit 0" : ("exit " + std::to_string(status)).c_str());
    if (status != 0) print_log_tail(serve);
    return status == 0;
}

// --- Idle -------------------------------------------------------------------------------

bool idle(const fs::path& dir, const std::string& binary, int idle_seconds) {
    const fs::path config = write_serve_config(dir);
    const UtcInstant now = SystemClock().now();
    {
        auto store = SqliteStore::open((dir / "ritme.db").string());
        store->write([&] {
            record_rules_fingerprint(*store, serve_rules(config), now);
            const UtcInstant due = plus_seconds(now, 30 * 24 * 3600);
            StoredSession session;  // a session that is not there: the row is never claimed here
            session.programme_id = "idle";
            session.number = 1;
            store->add_delivery(reminder_row(session, participant_id(1), due, plus_seconds(due, 3600)));
        });
    }
    std::printf("idle: `ritme serve` with one delivery due in 30 days, no NOTIFY_SOCKET (so no watchdog)\n");
    ServeProcess serve(binary, config);
    const auto ready = serve.wait_for_event("ready", std::chrono::seconds(30));
    if (!ready) {
        std::fprintf(stderr, "dispatch_bench: error: ritme serve did not get ready\n");
        print_log_tail(serve);
        return false;
    }
    // The ready line is written just before the loop's first claim and its first wait:
    // the measured window starts once the process stops switching (at most 2 s on).
    ProcessSample settled = sample_process(serve.pid());
    const uint64_t at_ready = settled.voluntary() + settled.involuntary();
    const auto settle_deadline = steady_clock::now() + std::chrono::seconds(2);
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        ProcessSample next = sample_process(serve.pid());
        const bool still = next.voluntary() + next.involuntary() == settled.voluntary() + settled.involuntary() &&
                           next.cpu_ticks == settled.cpu_ticks;
        settled = std::move(next);
        if (still || steady_clock::now() > settle_deadline) break;
    }
    const auto window_start = steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(idle_seconds));  // the window measured
    const ProcessSample after = sample_process(serve.pid());

    const uint64_t voluntary = after.voluntary() - settled.voluntary();
    const uint64_t involuntary = after.involuntary() - settled.involuntary();
    const uint64_t ticks = after.cpu_ticks - settled.cpu_ticks;
    const int settling = static_cast<int>(settled.voluntary() + settled.involuntary() - at_ready);
    std::printf("  ready %.3f s after spawn, %zu threads; settled %.1f s after ready (%s: the start finishing)\n",
                std::chrono::duration<double>(*ready - serve.started()).count(), after.threads.size(),
                std::chrono::duration<double>(window_start - *ready).count(),
                counted(settling, "context switch", "context switches").c_str());
    std::printf("  over the next %d s: %llu wake-ups (%llu voluntary, %llu involuntary context switches), %llu CPU "
                "ticks\n",
                idle_seconds, static_cast<unsigned long long>(voluntary + involuntary),
                static_cast<unsigned long long>(voluntary), static_cast<unsigned long long>(involuntary),
                static_cast<unsigned long long>(ticks));
    for (const auto& [tid, thread] : after.threads) {
        const auto found = settled.threads.find(tid);
        const uint64_t earlier =
            found == settled.threads.end() ? 0 : found->second.voluntary + found->second.involuntary;
        if (thread.voluntary + thread.involuntary > earlier)
            std::printf("    thread %d (%s): %llu\n", tid, thread.name.c_str(),
                        static_cast<unsigned long long>(thread.voluntary + thread.involuntary - earlier));
    }
    std::printf("  target: no wake-ups beyond the watchdog: %s\n", met(voluntary + involuntary == 0 && ticks == 0));
    return stop_serve(serve);
}

// --- Lateness ---------------------------------------------------------------------------

// Records when each delivery reached the channel, and wakes the waiter at the count.
class RecordingChannel final : public Channel {
public:
    explicit RecordingChannel(size_t expected) : expected_(expected) {}

    SendResult send(const OutgoingMessage& message) override {
        const auto now = std::chrono::system_clock::now();
        std::lock_guard lock(mutex_);
        sent_.emplace(message.delivery_id, now);
        if (sent_.size() >= expected_) all_sent_.notify_all();
        return SendResult::accepted();
    }

    // Waits until the expected number reached the channel; false after `timeout`.
    bool wait(std::chrono::seconds timeout) {
        std::unique_lock lock(mutex_);
        return all_sent_.wait_for(lock, timeout, [&] { return sent_.size() >= expected_; });
    }

    std::map<int64_t, std::chrono::system_clock::time_point> sent() const {
        std::lock_guard lock(mutex_);
        return sent_;
    }

private:
    const size_t expected_;
    mutable std::mutex mutex_;
    std::condition_variable all_sent_;
    std::map<int64_t, std::chrono::system_clock::time_point> sent_;
};

double percentile(const std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) return 0;
    const size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

bool lateness(const fs::path& dir, const SchoolHolidayTable& holidays) {
    fs::create_directories(dir);
    constexpr int seconds_spread = 10;
    const ProgrammeCalendar plan = shipped_programme(holidays);
    const int participants = 25;  // x 40 sessions = 1,000 rows
    const size_t rows = static_cast<size_t>(participants) * plan.calendar.sessions.size();
    const int per_second = static_cast<int>(rows) / seconds_spread;

    DaemonSetup setup;
    setup.config = in_process_config("recording");
    setup.holidays = std::make_unique<SchoolHolidayTable>();
    setup.renderer = shipped_renderer();
    auto recording = std::make_unique<RecordingChannel>(rows);
    RecordingChannel& channel = *recording;
    setup.channels.add(setup.config.channels.at("sms"), std::move(recording));
    setup.rules = planning_rules(setup.config);

    SystemClock clock;
    auto store = SqliteStore::open((dir / "ritme.db").string());
    // 100 rows fall due each second for 10 seconds, from 3 seconds on: time for the
    // rows to be written and the daemon to start.
    const UtcInstant first = plus_seconds(clock.now(), 3);
    const auto due = seed_programme(*store, plan, participants, setup.rules, clock.now(),
                                    [&](int row) { return plus_seconds(first, row / per_second); }, 24 * 3600);
    std::printf("lateness: a Daemon in process on the system clock, %s reminders due over %d s (%d a second), "
                "recorded by the channel\n",
                thousands(static_cast<int>(due.size())).c_str(), seconds_spread, per_second);

    int status = -1;
    bool all_arrived = false;
    Daemon::Wakeups wakeups;
    {
        StderrToFile log_to_file(dir / "ritme.log");
        Log log(std::cerr, LogLevel::info, iso_timestamps(clock));
        Daemon daemon(*store, clock, log, std::move(setup), [] { return std::optional<DaemonSetup>(); });
        std::thread runner([&] { status = daemon.run(); });
        all_arrived = channel.wait(std::chrono::seconds(seconds_spread + 30));
        daemon.stop();
        runner.join();
        wakeups = daemon.wakeups();
    }

    // Lateness of each delivery, and the worst of each second.
    std::vector<double> late_ms;
    std::map<int64_t, double> worst_of_second;
    for (const auto& [id, at] : channel.sent()) {
        const auto found = due.find(id);
        if (found == due.end()) continue;
        const double late = std::chrono::duration<double, std::milli>(at - system_time(found->second)).count();
        late_ms.push_back(late);
        double& worst = worst_of_second[unix_seconds(found->second)];
        worst = std::max(worst, late);
    }
    std::sort(late_ms.begin(), late_ms.end());
    const int sent_rows = count_in_state(*store, DeliveryState::sent);
    const bool ok = all_arrived && status == 0 && late_ms.size() == due.size() && sent_rows == static_cast<int>(rows);
    if (!ok)
        std::fprintf(stderr, "dispatch_bench: error: lateness: %zu of %zu reached the channel, %d rows sent, exit %d\n",
                     late_ms.size(), due.size(), sent_rows, status);
    const double p99 = percentile(late_ms, 0.99);
    std::printf("  send time - due time: p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 under 10 ms: %s)\n",
                percentile(late_ms, 0.5), p99, late_ms.empty() ? 0.0 : late_ms.back(), met(p99 < 10));
    std::printf("  the latest of each second, ms:");
    for (const auto& [second, worst] : worst_of_second) std::printf(" %.0f", worst);
    std::printf("\n  daemon wake-ups: %llu timer, %llu database; every row ended sent: %s\n",
                static_cast<unsigned long long>(wakeups.timer), static_cast<unsigned long long>(wakeups.database),
                ok ? "yes" : "NO");
    return ok;
}

// --- Scale ------------------------------------------------------------------------------

bool scale(const fs::path& dir, const std::string& binary, int row_count) {
    const fs::path config = write_serve_config(dir);
    const UtcInstant now = SystemClock().now();
    const auto build_start = steady_clock::now();
    {
        auto store = SqliteStore::open((dir / "ritme.db").string());
        store->write([&] { record_rules_fingerprint(*store, serve_rules(config), now); });
        // Synthetic rows: 250 programmes of 40 sessions and 100 participants each, due
        // from ten minutes on, spread over 30 days.
        constexpr int per_write = 10000;
        const int64_t spread = 30LL * 24 * 3600;
        const UtcInstant start = plus_seconds(now, 600);
        for (int written = 0; written < row_count; written += per_write) {
            store->write([&] {
                for (int i = written; i < std::min(row_count, written + per_write); ++i) {
                    StoredSession session;
                    session.programme_id = "scale-" + std::to_string(i / 4000);
                    session.id = 1 + i / 100;
                    session.number = 1 + (i / 100) % 40;
                    const UtcInstant due = plus_seconds(start, static_cast<int64_t>(i) * spread / row_count);
                    const auto person = participant_id(static_cast<uint64_t>(100 * (i / 4000) + i % 100));
                    store->add_delivery(reminder_row(session, person, due, plus_seconds(due, 3600)));
                }
            });
        }
        store->checkpoint();
    }
    std::printf("scale: `ritme serve` on %s planned rows (synthetic, over 30 days), SQLite file %.0f MB, built in "
                "%.1f s\n",
                thousands(row_count).c_str(), static_cast<double>(fs::file_size(dir / "ritme.db")) / 1e6,
                seconds_since(build_start));

    ServeProcess serve(binary, config);
    const auto ready = serve.wait_for_event("ready", std::chrono::seconds(30));
    if (!ready) {
        std::fprintf(stderr, "dispatch_bench: error: ritme serve did not get ready\n");
        print_log_tail(serve);
        return false;
    }
    const std::string status = "\n" + read_text("/proc/" + std::to_string(serve.pid()) + "/status");
    const double to_ready = std::chrono::duration<double>(*ready - serve.started()).count();
    const double rss_mb = static_cast<double>(status_field(status, "VmRSS")) / 1024;
    const double hwm_mb = static_cast<double>(status_field(status, "VmHWM")) / 1024;
    std::printf("  spawn to ready: %.3f s (target under 1 s: %s)\n", to_ready, met(to_ready < 1));
    std::printf("  at ready: VmRSS %.1f MB, VmHWM %.1f MB (target under 64 MB: %s)\n", rss_mb, hwm_mb,
                met(hwm_mb < 64));
    return stop_serve(serve);
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = (fs::temp_directory_path() / "ritme-dispatch-bench").string();
    std::string binary = RITME_BINARY;
    int participants = 2500;
    int scale_rows = 1000000;
    int idle_seconds = 10;
    int runs = 3;
    std::string only;
    CLI::App app{"dispatch_bench: the dispatcher and the daemon against their targets"};
    app.add_option("--dir", dir, "directory for the databases and logs (emptied first)")->capture_default_str();
    app.add_option("--ritme", binary, "the ritme binary for the idle and scale runs")->capture_default_str();
    app.add_option("--participants", participants, "throughput: participants x 40 sessions rows")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--runs", runs, "throughput: runs of each side, alternating; the median is compared")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--scale-rows", scale_rows, "scale: planned rows")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--idle-seconds", idle_seconds, "idle: the window measured")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--only", only, "run one part")->check(CLI::IsMember({"throughput", "idle", "lateness", "scale"}));
    CLI11_PARSE(app, argc, argv);

    try {
        fs::remove_all(dir);
        fs::create_directories(dir);
        Diagnostics problems;
        const auto holidays = SchoolHolidayTable::load_directory(RITME_SOURCE_DIR "/config/holidays", problems);
        if (problems.has_errors()) throw std::runtime_error("config/holidays does not load");

        std::printf("dispatch_bench: in %s\n", dir.c_str());
        bool ok = true;
        auto wanted = [&](const char* part) { return only.empty() || only == part; };
        if (wanted("throughput")) ok = throughput(fs::path(dir) / "throughput", participants, runs, holidays) && ok;
        if (wanted("idle")) ok = idle(fs::path(dir) / "idle", binary, idle_seconds) && ok;
        if (wanted("lateness")) ok = lateness(fs::path(dir) / "lateness", holidays) && ok;
        if (wanted("scale")) ok = scale(fs::path(dir) / "scale", binary, scale_rows) && ok;
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dispatch_bench: error: %s\n", e.what());
        return 1;
    }
}
