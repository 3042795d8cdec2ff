// Follow-ups and the leads' daily overview on virtual time: absences and "NEE" in a row,
// absent without notice told the same day, closing a follow-up, failures bundled into the
// overview (named, in plain words, once per participant and cause), and the overview once
// at 07:30 local, by e-mail or SMS, across the DST changes, and not when there is nothing
// to say.

#include "engine/changes/apply.hpp"
#include "engine/changes/attendance_changes.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/daemon/daemon_setup.hpp"
#include "engine/dispatch/dispatcher.hpp"
#include "engine/message/failure_cause.hpp"
#include "engine/message/local_dates.hpp"
#include "engine/planner/overview_plan.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/memory_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

UtcInstant utc(int year, int month, int day, int hour, int minute = 0) {
    return {pt::ptime(make_date(year, month, day), pt::hours(hour) + pt::minutes(minute))};
}

class RecordingChannel final : public Channel {
public:
    std::function<SendResult(const OutgoingMessage&)> answer = [](const OutgoingMessage&) {
        return SendResult::accepted("gw-1");
    };
    SendResult send(const OutgoingMessage& message) override {
        std::lock_guard lock(mutex_);
        sent_.push_back(message);
        return answer(message);
    }
    std::vector<OutgoingMessage> sent(const std::string& kind = {}) const {
        std::lock_guard lock(mutex_);
        std::vector<OutgoingMessage> out;
        for (const auto& m : sent_)
            if (kind.empty() || m.kind == kind) out.push_back(m);
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::vector<OutgoingMessage> sent_;
};

size_t occurrences(const std::string& text, const std::string& word) {
    size_t count = 0;
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + word.size())) ++count;
    return count;
}

