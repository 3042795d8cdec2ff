#include "engine/base/log.hpp"

#include "engine/base/journal_stream.hpp"

#include <ostream>

namespace ritme {

std::string_view name_of(LogLevel level) {
    switch (level) {
        case LogLevel::error: return "error";
        case LogLevel::warning: return "warning";
        case LogLevel::info: return "info";
        case LogLevel::debug: return "debug";
    }
    return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
    for (auto level : {LogLevel::error, LogLevel::warning, LogLevel::info, LogLevel::debug})
        if (name_of(level) == text) return level;
    return std::nullopt;
}

int syslog_priority(LogLevel level) {
    switch (level) {
        case LogLevel::error: return journal_error;
        case LogLevel::warning: return journal_warning;
        case LogLevel::info: return journal_info;
        case LogLevel::debug: return journal_debug;
    }
    return journal_info;
}

void Log::set_level(LogLevel level) {
    std::lock_guard lock(mutex_);
    level_ = level;
}

bool Log::enabled(LogLevel level) const {
    std::lock_guard lock(mutex_);
    return level <= level_;
}

namespace {

// `start` is the time and a space, or nothing for the journal.
void append_line(std::string& text, LogFormat format, const std::string& start, LogLevel level,
                 std::string_view event, std::string_view details) {
    if (format == LogFormat::journal) text.append(journal_prefix(syslog_priority(level)));
    text.append(start).append(name_of(level)).append(1, ' ').append(event);
    if (!details.empty()) text.append(1, ' ').append(details);
    text.append(1, '\n');
}

}  // namespace

std::string Log::line_start() const {
    return format_ == LogFormat::journal ? std::string() : timestamp_() + " ";
}

// Each call is one write to the stream: lines from several threads never interleave,
// and standard error (unbuffered) gets one system call, not one per piece.
void Log::write(LogLevel level, std::string_view event, std::string_view details) {
    std::lock_guard lock(mutex_);
    if (level > level_) return;
    std::string text;
    append_line(text, format_, line_start(), level, event, details);
    out_->write(text.data(), static_cast<std::streamsize>(text.size()));
    out_->flush();
}

void Log::write(const std::vector<Line>& lines) {
    std::lock_guard lock(mutex_);
    const std::string start = line_start();
    std::string text;
    for (const auto& line : lines)
        if (line.level <= level_) append_line(text, format_, start, line.level, line.event, line.details);
    if (text.empty()) return;
    out_->write(text.data(), static_cast<std::streamsize>(text.size()));
    out_->flush();
}

}  // namespace ritme
