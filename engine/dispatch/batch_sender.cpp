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

// The batch's state. Home's thread decides what goes next: it reads the job's subject
// again, takes a turn of its channel and hands the send to the pool; the send's end
// comes back to home, which starts the next. A lane waiting for its rate has a timer on
// home, so no thread waits for it.
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
          max_sends_(dispatcher.workers()) {}

    // On home's thread: sorts the jobs into their channels' lanes and starts sends.
    void begin() {
        for (size_t i = 0; i < jobs_.size(); ++i) {
            if (jobs_[i].decided && !jobs_[i].message) continue;  // decided without sending
            const std::string& channel = jobs_[i].delivery.channel;
            auto lane = std::find_if(lanes_.begin(), lanes_.end(), [&](const Lane& l) { return l.channel == channel; });
            if (lane == lanes_.end()) lane = lanes_.insert(lanes_.end(), Lane{channel, {}, 0, false});
            lane->waiting.push_back(i);
            ++unsent_;
        }
        if (unsent_ > 0) renew_later();
        start_sends();
    }

    // Takes no more sends and returns once none of the batch's sends runs. Call it on
    // home's thread once home's loop no longer runs: after this the batch touches
    // neither the dispatcher nor home, and what is left are handlers never run.
    void abandon() {
        std::unique_lock lock(mutex_);
        abandoned_ = true;
        no_sends_.wait(lock, [&] { return sending_ == 0; });
    }

