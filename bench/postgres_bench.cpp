// postgres_bench: PostgreSQL as the store several daemons share, against its targets, in
// one run, on a PostgreSQL it starts itself (scripts/test-servers) and stops at the end:
//   scaling   reminders due at once, sent by one, two and three `ritme serve` daemons
//             sharing one database, through an adapter that takes 20 ms per send (like a
//             gateway): the rate of three against one (target: at least 2.5)
//   failover  three daemons, `kill -9` of one holding claims: the time until another sent
//             the messages it held (target: at most the lease + 5 s)
//   store     one process, Dispatcher::run_due through a null channel: PostgreSQL's rate
//             against SQLite's on the same rows (no target), and against the bare
//             SKIP LOCKED claim/mark loop in plain SQL through libpqxx (target: at least 0.5)
//
// The daemons are this program's own children, `postgres_bench serve -c CONFIG`: ritme's
// `serve` verb with the built-in adapters and one more, "slow", that waits 20 ms per send
// and reports each send (delivery id, pid, time) on a pipe the bench reads.
//
// Usage: postgres_bench [--dir DIR] [--rows N] [--store-rows N] [--runs R] [--lease S]
//                       [--quick] [--only scaling|failover|store]

#include "adapters/builtin_adapters.hpp"
#include "bench/seeded_reminders.hpp"
#include "engine/base/text.hpp"
#include "engine/cli/cli.hpp"
#include "engine/config/config_reader.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/dispatch/claim_owner.hpp"
#include "engine/dispatch/dispatcher.hpp"
#include "engine/store/postgres_store.hpp"
#include "engine/store/sqlite_store.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/thread_pool.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

extern char** environ;

using namespace ritme;
using namespace ritme::bench;
namespace fs = std::filesystem;
namespace pt = boost::posix_time;
using std::chrono::steady_clock;
using std::chrono::system_clock;

namespace {

const char* met(bool yes) { return yes ? "met" : "NOT met"; }

double seconds_between(system_clock::time_point from, system_clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

system_clock::time_point system_time(UtcInstant instant) {
    static const pt::ptime epoch(boost::gregorian::date(1970, 1, 1));
    return system_clock::time_point(std::chrono::seconds((instant.utc - epoch).total_seconds()));
}

UtcInstant whole_second(system_clock::time_point at) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(at).time_since_epoch().count();
    return {pt::from_time_t(static_cast<std::time_t>(seconds))};
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// --- The adapter the daemons send through ----------------------------------------------

// Takes `delay` per send, as a gateway's HTTP call does, and writes a line for each send
// ("DELIVERY-ID PID UNIX-NANOSECONDS") to `report_fd`, one write(2) per line: a pipe
// keeps lines of this size whole, whichever worker of whichever daemon wrote them.
class SlowChannel final : public Channel {
public:
    SlowChannel(std::chrono::milliseconds delay, int report_fd) : delay_(delay), report_fd_(report_fd) {}

    SendResult send(const OutgoingMessage& message) override {
        std::this_thread::sleep_for(delay_);
        if (report_fd_ >= 0) {
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                system_clock::now().time_since_epoch())
                                .count();
            char line[80];
            const int length = std::snprintf(line, sizeof line, "%lld %d %lld\n",
                                             static_cast<long long>(message.delivery_id), static_cast<int>(::getpid()),
                                             static_cast<long long>(ns));
            if (::write(report_fd_, line, static_cast<size_t>(length)) != length)
                return SendResult::retry_later("the bench's report pipe did not take the line");
        }
        return SendResult::accepted("slow-" + std::to_string(message.delivery_id));
    }

private:
    const std::chrono::milliseconds delay_;
    const int report_fd_;
};

AdapterInfo slow_adapter() {
    AdapterInfo info;
    info.name = "slow";
    info.summary = "postgres_bench only: waits delay_ms per send, like a gateway, and reports each send";
    info.settings = {{"delay_ms", "20", "milliseconds each send takes"},
                     {"report_fd", "-1", "an inherited file descriptor for a line per send; -1: none"}};
    info.make = [](const ChannelSettings& settings) -> std::unique_ptr<Channel> {
        return std::make_unique<SlowChannel>(std::chrono::milliseconds(settings.integer("delay_ms", 0, 60000)),
                                             static_cast<int>(settings.integer("report_fd", -1, 1000)));
    };
    return info;
}

ChannelRegistry bench_adapters() {
    ChannelRegistry registry;
    register_builtin_adapters(registry);
    registry.add(slow_adapter());
    return registry;
}

// `postgres_bench serve -c CONFIG`: what `ritme serve` runs, with the slow adapter too.
int serve_as_ritme(int argc, char** argv) {
    SystemClock clock;
    const ChannelRegistry channels = bench_adapters();
    StoreRegistry stores;
    register_sqlite_store(stores);
    register_postgres_store(stores);
    CliContext context{std::cout, std::cerr, clock, &channels, &stores};
    return run_cli(std::vector<std::string>(argv + 1, argv + argc), context);
}

// --- The PostgreSQL server -----------------------------------------------------------

// A PostgreSQL of the bench's own, started and stopped by scripts/test-servers (initdb in
// a temporary directory, a Unix socket there, durability off as for the tests), stopped
// by the destructor. Each run takes a schema of its own.
class BenchPostgres {
public:
    // With `url`, that server instead (left running at the end).
    BenchPostgres(const fs::path& dir, const std::string& url) : dir_(dir), url_(url) {
        if (url_.empty()) {
            fs::create_directories(dir_);
            const int status = run_script("start");
            if (status == 77) throw std::runtime_error("PostgreSQL is not installed; scripts/install-deps installs it");
            if (status != 0)
                throw std::runtime_error("scripts/test-servers start postgresql failed; see " +
                                         (dir_ / "postgresql.log").string());
            started_ = true;
            const auto state = nlohmann::json::parse(read_text(dir_ / "postgresql.json"));
            url_ = state.at("url").get<std::string>();
        }
        admin_ = std::make_unique<pqxx::connection>(url_);
        const auto settings = pqxx::nontransaction(*admin_).exec(
            "SELECT current_setting('server_version'), current_setting('fsync'), "
            "current_setting('synchronous_commit'), current_setting('shared_buffers')");
        about_ = "PostgreSQL " + std::string(settings[0][0].c_str()) + " (fsync " + settings[0][1].c_str() +
                 ", synchronous_commit " + settings[0][2].c_str() + ", shared_buffers " + settings[0][3].c_str() +
                 ", a Unix socket)";
    }
    ~BenchPostgres() {
        admin_.reset();
        if (started_) run_script("stop");
    }
    BenchPostgres(const BenchPostgres&) = delete;
    BenchPostgres& operator=(const BenchPostgres&) = delete;

