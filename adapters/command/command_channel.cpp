#include "adapters/command/command_channel.hpp"

#include "engine/base/toml_reader.hpp"
#include "engine/base/utf8.hpp"
#include "engine/message/sms_text.hpp"
#include "engine/participants/masking.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace ritme {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr int exit_sent = 0;
constexpr int exit_retry = 75;                        // EX_TEMPFAIL in <sysexits.h>
constexpr size_t words_limit = 200;                   // bytes of a provider id or of a reason
constexpr size_t output_limit = 64 * 1024;            // standard output kept; more is read and dropped
constexpr size_t error_tail = 16 * 1024;              // the end of standard error kept, for its last line
constexpr size_t io_chunk = 64 * 1024;                // one read or write, a pipe's capacity
constexpr auto kill_grace = std::chrono::seconds(2);  // between SIGTERM and SIGKILL
constexpr std::string_view blanks = " \t\r\n\v\f";

std::string errno_text(int error) { return std::generic_category().message(error); }

std::string_view trimmed(std::string_view text) {
    const size_t first = text.find_first_not_of(blanks);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// The command's output is not ours: bytes that are not UTF-8 become U+FFFD (a reason
// or id is dumped as JSON later, which must not throw), and what a reason or status
// says has its numbers and addresses masked before it is cut, so no part of one is left.
std::string words_of(std::string_view line, bool masked) {
    const std::string valid = valid_utf8(line);
    return std::string(cut_utf8(masked ? mask_contacts_in_text(valid) : valid, words_limit));
}

// The first line: a provider's id (kept as written, receipts name it) or a status.
std::string first_line(std::string_view text, bool masked) {
    return words_of(trimmed(text.substr(0, text.find('\n'))), masked);
}

// The last non-empty line, the reason a failed run gives: masked.
std::string last_line(std::string_view text) {
    while (!text.empty()) {
        const size_t newline = text.rfind('\n');
        const size_t start = newline == std::string_view::npos ? 0 : newline + 1;
        if (const std::string_view line = trimmed(text.substr(start)); !line.empty()) return words_of(line, true);
        text = text.substr(0, start == 0 ? 0 : newline);
    }
    return {};
}

// The message as the command reads it: one line of JSON.
std::string message_json(const OutgoingMessage& message) {
    nlohmann::ordered_json json;
    json["delivery_id"] = message.delivery_id;
    json["reference"] = std::to_string(message.delivery_id);
    json["channel"] = message.channel;
    json["medium"] = std::string(name_of(message.medium));
    json["to"] = message.to;
    json["language"] = message.language;
    json["kind"] = message.kind;
    if (message.medium == Medium::email) json["subject"] = message.subject;
    json["text"] = message.text;
    if (message.medium == Medium::sms) {
        const SmsLength length = measure_sms(message.text);
        json["encoding"] = length.encoding == SmsEncoding::gsm7 ? "gsm7" : "ucs2";
        json["segments"] = length.segments;
    }
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// What a command that exited 0 printed: {"id": …, "status": …} or a line with the id.
SendResult accepted_from(std::string_view output) {
    const std::string_view text = trimmed(output);
    if (text.starts_with('{')) {
        const auto answer = nlohmann::json::parse(text, nullptr, false);
        if (answer.is_object()) {
            std::string id;
            if (const auto found = answer.find("id"); found != answer.end()) {
                if (found->is_string())
                    id = first_line(found->get<std::string>(), false);
                else if (found->is_number())
                    id = found->dump();
            }
            std::string status = "accepted";
            if (const auto found = answer.find("status"); found != answer.end() && found->is_string())
                if (std::string given = first_line(found->get<std::string>(), true); !given.empty())
                    status = std::move(given);
            return SendResult::accepted(std::move(id), std::move(status));
        }
    }
    return SendResult::accepted(first_line(text, false));
}

// A descriptor closed when its owner goes.
class Descriptor {
public:
    Descriptor() = default;
    explicit Descriptor(int fd) : fd_(fd) {}
    Descriptor(Descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Descriptor& operator=(Descriptor&& other) noexcept {
        if (this != &other) {
            close();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    ~Descriptor() { close(); }

    int get() const { return fd_; }
    bool is_open() const { return fd_ >= 0; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

// A pipe with both ends close-on-exec (no other child started meanwhile inherits them)
// and above 2, so the child's dup2 onto 0, 1 and 2 never overwrites one end with another.
// Returns 0 or the errno.
int make_pipe(Descriptor& read_end, Descriptor& write_end) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) return errno;
    Descriptor made[2] = {Descriptor(ends[0]), Descriptor(ends[1])};
    for (Descriptor& end : made) {
        if (end.get() > STDERR_FILENO) continue;
        const int moved = ::fcntl(end.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
        if (moved < 0) return errno;
        end = Descriptor(moved);
    }
    read_end = std::move(made[0]);
    write_end = std::move(made[1]);
    return 0;
}

int make_nonblocking(const Descriptor& descriptor) {
    const int flags = ::fcntl(descriptor.get(), F_GETFL);
    if (flags < 0 || ::fcntl(descriptor.get(), F_SETFL, flags | O_NONBLOCK) < 0) return errno;
    return 0;
}

// Writing to a command that has stopped reading raises SIGPIPE, which would end ritme.
// It is held back on this thread while the message is written, and one our own write
// raised is taken off again before the thread's mask is restored.
class SigpipeHeld {
public:
    SigpipeHeld() {
        ::sigemptyset(&pipe_);
        ::sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        ::sigemptyset(&pending);
        was_pending_ = ::sigpending(&pending) == 0 && ::sigismember(&pending, SIGPIPE) == 1;
        ::pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
    }
    ~SigpipeHeld() {
        if (raised_ && !was_pending_) {
            const timespec no_wait{};
            while (::sigtimedwait(&pipe_, nullptr, &no_wait) < 0 && errno == EINTR) {
            }
        }
        ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    SigpipeHeld(const SigpipeHeld&) = delete;
    SigpipeHeld& operator=(const SigpipeHeld&) = delete;

    void raised() { raised_ = true; }

private:
    sigset_t pipe_;
    sigset_t previous_;
    bool was_pending_ = false;
    bool raised_ = false;
};

// How the child is started: its pipes on 0, 1 and 2 and nothing else open, its own
// process group (a timeout kills everything it started), default signal handling and
// no blocked signals whatever the calling thread has.
class SpawnSetup {
public:
    SpawnSetup()
        : actions_ready_(::posix_spawn_file_actions_init(&actions_) == 0),
          attributes_ready_(::posix_spawnattr_init(&attributes_) == 0) {}
    ~SpawnSetup() {
        if (actions_ready_) ::posix_spawn_file_actions_destroy(&actions_);
        if (attributes_ready_) ::posix_spawnattr_destroy(&attributes_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    // Returns 0 or the error.
    int prepare(int input, int output, int errors, const fs::path& directory) {
        if (!actions_ready_ || !attributes_ready_) return ENOMEM;
        sigset_t none;
        sigset_t all;
        ::sigemptyset(&none);
        ::sigfillset(&all);
        const int steps[] = {
            ::posix_spawn_file_actions_adddup2(&actions_, input, STDIN_FILENO),
            ::posix_spawn_file_actions_adddup2(&actions_, output, STDOUT_FILENO),
            ::posix_spawn_file_actions_adddup2(&actions_, errors, STDERR_FILENO),
            directory.empty() ? 0 : ::posix_spawn_file_actions_addchdir_np(&actions_, directory.c_str()),
            ::posix_spawn_file_actions_addclosefrom_np(&actions_, STDERR_FILENO + 1),
            ::posix_spawnattr_setflags(&attributes_,
                                       POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF),
            ::posix_spawnattr_setpgroup(&attributes_, 0),
            ::posix_spawnattr_setsigmask(&attributes_, &none),
            ::posix_spawnattr_setsigdefault(&attributes_, &all),
        };
        for (const int step : steps)
            if (step != 0) return step;
        return 0;
    }

    const posix_spawn_file_actions_t* actions() const { return &actions_; }
    const posix_spawnattr_t* attributes() const { return &attributes_; }

private:
    posix_spawn_file_actions_t actions_;
    posix_spawnattr_t attributes_;
    bool actions_ready_;
    bool attributes_ready_;
};

// A started command. Until it is reaped its process id stays its own, so signalling its
// process group can never reach another's; whatever happens, the group is killed and the
// process reaped when this goes, so no send leaves a process behind by accident.
class ChildProcess {
public:
    explicit ChildProcess(pid_t pid) : pid_(pid), ended_signal_(open_pidfd(pid)) {}
    ~ChildProcess() {
        if (reaped_) return;
        ::kill(-pid_, SIGKILL);
        reap();
    }
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Readable once the process has ended; -1 where the kernel offers no pidfd.
    int ended_signal() const { return ended_signal_.get(); }

    // Whether it ended by `deadline`; it stays unreaped.
    bool wait_until_ended(SteadyClock::time_point deadline) const {
        while (true) {
            if (has_ended()) return true;
            const auto left = deadline - SteadyClock::now();
            if (left <= SteadyClock::duration::zero()) return false;
            if (ended_signal_.is_open()) {
                pollfd ended{ended_signal_.get(), POLLIN, 0};
                if (::poll(&ended, 1, poll_milliseconds(left)) < 0 && errno != EINTR) return has_ended();
            } else {
                // Without a pidfd only asking again tells; this happens on old kernels alone.
                std::this_thread::sleep_for(std::min<SteadyClock::duration>(left, std::chrono::milliseconds(10)));
            }
        }
    }

    // SIGTERM to the whole group, a grace period, then SIGKILL to whatever is left of it.
    void stop_group() {
        ::kill(-pid_, SIGTERM);
        wait_until_ended(SteadyClock::now() + kill_grace);
        ::kill(-pid_, SIGKILL);
    }

    // The wait status, or nothing when the process was reaped elsewhere (SIGCHLD ignored).
    std::optional<int> reap() {
        int status = 0;
        pid_t reaped = 0;
        do {
            reaped = ::waitpid(pid_, &status, 0);
        } while (reaped < 0 && errno == EINTR);
        reaped_ = true;
        if (reaped != pid_) return std::nullopt;
        return status;
    }

    static int poll_milliseconds(SteadyClock::duration left) {
        const auto milliseconds = std::chrono::ceil<std::chrono::milliseconds>(left).count();
        return static_cast<int>(std::clamp<long long>(milliseconds, 0, INT_MAX));
    }

private:
    // Through syscall(): glibc 2.36's <sys/pidfd.h> declares pidfd_open without C
    // linkage. A pidfd is close-on-exec from the start.
    static int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

    bool has_ended() const {
        siginfo_t info{};
        return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
               info.si_pid == pid_;
    }

    pid_t pid_;
    Descriptor ended_signal_;
    bool reaped_ = false;
};

// How one run of the command ended.
struct CommandRun {
    enum class End { exited, signalled, timed_out, not_started, broken };
    End end = End::exited;
    int code = 0;        // the exit status for exited, the signal for signalled
    int error = 0;       // the errno for not_started and broken
    std::string output;  // the start of standard output
    std::string errors;  // the end of standard error
};

// Reads what is there now, up to `budget` bytes. Returns false at the end of the stream
// or on an error.
bool read_available(const Descriptor& from, std::string& into, bool keep_tail, size_t budget = SIZE_MAX) {
    char buffer[io_chunk];
    for (size_t taken = 0; taken < budget;) {
        const ssize_t got = ::read(from.get(), buffer, sizeof buffer);
        if (got > 0) {
            taken += static_cast<size_t>(got);
            const std::string_view piece(buffer, static_cast<size_t>(got));
            if (keep_tail) {
                into.append(piece);
                if (into.size() > 2 * error_tail) into.erase(0, into.size() - error_tail);
            } else if (into.size() < output_limit) {
                into.append(piece.substr(0, output_limit - into.size()));
            }
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return true;
}

struct CommandLine {
    fs::path program;
    std::vector<std::string> arguments;  // after the program
    fs::path directory;                  // the working directory; empty: ritme's own
    std::chrono::seconds timeout{30};
};

class CommandChannel : public Channel {
public:
    CommandChannel(const std::string& channel, CommandLine command) : command_(std::move(command)) {
        argument_text_.push_back(command_.program.string());
        argument_text_.insert(argument_text_.end(), command_.arguments.begin(), command_.arguments.end());
        for (std::string& argument : argument_text_) argv_.push_back(argument.data());
        argv_.push_back(nullptr);

        const char* path = std::getenv("PATH");
        const char* home = std::getenv("HOME");
        environment_text_.push_back(std::string("PATH=") + (path && *path ? path : "/usr/local/bin:/usr/bin:/bin"));
        environment_text_.emplace_back("LANG=C.UTF-8");
        if (home && *home) environment_text_.push_back(std::string("HOME=") + home);
        environment_text_.push_back("RITME_CHANNEL=" + channel);
        for (std::string& variable : environment_text_) envp_.push_back(variable.data());
        envp_.push_back(nullptr);
    }
    CommandChannel(const CommandChannel&) = delete;
    CommandChannel& operator=(const CommandChannel&) = delete;

    SendResult send(const OutgoingMessage& message) override {
        try {
            const CommandRun run = execute(message_json(message));
            const std::string words = last_line(run.errors);
            const std::string tail = words.empty() ? "" : ": " + words;
            switch (run.end) {
                case CommandRun::End::exited:
                    if (run.code == exit_sent) return accepted_from(run.output);
                    if (run.code == exit_retry)
                        return SendResult::retry_later("command: exit " + std::to_string(run.code) + tail);
                    return SendResult::permanent_failure("command: exit " + std::to_string(run.code) + tail);
                case CommandRun::End::signalled: {
                    const char* name = ::sigabbrev_np(run.code);
                    const std::string signal = name ? "SIG" + std::string(name) : "signal " + std::to_string(run.code);
                    return SendResult::retry_later("command: killed by " + signal + tail);
                }
                case CommandRun::End::timed_out:
                    return SendResult::retry_later("command: no answer in " + std::to_string(command_.timeout.count()) +
                                                   " s");
                case CommandRun::End::not_started:
                    return SendResult::misconfigured("command: cannot start " + command_.program.string() + ": " +
                                                     errno_text(run.error));
                case CommandRun::End::broken:
                    break;
            }
            return SendResult::retry_later("command: cannot run " + command_.program.string() + ": " +
                                           errno_text(run.error));
        } catch (const std::exception& e) {
            return SendResult::retry_later(std::string("command: ") + e.what());
        }
    }

private:
    // Starts the command, feeds it `input` while reading its output (all three at once,
    // so neither a long text nor a chatty command can block the other side), and waits
    // for its end or the timeout.
    CommandRun execute(std::string_view input) const {
        CommandRun run;
        const auto broken = [&run](int error) {
            run.end = CommandRun::End::broken;
            run.error = error;
            return run;
        };
        Descriptor input_read, input_write, output_read, output_write, errors_read, errors_write;
        for (auto [read_end, write_end] : {std::pair{&input_read, &input_write}, std::pair{&output_read, &output_write},
                                           std::pair{&errors_read, &errors_write}})
            if (const int error = make_pipe(*read_end, *write_end); error != 0) return broken(error);
        for (const Descriptor* ours : {&input_write, &output_read, &errors_read})
            if (const int error = make_nonblocking(*ours); error != 0) return broken(error);

        SpawnSetup setup;
        if (const int error = setup.prepare(input_read.get(), output_write.get(), errors_write.get(),
                                            command_.directory);
            error != 0)
            return broken(error);
        pid_t pid = 0;
        const int spawned =
            ::posix_spawn(&pid, argv_[0], setup.actions(), setup.attributes(), argv_.data(), envp_.data());
        if (spawned != 0) {
            run.end = CommandRun::End::not_started;
            run.error = spawned;
            return run;
        }
        ChildProcess child(pid);
        input_read.close();
        output_write.close();
        errors_write.close();

        const auto deadline = SteadyClock::now() + command_.timeout;
        SigpipeHeld sigpipe;
        size_t written = 0;
        if (input.empty()) input_write.close();
        bool ended = false;
        int poll_error = 0;
        while (true) {
            pollfd watched[4];
            int count = 0;
            int input_at = -1, output_at = -1, errors_at = -1, ended_at = -1;
            const auto watch = [&](int fd, short events, int& at) {
                if (fd < 0) return;
                at = count;
                watched[count++] = pollfd{fd, events, 0};
            };
            watch(input_write.get(), POLLOUT, input_at);
            watch(output_read.get(), POLLIN, output_at);
            watch(errors_read.get(), POLLIN, errors_at);
            watch(child.ended_signal(), POLLIN, ended_at);
            if (count == 0) {  // no pidfd, and the pipes are done with: only the end is left
                ended = child.wait_until_ended(deadline);
                break;
            }
            const auto left = deadline - SteadyClock::now();
            if (left <= SteadyClock::duration::zero()) break;
            if (::poll(watched, static_cast<nfds_t>(count), ChildProcess::poll_milliseconds(left)) < 0) {
                if (errno == EINTR) continue;
                poll_error = errno;
                break;
            }
            if (input_at >= 0 && watched[input_at].revents != 0) {
                while (written < input.size()) {
                    const ssize_t put = ::write(input_write.get(), input.data() + written,
                                                std::min(io_chunk, input.size() - written));
                    if (put >= 0) {
                        written += static_cast<size_t>(put);
                        continue;
                    }
                    if (errno == EINTR) continue;
                    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                    if (errno == EPIPE) sigpipe.raised();
                    written = input.size();  // the command reads no more: what it got is what it gets
                }
                if (written == input.size()) input_write.close();
            }
            if (output_at >= 0 && watched[output_at].revents != 0 && !read_available(output_read, run.output, false))
                output_read.close();
            if (errors_at >= 0 && watched[errors_at].revents != 0 && !read_available(errors_read, run.errors, true))
                errors_read.close();
            if (ended_at >= 0 && watched[ended_at].revents != 0) {
                ended = true;
                break;
            }
        }

        if (!ended) {
            child.stop_group();
            child.reap();
            if (poll_error != 0) return broken(poll_error);
            run.end = CommandRun::End::timed_out;
            return run;
        }
        // What it wrote before it ended is in the pipes now: at most a pipe's capacity each.
        // A process it left behind may hold them open; that one is not waited for.
        constexpr size_t drain_budget = 1024 * 1024;
        if (output_read.is_open()) read_available(output_read, run.output, false, drain_budget);
        if (errors_read.is_open()) read_available(errors_read, run.errors, true, drain_budget);
        const std::optional<int> status = child.reap();
        if (!status) return broken(ECHILD);
        if (WIFSIGNALED(*status)) {
            run.end = CommandRun::End::signalled;
            run.code = WTERMSIG(*status);
        } else {
            run.end = CommandRun::End::exited;
            run.code = WEXITSTATUS(*status);
        }
        return run;
    }

    CommandLine command_;
    std::vector<std::string> argument_text_;
    std::vector<char*> argv_;
    std::vector<std::string> environment_text_;
    std::vector<char*> envp_;
};

// The executable must be there, runnable, and changeable only by those trusted with the
// config: ritme hands it every number and text.
fs::path checked_program(const ChannelSettings& settings) {
    const std::string written = settings.get("command");
    if (trimmed(written).empty())
        throw settings.error_at("command", "the command adapter needs `command`, the executable it runs per message; write "
                             "command = \"/usr/local/lib/ritme/send-sms\" (absolute, or relative to this config file)");
    const fs::path program = settings.path("command").lexically_normal();
    const std::string named = "`command = \"" + written + "\"`: " + program.string();
    struct stat status {};
    if (::stat(program.c_str(), &status) != 0) {
        const int error = errno;
        throw settings.error_at("command", named + (error == ENOENT ? " does not exist" : ": " + errno_text(error)) +
                             "; name the executable by its absolute path, or relative to the config file's directory");
    }
    if (S_ISDIR(status.st_mode))
        throw settings.error_at("command", named + " is a directory; name the executable inside it");
    if (!S_ISREG(status.st_mode))
        throw settings.error_at("command", named + " is not a regular file; name the executable itself");
    if (::access(program.c_str(), X_OK) != 0)
        throw settings.error_at("command", named + " is not executable by ritme's user; make it so, e.g. chmod 0755 " +
                             program.string());
    if ((status.st_mode & S_IWOTH) != 0)
        throw settings.error_at("command", named + " may be changed by any user, and it is handed every number and text; "
                                     "chmod o-w " + program.string());
    return program;
}

// `args` as a list of strings (ChannelSettings holds it as its TOML text), or one string
// split on spaces.
std::vector<std::string> parse_arguments(const ChannelSettings& settings) {
    const std::string text = settings.get("args");
    std::vector<std::string> arguments;
    if (text.starts_with('[')) {
        std::optional<toml::table> parsed;
        try {
            parsed = toml::parse("args = " + text);
        } catch (const toml::parse_error&) {
        }
        if (parsed) {
            if (const toml::array* list = (*parsed)["args"].as_array()) {
                for (const toml::node& element : *list) {
                    const auto* argument = element.as_string();
                    if (!argument)
                        throw settings.error_at("args", "`args = " + text + "` lists " + toml_value_text(element) +
                                             ", not a string; quote every argument: args = [\"--from\", \"Gemeente\"]");
                    arguments.push_back(argument->get());
                }
                return arguments;
            }
        }
    }
    for (size_t at = 0; at < text.size();) {
        const size_t start = text.find_first_not_of(' ', at);
        if (start == std::string::npos) break;
        const size_t end = std::min(text.find(' ', start), text.size());
        arguments.push_back(text.substr(start, end - start));
        at = end;
    }
    return arguments;
}

std::unique_ptr<Channel> make_command_channel(const ChannelSettings& settings) {
    CommandLine command;
    command.program = checked_program(settings);
    command.arguments = parse_arguments(settings);
    command.timeout = std::chrono::seconds(settings.integer("timeout_seconds", 1, 600));
    command.directory = settings.base_directory;
    return std::make_unique<CommandChannel>(settings.channel, std::move(command));
}

}  // namespace

AdapterInfo command_adapter() {
    return {
        "command",
        "runs an executable per message with the message as JSON on standard input: exit 0 sent, 75 retry, "
        "other failed",
        {
            {"command", "",
             "the executable run per message, absolute or relative to this file; its last line on stderr becomes the "
             "reason shown, so never the message or number",
             true},
            {"args", "[]", "arguments for it: a list of strings, or one string split on spaces", false},
            {"timeout_seconds", "30", "a run taking longer is stopped (its process group killed) and retried later",
             false},
        },
        make_command_channel,
    };
}

}  // namespace ritme
