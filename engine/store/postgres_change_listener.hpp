#pragma once
// Wake-ups from other daemons sharing a PostgreSQL database: a connection of its own
// that LISTENs on the store's change channel. Every transaction that changes something
// sends one notification at its commit (PostgresStore::write); this reads them when its
// socket becomes readable, on the daemon's loop. Nothing polls. A connection that broke
// is made again and listens again, and that counts as a change: whatever was committed
// meanwhile went unannounced.

#include "engine/store/postgres_connection.hpp"

#include <functional>
#include <memory>
#include <string>

namespace pqxx {
class connection_base;
}

namespace ritme {

class PostgresChangeListener {
public:
    // Connects and listens. `own_backend_pid` gives the server process of the store
    // connection whose own commits are no news (PostgresStore::backend_pid(), asked at
    // each notification: a reconnected store has a new one); empty: none. Throws StoreError.
    PostgresChangeListener(const PostgresTarget& target, std::function<int()> own_backend_pid);
    ~PostgresChangeListener();

    // The socket to wait on for reading; it changes when the connection is made again.
    int socket() const;
    // Reads what has arrived: how many changes other processes committed to this
    // store's schema; 1 when the connection broke and was made again. Throws StoreBusy
    // when it broke and cannot be made again now (try later, and then plan and claim).
    int take_changes();
    // The same after a round trip to the server, which delivers every notification of a
    // change committed before it: none is still on its way.
    int take_changes_committed_so_far();
    // The server process of the listening connection.
    int backend_pid() const;

private:
    struct Receiver;
    void connect();
    int drain();

    std::string connection_string_;
    std::string name_;
    std::string schema_;
    std::function<int()> own_backend_pid_;
    int changes_ = 0;
    std::unique_ptr<pqxx::connection_base> connection_;
    std::unique_ptr<Receiver> receiver_;
};

}  // namespace ritme