    const std::string& about() const { return about_; }

    // The URL of a new, empty schema `name` (search_path).
    std::string fresh_schema(const std::string& name) {
        pqxx::nontransaction(*admin_).exec("DROP SCHEMA IF EXISTS " + name + " CASCADE; CREATE SCHEMA " + name);
        return url_ + (url_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + name;
    }

private:
    int run_script(const char* verb) const {
        const std::string command = std::string("/usr/bin/python3 " RITME_SOURCE_DIR "/scripts/test-servers ") + verb +
                                    " postgresql '" + dir_.string() + "' > '" + (dir_ / "test-servers.out").string() +
                                    "' 2>&1";
        const int status = std::system(command.c_str());
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    fs::path dir_;
    bool started_ = false;
    std::string url_;
    std::string about_;
    std::unique_ptr<pqxx::connection> admin_;
};

// --- The daemons --------------------------------------------------------------------

struct DaemonSettings {
    int workers = 8;       // the worker pool, and the channel's concurrency: sends at once
    int batch_size = 100;  // rows claimed per transaction
    int lease_seconds = 30;
    int delay_ms = 20;
};

// The config each daemon runs with: the database, an empty programmes directory, the
// shipped templates and holidays, any free port, the slow adapter reporting on fd 3.
// Quiet hours are off on the channel, so the bench runs at any hour.
fs::path write_daemon_config(const fs::path& dir, const std::string& database, const DaemonSettings& settings) {
    fs::create_directories(dir / "programmes");
    const fs::path file = dir / "ritme.toml";
    std::ofstream out(file);
    out << "database = \"" << database << "\"\n"
        << "timezone = \"Europe/Amsterdam\"\n"
        << "programmes = \"programmes\"\n"
        << "templates = \"" << RITME_SOURCE_DIR << "/config/templates\"\n"
        << "holidays = \"" << RITME_SOURCE_DIR << "/config/holidays\"\n"
        << "listen = \"127.0.0.1:0\"\n"
        << "log_level = \"info\"\n\n"
        << "[dispatch]\nworkers = " << settings.workers << "\nbatch_size = " << settings.batch_size
        << "\nlease_seconds = " << settings.lease_seconds << "\n\n"
        << "[channel.sms]\nadapter = \"slow\"\nconcurrency = " << settings.workers
        << "\nquiet_hours = false\ndelay_ms = " << settings.delay_ms << "\nreport_fd = 3\n";
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file;
}

// The planning rules the daemons will have with that config.
PlanningRules daemon_rules(const fs::path& config_file) {
    const ChannelRegistry registry = bench_adapters();
    Diagnostics problems;
    auto config = load_daemon_config(config_file, registry, problems);
    if (!config) throw std::runtime_error(config_file.string() + " does not load: " + problems.items().front().str());
    return planning_rules(*config);
}

// One send as a daemon reported it.
struct SendReport {
    int64_t delivery_id = 0;
    pid_t pid = 0;
    system_clock::time_point at;
};

// Reads the daemons' report pipe on a thread of its own until every daemon has closed it.
class ReportReader {
public:
    ReportReader() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        read_fd_ = fds[0];
        write_fd_ = fds[1];
        reader_ = std::thread([this] { read_all(); });
    }
    ~ReportReader() {
        close_write_end();
        if (reader_.joinable()) reader_.join();
        ::close(read_fd_);
    }
    ReportReader(const ReportReader&) = delete;
    ReportReader& operator=(const ReportReader&) = delete;

    int write_fd() const { return write_fd_; }
    // Once every daemon was started: the pipe ends when the last of them exits.
    void close_write_end() {
        if (write_fd_ >= 0) ::close(write_fd_);
        write_fd_ = -1;
    }

    // Waits until `done(reports)` holds; false after `timeout`.
    bool wait(const std::function<bool(const std::vector<SendReport>&)>& done, std::chrono::seconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return done(reports_); });
    }

