// The attendance register, called directly on an in-memory store: what a lead may mark
// and when, the register with its percentages, and the CSV funders get.

#include "engine/changes/attendance_changes.hpp"
#include "engine/changes/session_changes.hpp"
#include "engine/store/memory_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

const std::string almere = "almere-vrouwen-2026";

// The shipped Almere programme (Tue and Thu 09:30-11:30 from 2026-02-03) applied, with two
// enrolled participants and one who is not.
struct Register {
    MemoryStore store;

    Register() {
        std::ifstream in(test::source_path("config/programmes/" + almere + ".toml"));
        std::stringstream text;
        text << in.rdbuf();
        const auto plan = test::plan(text.str());
        store.write([&] {
            apply_programme(store, plan, at(before_start()));
            for (const auto& [id, name] : {std::pair{"p-aaaaaaaaaa", "Amina Yusuf"}, std::pair{"p-bbbbbbbbbb", "Bea \"B\", de Vries"},
                                          std::pair{"p-cccccccccc", "Chaima"}}) {
                Participant p;
                p.id = id;
                p.name = name;
                p.phone = "+31612345678";
                p.channels.sms = true;
                store.put_participant(p);
            }
            store.enrol("p-aaaaaaaaaa", almere);
            store.enrol("p-bbbbbbbbbb", almere);
            store.clear_plan_request("programme:" + almere);
            store.clear_plan_request("participant:p-aaaaaaaaaa");
            store.clear_plan_request("participant:p-bbbbbbbbbb");
            store.clear_plan_request("participant:p-cccccccccc");
        });
    }

    StoredSession session(int number) const {
        for (const auto& s : store.sessions(almere))
            if (s.number == number) return s;
        FAIL("no session " << number);
        return {};
    }

    UtcInstant before_start() const { return {pt::ptime(make_date(2026, 1, 10), pt::hours(9))}; }
    // During session `number`: half an hour after its start.
    UtcInstant during(int number) const { return {session(number).start_utc.utc + pt::minutes(30)}; }

    static AuditContext at(UtcInstant now, std::string actor = "fatima") { return {now, std::move(actor), "attendance mark"}; }

    ChangeResult<AttendanceMarked> mark(int number, const std::string& id, AttendanceStatus status, UtcInstant now) {
        return mark_attendance(store, {{almere, number}, id, status}, at(now));
    }
};

}  // namespace

