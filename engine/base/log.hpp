#pragma once
// The daemon's log: one line per event on stderr, "TIME level event key=value …".
// Under systemd (journal_stream.hpp) each line starts with its syslog priority instead
// of the time, which journald records itself: "<4>warning delivery.failed …", so
// `journalctl -p warning` shows warnings and errors. Callers pass masked phone numbers
// and never a message body (privacy.md).

#include <functional>
#include <iosfwd>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

enum class LogLevel { error, warning, info, debug };
std::string_view name_of(LogLevel level);
std::optional<LogLevel> parse_log_level(std::string_view text);
// The syslog priority a level is logged at: error 3, warning 4, info 6, debug 7.
int syslog_priority(LogLevel level);

// How each line starts: with the time (a terminal, a file), or with the syslog priority
// (the journal).
enum class LogFormat { timestamped, journal };

class Log {
public:
    // `timestamp` gives the time each line starts with (the injected clock's, in ISO 8601).
    Log(std::ostream& out, LogLevel level, std::function<std::string()> timestamp,
        LogFormat format = LogFormat::timestamped)
        : out_(&out), level_(level), timestamp_(std::move(timestamp)), format_(format) {}

    void set_level(LogLevel level);
    bool enabled(LogLevel level) const;

    // "2026-03-05T08:30:00Z info delivery.sent id=17 channel=sms to=+31 6 ****5678",
    // or for the journal "<6>info delivery.sent id=17 …"
    void write(LogLevel level, std::string_view event, std::string_view details = {});
    struct Line {
        LogLevel level;
        std::string event;
        std::string details;
    };
    // Several lines in one write: a batch's results.
    void write(const std::vector<Line>& lines);
    void error(std::string_view event, std::string_view details = {}) { write(LogLevel::error, event, details); }
    void warning(std::string_view event, std::string_view details = {}) { write(LogLevel::warning, event, details); }
    void info(std::string_view event, std::string_view details = {}) { write(LogLevel::info, event, details); }
    void debug(std::string_view event, std::string_view details = {}) { write(LogLevel::debug, event, details); }

private:
    std::string line_start() const;  // the time and a space; nothing for the journal

    mutable std::mutex mutex_;
    std::ostream* out_;
    LogLevel level_;
    std::function<std::string()> timestamp_;
    LogFormat format_;
};

}  // namespace ritme
