#include "adapters/command/command_channel.hpp"
#include "engine/base/utf8.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace ritme;
namespace fs = std::filesystem;

namespace {

// A fresh directory for one test, removed when it ends: the config file's directory,
// where the scripts live and write what they saw.
class Scratch {
public:
    explicit Scratch(const std::string& name)
        : dir_(fs::temp_directory_path() / ("ritme-command-test-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    ~Scratch() { fs::remove_all(dir_); }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    const fs::path& dir() const { return dir_; }
    fs::path operator/(const std::string& name) const { return dir_ / name; }

    // A /bin/sh script in the directory, executable by its owner and readable by all.
    fs::path script(const std::string& name, const std::string& body, fs::perms mode = fs::perms(0755)) const {
        const fs::path path = dir_ / name;
        std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
        fs::permissions(path, mode);
        return path;
    }

    // The settings as the daemon config hands them over: every declared default filled in.
    ChannelSettings settings(const std::string& command, std::map<std::string, std::string> values = {}) const {
        values.emplace("command", command);
        values.emplace("args", "[]");
        values.emplace("timeout_seconds", "30");
        return ChannelSettings{"sms", dir_, std::move(values), {}, {}};
    }

    std::unique_ptr<Channel> channel(const std::string& command, std::map<std::string, std::string> values = {}) const {
        return command_adapter().make(settings(command, std::move(values)));
    }

private:
    fs::path dir_;
};

OutgoingMessage sms(int64_t id,
                    std::string text = "Hallo Amina, tot dinsdag 12 januari om 10:30 in Buurthuis De Kroon.") {
    OutgoingMessage message;
    message.delivery_id = id;
    message.channel = "sms";
    message.medium = Medium::sms;
    message.to = "+31612345678";
    message.language = "nl";
    message.kind = "reminder";
    message.text = std::move(text);
    return message;
}

OutgoingMessage email(int64_t id) {
    OutgoingMessage message;
    message.delivery_id = id;
    message.channel = "email";
    message.medium = Medium::email;
    message.to = "amina@example.nl";
    message.language = "en";
    message.kind = "change";
    message.subject = "Session moved";
    message.text = "Hello Amina,\nthe session moves to Thursday.";
    return message;
}

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::string config_error(const ChannelSettings& settings) {
    try {
        command_adapter().make(settings);
    } catch (const ChannelConfigError& e) {
        return e.what();
    }
    return {};
}

// The processes of a group that still run (a zombie has ended, only not been reaped).
std::vector<pid_t> live_members(pid_t group) {
    std::vector<pid_t> members;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        const std::string stat = read(entry.path() / "stat");
        const size_t after_name = stat.rfind(')');
        if (after_name == std::string::npos) continue;
        std::istringstream fields(stat.substr(after_name + 1));
        char state = 0;
        long parent = 0;
        long process_group = 0;
        if (!(fields >> state >> parent >> process_group)) continue;
        if (process_group == group && state != 'Z' && state != 'X') members.push_back(std::stoi(name));
    }
    return members;
}

// A SIGKILLed process needs the scheduler once more before it is gone: wait for that.
// The deadline only ends a failing test; a busy machine may take its time.
bool group_gone(pid_t group) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!live_members(group).empty()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

size_t open_descriptors() {
    return static_cast<size_t>(std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator()));
}

pid_t pid_in(const fs::path& path) { return static_cast<pid_t>(std::stol(read(path))); }

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_SUITE("command_channel") {
    TEST_CASE("declares its settings with help and defaults") {
        const AdapterInfo info = command_adapter();
        CHECK(info.name == "command");
        CHECK_FALSE(info.summary.empty());
        std::map<std::string, AdapterSetting> settings;
        for (const auto& setting : info.settings) settings[setting.name] = setting;
        CHECK(settings.size() == 3);
        REQUIRE(settings.count("command") == 1);
        CHECK(settings["command"].required);
        REQUIRE(settings.count("args") == 1);
        CHECK(settings["args"].default_value == "[]");
        REQUIRE(settings.count("timeout_seconds") == 1);
        CHECK(settings["timeout_seconds"].default_value == "30");
        for (const auto& [name, setting] : settings) CHECK_MESSAGE(!setting.help.empty(), name);
    }

    TEST_CASE("hands an SMS to the command as one line of JSON on standard input") {
        Scratch scratch("sms-json");
        scratch.script("send.sh", "cat > input.json");
        auto channel = scratch.channel("send.sh");
        const SendResult result = channel->send(sms(42));
        CHECK(result.outcome == SendResult::Outcome::sent);

        const std::string input = read(scratch / "input.json");
        REQUIRE(lines_of(input).size() == 1);
        const auto json = nlohmann::json::parse(input);
        CHECK(json["delivery_id"] == 42);
        CHECK(json["reference"] == "42");
        CHECK(json["channel"] == "sms");
        CHECK(json["medium"] == "sms");
        CHECK(json["to"] == "+31612345678");
        CHECK(json["language"] == "nl");
        CHECK(json["kind"] == "reminder");
        CHECK(json["text"] == sms(42).text);
        CHECK(json["encoding"] == "gsm7");
        CHECK(json["segments"] == 1);
        CHECK_FALSE(json.contains("subject"));
    }

    TEST_CASE("a text outside GSM-7 is announced as UCS-2 with its segments") {
        Scratch scratch("ucs2");
        scratch.script("send.sh", "cat > input.json");
        auto channel = scratch.channel("send.sh");
        // 80 characters with an ë: more than the 70 of one UCS-2 part, fewer than 2 × 67.
        const std::string text = "Tot dinsdag in België, " + std::string(57, 'a');
        REQUIRE(channel->send(sms(7, text)).outcome == SendResult::Outcome::sent);
        const auto json = nlohmann::json::parse(read(scratch / "input.json"));
        CHECK(json["text"] == text);
        CHECK(json["encoding"] == "ucs2");
        CHECK(json["segments"] == 2);
    }

    TEST_CASE("an e-mail carries its subject and no SMS encoding") {
        Scratch scratch("email-json");
        scratch.script("send.sh", "cat > input.json");
        auto channel = scratch.channel("send.sh");
        REQUIRE(channel->send(email(9)).outcome == SendResult::Outcome::sent);
        const auto json = nlohmann::json::parse(read(scratch / "input.json"));
        CHECK(json["medium"] == "email");
        CHECK(json["to"] == "amina@example.nl");
        CHECK(json["subject"] == "Session moved");
        CHECK(json["text"] == "Hello Amina,\nthe session moves to Thursday.");
        CHECK_FALSE(json.contains("encoding"));
        CHECK_FALSE(json.contains("segments"));
    }

    TEST_CASE("the command gets a small environment, the config's directory and only its pipes") {
        Scratch scratch("environment");
        scratch.script("send.sh", "cat > /dev/null; env > env.txt; pwd > cwd.txt; ls -l /proc/$$/fd > fds.txt");
        ::setenv("RITME_COMMAND_TEST_SECRET", "not for the command", 1);
        // A descriptor this process holds without close-on-exec: the command must not get it.
        const fs::path marker = scratch / "held-open.txt";
        std::ofstream(marker) << "x";
        const int held = ::open(marker.c_str(), O_RDONLY);
        REQUIRE(held >= 0);
        auto channel = scratch.channel((scratch.dir() / "send.sh").string());
        const SendResult result = channel->send(sms(1));
        ::close(held);
        ::unsetenv("RITME_COMMAND_TEST_SECRET");
        REQUIRE(result.outcome == SendResult::Outcome::sent);

        std::map<std::string, std::string> environment;
        for (const std::string& line : lines_of(read(scratch / "env.txt")))
            environment[line.substr(0, line.find('='))] = line.substr(line.find('=') + 1);
        CHECK(environment["LANG"] == "C.UTF-8");
        CHECK(environment["RITME_CHANNEL"] == "sms");
        CHECK(environment.count("PATH") == 1);
        const std::set<std::string> allowed{"PATH", "LANG", "HOME", "RITME_CHANNEL", "PWD"};
        for (const auto& [name, value] : environment) CHECK_MESSAGE(allowed.count(name) == 1, name);
        CHECK(environment.count("RITME_COMMAND_TEST_SECRET") == 0);

        CHECK(fs::equivalent(fs::path(lines_of(read(scratch / "cwd.txt")).at(0)), scratch.dir()));

        const std::string descriptors = read(scratch / "fds.txt");
        CHECK(descriptors.find("held-open.txt") == std::string::npos);
        int pipes = 0;
        for (const std::string& line : lines_of(descriptors))
            if (line.find("pipe:") != std::string::npos) ++pipes;
        CHECK(pipes == 3);
    }

    TEST_CASE("exit 0 with a JSON answer stores the provider's id and status") {
        Scratch scratch("json-id");
        scratch.script("send.sh", "cat > /dev/null\necho '{\"id\": \"msg-8f3a\", \"status\": \"queued\"}'");
        const SendResult result = scratch.channel("send.sh")->send(sms(3));
        CHECK(result.outcome == SendResult::Outcome::sent);
        CHECK(result.provider_id == "msg-8f3a");
        CHECK(result.provider_status == "queued");
        CHECK(result.reason.empty());
    }

    TEST_CASE("a numeric id in the JSON answer is kept as its digits") {
        Scratch scratch("numeric-id");
        scratch.script("send.sh", "cat > /dev/null\necho '{\"id\": 90817}'");
        const SendResult result = scratch.channel("send.sh")->send(sms(3));
        CHECK(result.outcome == SendResult::Outcome::sent);
        CHECK(result.provider_id == "90817");
        CHECK(result.provider_status == "accepted");
    }

    TEST_CASE("exit 0 with plain text takes its first line as the id; no output is fine") {
        Scratch scratch("plain-id");
        scratch.script("plain.sh", "cat > /dev/null\nprintf '  MSG-77  \\nsecond line\\n'");
        scratch.script("quiet.sh", "cat > /dev/null");
        const SendResult plain = scratch.channel("plain.sh")->send(sms(4));
        CHECK(plain.outcome == SendResult::Outcome::sent);
        CHECK(plain.provider_id == "MSG-77");
        const SendResult quiet = scratch.channel("quiet.sh")->send(sms(5));
        CHECK(quiet.outcome == SendResult::Outcome::sent);
        CHECK(quiet.provider_id.empty());
    }

    TEST_CASE("exit 75 is a retry with the last line the command wrote on standard error") {
        Scratch scratch("tempfail");
        scratch.script("send.sh", "cat > /dev/null\necho 'connecting' >&2\necho 'gateway busy, try later' >&2\n"
                                  "echo '' >&2\nexit 75");
        const SendResult result = scratch.channel("send.sh")->send(sms(5));
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK_FALSE(result.channel_fault);
        CHECK(result.reason == "command: exit 75: gateway busy, try later");
    }

    TEST_CASE("any other exit status fails the message for good") {
        Scratch scratch("failed");
        scratch.script("refused.sh", "cat > /dev/null\necho 'number refused by provider' >&2\nexit 1");
        scratch.script("silent.sh", "cat > /dev/null\nexit 2");
        const SendResult refused = scratch.channel("refused.sh")->send(sms(6));
        CHECK(refused.outcome == SendResult::Outcome::failed);
        CHECK(refused.reason == "command: exit 1: number refused by provider");
        const SendResult silent = scratch.channel("silent.sh")->send(sms(6));
        CHECK(silent.outcome == SendResult::Outcome::failed);
        CHECK(silent.reason == "command: exit 2");
    }

    TEST_CASE("a long error line is cut to 200 bytes in the reason") {
        Scratch scratch("long-reason");
        scratch.script("send.sh", "cat > /dev/null\nprintf '%0500d\\n' 0 >&2\nexit 1");
        const SendResult result = scratch.channel("send.sh")->send(sms(6));
        CHECK(result.outcome == SendResult::Outcome::failed);
        CHECK(result.reason == "command: exit 1: " + std::string(200, '0'));
    }

    TEST_CASE("a command killed by a signal is retried") {
        Scratch scratch("signalled");
        scratch.script("send.sh", "cat > /dev/null\nkill -9 $$");
        const SendResult result = scratch.channel("send.sh")->send(sms(6));
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason == "command: killed by SIGKILL");
    }

