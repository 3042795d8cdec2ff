#pragma once
// The SQLite store's change watch: inotify on the database's directory, for the
// database file and its write-ahead log. No polling (DESIGN.md rule 5): an idle
// database makes no events. This process's own writes make events too; SQLite's
// data_version, which only other connections' commits change, tells them apart.

#include "engine/store/change_watch.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace ritme {

class SqliteChangeWatch final : public ChangeWatch {
public:
    // `data_version` reads the store's data_version on the loop's thread; a StoreError
    // from it (the database busy or failing) counts as no change, and the next event
    // looks again. Throws std::system_error when inotify cannot watch the directory.
    SqliteChangeWatch(boost::asio::io_context& io, const std::filesystem::path& database,
                      std::function<uint64_t()> data_version, ChangeCallback changed);
    ~SqliteChangeWatch() override;
    void stop() override;

private:
    void read();
    // Whether another connection committed since the last look.
    bool others_committed();

    boost::asio::posix::stream_descriptor descriptor_;
    std::string database_name_;
    std::string wal_name_;
    std::function<uint64_t()> data_version_;
    uint64_t known_version_ = 0;
    ChangeCallback changed_;
    std::array<char, 4096> buffer_{};
};

}  // namespace ritme