    std::vector<SendReport> reports() const {
        std::lock_guard lock(mutex_);
        return reports_;
    }

private:
    void read_all() {
        std::string pending;
        char buffer[8192];
        for (;;) {
            const ssize_t got = ::read(read_fd_, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) break;
            pending.append(buffer, static_cast<size_t>(got));
            std::vector<SendReport> lines;
            size_t start = 0;
            for (size_t end; (end = pending.find('\n', start)) != std::string::npos; start = end + 1) {
                long long id = 0, ns = 0;
                int pid = 0;
                if (std::sscanf(pending.c_str() + start, "%lld %d %lld", &id, &pid, &ns) == 3)
                    lines.push_back({id, pid, system_clock::time_point(std::chrono::nanoseconds(ns))});
            }
            pending.erase(0, start);
            std::lock_guard lock(mutex_);
            reports_.insert(reports_.end(), lines.begin(), lines.end());
            changed_.notify_all();
        }
    }

    int read_fd_ = -1;
    int write_fd_ = -1;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<SendReport> reports_;
    std::thread reader_;
};

// A daemon: this program as `serve -c CONFIG`, its log (stderr) in a file, the report
// pipe as its fd 3. Killed (SIGKILL) by the destructor if still running.
class DaemonProcess {
public:
    DaemonProcess(const fs::path& config, const fs::path& log, int report_fd) : log_(log) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&actions, report_fd, 3);
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
        std::string program = fs::read_symlink("/proc/self/exe").string(), verb = "serve", option = "-c",
                    config_path = config.string();
        std::vector<char*> argv{program.data(), verb.data(), option.data(), config_path.data(), nullptr};
        const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start a daemon: " + std::string(std::strerror(rc)));
    }
    ~DaemonProcess() {
        if (running()) {
            ::kill(pid_, SIGKILL);
            reap(true);
        }
    }
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    pid_t pid() const { return pid_; }
    bool running() const { return status_ < 0; }
    std::string log() const { return read_text(log_); }

    // Waits until its log says "ready"; false when it exited or after `timeout`.
    bool wait_ready(std::chrono::seconds timeout) {
        const auto deadline = steady_clock::now() + timeout;
        while (steady_clock::now() < deadline) {
            if (log().find(" info ready ") != std::string::npos) return true;
            if (reap(false)) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }

    void kill_hard() {
        ::kill(pid_, SIGKILL);
        reap(true);
    }

    // SIGTERM and its exit status; -1 when it has not gone within 20 s.
    int terminate() {
        if (!running()) return status_;
        ::kill(pid_, SIGTERM);
        const auto deadline = steady_clock::now() + std::chrono::seconds(20);
        while (steady_clock::now() < deadline) {
            if (reap(false)) return status_;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }

private:
    // Collects its exit status; true once it has exited.
    bool reap(bool wait) {
        if (!running()) return true;
        int status = 0;
        if (::waitpid(pid_, &status, wait ? 0 : WNOHANG) != pid_) return false;
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
    }

    fs::path log_;
    pid_t pid_ = -1;
    int status_ = -1;
};

// One run of several daemons on a fresh schema: the config written, the rules'
// fingerprint recorded, the daemons started and ready. Then seed() writes the rows, due
// a few seconds on, in one transaction; the daemons hear of it by NOTIFY.
class DaemonRun {
public:
    DaemonRun(BenchPostgres& postgres, const fs::path& dir, const std::string& schema, int daemons,
              const DaemonSettings& settings)
        : dir_(dir) {
        fs::remove_all(dir);
        const std::string url = postgres.fresh_schema(schema);
        const fs::path config = write_daemon_config(dir, url, settings);
        rules_ = daemon_rules(config);
        store_ = PostgresStore::open({url, ""});
        store_->write([&] { record_rules_fingerprint(*store_, rules_, SystemClock().now()); });
        for (int i = 0; i < daemons; ++i)
            daemons_.push_back(std::make_unique<DaemonProcess>(
                config, dir / ("daemon-" + std::to_string(i + 1) + ".log"), reports_.write_fd()));
        reports_.close_write_end();
        for (auto& daemon : daemons_)
            if (!daemon->wait_ready(std::chrono::seconds(60)))
                throw std::runtime_error("a daemon did not get ready; its log:\n" + daemon->log());
    }

    // The programme with `participants` enrolled and a reminder for each session and
    // person, all due at the first whole second at least `lead` from now. Returns that
    // second; throws when writing the rows took so long that it passed.
    UtcInstant seed(const ProgrammeCalendar& plan, int participants, std::chrono::milliseconds lead) {
        const UtcInstant due = whole_second(system_clock::now() + lead + std::chrono::seconds(1));
        rows_ = seed_programme(*store_, plan, participants, rules_, SystemClock().now(),
                               [&](int) { return due; }, 24 * 3600, false);
        if (system_clock::now() + std::chrono::milliseconds(500) > system_time(due))
            throw std::runtime_error("writing the rows took too long: they were due before the daemons heard of them");
        return due;
    }

    size_t rows() const { return rows_.size(); }
    ReportReader& reports() { return reports_; }
    PostgresStore& store() { return *store_; }
    std::vector<std::unique_ptr<DaemonProcess>>& daemons() { return daemons_; }

    // Stops every daemon still running with SIGTERM; false, with the log of one that did
    // not exit 0, otherwise.
    bool stop() {
        bool ok = true;
        for (auto& daemon : daemons_) {
            if (!daemon->running()) continue;
            const int status = daemon->terminate();
            if (status != 0) {
                std::fprintf(stderr, "postgres_bench: error: a daemon exited %d; its log:\n%s", status,
                             daemon->log().c_str());
                ok = false;
            }
        }
        return ok;
    }

private:
    fs::path dir_;
    PlanningRules rules_;
    std::unique_ptr<PostgresStore> store_;
    ReportReader reports_;
    std::vector<std::unique_ptr<DaemonProcess>> daemons_;
    std::map<int64_t, UtcInstant> rows_;
};

double median_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

size_t distinct_ids(const std::vector<SendReport>& reports) {
    std::set<int64_t> ids;
    for (const auto& r : reports) ids.insert(r.delivery_id);
    return ids.size();
}

// --- Scaling ----------------------------------------------------------------------------

struct ScalingRun {
    double seconds = 0;  // from the rows' due second to the last send
    double rate = 0;
    std::vector<int> per_daemon;  // sends of each daemon
    size_t duplicates = 0;
    bool ok = false;
};

ScalingRun scaling_run(BenchPostgres& postgres, const fs::path& dir, int daemons, int run, const DaemonSettings& settings,
                       const ProgrammeCalendar& plan, int participants) {
    DaemonRun daemon_run(postgres, dir, "scaling_" + std::to_string(daemons) + "_" + std::to_string(run), daemons,
                         settings);
    const UtcInstant due = daemon_run.seed(plan, participants, std::chrono::milliseconds(4000));
    const size_t rows = daemon_run.rows();
    const auto timeout = std::chrono::seconds(30 + static_cast<int>(rows) * settings.delay_ms / 1000);
    ScalingRun result;
    const bool all = daemon_run.reports().wait([&](const auto& reports) { return distinct_ids(reports) >= rows; },
                                               timeout);
    const bool stopped = daemon_run.stop();
    const auto reports = daemon_run.reports().reports();
    system_clock::time_point last = system_time(due);
    std::map<pid_t, int> by_pid;
    for (const auto& r : reports) {
        last = std::max(last, r.at);
        ++by_pid[r.pid];
    }
    for (const auto& daemon : daemon_run.daemons()) result.per_daemon.push_back(by_pid[daemon->pid()]);
    result.duplicates = reports.size() - distinct_ids(reports);
    result.seconds = seconds_between(system_time(due), last);
    result.rate = static_cast<double>(rows) / result.seconds;
    const int sent = count_in_state(daemon_run.store(), DeliveryState::sent);
    result.ok = all && stopped && sent == static_cast<int>(rows);
    if (!result.ok)
        std::fprintf(stderr, "postgres_bench: error: %d daemon(s): %zu of %zu rows reached the adapter, %d rows sent\n",
                     daemons, distinct_ids(reports), rows, sent);
    return result;
}

ScalingRun median(std::vector<ScalingRun> runs) {
    std::sort(runs.begin(), runs.end(), [](const ScalingRun& a, const ScalingRun& b) { return a.rate < b.rate; });
    return runs[runs.size() / 2];
}

bool scaling(BenchPostgres& postgres, const fs::path& dir, int rows, int runs, const DaemonSettings& settings,
             const SchoolHolidayTable& holidays) {
    const ProgrammeCalendar plan = shipped_programme(holidays);
    const int sessions = static_cast<int>(plan.calendar.sessions.size());
    const int participants = std::max(1, rows / sessions);
    std::printf("scaling: %s reminders due at once (%d sessions x %d participants) in a fresh schema each run;\n"
                "  each daemon `serve` in its own process: %d workers, channel concurrency %d, batch %d, lease %d s;\n"
                "  the adapter takes %d ms a send; timed from the second they are due to the last send\n",
                thousands(sessions * participants).c_str(), sessions, participants, settings.workers,
                settings.workers, settings.batch_size, settings.lease_seconds, settings.delay_ms);
    std::map<int, std::vector<ScalingRun>> by_daemons;
    std::vector<double> ratios;  // three / one within each run
    bool ok = true;
    for (int run = 1; run <= runs; ++run) {
        std::printf("  run %d:", run);
        for (int daemons = 1; daemons <= 3; ++daemons) {
            const ScalingRun result =
                scaling_run(postgres, dir / ("scaling-" + std::to_string(daemons)), daemons, run, settings, plan,
                            participants);
            ok = ok && result.ok;
            by_daemons[daemons].push_back(result);
            std::printf(" %d: %s/s (%.2f s);", daemons, thousands(static_cast<int>(result.rate)).c_str(),
                        result.seconds);
            std::fflush(stdout);
        }
        ratios.push_back(by_daemons[3].back().rate / by_daemons[1].back().rate);
        std::printf(" three/one %.2f\n", ratios.back());
    }
    std::printf("  the median of %s:\n", counted(runs, "run", "runs").c_str());
    const double limit = 1000.0 / settings.delay_ms * settings.workers;
    for (const auto& [daemons, results] : by_daemons) {
        const ScalingRun m = median(results);
        std::string shares;
        for (const int sent : m.per_daemon) shares += (shares.empty() ? "" : " / ") + thousands(sent);
        std::printf("  %d daemon%s %6.2f s %6s sends/s (%.0f%% of %s x %.0f/s the workers allow); sends per daemon %s; "
                    "repeated sends %zu\n",
                    daemons, daemons == 1 ? " " : "s", m.seconds, thousands(static_cast<int>(m.rate)).c_str(),
                    100 * m.rate / (limit * daemons), std::to_string(daemons).c_str(), limit, shares.c_str(),
                    m.duplicates);
    }
    const double ratio = median_of(ratios);
    std::printf("  of the medians: three daemons / one %.2f, two / one %.2f; the median of the runs' own three / one "
                "%.2f (target at least 2.5: %s)\n",
                median(by_daemons[3]).rate / median(by_daemons[1]).rate,
                median(by_daemons[2]).rate / median(by_daemons[1]).rate, ratio, met(ratio >= 2.5));
    std::printf("  every row ended sent in every run: %s\n", ok ? "yes" : "NO");
    return ok;
}

// --- Failover ---------------------------------------------------------------------------

bool failover(BenchPostgres& postgres, const fs::path& dir, const DaemonSettings& settings,
              const SchoolHolidayTable& holidays) {
    const ProgrammeCalendar plan = shipped_programme(holidays);
    const int sessions = static_cast<int>(plan.calendar.sessions.size());
    // Enough for a batch for each of three daemons and as much again.
    const int participants = std::max(1, 6 * settings.batch_size / sessions);
    DaemonRun run(postgres, dir / "failover", "failover", 3, settings);
    run.seed(plan, participants, std::chrono::milliseconds(4000));
    const size_t rows = run.rows();
    std::printf("failover: %s reminders due at once, three daemons as above (lease_seconds = %d, renewed every %d s "
                "while a batch is sent);\n  `kill -9` of daemon 1 right after its first send\n",
                thousands(static_cast<int>(rows)).c_str(), settings.lease_seconds,
                std::max(1, settings.lease_seconds / 3));
    DaemonProcess& victim = *run.daemons().front();
    const pid_t victim_pid = victim.pid();
    if (!run.reports().wait(
            [&](const auto& reports) {
                return std::any_of(reports.begin(), reports.end(), [&](const SendReport& r) { return r.pid == victim_pid; });
            },
            std::chrono::seconds(30)))
        throw std::runtime_error("daemon 1 sent nothing; its log:\n" + victim.log());
    victim.kill_hard();
    const auto killed_at = system_clock::now();

    // What it held: its claims, as the database has them (a claim names host:pid:start).
    const std::string owner_part = ":" + std::to_string(victim_pid) + ":";
    DeliveryQuery query;
    query.states = {DeliveryState::claimed};
    std::set<int64_t> held;
    for (const auto& d : run.store().deliveries(query))
        if (d.claimed_by.find(owner_part) != std::string::npos) held.insert(d.id);
    std::set<int64_t> sent_by_victim;
    for (const auto& r : run.reports().reports())
        if (r.pid == victim_pid && held.count(r.delivery_id)) sent_by_victim.insert(r.delivery_id);

    const auto timeout = std::chrono::seconds(settings.lease_seconds + 60);
    auto taken_over = [&](const std::vector<SendReport>& reports) {
        std::set<int64_t> done;
        for (const auto& r : reports)
            if (r.pid != victim_pid && held.count(r.delivery_id)) done.insert(r.delivery_id);
        return done.size() == held.size();
    };
    const bool all_taken = !held.empty() && run.reports().wait(taken_over, timeout);
    const bool everything = run.reports().wait([&](const auto& reports) { return distinct_ids(reports) >= rows; },
                                               std::chrono::seconds(30));
    const bool stopped = run.stop();
    const auto reports = run.reports().reports();
    system_clock::time_point first = system_clock::time_point::max(), last{};
    for (const auto& r : reports)
        if (r.pid != victim_pid && held.count(r.delivery_id)) {
            first = std::min(first, r.at);
            last = std::max(last, r.at);
        }
    const int sent = count_in_state(run.store(), DeliveryState::sent);
    const bool ok = all_taken && everything && stopped && sent == static_cast<int>(rows);
    const double took = seconds_between(killed_at, last);
    std::printf("  daemon 1 held %zu claims at the kill, %zu of them already sent (sent again: the messages in "
                "flight)\n",
                held.size(), sent_by_victim.size());
    if (all_taken) {
        std::printf("  the other daemons sent them %.2f to %.2f s after the kill\n", seconds_between(killed_at, first),
                    took);
        std::printf("  failover %.2f s (target at most lease + 5 s = %d s: %s)\n", took, settings.lease_seconds + 5,
                    met(took <= settings.lease_seconds + 5));
    }
    std::printf("  every row ended sent: %s\n", ok ? "yes" : "NO");
    if (!ok)
        std::fprintf(stderr, "postgres_bench: error: failover: held %zu, taken over %s, %d of %zu rows sent\n",
                     held.size(), all_taken ? "all" : "not all", sent, rows);
    return ok;
}

// --- The store in one process ----------------------------------------------------------

struct Rate {
    int rows = 0;
    double seconds = 0;
    double user = 0;
    double system = 0;
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
        rate.seconds = std::chrono::duration<double>(steady_clock::now() - start_).count();
        rusage after{};
        ::getrusage(RUSAGE_SELF, &after);
        auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
        rate.user = seconds(after.ru_utime) - seconds(before_.ru_utime);
        rate.system = seconds(after.ru_stime) - seconds(before_.ru_stime);
        return rate;
    }

private:
    rusage before_{};
    steady_clock::time_point start_;
};

