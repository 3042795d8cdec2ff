#include "engine/base/journal_stream.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace ritme {

bool is_journal_stream(int fd) {
    const char* value = std::getenv("JOURNAL_STREAM");
    if (!value) return false;
    const std::string_view text(value);
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
    unsigned long long device = 0, inode = 0;
    for (char c : text.substr(0, colon)) {
        if (c < '0' || c > '9') return false;
        device = device * 10 + static_cast<unsigned>(c - '0');
    }
    for (char c : text.substr(colon + 1)) {
        if (c < '0' || c > '9') return false;
        inode = inode * 10 + static_cast<unsigned>(c - '0');
    }
    struct stat status {};
    if (::fstat(fd, &status) != 0) return false;
    return static_cast<unsigned long long>(status.st_dev) == device &&
           static_cast<unsigned long long>(status.st_ino) == inode;
}

std::string journal_prefix(int priority) { return "<" + std::to_string(priority) + ">"; }

namespace {

// "<N>" at the start of a line, N a syslog priority.
bool has_priority(std::string_view line) {
    return line.size() >= 3 && line[0] == '<' && line[1] >= '0' && line[1] <= '7' && line[2] == '>';
}

}  // namespace

JournalLineBuffer::~JournalLineBuffer() {
    if (!pending_.empty()) write_line(pending_);
}

JournalLineBuffer::int_type JournalLineBuffer::overflow(int_type c) {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char byte = traits_type::to_char_type(c);
    std::lock_guard lock(mutex_);
    take(&byte, 1);
    return c;
}

std::streamsize JournalLineBuffer::xsputn(const char* data, std::streamsize size) {
    std::lock_guard lock(mutex_);
    take(data, static_cast<size_t>(size));
    return size;
}

// A flush writes nothing early: a line goes whole, once it ends.
int JournalLineBuffer::sync() { return 0; }

void JournalLineBuffer::take(const char* data, size_t size) {
    std::string_view rest(data, size);
    for (size_t end = rest.find('\n'); end != std::string_view::npos; end = rest.find('\n')) {
        pending_.append(rest.substr(0, end + 1));
        write_line(pending_);
        pending_.clear();
        rest.remove_prefix(end + 1);
    }
    pending_.append(rest);
}

void JournalLineBuffer::write_line(std::string_view line) {
    std::string out;
    if (!has_priority(line)) out = journal_prefix(default_priority_);
    out.append(line);
    if (out.back() != '\n') out += '\n';
    std::string_view left = out;
    while (!left.empty()) {
        const ssize_t written = ::write(fd_, left.data(), left.size());
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return;  // the journal is gone: nothing to tell anyone
        left.remove_prefix(static_cast<size_t>(written));
    }
}

}  // namespace ritme
