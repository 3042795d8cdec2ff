#pragma once
// How a store tells the daemon that another process changed the database (`ritme
// apply`, a lead's move, another daemon's results): SQLite watches its files with
// inotify and tells others' commits from its own by data_version; PostgreSQL listens for
// notifications on its connection. Either runs on the daemon's Asio loop and makes no
// wake-ups while nothing changes (DESIGN.md rule 5).

#include <functional>

namespace boost::asio {
class io_context;
}

namespace ritme {

class ChangeWatch {
public:
    virtual ~ChangeWatch() = default;
    // No calls after this; twice is harmless.
    virtual void stop() = 0;
};

// Called on the loop's thread. The daemon reads again what it keeps of the database
// (plan requests, the next due row), so a call too many costs a few reads, never a
// message twice.
using ChangeCallback = std::function<void()>;

}  // namespace ritme