// Accepts every message at once: what is measured is the store, not a gateway.
class NullChannel final : public Channel {
public:
    SendResult send(const OutgoingMessage&) override {
        sent.fetch_add(1, std::memory_order_relaxed);
        return SendResult::accepted();
    }
    std::atomic<int> sent{0};
};

DaemonConfig null_config() {
    DaemonConfig config;
    config.templates = RITME_SOURCE_DIR "/config/templates";
    ChannelConfig sms;
    sms.name = "sms";
    sms.adapter = "null";
    sms.medium = Medium::sms;
    config.channels["sms"] = sms;
    return config;
}

MessageRenderer shipped_renderer() {
    Diagnostics problems;
    auto renderer = MessageRenderer::load(RITME_SOURCE_DIR "/config/templates", problems);
    if (!renderer) throw std::runtime_error("the shipped templates do not load: " + problems.items().front().str());
    return std::move(*renderer);
}

// Dispatcher::run_due on `store` as `ritme tick` runs it: claims of 100, rendering with
// the shipped templates, 8 workers through the null channel, the results written back,
// a log line per delivery (to a file).
Rate run_ritme(Store& store, const MessageRenderer& renderer, UtcInstant now, const fs::path& log_file,
               bool& all_sent) {
    ManualClock clock(now);
    const DaemonConfig config = null_config();
    ChannelSet channels;
    auto null_channel = std::make_unique<NullChannel>();
    NullChannel& sends = *null_channel;
    channels.add(config.channels.at("sms"), std::move(null_channel));
    const int rows = count_all(store);
    std::ofstream log_out(log_file);
    Log log(log_out, LogLevel::info, iso_timestamps(clock));
    Dispatcher dispatcher(store, clock, config, renderer, channels, log, claim_owner_id());
    boost::asio::thread_pool pool(static_cast<size_t>(config.dispatch.workers));
    const RateMeter meter;
    const DispatchCounts counts = dispatcher.run_due(&pool);
    const Rate rate = meter.stop(rows);
    pool.join();
    const int sent_rows = count_in_state(store, DeliveryState::sent);
    all_sent = counts.sent == rows && sends.sent == rows && sent_rows == rows;
    if (!all_sent)
        std::fprintf(stderr, "postgres_bench: error: ritme on %s sent %d of %d rows (%d claimed, %d failed)\n",
                     store.location().c_str(), sent_rows, rows, counts.claimed, counts.failed);
    return rate;
}

