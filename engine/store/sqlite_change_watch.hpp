#pragma once
// The SQLite store's change watch: inotify on the database's directory, for the
// database file and its write-ahead log. No polling (DESIGN.md rule 5): an idle
// database makes no events. This process's own writes make events too; SQLite's
// data_version, which only other connections' commits change, tells them apart.
// Another process's commit writes its log frames (the events) before it publishes them
// in the shared-memory index, which makes no event: read at the last event, the version
// can still be the old one. So a burst of events that showed no change is looked at
// again a few times after it ends (50 ms, 250 ms, 1 s), then no more until the next event.

#include "engine/store/change_watch.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

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
    // Looks again `step` (0, 1, 2) after a burst of events that showed no change.
    void look_again(size_t step);

    boost::asio::posix::stream_descriptor descriptor_;
    std::string database_name_;
    std::string wal_name_;
    std::function<uint64_t()> data_version_;
    uint64_t known_version_ = 0;
    ChangeCallback changed_;
    boost::asio::steady_timer look_again_;
    std::array<char, 4096> buffer_{};
};

}  // namespace ritme
