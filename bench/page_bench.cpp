// page_bench: the server time of a lead's programme page (GET /p/PROGRAMME) while the
// dispatcher sends at full rate, and, in the same run, with the dispatcher idle.
//   The site   a Daemon in process on the system clock with a real SQLite file: one
//              programme of 40 sessions (Tuesday and Thursday, half of them past) and 30
//              participants, each with her reminders for every session (the past ones sent,
//              some failed, with receipts), "NEE" answers and attendance for the past
//              sessions and a few for the next; a lead signed in.
//   idle       R page requests, one after the other on one keep-alive connection, before
//              anything is due.
//   busy       then N reminders (appointments' 3h reminders, for N more participants) fall
//              due at the same moment, so the dispatcher claims, renders and sends as fast
//              as it can; page requests as before until the last reminder reached the
//              channel.
//   Each request's time is from sending it to having read the whole answer on loopback: the
//   server's time plus a loopback round trip. Target: p99 at most 20 ms while busy.
//
// Usage: page_bench [--dir DIR] [--requests R] [--reminders N] [--lead-seconds S]

#include "engine/base/text.hpp"
#include "engine/calendar/programme_calendar.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/lead_changes.hpp"
#include "engine/daemon/daemon.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/planner/planner.hpp"
#include "engine/programme/programme_loader.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/time/instant.hpp"

#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace ritme;
namespace fs = std::filesystem;
namespace pt = boost::posix_time;
namespace gd = boost::gregorian;
using steady = std::chrono::steady_clock;

namespace {

constexpr int participant_count = 30;
constexpr int session_count = 40;
const char* const programme_id = "bench";

const char* met(bool yes) { return yes ? "met" : "NOT met"; }

UtcInstant plus_seconds(UtcInstant instant, int64_t count) { return {instant.utc + pt::seconds(count)}; }

double percentile(const std::vector<double>& sorted, double fraction) {
    if (sorted.empty()) return 0;
    const size_t rank = static_cast<size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// Accepts every message at once and counts them.
class CountingChannel final : public Channel {
public:
    SendResult send(const OutgoingMessage&) override {
        const std::lock_guard lock(mutex_);
        ++sent_;
        changed_.notify_all();
        return SendResult::accepted();
    }
    size_t sent() const {
        const std::lock_guard lock(mutex_);
        return sent_;
    }
    bool wait_for(size_t count, std::chrono::seconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return sent_ >= count; });
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    size_t sent_ = 0;
};

// One keep-alive connection asking for one page; each answer's time in milliseconds.
class PageClient {
public:
    PageClient(uint16_t port, std::string path, const std::string& cookie)
        : request_("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: nl\r\nCookie: ritme_session=" +
                   cookie + "\r\n\r\n") {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
            throw std::runtime_error("cannot connect to the daemon");
    }
    ~PageClient() { ::close(fd_); }
    PageClient(const PageClient&) = delete;
    PageClient& operator=(const PageClient&) = delete;

    // The time of one request, or a negative number when the answer was not a 200 page.
    double get() {
        const auto start = steady::now();
        if (::send(fd_, request_.data(), request_.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request_.size()))
            return -1;
        std::string pending;
        char buffer[16384];
        size_t head_end;
        while ((head_end = pending.find("\r\n\r\n")) == std::string::npos)
            if (!read_into(pending, buffer, sizeof buffer)) return -1;
        const std::string head = lower(pending.substr(0, head_end));
        const auto at = head.find("content-length: ");
        if (at == std::string::npos) return -1;
        const size_t length = std::stoul(head.substr(at + 16));
        while (pending.size() < head_end + 4 + length)
            if (!read_into(pending, buffer, sizeof buffer)) return -1;
        const double ms = std::chrono::duration<double, std::milli>(steady::now() - start).count();
        last_body_ = pending.substr(head_end + 4, length);
        return head.compare(9, 3, "200") == 0 ? ms : -1;
    }
    const std::string& last_body() const { return last_body_; }

private:
    bool read_into(std::string& pending, char* buffer, size_t size) {
        const auto got = ::recv(fd_, buffer, size, 0);
        if (got <= 0) return false;
        pending.append(buffer, static_cast<size_t>(got));
        return true;
    }