// The same claims and marks in plain SQL through libpqxx, with nothing around them: claim
// a batch with FOR UPDATE SKIP LOCKED in one transaction, mark each row sent in a second
// one, until nothing is due; each statement prepared once. As dispatch_bench's bare loop
// on SQLite.
Rate run_bare(const std::string& url, int batch_size, UtcInstant now, bool& all_sent) {
    pqxx::connection connection(postgres_connection_string({url, ""}));
    connection.prepare("claim",
                       "UPDATE delivery SET state = 'claimed', claimed_by = $1, claimed_until = $2, "
                       "attempts = attempts + 1 WHERE id IN (SELECT id FROM delivery WHERE state IN ('planned', 'retry') "
                       "AND send_at <= $3 ORDER BY send_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id");
    connection.prepare("mark", "UPDATE delivery SET state = 'sent', sent_at = $1, updated_at = $2 WHERE id = $3");
    const std::string owner = claim_owner_id();
    static const pt::ptime epoch(boost::gregorian::date(1970, 1, 1));
    const int64_t at = (now.utc - epoch).total_seconds();
    int rows = 0;
    std::vector<int64_t> ids;
    const RateMeter meter;
    for (;;) {
        ids.clear();
        {
            pqxx::work claim(connection);
            for (const auto& row : claim.exec_prepared("claim", owner, at + 300, at, batch_size))
                ids.push_back(row[0].as<int64_t>());
            claim.commit();
        }
        if (ids.empty()) break;
        pqxx::work mark(connection);
        for (const int64_t id : ids) mark.exec_prepared("mark", at, at, id);
        mark.commit();
        rows += static_cast<int>(ids.size());
    }
    const Rate rate = meter.stop(rows);
    pqxx::nontransaction count(connection);
    const auto counted_rows = count.exec("SELECT count(*), count(*) FILTER (WHERE state = 'sent') FROM delivery");
    const int total = counted_rows[0][0].as<int>(), sent = counted_rows[0][1].as<int>();
    all_sent = sent == total && rows == total;
    if (!all_sent) std::fprintf(stderr, "postgres_bench: error: the bare loop marked %d of %d rows sent\n", sent, total);
    return rate;
}

