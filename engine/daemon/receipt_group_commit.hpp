#pragma once
// Group commit for delivery receipts: the receipts that arrive in one turn of the daemon's
// loop are committed together in one transaction, and each request is answered only once
// that commit is done (a 200 means stored). A commit costs far more than reading a
// request, so under load many receipts share one; alone, a receipt waits for nothing but
// the end of the turn it arrived in (and a few more turns while others keep arriving).
// When the commit fails (StoreBusy), every request of the group gets the failure, so
// each gateway tries again. Runs on the loop thread.
//
// Due sends go first: while `hold` says a batch is being sent, a group waits (growing)
// until release() or at most max_hold, so receipts' commits do not stand between the
// loop and a batch's next sends.

#include "engine/dispatch/receipt_intake.hpp"
#include "engine/http/http_routes.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

#include <cstdint>
#include <functional>
#include <vector>

namespace ritme {

class ReceiptGroupCommit {
public:
    // Commits one group in one transaction; throws (StoreBusy) with nothing written.
    using Commit = std::function<void(const std::vector<ReceiptCall>& group)>;

    using Hold = std::function<bool()>;
    static constexpr std::chrono::milliseconds max_hold{25};

    ReceiptGroupCommit(boost::asio::any_io_executor executor, Commit commit, Hold hold = {});

    // Adds a request's reports to the group of this turn; `done` is called after its commit.
    void add(ReceiptCall call, ReceiptsDone done);
    // What held the group is over: commit it on the next turn.
    void release();

    // Groups committed (or failed) so far, and the largest.
    uint64_t groups() const { return groups_; }
    size_t largest_group() const { return largest_; }

private:
    void post_commit();
    void commit_group();
    void commit_now();

    boost::asio::any_io_executor executor_;
    Commit commit_;
    Hold hold_;
    boost::asio::steady_timer hold_timer_;
    bool holding_ = false;
    std::vector<ReceiptCall> calls_;
    std::vector<ReceiptsDone> done_;
    bool posted_ = false;
    size_t seen_ = 0;  // calls in the group at the last turn
    int turns_ = 0;
    static constexpr int max_turns = 4;
    uint64_t groups_ = 0;
    size_t largest_ = 0;
};

}  // namespace ritme
