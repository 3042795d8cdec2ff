#pragma once
// Work that one daemon does for every daemon sharing the database (planning what a
// change asked for, the leads' overviews): done under a lease (Store::take_lease) taken
// for a term before it and given back after it, and skipped while another daemon holds
// the lease. A daemon that dies while holding it loses it when the term ends.

#include "engine/store/store.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace ritme {

class LeasedWork {
public:
    LeasedWork(Store& store, std::string holder) : store_(store), holder_(std::move(holder)) {}

    // Runs `work` (which makes its own transactions) under the lease `name`, taken at
    // `now` for `term`. Nothing when it ran; the other holder's lease when it did not.
    // Throws what taking the lease or the work throws; the lease is given back either way.
    std::optional<Lease> run(const std::string& name, UtcInstant now, std::chrono::seconds term,
                             const std::function<void()>& work);

    // Call inside the work's own write, before its work: extends the lease `name` this
    // holder holds to `now + term`, in that transaction. Planning is one transaction and
    // may outlast the term; with the lease's row written in it, a daemon that takes the
    // lease meanwhile waits for the commit (PostgreSQL's row lock, SQLite's one writer)
    // and then finds it held or the work done, rather than starting the same work and
    // rolling back on the lock timeout. False when another holder took it before this
    // transaction began: the work is theirs now.
    bool renew(const std::string& name, UtcInstant now, std::chrono::seconds term);

    const std::string& holder() const { return holder_; }

private:
    Store& store_;
    std::string holder_;
};

}  // namespace ritme