Rate median(std::vector<Rate> rates) {
    std::sort(rates.begin(), rates.end(), [](const Rate& a, const Rate& b) { return a.per_second() < b.per_second(); });
    return rates[rates.size() / 2];
}

bool store_rates(BenchPostgres& postgres, const fs::path& dir, int rows, int runs, const SchoolHolidayTable& holidays) {
    fs::create_directories(dir);
    const ProgrammeCalendar plan = shipped_programme(holidays);
    const int sessions = static_cast<int>(plan.calendar.sessions.size());
    const int participants = std::max(1, rows / sessions);
    const MessageRenderer renderer = shipped_renderer();
    // A week before the first session; every row due at once and useful for a year.
    const UtcInstant t0{pt::ptime(boost::gregorian::date(2027, 1, 4), pt::hours(8))};
    const fs::path seeded = dir / "seeded.db";
    fs::remove(seeded);
    {
        auto store = SqliteStore::open(seeded.string());
        seed_programme(*store, plan, participants, planning_rules(null_config()), t0, [&](int) { return t0; },
                       365 * 24 * 3600);
        store->checkpoint();
    }
    std::printf("store: %s reminders due at once (%d sessions x %d participants), one process, Dispatcher::run_due\n"
                "  (batch 100, 8 workers, the null adapter, a log line per delivery to a file), the clock at T0 + 1 s;\n"
                "  each run on a fresh copy: SQLite's file copied, PostgreSQL's schema made by `ritme migrate`'s copy\n",
                thousands(sessions * participants).c_str(), sessions, participants);
    const UtcInstant now = plus_seconds(t0, 1);
    std::vector<Rate> sqlite, postgresql, bare;
    std::vector<double> bare_ratios;  // within each run: the machine's load changes between runs
    bool all_sent = true;
    int schema = 0;
    auto fresh_postgres = [&] {
        const std::string url = postgres.fresh_schema("store_" + std::to_string(++schema));
        auto store = PostgresStore::open({url, ""});
        store->copy_from_sqlite(seeded.string());
        return std::make_pair(url, std::move(store));
    };
    for (int run = 1; run <= runs; ++run) {
        bool sent = false;
        {
            const fs::path copy = dir / "ritme.db";
            for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(copy.string() + suffix);
            fs::copy_file(seeded, copy);
            auto store = SqliteStore::open(copy.string());
            sqlite.push_back(run_ritme(*store, renderer, now, dir / "sqlite.log", sent));
            all_sent = all_sent && sent;
        }
        {
            auto [url, store] = fresh_postgres();
            postgresql.push_back(run_ritme(*store, renderer, now, dir / "postgresql.log", sent));
            all_sent = all_sent && sent;
        }
        {
            auto [url, store] = fresh_postgres();
            store.reset();
            bare.push_back(run_bare(url, 100, now, sent));
            all_sent = all_sent && sent;
        }
        bare_ratios.push_back(postgresql.back().per_second() / bare.back().per_second());
        std::printf("  run %d: ritme on SQLite %s rows/s, on PostgreSQL %s rows/s; bare loop on PostgreSQL %s rows/s; "
                    "ritme / bare %.2f\n",
                    run, thousands(static_cast<int>(sqlite.back().per_second())).c_str(),
                    thousands(static_cast<int>(postgresql.back().per_second())).c_str(),
                    thousands(static_cast<int>(bare.back().per_second())).c_str(), bare_ratios.back());
        std::fflush(stdout);
    }
    auto line = [](const char* what, const Rate& rate) {
        std::printf("  %-40s %6.2f s %7s rows/s  CPU of this process %.2f s user, %.2f s sys\n", what, rate.seconds,
                    thousands(static_cast<int>(rate.per_second())).c_str(), rate.user, rate.system);
    };
    std::printf("  the median of %s:\n", counted(runs, "run", "runs").c_str());
    const Rate m_sqlite = median(sqlite), m_postgres = median(postgresql), m_bare = median(bare);
    line("ritme run_due on SQLite", m_sqlite);
    line("ritme run_due on PostgreSQL", m_postgres);
    line("bare SKIP LOCKED claim/mark on PostgreSQL", m_bare);
    const double bare_ratio = median_of(bare_ratios);
    std::printf("  PostgreSQL / SQLite: %.2f (no target)\n", m_postgres.per_second() / m_sqlite.per_second());
    std::printf("  ritme / bare on PostgreSQL: %.2f of the medians; the median of the runs' own ratios %.2f (target at "
                "least 0.50: %s)\n",
                m_postgres.per_second() / m_bare.per_second(), bare_ratio, met(bare_ratio >= 0.5));
    std::printf("  every row ended sent in every run: %s\n", all_sent ? "yes" : "NO");
    return all_sent;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "serve") return serve_as_ritme(argc, argv);

    std::string dir = (fs::temp_directory_path() / "ritme-postgres-bench").string();
    int rows = 4000;
    int store_rows = 20000;
    int runs = 3;
    bool quick = false;
    DaemonSettings settings;
    int failover_lease = 10;
    std::string only;
    std::string server_url;
    CLI::App app{"postgres_bench: several daemons on one PostgreSQL, failover, and the store against SQLite and "
                 "plain SQL"};
    app.add_option("--dir", dir, "directory for the server, configs and logs (emptied first)")->capture_default_str();
    app.add_option("--rows", rows, "scaling: reminders due at once")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--store-rows", store_rows, "store: reminders due at once")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--runs", runs, "scaling and store: runs of each; the median is compared")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--workers", settings.workers, "each daemon's worker pool and channel concurrency")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--lease", failover_lease, "failover: lease_seconds")->check(CLI::PositiveNumber)->capture_default_str();
    app.add_option("--postgresql", server_url,
                   "a running server's URL (user and database; each part makes schemas of its own) instead of "
                   "starting one");
    app.add_flag("--quick", quick, "a smoke test: few rows, one run of each");
    app.add_option("--only", only, "run one part")->check(CLI::IsMember({"scaling", "failover", "store"}));
    CLI11_PARSE(app, argc, argv);
    if (quick) {
        rows = 400;
        store_rows = 2000;
        runs = 1;
        failover_lease = 10;
    }

    try {
        fs::remove_all(dir);
        fs::create_directories(dir);
        Diagnostics problems;
        const auto holidays = SchoolHolidayTable::load_directory(RITME_SOURCE_DIR "/config/holidays", problems);
        if (problems.has_errors()) throw std::runtime_error("config/holidays does not load");
        BenchPostgres postgres(fs::path(dir) / "server", server_url);
        std::printf("postgres_bench: in %s, %s\n", dir.c_str(), postgres.about().c_str());
        std::fflush(stdout);
        bool ok = true;
        auto wanted = [&](const char* part) { return only.empty() || only == part; };
        if (wanted("scaling")) ok = scaling(postgres, fs::path(dir), rows, runs, settings, holidays) && ok;
        if (wanted("failover")) {
            DaemonSettings short_lease = settings;
            short_lease.lease_seconds = failover_lease;
            ok = failover(postgres, fs::path(dir), short_lease, holidays) && ok;
        }
        if (wanted("store")) ok = store_rates(postgres, fs::path(dir) / "store", store_rows, runs, holidays) && ok;
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "postgres_bench: error: %s\n", e.what());
        return 1;
    }
}
