#include "engine/dispatch/batch_sender.hpp"

#include "engine/dispatch/channel_set.hpp"
#include "engine/store/store.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace ritme {

namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// A channel at its concurrency with none of this batch's sends under way is held by
// another sender of the same ChannelSet (not one of ritme's own paths): ask again soon.
constexpr auto turn_held_elsewhere = std::chrono::milliseconds(50);

// Sends one job on a turn its channel gave, and ends the turn. A send that throws
// leaves the job without an outcome: the row keeps its claim (Dispatcher::record).
void send_on_turn(Dispatcher& dispatcher, Log& log, DispatchJob& job) {
    try {
        dispatcher.send(job);
    } catch (const std::exception& e) {
        log.error("send", "id=" + std::to_string(job.delivery.id) + " reason=\"" + e.what() + "\"");
    } catch (...) {
        log.error("send", "id=" + std::to_string(job.delivery.id) + " reason=\"unknown error\"");
    }
    dispatcher.channels().end_turn(job.delivery.channel);
}

// A renewal that fails leaves the claims to run out; the batch goes on, and its
// results are written for the rows still ours.
void renew_claims(Dispatcher& dispatcher, Log& log, const std::vector<DispatchJob>& jobs) {
    try {
        dispatcher.renew_claims(jobs);
    } catch (const StoreError& e) {
        log.error("renew", std::string("reason=\"") + e.what() + "\"");
    }
}

}  // namespace

// The batch's state, shared by its worker tasks, its timers and its starter. Workers
// take job after job while a channel gives a turn and leave when none does; a lane
// waiting for its rate has a timer that starts a worker when the turn comes.
class BatchSender::Batch : public std::enable_shared_from_this<Batch> {
public:
    Batch(Dispatcher& dispatcher, boost::asio::thread_pool& pool, Log& log, std::chrono::milliseconds renew_every,
          std::vector<DispatchJob> jobs, boost::asio::any_io_executor home, Done done)
        : dispatcher_(dispatcher),
          channels_(dispatcher.channels()),
          pool_(pool),
          log_(log),
          renew_every_(renew_every),
          home_(std::move(home)),
          done_(std::move(done)),
          jobs_(std::move(jobs)),
          max_workers_(dispatcher.workers()) {}

    // On home's thread: sorts the jobs into their channels' lanes and starts workers.
    void begin() {
        const std::lock_guard lock(mutex_);
        for (size_t i = 0; i < jobs_.size(); ++i) {
            if (!jobs_[i].message) continue;  // decided without sending
            const std::string& channel = jobs_[i].delivery.channel;
            auto lane = std::find_if(lanes_.begin(), lanes_.end(), [&](const Lane& l) { return l.channel == channel; });
            if (lane == lanes_.end()) lane = lanes_.insert(lanes_.end(), Lane{channel, {}, 0, false});
            lane->waiting.push_back(i);
            ++unsent_;
        }
        if (unsent_ == 0) return end();
        renew_later();
        for (size_t w = 0; w < std::min<size_t>(unsent_, static_cast<size_t>(max_workers_)); ++w) add_worker();
    }

    // Takes no more sends and returns once no worker runs. After this the batch touches
    // neither the dispatcher nor home: what is left are timers that find it abandoned.
    void abandon() {
        std::unique_lock lock(mutex_);
        abandoned_ = true;
        no_workers_.wait(lock, [&] { return workers_ == 0; });
    }

private:
    struct Lane {
        std::string channel;
        std::deque<size_t> waiting;  // jobs not yet started, in batch order
        int under_way = 0;
        bool timer_armed = false;
    };

