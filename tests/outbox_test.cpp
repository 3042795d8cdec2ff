#include "adapters/outbox/outbox_channel.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

using namespace ritme;
namespace fs = std::filesystem;

namespace {

// A fresh directory for one test, removed when it ends; the outbox goes inside it.
class Scratch {
public:
    explicit Scratch(const std::string& name)
        : dir_(fs::temp_directory_path() / ("ritme-outbox-test-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    ~Scratch() { fs::remove_all(dir_); }

    ChannelSettings settings(const std::string& print = "true") const {
        return ChannelSettings{"sms", dir_, {{"dir", "outbox"}, {"print", print}}, {}, {}};
    }
    ChannelSettings settings_printing_text(const std::string& when) const {
        return ChannelSettings{"sms", dir_, {{"dir", "outbox"}, {"print_text", when}}, {}, {}};
    }
    fs::path outbox() const { return dir_ / "outbox"; }

private:
    fs::path dir_;
};

OutgoingMessage sms(int64_t id, std::string text = "Hallo Fatima, tot dinsdag 3 maart om 09:30.\nLukt het niet?") {
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

unsigned permissions_of(const fs::path& path) {
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    return status.st_mode & 0777;
}

}  // namespace

TEST_SUITE("outbox") {
    TEST_CASE("declares its settings with help and defaults") {
        const AdapterInfo info = outbox_adapter();
        CHECK(info.name == "outbox");
        REQUIRE(info.settings.size() == 3);
        CHECK(info.settings[0].name == "dir");
        CHECK(info.settings[0].required);
        CHECK(info.settings[1].name == "print");
        CHECK(info.settings[1].default_value == "true");
        CHECK(info.settings[2].name == "print_text");
        CHECK(info.settings[2].default_value == "\"terminal\"");
        for (const auto& setting : info.settings) CHECK(!setting.help.empty());
    }

    TEST_CASE("a message becomes a private file named by its delivery id") {
        Scratch scratch("file");
        std::ostringstream out;
        const auto channel = outbox_adapter(out, PrintTarget::terminal).make(scratch.settings());
        CHECK(permissions_of(scratch.outbox()) == 0700);

        const SendResult result = channel->send(sms(17));
        CHECK(result.outcome == SendResult::Outcome::sent);
        CHECK(result.provider_id == "17");

        const fs::path file = scratch.outbox() / "17.txt";
        REQUIRE(fs::exists(file));
        CHECK(permissions_of(file) == 0600);
        const std::string text = read(file);
        CHECK(text.find("Delivery: 17\n") != std::string::npos);
        CHECK(text.find("Channel: sms\n") != std::string::npos);
        CHECK(text.find("Kind: reminder\n") != std::string::npos);
        CHECK(text.find("To: +31612345678\n") != std::string::npos);
        CHECK(text.find("Language: nl\n") != std::string::npos);
        CHECK(text.find("Segments: 1\n") != std::string::npos);
        CHECK(text.find("Subject:") == std::string::npos);
        CHECK(text.find("\n\nHallo Fatima, tot dinsdag 3 maart om 09:30.\nLukt het niet?\n") != std::string::npos);
        // Nothing half-written is left beside it.
        for (const auto& entry : fs::directory_iterator(scratch.outbox()))
            CHECK(entry.path().extension() != ".tmp");
    }

    TEST_CASE("an e-mail file carries its subject") {
        Scratch scratch("email");
        std::ostringstream out;
        const auto channel = outbox_adapter(out, PrintTarget::terminal).make(scratch.settings());
        OutgoingMessage message = sms(5, "Herinnering\nTot dinsdag.");
        message.medium = Medium::email;
        message.channel = "email";
        message.to = "fatima@example.nl";
        message.subject = "Herinnering";
        REQUIRE(channel->send(message).outcome == SendResult::Outcome::sent);
        const std::string text = read(scratch.outbox() / "5.txt");
        CHECK(text.find("Subject: Herinnering\n") != std::string::npos);
        CHECK(text.find("Segments:") == std::string::npos);
        CHECK(out.str().find("fatima@") == std::string::npos);
        CHECK(out.str().find("f***@example.nl") != std::string::npos);
    }

    TEST_CASE("sent.log gets one line per send, and a duplicate send shows twice") {
        Scratch scratch("log");
        std::ostringstream out;
        const auto channel = outbox_adapter(out, PrintTarget::terminal).make(scratch.settings());
        channel->send(sms(1));
        channel->send(sms(2));
        channel->send(sms(1));
        const fs::path log = scratch.outbox() / "sent.log";
        CHECK(permissions_of(log) == 0600);
        CHECK(lines_of(read(log)) == std::vector<std::string>{"1 sms reminder", "2 sms reminder", "1 sms reminder"});
        CHECK(fs::exists(scratch.outbox() / "1.txt"));
        CHECK(fs::exists(scratch.outbox() / "2.txt"));
    }

    TEST_CASE("sent.log is appended to, across channels and restarts") {
        Scratch scratch("append");
        std::ostringstream out;
        outbox_adapter(out, PrintTarget::terminal).make(scratch.settings())->send(sms(1));
        outbox_adapter(out, PrintTarget::terminal).make(scratch.settings())->send(sms(2));
        CHECK(lines_of(read(scratch.outbox() / "sent.log")).size() == 2);
    }

    TEST_CASE("the printed line masks the number and keeps the text on one line") {
        Scratch scratch("print");
        std::ostringstream out;
        const auto channel = outbox_adapter(out, PrintTarget::terminal).make(scratch.settings());
        channel->send(sms(17));
        const std::string line = out.str();
        CHECK(line.rfind("outbox: #17 sms +31 6 ****5678 nl 1 segment: ", 0) == 0);
        CHECK(line.find("+31612345678") == std::string::npos);
        CHECK(line.find("om 09:30. / Lukt het niet?") != std::string::npos);
        CHECK(std::count(line.begin(), line.end(), '\n') == 1);

        std::ostringstream long_out;
        outbox_adapter(long_out, PrintTarget::terminal).make(scratch.settings())->send(sms(18, std::string(200, 'a')));
        CHECK(long_out.str().find(" 2 segments: ") != std::string::npos);
    }

    TEST_CASE("the text is printed to a terminal only, or with print_text = always, and never to the journal") {
        Scratch scratch("print-text");
        const std::string text = "om 09:30. / Lukt het niet?";
        auto printed = [&](PrintTarget target, const ChannelSettings& settings) {
            std::ostringstream out;
            outbox_adapter(out, target).make(settings)->send(sms(21));
            return out.str();
        };
        // A pipe or a file (a service's stdout, a test's): the line without the text.
        const std::string piped = printed(PrintTarget::other, scratch.settings());
        CHECK(piped == "outbox: #21 sms +31 6 ****5678 nl 1 segment\n");
        CHECK(printed(PrintTarget::terminal, scratch.settings()).find(text) != std::string::npos);
        CHECK(printed(PrintTarget::other, scratch.settings_printing_text("always")).find(text) != std::string::npos);
        CHECK(printed(PrintTarget::terminal, scratch.settings_printing_text("never")).find(text) == std::string::npos);
        for (const char* when : {"terminal", "always", "never"}) {
            const std::string journal = printed(PrintTarget::journal, scratch.settings_printing_text(when));
            CHECK(journal == "outbox: #21 sms +31 6 ****5678 nl 1 segment\n");
        }
        // The file keeps the text in every case: it is the message.
        CHECK(read(scratch.outbox() / "21.txt").find("Lukt het niet?") != std::string::npos);
        try {
            outbox_adapter().make(scratch.settings_printing_text("yes"));
            FAIL("print_text = yes was taken");
        } catch (const ChannelConfigError& e) {
            CHECK(std::string(e.what()).find("`print_text = yes` is not terminal, always or never") != std::string::npos);
        }
    }

    TEST_CASE("print = false keeps stdout quiet") {
        Scratch scratch("quiet");
        std::ostringstream out;
        outbox_adapter(out, PrintTarget::terminal).make(scratch.settings("false"))->send(sms(3));
        CHECK(out.str().empty());
        CHECK(fs::exists(scratch.outbox() / "3.txt"));
    }

    TEST_CASE("concurrent sends from several threads lose nothing and mix no lines") {
        Scratch scratch("threads");
        std::ostringstream out;
        const auto channel = outbox_adapter(out, PrintTarget::terminal).make(scratch.settings());
        constexpr int threads = 4;
        constexpr int per_thread = 100;
        std::vector<std::thread> workers;
        std::vector<int> failures(threads, 0);
        for (int t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    // Every id once, and id 0 from every thread: a duplicate written at the same time.
                    const int64_t id = i == 0 ? 0 : t * per_thread + i;
                    if (channel->send(sms(id)).outcome != SendResult::Outcome::sent) ++failures[t];
                }
            });
        for (auto& worker : workers) worker.join();
        for (int count : failures) CHECK(count == 0);

        std::map<std::string, int> logged;
        for (const auto& line : lines_of(read(scratch.outbox() / "sent.log"))) ++logged[line];
        CHECK(logged.size() == static_cast<size_t>(threads * (per_thread - 1) + 1));
        CHECK(logged["0 sms reminder"] == threads);
        for (const auto& [line, count] : logged)
            if (line != "0 sms reminder") CHECK(count == 1);

        const auto printed = lines_of(out.str());
        CHECK(printed.size() == static_cast<size_t>(threads * per_thread));
        for (const auto& line : printed) CHECK(line.rfind("outbox: #", 0) == 0);

        int files = 0;
        for (const auto& entry : fs::directory_iterator(scratch.outbox())) {
            CHECK(entry.path().extension() != ".tmp");
            if (entry.path().extension() == ".txt") {
                ++files;
                CHECK(read(entry.path()).find("Delivery: " + entry.path().stem().string() + "\n") == 0);
            }
        }
        CHECK(files == threads * (per_thread - 1) + 1);
    }

    TEST_CASE("a missing dir or an unusable one is a configuration error") {
        Scratch scratch("config");
        std::ostringstream out;
        const AdapterInfo info = outbox_adapter(out, PrintTarget::terminal);
        CHECK_THROWS_AS(info.make(ChannelSettings{"sms", fs::temp_directory_path(), {}, {}, {}}), ChannelConfigError);
        CHECK_THROWS_AS(info.make(scratch.settings("maybe")), ChannelConfigError);
        // A file where the directory should be.
        std::ofstream(scratch.outbox()) << "not a directory";
        CHECK_THROWS_AS(info.make(scratch.settings()), ChannelConfigError);
    }

    TEST_CASE("a directory that disappears makes sends retry later, with the reason") {
        Scratch scratch("gone");
        std::ostringstream out;
        const auto channel = outbox_adapter(out, PrintTarget::terminal).make(scratch.settings());
        fs::remove_all(scratch.outbox());
        const SendResult result = channel->send(sms(9));
        CHECK(result.outcome == SendResult::Outcome::retry);
        CHECK(result.reason.find("outbox") != std::string::npos);
        CHECK(out.str().empty());
    }
}
