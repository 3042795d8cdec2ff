#include "engine/store/postgres_change_listener.hpp"

#include "engine/store/postgres_rows.hpp"
#include "engine/store/postgres_store.hpp"

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/notification>

namespace ritme {

using namespace postgres_rows;

struct PostgresChangeListener::Receiver final : pqxx::notification_receiver {
    Receiver(pqxx::connection_base& connection, PostgresChangeListener& listener)
        : pqxx::notification_receiver(connection, postgres_change_channel), owner(listener) {}
    void operator()(const std::string& payload, int backend_pid) override {
        // Another installation in another schema of the same database is no news either.
        if (payload != owner.schema_) return;
        if (owner.own_backend_pid_ && backend_pid == owner.own_backend_pid_()) return;
        ++owner.changes_;
    }
    PostgresChangeListener& owner;
};

PostgresChangeListener::PostgresChangeListener(const PostgresTarget& target, std::function<int()> own_backend_pid)
    : connection_string_(postgres_connection_string(target)),
      name_(target.url),
      own_backend_pid_(std::move(own_backend_pid)) {
    guarded(name_, "listening for changes", [&] { connect(); });
}

PostgresChangeListener::~PostgresChangeListener() = default;

void PostgresChangeListener::connect() {
    receiver_.reset();
    connection_.reset();
    connection_ = std::make_unique<pqxx::connection>(connection_string_);
    {
        pqxx::nontransaction query(*connection_);
        const auto schema = query.exec("SELECT current_schema()");
        schema_ = schema[0][0].is_null() ? std::string() : schema[0][0].as<std::string>();
    }
    receiver_ = std::make_unique<Receiver>(*connection_, *this);  // LISTEN
}

int PostgresChangeListener::socket() const { return connection_ ? connection_->sock() : -1; }

int PostgresChangeListener::backend_pid() const { return connection_ ? connection_->backendpid() : 0; }

int PostgresChangeListener::take_changes_committed_so_far() {
    changes_ = 0;  // libpqxx may hand over what arrives during the round trip already
    try {
        if (connection_ && connection_->is_open()) pqxx::nontransaction(*connection_).exec("SELECT 1");
    } catch (const pqxx::broken_connection&) {
        // drained below: made again
    }
    return drain();
}

int PostgresChangeListener::take_changes() {
    changes_ = 0;
    return drain();
}

int PostgresChangeListener::drain() {
    try {
        if (!connection_ || !connection_->is_open()) throw pqxx::broken_connection("the listening connection is closed");
        connection_->get_notifs();
    } catch (const pqxx::broken_connection&) {
        guarded(name_, "listening for changes again", [&] { connect(); });
        return 1;
    }
    return changes_;
}

}  // namespace ritme