TEST_SUITE("attendance") {
    TEST_CASE("words: English and the leads' Dutch, any case; Dutch and English status texts") {
        CHECK(parse_attendance_word("present") == AttendanceStatus::present);
        CHECK(parse_attendance_word("Aanwezig") == AttendanceStatus::present);
        CHECK(parse_attendance_word(" afwezig ") == AttendanceStatus::absent);
        CHECK(parse_attendance_word("AFGEMELD") == AttendanceStatus::excused);
        CHECK(parse_attendance_word("excused") == AttendanceStatus::excused);
        CHECK(parse_attendance_word("ziek") == std::nullopt);
        CHECK(attendance_status_text(AttendanceStatus::absent, Language::nl) == "afwezig");
        CHECK(attendance_status_text(std::nullopt, Language::nl) == "onbekend");
        CHECK(attendance_status_text(AttendanceStatus::excused, Language::en) == "excused");
    }

    TEST_CASE("mark: stored with the lead as source and an audit entry naming the actor; the same word again stores nothing") {
        Register db;
        const auto done = db.mark(1, "p-aaaaaaaaaa", AttendanceStatus::present, db.during(1));
        REQUIRE(done.ok());
        CHECK(done.value.changed);
        CHECK_FALSE(done.value.before);
        CHECK(done.value.participant_name == "Amina Yusuf");
        const auto records = db.store.attendance_of_participant("p-aaaaaaaaaa");
        REQUIRE(records.size() == 1);
        CHECK(records[0].session_id == db.session(1).id);
        CHECK(records[0].programme_id == almere);
        CHECK(records[0].status == AttendanceStatus::present);
        CHECK(records[0].source == "lead");
        const AuditEntry entry = db.store.audit().back();
        CHECK(entry.action == "attendance.marked");
        CHECK(entry.actor == "fatima");
        CHECK(entry.subject == almere + "#1");
        CHECK(entry.details == "p-aaaaaaaaaa present");
        CHECK(db.store.plan_requests().empty());  // present changes no reminder

        const auto audit_size = db.store.audit().size();
        const auto again = db.mark(1, "p-aaaaaaaaaa", AttendanceStatus::present, db.during(2));
        REQUIRE(again.ok());
        CHECK_FALSE(again.value.changed);
        CHECK(db.store.audit().size() == audit_size);

        // Days later, the lead corrects it; the audit says what it was.
        const auto corrected = db.mark(1, "p-aaaaaaaaaa", AttendanceStatus::absent, db.during(3));
        REQUIRE(corrected.ok());
        REQUIRE(corrected.value.before);
        CHECK(corrected.value.before->status == AttendanceStatus::present);
        const auto audit = db.store.audit();
        const auto marked = std::find_if(audit.rbegin(), audit.rend(),
                                         [](const AuditEntry& e) { return e.action == "attendance.marked"; });
        REQUIRE(marked != audit.rend());
        CHECK(marked->details == "p-aaaaaaaaaa absent (was present, by lead)");
    }

    TEST_CASE("mark: excused ahead files a plan request (her reminders stop); present and absent wait for the start") {
        Register db;
        const auto early = db.mark(5, "p-aaaaaaaaaa", AttendanceStatus::present, db.before_start());
        REQUIRE_FALSE(early.ok());
        CHECK(early.errors[0].kind == ChangeError::Kind::conflict);
        CHECK(early.errors[0].message.find("has not begun") != std::string::npos);
        CHECK_FALSE(db.mark(5, "p-aaaaaaaaaa", AttendanceStatus::absent, db.before_start()).ok());
        // One minute before the start: still not.
        CHECK_FALSE(db.mark(5, "p-aaaaaaaaaa", AttendanceStatus::present, {db.session(5).start_utc.utc - pt::minutes(1)}).ok());
        CHECK(db.mark(5, "p-aaaaaaaaaa", AttendanceStatus::present, db.session(5).start_utc).ok());
        CHECK(db.store.attendance_of_participant("p-bbbbbbbbbb").empty());

        const auto excused = db.mark(6, "p-bbbbbbbbbb", AttendanceStatus::excused, db.before_start());
        REQUIRE(excused.ok());
        CHECK(db.store.plan_requests() == std::vector<std::string>{"programme:" + almere});
        db.store.write([&] { db.store.clear_plan_request("programme:" + almere); });
        // Taking excused back (she came after all) gives her reminders back: planned again.
        REQUIRE(db.mark(6, "p-bbbbbbbbbb", AttendanceStatus::present, db.during(6)).ok());
        CHECK(db.store.plan_requests() == std::vector<std::string>{"programme:" + almere});
    }

    TEST_CASE("mark refuses, storing nothing: a cancelled session, someone not enrolled, unknown ids and sessions") {
        Register db;
        REQUIRE(cancel_session(db.store, {almere, 2}, "docent ziek", Register::at(db.before_start())).ok());
        const auto audit_size = db.store.audit().size();

        const auto cancelled = db.mark(2, "p-aaaaaaaaaa", AttendanceStatus::absent, db.during(3));
        REQUIRE_FALSE(cancelled.ok());
        CHECK(cancelled.errors[0].kind == ChangeError::Kind::conflict);
        CHECK(cancelled.errors[0].message == almere + "#2 is cancelled: nobody attended it");
        CHECK_FALSE(db.mark(2, "p-aaaaaaaaaa", AttendanceStatus::excused, db.before_start()).ok());

        const auto outside = db.mark(1, "p-cccccccccc", AttendanceStatus::present, db.during(1));
        REQUIRE_FALSE(outside.ok());
        CHECK(outside.errors[0].kind == ChangeError::Kind::bad_input);
        CHECK(outside.errors[0].field == "participant");
        CHECK(outside.errors[0].message == "p-cccccccccc is not enrolled in " + almere);

        const auto typo = db.mark(1, "p-aaaaaaaaab", AttendanceStatus::present, db.during(1));
        REQUIRE_FALSE(typo.ok());
        CHECK(typo.errors[0].hint == "did you mean p-aaaaaaaaaa?");
        const auto unknown = db.mark(1, "p-zzzzzzzzzz", AttendanceStatus::present, db.during(1));
        REQUIRE_FALSE(unknown.ok());
        CHECK(unknown.errors[0].message == "no participant p-zzzzzzzzzz");

        CHECK_FALSE(db.mark(999, "p-aaaaaaaaaa", AttendanceStatus::present, db.during(1)).ok());
        CHECK_FALSE(mark_attendance(db.store, {{"almere-vrouwen-2027", 1}, "p-aaaaaaaaaa", AttendanceStatus::present},
                                    Register::at(db.during(1)))
                        .ok());

        CHECK(db.store.audit().size() == audit_size);
        for (const auto* id : {"p-aaaaaaaaaa", "p-bbbbbbbbbb", "p-cccccccccc"})
            CHECK(db.store.attendance_of_participant(id).empty());
    }

    TEST_CASE("the register: held sessions so far, marks and unknowns per participant, the percentage rounded down") {
        Register db;
        REQUIRE(cancel_session(db.store, {almere, 2}, "docent ziek", Register::at(db.before_start())).ok());
        const UtcInstant now = db.during(4);  // #1, #3 and #4 held; #2 cancelled
        REQUIRE(db.mark(1, "p-aaaaaaaaaa", AttendanceStatus::present, now).ok());
        REQUIRE(db.mark(3, "p-aaaaaaaaaa", AttendanceStatus::present, now).ok());
        REQUIRE(db.mark(4, "p-aaaaaaaaaa", AttendanceStatus::absent, now).ok());
        REQUIRE(db.mark(1, "p-bbbbbbbbbb", AttendanceStatus::excused, now).ok());
        REQUIRE(db.mark(3, "p-bbbbbbbbbb", AttendanceStatus::present, now).ok());
        REQUIRE(db.mark(9, "p-bbbbbbbbbb", AttendanceStatus::excused, now).ok());  // ahead

        const auto result = attendance_register(db.store, almere, now);
        REQUIRE(result.ok());
        const AttendanceRegister& r = result.value;
        CHECK(r.programme_id == almere);
        for (const auto& s : r.sessions) CHECK(s.session.status != SessionStatus::cancelled);
        CHECK(r.sessions.size() == db.store.sessions(almere).size() - 1);
        CHECK(r.held() == 3);
        CHECK(r.sessions[0].session.number == 1);
        CHECK(r.sessions[1].session.number == 3);
        REQUIRE(r.rows.size() == 2);  // p-ccc is not enrolled and has no marks
        const RegisterRow& amina = r.rows[0];
        CHECK(amina.name == "Amina Yusuf");
        CHECK(amina.marks[0] == AttendanceStatus::present);
        CHECK(amina.marks[2] == AttendanceStatus::absent);
        CHECK(amina.summary.held == 3);
        CHECK(amina.summary.present == 2);
        CHECK(amina.summary.absent == 1);
        CHECK(amina.summary.unknown == 0);
        CHECK(amina.summary.percent() == 66);  // 2 of 3, rounded down
        const RegisterRow& bea = r.rows[1];
        CHECK(bea.summary.present == 1);
        CHECK(bea.summary.excused == 1);  // #9 ahead is not held: not counted
        CHECK(bea.summary.unknown == 1);
        CHECK(bea.summary.percent() == 33);
        const auto ninth = std::find_if(r.sessions.begin(), r.sessions.end(),
                                        [](const RegisterSession& s) { return s.session.number == 9; }) - r.sessions.begin();
        CHECK(bea.marks[static_cast<size_t>(ninth)] == AttendanceStatus::excused);

        // Before the first session there is no percentage.
        const auto ahead = attendance_register(db.store, almere, db.before_start());
        REQUIRE(ahead.ok());
        CHECK(ahead.value.held() == 0);
        CHECK(ahead.value.rows[0].summary.percent() == std::nullopt);

        const auto typo = attendance_register(db.store, "almere-vrouwen-2027", now);
        REQUIRE_FALSE(typo.ok());
        CHECK(typo.errors[0].hint == "did you mean almere-vrouwen-2026?");
    }

    TEST_CASE("someone unenrolled keeps her marks in the register, shown as no longer enrolled") {
        Register db;
        REQUIRE(db.mark(1, "p-bbbbbbbbbb", AttendanceStatus::present, db.during(1)).ok());
        db.store.write([&] { db.store.unenrol("p-bbbbbbbbbb", almere); });
        const auto r = attendance_register(db.store, almere, db.during(2));
        REQUIRE(r.ok());
        REQUIRE(r.value.rows.size() == 2);
        CHECK(r.value.rows[1].participant_id == "p-bbbbbbbbbb");
        CHECK_FALSE(r.value.rows[1].enrolled);
        CHECK(r.value.rows[1].summary.present == 1);
        // She cannot be marked any more.
        CHECK_FALSE(db.mark(2, "p-bbbbbbbbbb", AttendanceStatus::present, db.during(2)).ok());
    }

    TEST_CASE("CSV: RFC 4180 quoting, CRLF, the header and statuses in the lead's language, held sessions only") {
        CHECK(csv_field("Amina") == "Amina");
        CHECK(csv_field("de Vries, Bea") == "\"de Vries, Bea\"");
        CHECK(csv_field("Bea \"B\"") == "\"Bea \"\"B\"\"\"");
        CHECK(csv_field("two\nlines") == "\"two\nlines\"");
        CHECK(csv_field("Çiğdem Öztürk") == "Çiğdem Öztürk");
        // A name a spreadsheet would run as a formula stays text.
        CHECK(csv_field("=HYPERLINK(\"http://x\",\"Amina\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"Amina\"\")\"");
        CHECK(csv_field("+31612345678") == "\"'+31612345678\"");
        CHECK(csv_field("-1") == "\"'-1\"");
        CHECK(csv_field("@SUM(A1)") == "\"'@SUM(A1)\"");
        CHECK(csv_field("\tAmina") == "\"'\tAmina\"");
        CHECK(csv_field("Amina = Bea") == "Amina = Bea");

        Register db;
        REQUIRE(db.mark(1, "p-aaaaaaaaaa", AttendanceStatus::present, db.during(2)).ok());
        REQUIRE(db.mark(2, "p-bbbbbbbbbb", AttendanceStatus::excused, db.during(2)).ok());
        const auto r = attendance_register(db.store, almere, db.during(2));
        REQUIRE(r.ok());
        const std::string d1 = iso_date(db.session(1).date), d2 = iso_date(db.session(2).date);
        CHECK(attendance_csv(r.value, Language::nl) ==
              "datum,bijeenkomst,deelnemer,status\r\n" +
                  d1 + ",1,Amina Yusuf,aanwezig\r\n" +
                  d1 + ",1,\"Bea \"\"B\"\", de Vries\",onbekend\r\n" +
                  d2 + ",2,Amina Yusuf,onbekend\r\n" +
                  d2 + ",2,\"Bea \"\"B\"\", de Vries\",afgemeld\r\n");
        const std::string english = attendance_csv(r.value, Language::en);
        CHECK(english.rfind("date,session,participant,status\r\n" + d1 + ",1,Amina Yusuf,present\r\n", 0) == 0);
    }
}
