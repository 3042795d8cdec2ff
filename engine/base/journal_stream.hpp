#pragma once
// Standard error as systemd's journal reads it. Under systemd (StandardError=journal, the
// default) a line that starts with "<N>" is logged at syslog priority N, so
// `journalctl -p warning` shows warnings and errors only; a line without one gets the
// unit's SyslogLevel, info. The "<N>" prefix on the stream was chosen over
// sd_journal_print: the line stays one write on a file descriptor, a test reads it from
// a pipe, and nothing changes outside systemd.

#include <mutex>
#include <streambuf>
#include <string>

namespace ritme {

// Whether `fd` is the stream systemd connected to the journal: JOURNAL_STREAM names its
// device and inode ("8:12345"). A process that inherited JOURNAL_STREAM but writes
// elsewhere (a redirect, a pipe to a pager) is not.
bool is_journal_stream(int fd);

// Syslog priorities (RFC 5424) the lines use.
inline constexpr int journal_error = 3;
inline constexpr int journal_warning = 4;
inline constexpr int journal_info = 6;
inline constexpr int journal_debug = 7;

// "<3>"
std::string journal_prefix(int priority);

// Writes whole lines to `fd`, each in one write, prefixing a line that carries no
// priority with `default_priority`: on a service's standard error, whatever the CLI says
// outside the log (a config error, "not started") is an error to the journal.
class JournalLineBuffer : public std::streambuf {
public:
    JournalLineBuffer(int fd, int default_priority) : fd_(fd), default_priority_(default_priority) {}
    ~JournalLineBuffer() override;
    JournalLineBuffer(const JournalLineBuffer&) = delete;
    JournalLineBuffer& operator=(const JournalLineBuffer&) = delete;

protected:
    int_type overflow(int_type c) override;
    std::streamsize xsputn(const char* data, std::streamsize size) override;
    int sync() override;

private:
    void take(const char* data, size_t size);
    void write_line(std::string_view line);

    std::mutex mutex_;
    int fd_;
    int default_priority_;
    std::string pending_;  // the start of a line not yet ended
};

}  // namespace ritme