    TEST_CASE("a command past its timeout is stopped with its whole process group and retried") {
        Scratch scratch("timeout");
        // A helper in the background and one in the foreground: both must go. The script
        // writes finished.txt only if it is let run to its end.
        scratch.script("send.sh", "echo $$ > group.txt\nsleep 60 &\nsleep 60\necho > finished.txt");
        auto channel = scratch.channel("send.sh", {{"timeout_seconds", "1"}});
        const auto start = std::chrono::steady_clock::now();
        const SendResult result = channel->send(sms(8));
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason == "command: no answer in 1 s");
        // It had its whole second: a lower bound no slow machine can break.
        CHECK(seconds_since(start) >= 1.0);
        CHECK(group_gone(pid_in(scratch / "group.txt")));
        CHECK_FALSE(fs::exists(scratch / "finished.txt"));
    }

    TEST_CASE("a command that ignores SIGTERM is killed after the grace period") {
        Scratch scratch("ignores-term");
        scratch.script("send.sh", "trap '' TERM\necho $$ > group.txt\nsleep 60 &\nsleep 60");
        auto channel = scratch.channel("send.sh", {{"timeout_seconds", "1"}});
        const SendResult result = channel->send(sms(8));
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason == "command: no answer in 1 s");
        CHECK(group_gone(pid_in(scratch / "group.txt")));
    }

    TEST_CASE("a command that reads nothing of a 200 KB text does not block the send") {
        Scratch scratch("reads-nothing");
        scratch.script("send.sh", "echo done");
        auto channel = scratch.channel("send.sh", {{"timeout_seconds", "20"}});
        const SendResult result = channel->send(sms(10, std::string(200 * 1024, 'x')));
        CHECK(result.outcome == SendResult::Outcome::sent);
        CHECK(result.provider_id == "done");
    }

    TEST_CASE("a chatty command that writes before it reads gets the whole message") {
        Scratch scratch("chatty");
        // 300 KB on each output before reading a byte: more than any pipe holds.
        scratch.script("send.sh",
                       "head -c 300000 /dev/zero | tr '\\0' 'i'\n"
                       "head -c 300000 /dev/zero | tr '\\0' 'e' >&2\n"
                       "echo >&2\necho 'still here' >&2\ncat > input.json\nexit 75");
        auto channel = scratch.channel("send.sh", {{"timeout_seconds", "20"}});
        const OutgoingMessage message = sms(11, std::string(200 * 1024, 'y'));
        const SendResult result = channel->send(message);
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason == "command: exit 75: still here");
        const auto json = nlohmann::json::parse(read(scratch / "input.json"));
        CHECK(json["text"] == message.text);
    }

    TEST_CASE("a command that cannot start pauses the channel") {
        Scratch scratch("cannot-start");
        const fs::path script = scratch / "send.sh";
        std::ofstream(script) << "#!/nonexistent/interpreter\n";
        fs::permissions(script, fs::perms(0755));
        const SendResult result = scratch.channel("send.sh")->send(sms(12));
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.channel_fault);
        CHECK(result.reason.find("command: cannot start " + script.string()) == 0);
    }

    TEST_CASE("sends at once from several threads each get their own answer, and leave no descriptor open") {
        Scratch scratch("threads");
        // Answers with the delivery id it read, so crossed pipes would show.
        scratch.script("send.sh", "sed -n 's/.*\"delivery_id\":\\([0-9]*\\).*/\\1/p'");
        auto channel = scratch.channel("send.sh");
        const size_t descriptors_before = open_descriptors();
        constexpr int threads = 8;
        constexpr int per_thread = 6;
        std::vector<std::vector<SendResult>> results(threads);
        std::vector<std::thread> workers;
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) results[t].push_back(channel->send(sms(1000 + t * 100 + i)));
            });
        for (auto& worker : workers) worker.join();
        for (int t = 0; t < threads; ++t) {
            REQUIRE(results[t].size() == per_thread);
            for (int i = 0; i < per_thread; ++i) {
                CHECK(results[t][i].outcome == SendResult::Outcome::sent);
                CHECK(results[t][i].provider_id == std::to_string(1000 + t * 100 + i));
            }
        }
        CHECK(open_descriptors() == descriptors_before);
    }

    TEST_CASE("args: a list of strings, or one string split on spaces") {
        Scratch scratch("args");
        scratch.script("send.sh", "cat > /dev/null\nprintf '%s\\n' \"$@\" > args.txt");
        REQUIRE(scratch.channel("send.sh", {{"args", R"(["--from", "Gemeente Almere"])"}})->send(sms(1)).outcome ==
                SendResult::Outcome::sent);
        CHECK(lines_of(read(scratch / "args.txt")) == std::vector<std::string>{"--from", "Gemeente Almere"});
        REQUIRE(scratch.channel("send.sh", {{"args", "--from  Gemeente"}})->send(sms(2)).outcome ==
                SendResult::Outcome::sent);
        CHECK(lines_of(read(scratch / "args.txt")) == std::vector<std::string>{"--from", "Gemeente"});
        REQUIRE(scratch.channel("send.sh")->send(sms(3)).outcome == SendResult::Outcome::sent);
        CHECK(read(scratch / "args.txt") == "\n");  // printf prints its format once for no arguments
    }

    TEST_CASE("settings are checked when the channel is made") {
        Scratch scratch("settings");
        scratch.script("send.sh", "cat > /dev/null");
        scratch.script("private.sh", "cat > /dev/null", fs::perms(0644));
        scratch.script("shared.sh", "cat > /dev/null", fs::perms(0757));
        fs::create_directories(scratch / "tools");

        CHECK(config_error(scratch.settings("send.sh")).empty());
        CHECK(config_error(scratch.settings((scratch / "send.sh").string())).empty());

        const std::string missing = config_error(scratch.settings(""));
        CHECK(missing.find("[channel.sms]: ") == 0);
        CHECK(missing.find("needs `command`") != std::string::npos);

        const std::string absent = config_error(scratch.settings("absent.sh"));
        CHECK(absent.find("[channel.sms]: `command = \"absent.sh\"`") == 0);
        CHECK(absent.find((scratch / "absent.sh").string() + " does not exist") != std::string::npos);
        CHECK(absent.find("relative to the config file") != std::string::npos);

        CHECK(config_error(scratch.settings("tools")).find("is a directory") != std::string::npos);
        CHECK(config_error(scratch.settings("private.sh")).find("is not executable") != std::string::npos);
        CHECK(config_error(scratch.settings("shared.sh")).find("chmod o-w") != std::string::npos);

        CHECK(config_error(scratch.settings("send.sh", {{"timeout_seconds", "0"}})).find("`timeout_seconds = 0`") !=
              std::string::npos);
        CHECK(config_error(scratch.settings("send.sh", {{"timeout_seconds", "soon"}})).find("not a whole number") !=
              std::string::npos);
        CHECK(config_error(scratch.settings("send.sh", {{"args", "[\"--to\", 3]"}})).find("not a string") !=
              std::string::npos);
    }
    TEST_CASE("a number or address the command echoes on stderr is masked in the reason, before it is cut") {
        Scratch scratch("masked-reason");
        scratch.script("echo.sh", "cat > /dev/null\n"
                                  "echo 'cannot deliver to +31612345678 (copy to amina@example.nl)' >&2\nexit 1");
        const SendResult echoed = scratch.channel("echo.sh")->send(sms(7));
        CHECK(echoed.outcome == SendResult::Outcome::failed);
        CHECK(echoed.reason == "command: exit 1: cannot deliver to +31 6 ****5678 (copy to a***@example.nl)");

        scratch.script("late.sh", "cat > /dev/null\nprintf '%0190d' 0 | tr 0 x >&2\n"
                                  "echo ' 06 1234 5678 is not reachable' >&2\nexit 75");
        const SendResult late = scratch.channel("late.sh")->send(sms(8));
        CHECK(late.outcome == SendResult::Outcome::retry);
        CHECK(late.reason.find("1234") == std::string::npos);
        CHECK(late.reason.find("****5678") != std::string::npos);

        scratch.script("status.sh", "cat > /dev/null\necho '{\"id\": \"31612345678\", \"status\": \"queued for "
                                    "+31612345678\"}'");
        const SendResult accepted = scratch.channel("status.sh")->send(sms(9));
        CHECK(accepted.outcome == SendResult::Outcome::sent);
        CHECK(accepted.provider_status == "queued for +31 6 ****5678");
        CHECK(accepted.provider_id == "31612345678");  // an id is matched against receipts as written
    }

    TEST_CASE("bytes that are not UTF-8 in a command's output are replaced, so reasons and ids dump as JSON") {
        Scratch scratch("not-utf8");
        scratch.script("bad-error.sh", "cat > /dev/null\nprintf 'gateway said \\377\\376 caf\\351\\n' >&2\nexit 1");
        const SendResult failed = scratch.channel("bad-error.sh")->send(sms(10));
        CHECK(failed.outcome == SendResult::Outcome::failed);
        CHECK(is_valid_utf8(failed.reason));
        CHECK(failed.reason == "command: exit 1: gateway said \xEF\xBF\xBD\xEF\xBF\xBD caf\xEF\xBF\xBD");
        CHECK_NOTHROW((void)nlohmann::json(failed.reason).dump());

        scratch.script("bad-id.sh", "cat > /dev/null\nprintf 'MSG-\\300\\257-1\\n'");
        const SendResult sent = scratch.channel("bad-id.sh")->send(sms(11));
        CHECK(sent.outcome == SendResult::Outcome::sent);
        CHECK(is_valid_utf8(sent.provider_id));
        CHECK_NOTHROW((void)nlohmann::json(sent.provider_id).dump());

        // A JSON answer with a bad byte is no JSON: its first line is the id, made valid.
        scratch.script("bad-json.sh", "cat > /dev/null\nprintf '{\"id\": \"a\\377\"}\\n'");
        const SendResult json = scratch.channel("bad-json.sh")->send(sms(12));
        CHECK(json.outcome == SendResult::Outcome::sent);
        CHECK(is_valid_utf8(json.provider_id));
        CHECK_NOTHROW((void)nlohmann::json(json.provider_id).dump());
    }
}
