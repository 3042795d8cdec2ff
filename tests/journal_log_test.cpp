// The log as systemd's journal reads it: each line with its level's syslog priority and
// without the time; standard error recognised as the journal's stream only when
// JOURNAL_STREAM names its device and inode; every other line written there prefixed
// with an error's priority, whole, in one write.

#include "engine/base/journal_stream.hpp"
#include "engine/base/log.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>

using namespace ritme;
namespace fs = std::filesystem;

namespace {

// A file of this test's own, open for writing; removed at the end.
struct ScratchFile {
    fs::path path = fs::temp_directory_path() / ("ritme-journal-test-" + std::to_string(::getpid()));
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ~ScratchFile() {
        ::close(fd);
        fs::remove(path);
    }
    std::string journal_stream() const {
        struct stat status {};
        REQUIRE(::fstat(fd, &status) == 0);
        return std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
    }
    std::string text() const {
        std::ifstream in(path);
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }
};

// Sets JOURNAL_STREAM for one check, and puts back what was there.
class JournalStreamVariable {
public:
    explicit JournalStreamVariable(const std::optional<std::string>& value) {
        if (const char* before = std::getenv("JOURNAL_STREAM")) before_ = before;
        if (value) ::setenv("JOURNAL_STREAM", value->c_str(), 1);
        else ::unsetenv("JOURNAL_STREAM");
    }
    ~JournalStreamVariable() {
        if (before_) ::setenv("JOURNAL_STREAM", before_->c_str(), 1);
        else ::unsetenv("JOURNAL_STREAM");
    }
    JournalStreamVariable(const JournalStreamVariable&) = delete;
    JournalStreamVariable& operator=(const JournalStreamVariable&) = delete;

private:
    std::optional<std::string> before_;
};

}  // namespace

TEST_SUITE_BEGIN("journal_log");

TEST_CASE("levels are syslog priorities: error 3, warning 4, info 6, debug 7") {
    CHECK(syslog_priority(LogLevel::error) == 3);
    CHECK(syslog_priority(LogLevel::warning) == 4);
    CHECK(syslog_priority(LogLevel::info) == 6);
    CHECK(syslog_priority(LogLevel::debug) == 7);
}

TEST_CASE("for the journal a line starts with its priority, not the time; elsewhere with the time") {
    std::ostringstream journal_text, plain_text;
    Log journal(journal_text, LogLevel::debug, [] { return std::string("2026-03-02T17:00:00Z"); }, LogFormat::journal);
    Log plain(plain_text, LogLevel::debug, [] { return std::string("2026-03-02T17:00:00Z"); });
    for (Log* log : {&journal, &plain}) {
        log->error("reload", "the new config has errors; keeping the old one");
        log->warning("delivery.failed", "id=3 channel=sms to=+31 6 ****5678");
        log->write({{LogLevel::info, "delivery.sent", "id=4"}, {LogLevel::debug, "receipt.repeated", "id=4"}});
    }
    CHECK(journal_text.str() ==
          "<3>error reload the new config has errors; keeping the old one\n"
          "<4>warning delivery.failed id=3 channel=sms to=+31 6 ****5678\n"
          "<6>info delivery.sent id=4\n"
          "<7>debug receipt.repeated id=4\n");
    CHECK(plain_text.str().starts_with("2026-03-02T17:00:00Z error reload the new config"));
    CHECK(plain_text.str().find('<') == std::string::npos);

    std::ostringstream quiet_text;
    Log quiet(quiet_text, LogLevel::warning, [] { return std::string("T"); }, LogFormat::journal);
    quiet.info("delivery.sent", "id=5");
    quiet.warning("receipt.unknown");
    CHECK(quiet_text.str() == "<4>warning receipt.unknown\n");
}

TEST_CASE("standard error is the journal only when JOURNAL_STREAM names its device and inode") {
    ScratchFile file;
    {
        JournalStreamVariable set(file.journal_stream());
        CHECK(is_journal_stream(file.fd));
        CHECK_FALSE(is_journal_stream(-1));
    }
    for (const std::optional<std::string>& value :
         {std::optional<std::string>(), std::optional<std::string>(""), std::optional<std::string>("1:2"),
          std::optional<std::string>(file.journal_stream() + "x"), std::optional<std::string>(":"),
          std::optional<std::string>("8:"), std::optional<std::string>("-1:-1")}) {
        JournalStreamVariable set(value);
        CHECK_FALSE(is_journal_stream(file.fd));
    }
}

TEST_CASE("on the journal's stream every other line is an error, written whole") {
    ScratchFile file;
    {
        JournalLineBuffer lines(file.fd, journal_error);
        std::ostream err(&lines);
        err << "ritme serve: not started; " << "fix the errors above\n" << std::flush;
        err << "<4>/etc/ritme/programmes/a.toml:5:1: warning: meivakantie is not confirmed yet\n";
        err << "<6>info ready\n<7>debug http\n";
        err << "a line cut short";
        CHECK(file.text() ==
              "<3>ritme serve: not started; fix the errors above\n"
              "<4>/etc/ritme/programmes/a.toml:5:1: warning: meivakantie is not confirmed yet\n"
              "<6>info ready\n<7>debug http\n");
    }
    // What was left unended goes at the end, ended.
    CHECK(file.text().ends_with("<7>debug http\n<3>a line cut short\n"));
}

TEST_SUITE_END();