    // One worker task: sends while a job may start now, then leaves.
    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            const auto next = next_job();
            if (!next) break;
            lock.unlock();
            send_on_turn(dispatcher_, log_, jobs_[next->second]);
            lock.lock();
            --lanes_[next->first].under_way;
            --unsent_;
        }
        --workers_;
        if (workers_ == 0) {
            no_workers_.notify_all();
            if (unsent_ == 0 && !abandoned_) end();
        }
    }

    // Under the mutex: the next job whose channel gives a turn now, as (lane, job).
    // Lanes take turns, so one channel's many messages do not keep another's waiting.
    std::optional<std::pair<size_t, size_t>> next_job() {
        if (abandoned_) return std::nullopt;
        for (size_t k = 0; k < lanes_.size(); ++k) {
            const size_t index = (next_lane_ + k) % lanes_.size();
            Lane& lane = lanes_[index];
            if (lane.waiting.empty() || lane.timer_armed) continue;
            const ChannelSet::Turn turn = channels_.take_turn(lane.channel);
            if (turn.taken) {
                const size_t job = lane.waiting.front();
                lane.waiting.pop_front();
                ++lane.under_way;
                next_lane_ = index + 1;
                return std::pair{index, job};
            }
            // Waiting for the rate: a timer. At its concurrency: the worker of a send under
            // way asks again when that send ends, or, with none of ours under way, a timer.
            if (turn.retry_at) wake_at(index, *turn.retry_at);
            else if (lane.under_way == 0) wake_at(index, std::chrono::steady_clock::now() + turn_held_elsewhere);
        }
        return std::nullopt;
    }

    // Under the mutex: a timer on the pool starts a worker for the lane at `at`; until
    // then the lane's jobs hold no thread.
    void wake_at(size_t lane, SteadyTime at) {
        lanes_[lane].timer_armed = true;
        auto timer = std::make_shared<boost::asio::steady_timer>(pool_.get_executor(), at);
        timer->async_wait([self = shared_from_this(), timer, lane](boost::system::error_code) {
            const std::lock_guard lock(self->mutex_);
            self->lanes_[lane].timer_armed = false;
            if (!self->abandoned_ && self->workers_ < self->max_workers_) self->add_worker();
        });
    }

    // Under the mutex.
    void add_worker() {
        ++workers_;
        boost::asio::post(pool_, [self = shared_from_this()] { self->work(); });
    }

    // Under the mutex, once the last send has ended and no worker runs: hands the batch
    // back on home.
    void end() {
        boost::asio::post(home_, [self = shared_from_this()] {
            self->delivered_ = true;
            if (auto timer = self->renewal_.lock()) timer->cancel();
            auto done = std::move(self->done_);
            done(std::move(self->jobs_));
        });
    }

    // On home's thread, as long as the batch is being sent.
    void renew_later() {
        auto timer = std::make_shared<boost::asio::steady_timer>(home_, renew_every_);
        renewal_ = timer;
        timer->async_wait([self = shared_from_this(), timer](boost::system::error_code error) {
            if (error || self->delivered_) return;
            // Sends write only their jobs' outcomes; the ids and messages read here stay.
            renew_claims(self->dispatcher_, self->log_, self->jobs_);
            self->renew_later();
        });
    }

    Dispatcher& dispatcher_;
    ChannelSet& channels_;
    boost::asio::thread_pool& pool_;
    Log& log_;
    const std::chrono::milliseconds renew_every_;
    const boost::asio::any_io_executor home_;
    Done done_;
    std::vector<DispatchJob> jobs_;
    const int max_workers_;

    std::mutex mutex_;
    std::condition_variable no_workers_;
    std::vector<Lane> lanes_;  // one per channel in the batch
    size_t next_lane_ = 0;
    size_t unsent_ = 0;  // jobs with a message whose send has not ended
    int workers_ = 0;    // worker tasks posted and not yet left
    bool abandoned_ = false;

    // Home's thread only.
    bool delivered_ = false;
    std::weak_ptr<boost::asio::steady_timer> renewal_;
};

BatchSender::BatchSender(Dispatcher& dispatcher, boost::asio::thread_pool* pool, Log& log)
    : BatchSender(dispatcher, pool, log, dispatcher.renew_every()) {}

BatchSender::BatchSender(Dispatcher& dispatcher, boost::asio::thread_pool* pool, Log& log,
                         std::chrono::milliseconds renew_every)
    : dispatcher_(dispatcher), pool_(pool), log_(log), renew_every_(renew_every) {}

void BatchSender::start(std::vector<DispatchJob> jobs, boost::asio::any_io_executor home, Done done) {
    auto batch = std::make_shared<Batch>(dispatcher_, *pool_, log_, renew_every_, std::move(jobs), std::move(home),
                                         std::move(done));
    batch->begin();
}

std::vector<DispatchJob> BatchSender::send_all(std::vector<DispatchJob> jobs) {
    if (!pool_) return send_here(std::move(jobs));
    // This thread's own loop: the batch's renewals and its end run here.
    boost::asio::io_context home;
    std::optional<std::vector<DispatchJob>> sent;
    auto batch = std::make_shared<Batch>(dispatcher_, *pool_, log_, renew_every_, std::move(jobs),
                                         home.get_executor(), [&sent](std::vector<DispatchJob> done) {
                                             sent = std::move(done);
                                         });
    // Whichever way this frame is left, no worker of the batch runs on: they use the
    // dispatcher and post to `home`.
    struct Abandon {
        Batch& batch;
        ~Abandon() { batch.abandon(); }
    } const abandon{*batch};
    batch->begin();
    home.run();
    if (!sent) throw std::logic_error("a batch's loop ended before the batch");
    return std::move(*sent);
}

std::vector<DispatchJob> BatchSender::send_here(std::vector<DispatchJob> jobs) {
    ChannelSet& channels = dispatcher_.channels();
    auto renewed = std::chrono::steady_clock::now();
    for (auto& job : jobs) {
        if (!job.message) continue;
        for (;;) {
            const ChannelSet::Turn turn = channels.take_turn(job.delivery.channel);
            if (turn.taken) break;
            // The caller's own thread: waiting here holds no shared worker.
            const auto now = std::chrono::steady_clock::now();
            std::this_thread::sleep_until(turn.retry_at.value_or(now + turn_held_elsewhere));
        }
        send_on_turn(dispatcher_, log_, job);
        if (std::chrono::steady_clock::now() - renewed >= renew_every_) {
            renew_claims(dispatcher_, log_, jobs);
            renewed = std::chrono::steady_clock::now();
        }
    }
    return jobs;
}

}  // namespace ritme
