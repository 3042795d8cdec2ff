#include "engine/daemon/receipt_group_commit.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <exception>
#include <utility>

namespace ritme {

ReceiptGroupCommit::ReceiptGroupCommit(boost::asio::any_io_executor executor, Commit commit, Hold hold)
    : executor_(executor), commit_(std::move(commit)), hold_(std::move(hold)), hold_timer_(executor) {}

void ReceiptGroupCommit::add(ReceiptCall call, ReceiptsDone done) {
    calls_.push_back(std::move(call));
    done_.push_back(std::move(done));
    post_commit();
}

void ReceiptGroupCommit::release() {
    if (!holding_) return;
    holding_ = false;
    hold_timer_.cancel();
    post_commit();
}

void ReceiptGroupCommit::post_commit() {
    if (posted_ || holding_ || calls_.empty()) return;
    // After what the loop has ready now: the other connections' requests of this turn.
    posted_ = true;
    boost::asio::post(executor_, [this] { commit_group(); });
}

void ReceiptGroupCommit::commit_group() {
    posted_ = false;
    if (calls_.empty() || holding_) return;
    // Requests that came in during the last turn may have others right behind them (the
    // loop polls its sockets between turns): one more turn while the group still grows.
    if (calls_.size() > seen_ && turns_ < max_turns) {
        seen_ = calls_.size();
        ++turns_;
        posted_ = true;
        boost::asio::post(executor_, [this] { commit_group(); });
        return;
    }
    if (hold_ && hold_()) {
        // A batch is being sent: wait for its end, but never long enough for a gateway to give up.
        holding_ = true;
        hold_timer_.expires_after(max_hold);
        hold_timer_.async_wait([this](boost::system::error_code error) {
            if (error || !holding_) return;
            holding_ = false;
            commit_now();
        });
        return;
    }
    commit_now();
}

void ReceiptGroupCommit::commit_now() {
    seen_ = 0;
    turns_ = 0;
    const std::vector<ReceiptCall> calls = std::exchange(calls_, {});
    const std::vector<ReceiptsDone> done = std::exchange(done_, {});
    if (calls.empty()) return;
    std::exception_ptr failure;
    try {
        commit_(calls);
    } catch (...) {
        failure = std::current_exception();
    }
    ++groups_;
    largest_ = std::max(largest_, calls.size());
    for (const auto& answer : done) answer(failure);
}

}  // namespace ritme
