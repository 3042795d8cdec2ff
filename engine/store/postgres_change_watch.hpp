#pragma once
// The PostgreSQL store's change watch: a PostgresChangeListener's socket on the daemon's
// Asio loop. Readable: it takes what arrived and calls back when another process changed
// something. A connection that broke and was made again calls back too (what was said
// meanwhile is lost). One that cannot be made again is tried after a pause that doubles
// up to a minute: waiting for a database that is down is the only timer here.

#include "engine/store/change_watch.hpp"
#include "engine/store/postgres_change_listener.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace ritme {

class PostgresChangeWatch final : public ChangeWatch {
public:
    // Throws StoreError when the database cannot be reached to listen.
    PostgresChangeWatch(boost::asio::io_context& io, const PostgresTarget& target, std::function<int()> own_backend_pid,
                        ChangeCallback changed);
    ~PostgresChangeWatch() override;
    void stop() override;

private:
    void wait();
    void readable();
    void retry_later();
    // Gives the socket back to libpq, which closes it, rather than closing it here.
    void release_socket();

    std::unique_ptr<PostgresChangeListener> listener_;
    boost::asio::posix::stream_descriptor descriptor_;
    boost::asio::steady_timer retry_;
    std::chrono::seconds retry_pause_{1};
    ChangeCallback changed_;
    bool stopped_ = false;
};

}  // namespace ritme