// The led test programme (Tue and Thu 09:30-11:30 from 2026-02-02, lead Fatima by SMS),
// Amina and Bea enrolled, an SMS and an e-mail channel; no quiet hours, so what is due goes.
struct Track {
    MemoryStore store;
    ManualClock clock{utc(2026, 1, 20, 12)};
    DaemonConfig config;
    std::optional<MessageRenderer> renderer;
    ChannelSet channels;
    RecordingChannel* sms = nullptr;
    RecordingChannel* email = nullptr;
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, iso_timestamps(clock)};
    FollowUpSetup setup;
    std::shared_ptr<const TimeZone> zone = std::make_shared<const TimeZone>(TimeZone::load("Europe/Amsterdam"));

    Track() {
        config.timezone = "Europe/Amsterdam";
        config.templates = test::source_path("config/templates");
        config.reminders.quiet_hours = {};
        std::string why;
        config.reminders.session_offsets = {*ReminderOffset::parse("1d@18:00", why)};
        for (const auto& [name, medium] : {std::pair{"sms", Medium::sms}, std::pair{"email", Medium::email}}) {
            ChannelConfig channel;
            channel.name = name;
            channel.adapter = "recording";
            channel.medium = medium;
            channel.quiet_hours = false;
            config.channels[name] = channel;
            auto made = std::make_unique<RecordingChannel>();
            (medium == Medium::sms ? sms : email) = made.get();
            channels.add(channel, std::move(made));
        }
        Diagnostics problems;
        renderer = MessageRenderer::load(config.templates, problems);
        REQUIRE(renderer);
        setup = follow_up_setup_from(config);
        store.write([&] {
            apply_programme(store, test::plan(test::led_programme_toml("test")), {clock.now(), "operator", "apply"});
            for (const auto& [id, name] : {std::pair{"p-1", "Amina Yusuf"}, std::pair{"p-2", "Bea de Vries"}}) {
                Participant p;
                p.id = id;
                p.name = name;
                p.phone = id == std::string("p-1") ? "+31611111111" : "+31622222222";
                p.language = "nl";
                p.channels.sms = true;
                store.put_participant(p);
                store.enrol(id, "test");
            }
            plan_requested(store, planning_rules(config), clock.now());
        });
    }

    StoredLead lead() const {
        const auto leads = store.leads();
        REQUIRE(leads.size() == 1);
        return leads.front();
    }

    StoredSession session(size_t index) const {
        auto sessions = store.sessions("test");
        std::sort(sessions.begin(), sessions.end(),
                  [](const StoredSession& a, const StoredSession& b) { return a.start_utc < b.start_utc; });
        REQUIRE(index < sessions.size());
        return sessions[index];
    }
    UtcInstant during(size_t index) const { return {session(index).start_utc.utc + pt::minutes(30)}; }

    AttendanceMarked mark(size_t index, const std::string& id, AttendanceStatus status) {
        const StoredSession s = session(index);
        const auto result =
            mark_attendance(store, {{"test", s.number}, id, status}, {during(index), "Fatima", "attendance mark"}, setup);
        REQUIRE(result.ok());
        return result.value;
    }

    // She texted "NEE" about a session, as the answer intake stores it.
    std::vector<StoredFollowUp> said(size_t index, const std::string& id, AnswerReading reading) {
        StoredAnswer answer;
        answer.participant_id = id;
        answer.received_at = {session(index).start_utc.utc - pt::hours(20)};
        answer.channel = "sms";
        answer.words = reading == AnswerReading::cannot_come ? "NEE" : "JA";
        answer.reading = reading;
        answer.programme_id = "test";
        answer.session_id = session(index).id;
        std::vector<StoredFollowUp> made;
        store.write([&] {
            answer.id = store.add_answer(answer);
            made = follow_ups_after_answer(store, setup, answer, answer.received_at);
        });
        return made;
    }

    std::vector<StoredFollowUp> open(FollowUpCause cause) const {
        std::vector<StoredFollowUp> out;
        for (const auto& f : store.follow_ups("test", true))
            if (f.cause == cause) out.push_back(f);
        return out;
    }

    DispatchCounts run_at(UtcInstant now) {
        clock.set(now);
        store.write([&] { plan_overviews(store, overview_rules(config), *zone, now); });
        Dispatcher dispatcher(store, clock, config, *renderer, channels, log, "test-owner");
        return dispatcher.run_due(nullptr);
    }

    std::vector<Delivery> rows(DeliveryKind kind) const {
        DeliveryQuery query;
        query.kinds = {kind};
        return store.deliveries(query);
    }

    std::vector<OutgoingMessage> overviews() const {
        auto out = sms->sent("overview");
        for (auto& m : email->sent("overview")) out.push_back(m);
        return out;
    }
};

}  // namespace

