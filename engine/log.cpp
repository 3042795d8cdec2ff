#include "engine/log.hpp"

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

void Log::set_level(LogLevel level) {
    std::lock_guard lock(mutex_);
    level_ = level;
}

bool Log::enabled(LogLevel level) const {
    std::lock_guard lock(mutex_);
    return level <= level_;
}

void Log::write(LogLevel level, std::string_view event, std::string_view details) {
    std::lock_guard lock(mutex_);
    if (level > level_) return;
    *out_ << clock_->now().iso() << ' ' << name_of(level) << ' ' << event;
    if (!details.empty()) *out_ << ' ' << details;
    *out_ << '\n' << std::flush;
}

}  // namespace ritme
