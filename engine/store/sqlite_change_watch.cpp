#include "engine/store/sqlite_change_watch.hpp"

#include "engine/store/store.hpp"

#include <sys/inotify.h>

#include <cerrno>
#include <chrono>
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

SqliteChangeWatch::SqliteChangeWatch(boost::asio::io_context& io, const std::filesystem::path& database,
                                     std::function<uint64_t()> data_version, ChangeCallback changed)
    : descriptor_(io, watched_inotify(database.parent_path().empty() ? "." : database.parent_path())),
      database_name_(database.filename().string()),
      wal_name_(database.filename().string() + "-wal"),
      data_version_(std::move(data_version)),
      changed_(std::move(changed)),
      look_again_(io) {
    // Read before this process's next writes: they never change it, so a commit by
    // another process from here on is seen at the first event.
    known_version_ = data_version_();
    read();
}

SqliteChangeWatch::~SqliteChangeWatch() { stop(); }

void SqliteChangeWatch::stop() {
    boost::system::error_code ignored;
    descriptor_.cancel(ignored);
    descriptor_.close(ignored);
    look_again_.cancel();
}

bool SqliteChangeWatch::others_committed() {
    uint64_t version = 0;
    try {
        version = data_version_();
    } catch (const StoreError&) {
        return false;  // the next event looks again
    }
    if (version == known_version_) return false;  // our own write
    known_version_ = version;
    return true;
}

void SqliteChangeWatch::read() {
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
        if (ours) {
            if (others_committed()) {
                look_again_.cancel();
                changed_();
            } else {
                look_again(0);  // from this event on: a burst's last event restarts it
            }
        }
        read();
    });
}

void SqliteChangeWatch::look_again(size_t step) {
    static constexpr std::array<std::chrono::milliseconds, 3> after{std::chrono::milliseconds(50),
                                                                    std::chrono::milliseconds(200),
                                                                    std::chrono::milliseconds(750)};
    if (step >= after.size()) return;
    look_again_.expires_after(after[step]);
    look_again_.async_wait([this, step](boost::system::error_code error) {
        if (error) return;  // a newer event, or stopped
        if (others_committed()) changed_();
        else look_again(step + 1);
    });
}

}  // namespace ritme
