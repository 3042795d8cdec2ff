#pragma once
// Wakes the daemon when another process writes the database (apply, session move,
// participant add): inotify on the database's directory, for the database file and its
// write-ahead log. No polling (DESIGN.md rule 5): an idle database makes no events.
// The daemon's own writes wake it too; it tells them apart by SQLite's data_version.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <array>
#include <filesystem>
#include <functional>
#include <string>

namespace ritme {

class DatabaseWatch {
public:
    // Throws std::system_error when inotify cannot watch the directory.
    DatabaseWatch(boost::asio::io_context& io, const std::filesystem::path& database, std::function<void()> changed);
    ~DatabaseWatch();
    void stop();

private:
    void read();

    boost::asio::posix::stream_descriptor descriptor_;
    std::string database_name_;
    std::string wal_name_;
    std::function<void()> changed_;
    std::array<char, 4096> buffer_{};
};

}  // namespace ritme
