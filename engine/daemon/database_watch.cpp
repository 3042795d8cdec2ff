#include "engine/daemon/database_watch.hpp"

#include <sys/inotify.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace ritme {

namespace {

int watched_inotify(const std::filesystem::path& directory) {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
    if (::inotify_add_watch(fd, directory.c_str(), IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
        const int error = errno;
        ::close(fd);
        throw std::system_error(error, std::generic_category(), "watching " + directory.string());
    }
    return fd;
}

}  // namespace

DatabaseWatch::DatabaseWatch(boost::asio::io_context& io, const std::filesystem::path& database,
                             std::function<void()> changed)
    : descriptor_(io, watched_inotify(database.parent_path().empty() ? "." : database.parent_path())),
      database_name_(database.filename().string()),
      wal_name_(database.filename().string() + "-wal"),
      changed_(std::move(changed)) {
    read();
}

DatabaseWatch::~DatabaseWatch() { stop(); }

void DatabaseWatch::stop() {
    boost::system::error_code ignored;
    descriptor_.cancel(ignored);
    descriptor_.close(ignored);
}

void DatabaseWatch::read() {
    descriptor_.async_read_some(boost::asio::buffer(buffer_), [this](boost::system::error_code error, size_t size) {
        if (error) return;  // stopped
        bool ours = false;
        for (size_t offset = 0; offset + sizeof(inotify_event) <= size;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer_.data() + offset);
            if (event->mask & IN_Q_OVERFLOW) ours = true;  // events were lost: look anyway
            if (event->len > 0) {
                const std::string name(event->name);
                if (name == database_name_ || name == wal_name_) ours = true;
            }
            offset += sizeof(inotify_event) + event->len;
        }
        if (ours) changed_();
        read();
    });
}

}  // namespace ritme
