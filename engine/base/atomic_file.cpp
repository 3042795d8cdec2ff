#include "engine/base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace ritme {
namespace {

std::string errno_text(int error) { return std::generic_category().message(error); }

const char* kind_of_file(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a fifo";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

AtomicWrite failed(const std::filesystem::path& file, const std::string& what, int error) {
    return {AtomicWrite::Outcome::failed, file.string() + ": cannot " + what + ": " + errno_text(error)};
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t written = ::write(fd, data.data(), data.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(written));
    }
    return true;
}

}  // namespace

AtomicWrite write_file_atomically(const std::filesystem::path& target, std::string_view content) {
    // stat follows a symlink: a link to a device is refused like the device.
    mode_t mode = 0644;
    struct stat status {};
    if (::stat(target.c_str(), &status) == 0) {
        if (!S_ISREG(status.st_mode))
            return {AtomicWrite::Outcome::refused, target.string() + ": is " + kind_of_file(status.st_mode) +
                                                       ", not a regular file; give the path of a file to write"};
        mode = status.st_mode & 07777;
    } else if (errno != ENOENT) {
        return failed(target, "write", errno);
    }

    const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
    std::string temporary = (directory / ("." + target.filename().string() + ".XXXXXX")).string();
    // mkostemp creates with O_EXCL, mode 0600: nothing is followed, nobody else can open it.
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0) return failed(target, "create a file in " + directory.string(), errno);
    const auto give_up = [&](const std::string& what) {
        const int error = errno;
        ::close(fd);
        ::unlink(temporary.c_str());
        return failed(target, what, error);
    };
    if (!write_all(fd, content)) return give_up("write");
    if (::fchmod(fd, mode) != 0) return give_up("set the permissions of");
    if (::fsync(fd) != 0) return give_up("write");
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return failed(target, "write", error);
    }
    if (::rename(temporary.c_str(), target.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        return failed(target, "replace", error);
    }
    // The rename lasts a crash only once the directory is synced too.
    const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd >= 0) {
        ::fsync(directory_fd);
        ::close(directory_fd);
    }
    return {};
}

}  // namespace ritme