TEST_SUITE("follow_up") {
    TEST_CASE("two absences in a row open one follow-up; done closes it; the same run never opens another") {
        Track t;
        t.setup.rules.absent_without_notice = false;  // only the run here
        t.mark(0, "p-1", AttendanceStatus::absent);
        CHECK(t.open(FollowUpCause::absences_in_a_row).empty());
        const auto second = t.mark(1, "p-1", AttendanceStatus::absent);
        REQUIRE(second.follow_ups.size() == 1);
        auto open = t.open(FollowUpCause::absences_in_a_row);
        REQUIRE(open.size() == 1);
        CHECK(open.front().participant_id == "p-1");
        CHECK(open.front().count == 2);
        CHECK(open.front().session_id == t.session(1).id);
        // Bea was there: nothing for her.
        t.mark(0, "p-2", AttendanceStatus::present);
        t.mark(1, "p-2", AttendanceStatus::absent);
        CHECK(t.open(FollowUpCause::absences_in_a_row).size() == 1);

        // The lead called her and marks it done: who and when are kept.
        const auto done =
            mark_follow_up_done(t.store, open.front().id, {t.during(2), "Fatima", "followup done"});
        REQUIRE(done.ok());
        const auto closed = t.store.follow_up(open.front().id);
        REQUIRE(closed);
        CHECK_FALSE(closed->open());
        CHECK(closed->done_by == "Fatima");
        CHECK(closed->done_at == t.during(2));
        CHECK(t.open(FollowUpCause::absences_in_a_row).empty());
        CHECK(t.store.audit().back().action == "follow-up.done");
        // Done twice is refused, and changes nothing.
        CHECK_FALSE(mark_follow_up_done(t.store, open.front().id, {t.during(2), "Fatima", "followup done"}).ok());

        // A third absence in a row is the same run: the rule gave its follow-up already.
        CHECK(t.mark(2, "p-1", AttendanceStatus::absent).follow_ups.empty());
        CHECK(t.store.follow_ups("test", false).size() == 1);
        // She comes back, then misses two again: a new run, a new follow-up.
        t.mark(3, "p-1", AttendanceStatus::present);
        t.mark(4, "p-1", AttendanceStatus::absent);
        CHECK(t.open(FollowUpCause::absences_in_a_row).empty());
        CHECK(t.mark(5, "p-1", AttendanceStatus::absent).follow_ups.size() == 1);
        CHECK(t.open(FollowUpCause::absences_in_a_row).size() == 1);
    }

    TEST_CASE("a lead sees and closes only her own programmes' follow-ups; 0 turns a rule off") {
        Track t;
        t.setup.rules.absent_without_notice = false;
        t.mark(0, "p-1", AttendanceStatus::absent);
        t.mark(1, "p-1", AttendanceStatus::absent);
        const auto open = open_follow_ups_of(t.store, t.lead());
        REQUIRE(open.size() == 1);
        CHECK(follow_up_text(open.front(), Language::nl).find("Amina Yusuf") != std::string::npos);
        StoredLead other{"l-other", "Ans", "", "+31600000000", {"elsewhere"}};
        CHECK_FALSE(mark_follow_up_done(t.store, open.front().follow_up.id, {t.during(2), "Ans", "page"}, &other).ok());
        CHECK(t.store.follow_up(open.front().follow_up.id)->open());
        const StoredLead fatima = t.lead();
        CHECK(mark_follow_up_done(t.store, open.front().follow_up.id, {t.during(2), "Fatima", "page"}, &fatima).ok());
        CHECK(open_follow_ups_of(t.store, fatima).empty());

        Track off;
        off.setup.rules = {0, 0, false};
        off.mark(0, "p-1", AttendanceStatus::absent);
        off.mark(1, "p-1", AttendanceStatus::absent);
        off.mark(2, "p-1", AttendanceStatus::absent);
        CHECK(off.store.follow_ups("", false).empty());
    }

    TEST_CASE("three NEE in a row open a follow-up; two do not, and a JA in between ends the run") {
        Track t;
        CHECK(t.said(0, "p-1", AnswerReading::cannot_come).empty());
        CHECK(t.said(1, "p-1", AnswerReading::cannot_come).empty());
        const auto third = t.said(2, "p-1", AnswerReading::cannot_come);
        REQUIRE(third.size() == 1);
        CHECK(third.front().cause == FollowUpCause::no_answers_in_a_row);
        CHECK(third.front().count == 3);
        // A fourth is the same run.
        CHECK(t.said(3, "p-1", AnswerReading::cannot_come).empty());
        CHECK(t.open(FollowUpCause::no_answers_in_a_row).size() == 1);

        t.said(0, "p-2", AnswerReading::cannot_come);
        t.said(1, "p-2", AnswerReading::cannot_come);
        t.said(1, "p-2", AnswerReading::coming);  // she comes after all
        CHECK(t.said(2, "p-2", AnswerReading::cannot_come).empty());
        CHECK(t.open(FollowUpCause::no_answers_in_a_row).size() == 1);
    }

    TEST_CASE("absent without notice: the lead is told the same day, by name, in Dutch; not after a NEE") {
        Track t;
        const auto marked = t.mark(0, "p-1", AttendanceStatus::absent);
        REQUIRE(marked.follow_ups.size() == 1);
        CHECK(marked.follow_ups.front().cause == FollowUpCause::absent_without_notice);
        const auto rows = t.rows(DeliveryKind::follow_up);
        REQUIRE(rows.size() == 1);
        CHECK(rows.front().participant_id == "p-1");  // erased with her
        t.clock.set(t.during(0));
        Dispatcher dispatcher(t.store, t.clock, t.config, *t.renderer, t.channels, t.log, "test-owner");
        dispatcher.run_due(nullptr);
        const auto sent = t.sms->sent("follow-up");
        REQUIRE(sent.size() == 1);
        CHECK(sent.front().to == t.lead().mobile);
        CHECK(sent.front().text.find("Amina Yusuf") != std::string::npos);
        CHECK(sent.front().text.find("bel haar even") != std::string::npos);
        CHECK(sent.front().text.find("p-1") == std::string::npos);
        // Marking it again opens nothing new and tells nobody twice.
        t.mark(0, "p-1", AttendanceStatus::present);
        t.mark(0, "p-1", AttendanceStatus::absent);
        CHECK(t.rows(DeliveryKind::follow_up).size() == 1);

        // Bea said NEE: absent is what she announced.
        t.said(1, "p-2", AnswerReading::cannot_come);
        CHECK(t.mark(1, "p-2", AttendanceStatus::absent).follow_ups.empty());
    }

    TEST_CASE("failures: plain causes from the gateway's words") {
        CHECK(classify_failure("command: exit 1: gateway: Not routable") == FailureCause::no_such_number);
        CHECK(classify_failure("21211: invalid number") == FailureCause::no_such_number);
        CHECK(classify_failure("not delivered stat:EXPIRED") == FailureCause::unreachable);
        CHECK(classify_failure("rejected by the SMS centre NACK/0x0000000b") == FailureCause::refused);
        CHECK(classify_failure("something odd") == FailureCause::other);
        CHECK(failure_cause_text(FailureCause::no_such_number, Language::nl) == "nummer bestaat niet");
        CHECK(failure_cause_text(FailureCause::unreachable, Language::nl) == "telefoon stond uit of buiten bereik");
        CHECK(failure_cause_text(FailureCause::refused, Language::nl) == "geweigerd door de provider");
    }

    TEST_CASE("two failures for the same cause are one mention in the overview, named, without gateway words") {
        Track t;
        t.sms->answer = [](const OutgoingMessage& m) {
            if (m.to == "+31611111111") return SendResult::permanent_failure("command: exit 1: gateway: Not routable");
            return SendResult::accepted("gw");
        };
        // Monday's and Wednesday's 18:00 reminders for Tuesday and Thursday fail.
        t.run_at(utc(2026, 2, 2, 17, 0));
        t.run_at(utc(2026, 2, 4, 17, 0));
        CHECK(t.rows(DeliveryKind::alert).empty());  // nothing went to the lead one by one
        CHECK(t.sms->sent("alert").empty());
        // Thursday 07:30 local (06:30 UTC): the overview bundles them.
        t.run_at(utc(2026, 2, 5, 6, 30));
        const auto overviews = t.overviews();
        REQUIRE(overviews.size() == 1);
        const std::string& text = overviews.front().text;
        CHECK(overviews.front().to == t.lead().mobile);  // no e-mail: by SMS
        CHECK(occurrences(text, "Amina Yusuf") == 1);
        CHECK(occurrences(text, "nummer bestaat niet") == 1);
        CHECK(text.find("Bea de Vries") == std::string::npos);
        for (const char* gateway_word : {"routable", "command", "exit", "gateway", "p-1"})
            CHECK(text.find(gateway_word) == std::string::npos);
        // Today's session is in it.
        CHECK(text.find("09:30") != std::string::npos);

        // Another failure for the same cause the next week is not told again.
        t.run_at(utc(2026, 2, 9, 17, 0));
        t.run_at(utc(2026, 2, 10, 6, 30));
        const auto later = t.overviews();
        REQUIRE(later.size() == 2);
        CHECK(later.back().text.find("nummer bestaat niet") == std::string::npos);
    }

    TEST_CASE("the overview goes once at 07:30 local, by e-mail when she has an address, across both DST changes") {
        Track t;
        StoredLead lead = t.lead();
        lead.email = "fatima@example.nl";
        t.store.write([&] {
            t.store.put_lead(lead);
            // Something to say on days without a session: an open follow-up.
            StoredFollowUp f;
            f.key = "test-follow-up";
            f.cause = FollowUpCause::absences_in_a_row;
            f.participant_id = "p-1";
            f.programme_id = "test";
            f.session_id = t.session(0).id;
            f.count = 2;
            f.created_at = t.clock.now();
            t.store.add_follow_up(f);
        });
        struct Day {
            Date day;
            UtcInstant local_0730;
        };
        // Summer time begins on Sunday 29 March 2026 and ends on Sunday 25 October 2026.
        for (const Day& d : {Day{make_date(2026, 3, 28), utc(2026, 3, 28, 6, 30)},
                             Day{make_date(2026, 3, 29), utc(2026, 3, 29, 5, 30)},
                             Day{make_date(2026, 3, 30), utc(2026, 3, 30, 5, 30)},
                             Day{make_date(2026, 10, 24), utc(2026, 10, 24, 5, 30)},
                             Day{make_date(2026, 10, 25), utc(2026, 10, 25, 6, 30)},
                             Day{make_date(2026, 10, 26), utc(2026, 10, 26, 6, 30)}}) {
            CAPTURE(iso_date(d.day));
            CHECK(overview_time(d.day, t.config.lead_overview_at, *t.zone) == d.local_0730);
            const size_t before = t.overviews().size();
            // The evening before: planned, not sent.
            t.run_at({d.local_0730.utc - pt::hours(12)});
            CHECK(t.overviews().size() == before);
            // A minute early: nothing yet.
            t.run_at({d.local_0730.utc - pt::minutes(1)});
            CHECK(t.overviews().size() == before);
            t.run_at(d.local_0730);
            REQUIRE(t.overviews().size() == before + 1);
            const auto sent = t.overviews().back();
            CHECK(sent.medium == Medium::email);
            CHECK(sent.to == "fatima@example.nl");
            CHECK(sent.subject.find(format_short_weekday_date(d.day, "nl")) != std::string::npos);
            CHECK(sent.text.find("Amina Yusuf") != std::string::npos);
            // Planning again and running later the same day (a restart) sends nothing twice.
            t.run_at({d.local_0730.utc + pt::hours(2)});
            CHECK(t.overviews().size() == before + 1);
        }
        DeliveryQuery query;
        query.kinds = {DeliveryKind::overview};
        query.states = {DeliveryState::sent};
        CHECK(t.store.deliveries(query).size() == 6);
    }

    TEST_CASE("no overview when there is nothing to say") {
        Track t;
        // Saturday 14 February: no session, no failure, no follow-up, no answer.
        t.run_at(utc(2026, 2, 13, 20, 0));
        t.run_at(utc(2026, 2, 14, 6, 30));
        CHECK(t.overviews().empty());
        const auto rows = t.rows(DeliveryKind::overview);
        const auto saturday = std::find_if(rows.begin(), rows.end(), [](const Delivery& d) {
            return d.key.find("2026-02-14") != std::string::npos;
        });
        REQUIRE(saturday != rows.end());
        CHECK(saturday->state == DeliveryState::expired);
        CHECK(saturday->reason == "nothing to say");
        // Planning again that day does not bring it back.
        t.run_at(utc(2026, 2, 14, 7, 0));
        CHECK(t.overviews().empty());
    }
}