    int fd_ = -1;
    std::string request_;
    std::string last_body_;
};

struct Timings {
    std::vector<double> ms;
    int failures = 0;
    double seconds = 0;
};

void report(const char* name, Timings& timings) {
    std::sort(timings.ms.begin(), timings.ms.end());
    std::printf("%s: %zu pages in %.1f s (%d failed): p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", name,
                timings.ms.size(), timings.seconds, timings.failures, percentile(timings.ms, 0.5),
                percentile(timings.ms, 0.99), timings.ms.empty() ? 0.0 : timings.ms.back());
}

// The programme: Tuesday and Thursday 09:30 for 20 weeks from the Monday ten weeks ago
// (holidays extend it, so it keeps its 40 sessions), half of them past.
std::string programme_toml(gd::date today) {
    gd::date start = today - gd::days(70);
    while (start.day_of_week() != gd::Monday) start -= gd::days(1);
    return "[programme]\nid = \"" + std::string(programme_id) + "\"\nname = \"Almere vrouwen\"\nstart = " +
           iso_date(start) + R"(
weeks = 20
region = "noord"
on_holiday = "extend"

[location.schakel]
name = "Wijkcentrum De Schakel"
address = "Kruidenwijk, Almere"

[lead]
name = "Fatima"
phone = "+31687654321"

[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"

[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
)";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app("the lead's programme page while the dispatcher sends at full rate");
    std::string dir = (fs::temp_directory_path() / "ritme-page-bench").string();
    int requests = 500;
    int reminders = 20000;
    int lead_seconds = 45;
    app.add_option("--dir", dir, "a scratch directory (emptied)")->capture_default_str();
    app.add_option("--requests", requests, "page requests with the dispatcher idle")->capture_default_str();
    app.add_option("--reminders", reminders, "reminders falling due at once")->capture_default_str();
    app.add_option("--lead-seconds", lead_seconds, "from the start until they fall due")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    fs::remove_all(dir);
    fs::create_directories(dir);

    SystemClock clock;
    auto store = SqliteStore::open((fs::path(dir) / "ritme.db").string());
    DaemonSetup setup;
    setup.config.timezone = "Europe/Amsterdam";
    setup.config.templates = std::string(RITME_SOURCE_DIR) + "/config/templates";
    setup.config.listen = "127.0.0.1:0";
    setup.config.reminders.min_notice_minutes = 0;
    std::string why;
    setup.config.reminders.appointment_offsets = {*ReminderOffset::parse("3h", why)};
    ChannelConfig sms;
    sms.name = "sms";
    sms.adapter = "bench";
    sms.medium = Medium::sms;
    sms.quiet_hours = false;
    setup.config.channels["sms"] = sms;
    Diagnostics problems;
    setup.renderer = MessageRenderer::load(setup.config.templates, problems);
    setup.holidays = std::make_unique<SchoolHolidayTable>(
        SchoolHolidayTable::load_directory(std::string(RITME_SOURCE_DIR) + "/config/holidays", problems));
    if (!setup.renderer || problems.has_errors()) {
        std::fprintf(stderr, "page_bench: error: cannot load the templates or the school holidays\n");
        return 1;
    }
    auto counting = std::make_unique<CountingChannel>();
    CountingChannel& channel = *counting;
    setup.channels.add(sms, std::move(counting));
    setup.rules = planning_rules(setup.config);

    // The programme, its participants and their history, planned from before it started.
    const UtcInstant now = clock.now();
    const auto load = load_programme_text(programme_toml(now.utc.date()), "bench.toml");
    if (load.status != LoadStatus::ok) {
        std::fprintf(stderr, "page_bench: error: the programme does not load\n");
        return 1;
    }
    const ProgrammeCalendar plan = build_programme_calendar(*load.programme, *setup.holidays);
    const UtcInstant long_ago = plus_seconds(now, -100 * 86400);
    const AuditContext audit{long_ago, "bench", "setup"};
    std::string cookie;
    store->write([&] {
        apply_programme(*store, plan, audit);
        for (int i = 0; i < participant_count; ++i) {
            Participant p;
            p.id = "p-" + std::to_string(100 + i);
            p.name = "Deelnemer " + std::to_string(i);
            p.phone = "+3161000" + std::to_string(1000 + i);
            p.language = "nl";
            p.channels.sms = true;
            p.children_in_care = i % 3;
            store->put_participant(p);
            store->enrol(p.id, programme_id);
        }
        plan_requested(*store, setup.rules, long_ago);
        // What was due went: a few failed, the others sent with a receipt.
        int n = 0;
        std::vector<DeliveryOutcome> outcomes;
        for (const auto& claimed : store->claim_due(now, 1000000, "bench", plus_seconds(now, 60))) {
            const bool failed = ++n % 17 == 0;
            DeliveryOutcome outcome(claimed.delivery.id, failed ? DeliveryState::failed : DeliveryState::sent,
                                    claimed.delivery.send_at);
            if (failed) outcome.reason = "number does not exist";
            outcomes.push_back(outcome);
        }
        store->finish(outcomes);
        // Answers and attendance: per past session three said NEE, the others came or not;
        // for the next session two said NEE.
        int past = 0;
        for (const auto& session : store->sessions(programme_id)) {
            const bool is_past = session.start_utc < now;
            if (!is_past && past++ > 0) continue;  // the past ones and the next
            for (int i = 0; i < participant_count; ++i) {
                const std::string id = "p-" + std::to_string(100 + i);
                const bool said_no = (i + session.number) % 10 < (is_past ? 1 : 0) || (!is_past && i < 2);
                const UtcInstant when = plus_seconds(session.start_utc, -3 * 3600);
                if (said_no) {
                    StoredAnswer no;
                    no.participant_id = id;
                    no.received_at = when;
                    no.channel = "sms";
                    no.words = "NEE";
                    no.reading = AnswerReading::cannot_come;
                    no.programme_id = programme_id;
                    no.session_id = session.id;
                    store->add_answer(no);
                    store->put_attendance({id, programme_id, session.id, 0, AttendanceStatus::excused, when, "sms"});
                } else if (is_past) {
                    const AttendanceStatus status =
                        (i * 7 + session.number) % 9 == 0 ? AttendanceStatus::absent : AttendanceStatus::present;
                    store->put_attendance({id, programme_id, session.id, 0, status, session.end_utc, "lead"});
                }
            }
        }
        // The lead, signed in.
        const AuditContext now_audit{now, "bench", "lead"};
        const auto lead = add_lead(*store, {"Ans", "ans@example.org", std::nullopt}, {programme_id}, now_audit);
        const auto link = make_sign_in_link(*store, lead.value.id, "http://127.0.0.1", now_audit);
        const auto session = sign_in(*store, link.value.url.substr(link.value.url.find("token=") + 6), now);
        if (session) cookie = session->token;
    });
    const size_t sessions = store->sessions(programme_id).size();
    const size_t history = store->deliveries(DeliveryQuery{}).size();
    if (cookie.empty() || sessions < session_count) {
        std::fprintf(stderr, "page_bench: error: no signed-in lead, or %zu sessions\n", sessions);
        return 1;
    }

    // The reminders that fall due together, planned before the daemon starts.
    const UtcInstant due = plus_seconds(clock.now(), lead_seconds);
    store->write([&] {
        for (int i = 0; i < reminders; ++i) {
            Participant p;
            p.id = "p-load-" + std::to_string(i);
            p.name = "Belasting " + std::to_string(i);
            p.phone = "+316" + std::to_string(30000000 + i);
            p.channels.sms = true;
            store->put_participant(p);
            Appointment appointment;
            appointment.participant_id = p.id;
            appointment.start_utc = {due.utc + pt::hours(3)};
            appointment.start_utc.utc -= pt::microseconds(appointment.start_utc.utc.time_of_day().fractional_seconds());
            appointment.where = "Stationsplein 1";
            store->put_appointment(appointment);
        }
        plan_requested(*store, setup.rules, clock.now());
    });
    std::printf("site: %zu sessions, %d participants, %zu deliveries of the programme, %d reminders due at once\n",
                sessions, participant_count, history, reminders);

    std::ostringstream log_text;
    Log log(log_text, LogLevel::warning, iso_timestamps(clock));
    std::atomic<int> status{-1};
    Timings idle, busy;
    size_t page_bytes = 0;
    bool all_sent = false;
    double dispatch_seconds = 0;
    {
        Daemon daemon(*store, clock, log, std::move(setup), [] { return std::optional<DaemonSetup>(); }, HttpLimits{},
                      Daemon::serve_claim_ahead);
        std::thread runner([&] { status = daemon.run(); });
        while (daemon.http_port() == 0 && status < 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        if (daemon.http_port() == 0) {
            runner.join();
            std::fprintf(stderr, "page_bench: error: the daemon did not start (exit %d)\n%s", status.load(),
                         log_text.str().c_str());
            return 1;
        }
        const std::string path = "/p/" + std::string(programme_id);
        PageClient client(daemon.http_port(), path, cookie);

        // Idle: nothing is due.
        const auto idle_start = steady::now();
        for (int i = 0; i < requests; ++i) {
            const double ms = client.get();
            if (ms < 0) ++idle.failures;
            else idle.ms.push_back(ms);
        }
        idle.seconds = std::chrono::duration<double>(steady::now() - idle_start).count();
        page_bytes = client.last_body().size();
        if (channel.sent() != 0 || !(clock.now() < plus_seconds(due, -1)))
            std::fprintf(stderr, "page_bench: the idle run overlapped the dispatch; give more --lead-seconds\n");

        // Busy: from the moment they fall due until the last reached the channel.
        while (clock.now() < due) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const auto busy_start = steady::now();
        while (channel.sent() < static_cast<size_t>(reminders) &&
               steady::now() - busy_start < std::chrono::seconds(300)) {
            const double ms = client.get();
            if (ms < 0) ++busy.failures;
            else busy.ms.push_back(ms);
        }
        all_sent = channel.wait_for(reminders, std::chrono::seconds(30));
        dispatch_seconds = std::chrono::duration<double>(steady::now() - busy_start).count();
        busy.seconds = dispatch_seconds;
        daemon.stop();
        runner.join();
    }
    std::printf("page: GET /p/%s, %zu bytes of HTML, time from the request sent to the answer read (loopback)\n",
                programme_id, page_bytes);
    report("idle dispatcher", idle);
    report("busy dispatcher", busy);
    std::printf("  the dispatcher sent %d reminders in %.1f s (%.0f a second) meanwhile\n", reminders,
                dispatch_seconds, reminders / std::max(dispatch_seconds, 1e-9));
    const double p99 = percentile(busy.ms, 0.99);
    std::printf("  target p99 at most 20 ms while the dispatcher sends: %s\n", met(p99 <= 20.0));
    const bool ok = status == 0 && all_sent && idle.failures == 0 && busy.failures == 0 && !busy.ms.empty();
    if (!ok) {
        std::fprintf(stderr, "page_bench: error: exit %d, all sent: %d, %d + %d failed pages\n%s", status.load(),
                     all_sent, idle.failures, busy.failures, log_text.str().c_str());
        return 1;
    }
    fs::remove_all(dir);
    return 0;
}
