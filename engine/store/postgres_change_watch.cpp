#include "engine/store/postgres_change_watch.hpp"

#include "engine/store/store.hpp"

#include <algorithm>

namespace ritme {

PostgresChangeWatch::PostgresChangeWatch(boost::asio::io_context& io, const PostgresTarget& target,
                                         std::function<int()> own_backend_pid, ChangeCallback changed)
    : listener_(std::make_unique<PostgresChangeListener>(target, std::move(own_backend_pid))),
      descriptor_(io),
      retry_(io),
      changed_(std::move(changed)) {
    wait();
}

PostgresChangeWatch::~PostgresChangeWatch() { stop(); }

void PostgresChangeWatch::stop() {
    stopped_ = true;
    retry_.cancel();
    release_socket();
}

void PostgresChangeWatch::release_socket() {
    if (!descriptor_.is_open()) return;
    descriptor_.cancel();
    descriptor_.release();
}

void PostgresChangeWatch::wait() {
    release_socket();
    const int socket = listener_->socket();
    if (socket < 0) return retry_later();
    descriptor_.assign(socket);
    descriptor_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& e) {
        if (e || stopped_) return;
        readable();
    });
}

void PostgresChangeWatch::readable() {
    const int before = listener_->socket();
    int changes = 0;
    try {
        changes = listener_->take_changes();
    } catch (const StoreError&) {
        // The database is away: the daemon hears of it from its own next use of the store.
        release_socket();
        return retry_later();
    }
    retry_pause_ = std::chrono::seconds(1);
    // A new connection has a new socket: the old one is libpq's to have closed.
    if (listener_->socket() != before && descriptor_.is_open()) descriptor_.release();
    if (changes > 0) changed_();
    if (!stopped_) wait();
}

void PostgresChangeWatch::retry_later() {
    retry_.expires_after(retry_pause_);
    retry_pause_ = std::min(retry_pause_ * 2, std::chrono::seconds(60));
    retry_.async_wait([this](const boost::system::error_code& e) {
        if (e || stopped_) return;
        int changes = 0;
        try {
            changes = listener_->take_changes();  // makes the connection again
        } catch (const StoreError&) {
            return retry_later();
        }
        retry_pause_ = std::chrono::seconds(1);
        if (changes > 0) changed_();
        if (!stopped_) wait();
    });
}

}  // namespace ritme
