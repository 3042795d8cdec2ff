#pragma once
// Sends one claimed batch: the one fan-out that Dispatcher::run_due (`ritme tick`) and
// the daemon share.
//
// The batch belongs to the fan-out in shared ownership, so no send touches a caller's
// stack frame, and send_all does not return, by an exception either, while a send of
// its batch still runs. Each channel's sends start only on a turn its limits give
// (ChannelSet::take_turn); a send waiting for its channel's rate holds no worker: a
// timer starts it when the turn comes, and other channels' sends go on meanwhile.
// Right before each send the job's session or appointment is read again
// (Dispatcher::still_current): a batch held by a rate takes tens of seconds, and a
// message whose subject was moved or cancelled meanwhile is cancelled, never sent. The
// sends that start in one turn of the loop are read together, in one round trip. A job
// claimed ahead of its time (Dispatcher::not_before) waits for it on a timer, its lane's
// others rendered meanwhile, so a hundred reminders due in one second go in that second. A
// batch still sending after a third of its lease renews its claims, so no other
// process takes rows that are being sent.

#include "engine/base/log.hpp"
#include "engine/dispatch/dispatcher.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace ritme {

class BatchSender {
public:
    // Sends on `pool`, at most dispatcher.workers() at once; without a pool, one after
    // another on the caller's thread. Claims are renewed every dispatcher.renew_every(),
    // or `renew_every` when given.
    BatchSender(Dispatcher& dispatcher, boost::asio::thread_pool* pool, Log& log);
    BatchSender(Dispatcher& dispatcher, boost::asio::thread_pool* pool, Log& log,
                std::chrono::milliseconds renew_every);

    // Starts sending `jobs` on the pool and returns at once; call it on `home`'s thread,
    // the store's. What goes next is decided on `home` (the store is read there), and
    // claim renewals run there while the batch is sent; then `done` runs there with the
    // jobs and their outcomes, once every send of the batch has ended. Needs a pool.
    using Done = std::function<void(std::vector<DispatchJob>)>;
    void start(std::vector<DispatchJob> jobs, boost::asio::any_io_executor home, Done done);

    // Sends `jobs` and returns them with their outcomes; claim renewals run on this
    // thread meanwhile. When something throws here, the batch starts no more sends and
    // the exception leaves only once the sends under way have ended; the rows it did
    // not finish keep their claims and go again when the lease runs out.
    std::vector<DispatchJob> send_all(std::vector<DispatchJob> jobs);

private:
    class Batch;
    std::vector<DispatchJob> send_here(std::vector<DispatchJob> jobs);

    Dispatcher& dispatcher_;
    boost::asio::thread_pool* pool_;
    Log& log_;
    std::chrono::milliseconds renew_every_;
};

}  // namespace ritme
