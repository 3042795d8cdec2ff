#include "engine/base/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <system_error>

namespace ritme {
namespace {

std::string errno_text(int error) { return std::generic_category().message(error); }

std::string size_text(std::size_t bytes) {
    if (bytes >= input_limits::mib && bytes % input_limits::mib == 0)
        return std::to_string(bytes / input_limits::mib) + " MiB";
    if (bytes % input_limits::kib == 0) return std::to_string(bytes / input_limits::kib) + " KiB";
    return std::to_string(bytes) + " bytes";
}

// Closes the descriptor on every way out.
struct OpenFile {
    int fd;
    ~OpenFile() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

InputText read_input_file(const std::filesystem::path& file, const InputLimit& limit) {
    InputText result;
    OpenFile in{::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
    if (in.fd < 0) {
        result.problem = errno == EISDIR ? InputProblem::directory : InputProblem::cannot_open;
        result.reason = errno_text(errno);
        return result;
    }
    struct stat status {};
    if (::fstat(in.fd, &status) != 0) {
        result.problem = InputProblem::cannot_read;
        result.reason = errno_text(errno);
        return result;
    }
    if (S_ISDIR(status.st_mode)) {
        result.problem = InputProblem::directory;
        return result;
    }
    if (S_ISREG(status.st_mode) && static_cast<std::uintmax_t>(status.st_size) > limit.bytes) {
        result.problem = InputProblem::too_large;
        return result;
    }
    // A regular file may grow while it is read, a pipe has no size: read one byte past
    // the limit at most, and refuse the file when that byte comes.
    std::string text;
    text.resize(S_ISREG(status.st_mode) ? static_cast<std::size_t>(status.st_size) + 1 : 64 * 1024);
    std::size_t used = 0;
    for (;;) {
        if (used == text.size()) {
            if (text.size() > limit.bytes) break;
            text.resize(std::min(text.size() * 2, limit.bytes + 1));
        }
        const ssize_t got = ::read(in.fd, text.data() + used, text.size() - used);
        if (got < 0) {
            if (errno == EINTR) continue;
            result.problem = errno == EISDIR ? InputProblem::directory : InputProblem::cannot_read;
            result.reason = errno_text(errno);
            return result;
        }
        if (got == 0) break;
        used += static_cast<std::size_t>(got);
    }
    if (used > limit.bytes) {
        result.problem = InputProblem::too_large;
        return result;
    }
    text.resize(used);
    result.text = std::move(text);
    return result;
}

std::string too_large_message(const InputLimit& limit) {
    return "larger than " + size_text(limit.bytes) + " (the limit for " + std::string(limit.kind) + " files)";
}

std::string too_large_hint(const InputLimit& limit) {
    return "no real " + std::string(limit.kind) + " file comes near that: check that this is the right file " +
           "(ritme's README lists the limits under \"Input limits\")";
}

std::optional<std::string> read_input_file(const std::filesystem::path& file, const InputLimit& limit,
                                           Diagnostics& diagnostics) {
    InputText read = read_input_file(file, limit);
    const SourcePosition where{file.string(), 0, 0};
    switch (read.problem) {
        case InputProblem::none: return std::move(read.text);
        case InputProblem::too_large: diagnostics.error(where, too_large_message(limit), too_large_hint(limit)); break;
        case InputProblem::directory:
            diagnostics.error(where, "cannot read the file: it is a directory", "give the path of a file");
            break;
        case InputProblem::cannot_open:
        case InputProblem::cannot_read:
            diagnostics.error(where, "cannot read the file: " + read.reason, "check the path and permissions");
            break;
    }
    return std::nullopt;
}

}  // namespace ritme