private:
    struct Lane {
        std::string channel;
        std::deque<size_t> waiting;  // jobs not yet started, in batch order
        int under_way = 0;
        bool timer_armed = false;
    };

    // A job that may start now, and its lane.
    struct Candidate {
        size_t lane;
        size_t job;
    };

    // On home's thread: starts what may go now, up to the workers' number. The subjects
    // of the jobs that would start are read again together, right before their sends:
    // one read of the store a turn of the loop, not one a send, and never of jobs that
    // wait for a free worker (a slow gateway keeps the rest of the batch waiting).
    void start_sends() {
        std::vector<bool> refused(lanes_.size(), false);  // a lane whose channel gave no turn now
        for (;;) {
            const std::vector<Candidate> candidates = next_candidates(refused);
            if (candidates.empty()) break;
            std::vector<DispatchJob*> checked;
            checked.reserve(candidates.size());
            for (const Candidate& c : candidates) checked.push_back(&jobs_[c.job]);
            // However long the batch has waited for the rate: a move or cancel committed
            // meanwhile makes the job cancelled, and it takes no turn.
            const std::vector<bool> current = dispatcher_.still_current(checked);
            bool progress = false;
            for (size_t i = 0; i < candidates.size(); ++i) {
                const Candidate& c = candidates[i];
                Lane& lane = lanes_[c.lane];
                // A lane's candidates are its first waiting jobs, in order: once its
                // channel refuses a turn, the rest of them wait and are read again then.
                if (refused[c.lane] || lane.waiting.empty() || lane.waiting.front() != c.job) continue;
                if (!current[i]) {
                    lane.waiting.pop_front();
                    --unsent_;
                    progress = true;
                    continue;
                }
                if (!start_on_turn(c.lane)) {
                    refused[c.lane] = true;
                    continue;
                }
                next_lane_ = c.lane + 1;
                progress = true;
            }
            if (!progress) break;
        }
        if (unsent_ == 0) end();
    }

    // On home's thread: the jobs to read again and start now, up to the free workers,
    // lanes taking turns so one channel's many messages do not keep another's waiting.
    // What needs no send is settled here and takes no turn; a lane whose first job was
    // claimed ahead of its time waits for it on a timer.
    std::vector<Candidate> next_candidates(const std::vector<bool>& refused) {
        std::vector<Candidate> out;
        const size_t free = started_ < max_sends_ ? static_cast<size_t>(max_sends_ - started_) : 0;
        std::vector<size_t> taken(lanes_.size(), 0);  // candidates so far, per lane
        std::vector<bool> done(lanes_.size(), false);
        bool more = true;
        while (out.size() < free && more) {
            more = false;
            for (size_t k = 0; k < lanes_.size() && out.size() < free; ++k) {
                const size_t index = lanes_.empty() ? 0 : (next_lane_ + k) % lanes_.size();
                Lane& lane = lanes_[index];
                if (done[index] || refused[index] || lane.timer_armed) continue;
                const auto next = next_job(index, taken[index]);
                if (!next) {
                    done[index] = true;
                    continue;
                }
                out.push_back({index, *next});
                ++taken[index];
                more = true;
            }
        }
        return out;
    }

    // On home's thread: the lane's job at `position` of its waiting ones, rendered now
    // rather than with the whole batch, so the first sends go while the rest wait their
    // turn. Nothing when none may start now.
    std::optional<size_t> next_job(size_t index, size_t position) {
        Lane& lane = lanes_[index];
        while (position < lane.waiting.size()) {
            const size_t job = lane.waiting[position];
            dispatcher_.prepare(jobs_[job]);
            if (!jobs_[job].message) {
                lane.waiting.erase(lane.waiting.begin() + static_cast<std::ptrdiff_t>(position));
                --unsent_;
                continue;
            }
            if (const auto at = dispatcher_.not_before(jobs_[job])) {
                // Claimed ahead: it waits for its time, and the lane's others are rendered
                // meanwhile. Behind jobs that start now, it waits for them first.
                if (position > 0) return std::nullopt;
                for (const size_t waiting : lane.waiting) dispatcher_.prepare(jobs_[waiting]);
                wake_at(index, std::chrono::steady_clock::now() + (*at - std::chrono::system_clock::now()));
                return std::nullopt;
            }
            return job;
        }
        return std::nullopt;
    }

    // On home's thread: starts the lane's first waiting job when its channel gives a
    // turn. False when it must wait: for the rate (a timer), or for a send under way to end.
    bool start_on_turn(size_t index) {
        Lane& lane = lanes_[index];
        const ChannelSet::Turn turn = channels_.take_turn(lane.channel);
        if (!turn.taken) {
            // At its concurrency with none of ours under way: a timer; with some, the end
            // of one of them asks again.
            if (turn.retry_at) wake_at(index, *turn.retry_at);
            else if (lane.under_way == 0) wake_at(index, std::chrono::steady_clock::now() + turn_held_elsewhere);
            return false;
        }
        const size_t job = lane.waiting.front();
        lane.waiting.pop_front();
        ++lane.under_way;
        ++started_;
        {
            const std::lock_guard lock(mutex_);
            ++sending_;
        }
        boost::asio::post(pool_, [self = shared_from_this(), index, job] { self->send(index, job); });
        return true;
    }

    // On the pool.
    void send(size_t lane, size_t job) {
        send_on_turn(dispatcher_, log_, jobs_[job]);
        const std::lock_guard lock(mutex_);
        --sending_;
        if (!abandoned_) boost::asio::post(home_, [self = shared_from_this(), lane] { self->sent(lane); });
        if (sending_ == 0) no_sends_.notify_all();
    }

    // On home's thread, once a send has ended. Sends that end close together start their
    // successors in one turn of the loop, so their subjects are read together.
    void sent(size_t lane) {
        --lanes_[lane].under_way;
        --started_;
        --unsent_;
        if (start_posted_) return;
        start_posted_ = true;
        boost::asio::post(home_, [self = shared_from_this()] {
            self->start_posted_ = false;
            self->start_sends();
        });
    }

    // On home's thread: starts sends on the lane again at `at`.
    void wake_at(size_t lane, SteadyTime at) {
        lanes_[lane].timer_armed = true;
        auto timer = std::make_shared<boost::asio::steady_timer>(home_, at);
        timer->async_wait([self = shared_from_this(), timer, lane](boost::system::error_code) {
            self->lanes_[lane].timer_armed = false;
            self->start_sends();
        });
    }

    // On home's thread, once every job is sent or settled: hands the batch back there.
    void end() {
        if (ended_) return;
        ended_ = true;
        boost::asio::post(home_, [self = shared_from_this()] {
            if (auto timer = self->renewal_.lock()) timer->cancel();
            auto done = std::move(self->done_);
            done(std::move(self->jobs_));
        });
    }

    // On home's thread, as long as the batch is being sent. Its timer also keeps home's
    // loop from running out of work while sends are on the pool.
    void renew_later() {
        auto timer = std::make_shared<boost::asio::steady_timer>(home_, renew_every_);
        renewal_ = timer;
        timer->async_wait([self = shared_from_this(), timer](boost::system::error_code error) {
            if (error || self->ended_) return;
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
    const int max_sends_;

    // Home's thread only.
    std::vector<Lane> lanes_;  // one per channel in the batch
    size_t next_lane_ = 0;
    size_t unsent_ = 0;  // jobs with a message neither settled nor ended
    int started_ = 0;    // sends handed to the pool whose end home has not seen
    bool ended_ = false;
    bool start_posted_ = false;  // a start_sends is on its way after sends that ended
    std::weak_ptr<boost::asio::steady_timer> renewal_;

    // Shared with the pool.
    std::mutex mutex_;
    std::condition_variable no_sends_;
    int sending_ = 0;  // sends on the pool not yet ended
    bool abandoned_ = false;
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
        dispatcher_.prepare(job);
        if (!job.message) continue;
        // Read again each time the turn may have come: what changed while this waited is
        // cancelled, not sent.
        bool turn_taken = false;
        while (!turn_taken && dispatcher_.still_current(job)) {
            const ChannelSet::Turn turn = channels.take_turn(job.delivery.channel);
            turn_taken = turn.taken;
            // The caller's own thread: waiting here holds no shared worker.
            const auto now = std::chrono::steady_clock::now();
            if (!turn_taken) std::this_thread::sleep_until(turn.retry_at.value_or(now + turn_held_elsewhere));
        }
        if (turn_taken) send_on_turn(dispatcher_, log_, job);
        if (std::chrono::steady_clock::now() - renewed >= renew_every_) {
            renew_claims(dispatcher_, log_, jobs);
            renewed = std::chrono::steady_clock::now();
        }
    }
    return jobs;
}

}  // namespace ritme
