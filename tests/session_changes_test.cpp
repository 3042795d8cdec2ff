// The changes a person makes, called directly on an in-memory store: a lead's cancel,
// move and restore of a session, appointments, participants. Each refusal stores
// nothing; each change lands with its audit entry and files a plan request.

#include "engine/changes/appointment_changes.hpp"
#include "engine/changes/participant_changes.hpp"
#include "engine/changes/session_changes.hpp"
#include "engine/store/memory_store.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

// The warnings as `ritme session move` says them in English.
std::vector<std::string> english(const std::vector<Phrase>& warnings) {
    std::vector<std::string> out;
    for (const auto& warning : warnings) out.push_back(warning.english());
    return out;
}

const std::string almere = "almere-vrouwen-2026";
const AuditContext lead{{pt::ptime(make_date(2026, 1, 10), pt::hours(9))}, "fatima", "session move"};

// The shipped Almere programme (Tue and Thu 09:30-11:30, crèche Tue and Thu 09:00-12:00
// with a 10m margin), applied.
struct Almere {
    MemoryStore store;

    Almere() {
        std::ifstream in(test::source_path("config/programmes/" + almere + ".toml"));
        std::stringstream text;
        text << in.rdbuf();
        const auto plan = test::plan(text.str());
        store.write([&] { apply_programme(store, plan, lead); });
        store.write([&] { store.clear_plan_request("programme:" + almere); });
    }

    StoredSession session(int number) const {
        for (const auto& s : store.sessions(almere))
            if (s.number == number) return s;
        FAIL("no session " << number);
        return {};
    }

    ChangeResult<SessionMoved> move(int number, Date date, TimeOfDay start, std::string location = {}) {
        return move_session(store, test::shipped_school_holidays(),
                            {{almere, number}, {date, start}, std::move(location)}, lead);
    }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE("session_changes") {
    TEST_CASE("cancel_session: by the lead, one version up, the reason in the audit; refusals store nothing") {
        Almere db;
        const auto audit_size = db.store.audit().size();
        const auto empty = cancel_session(db.store, {almere, 10}, "  ", lead);
        REQUIRE_FALSE(empty.ok());
        CHECK(empty.errors[0].field == "reason");
        CHECK(empty.errors[0].kind == ChangeError::Kind::bad_input);
        const auto typo = cancel_session(db.store, {"almere-vrouwen-2027", 10}, "r", lead);
        REQUIRE_FALSE(typo.ok());
        CHECK(typo.errors[0].hint == "did you mean almere-vrouwen-2026?");
        CHECK_FALSE(cancel_session(db.store, {almere, 999}, "r", lead).ok());
        CHECK(db.store.audit().size() == audit_size);
        CHECK(db.store.plan_requests().empty());

        const auto done = cancel_session(db.store, {almere, 10}, "docent ziek", lead);
        REQUIRE(done.ok());
        CHECK(done.value.kind == SessionChange::Kind::cancelled);
        const StoredSession after = db.session(10);
        CHECK(after.status == SessionStatus::cancelled);
        CHECK(after.version == 2);
        CHECK(after.lead_override);
        CHECK(db.store.audit().back().action == "session.cancelled");
        CHECK(contains(db.store.audit().back().details, "docent ziek"));
        CHECK(db.store.plan_requests() == std::vector<std::string>{"programme:" + almere});

        const auto again = cancel_session(db.store, {almere, 10}, "r", lead);
        REQUIRE_FALSE(again.ok());
        CHECK(again.errors[0].kind == ChangeError::Kind::conflict);
    }

    TEST_CASE("move_session: same length, new local time in the programme's zone, no warning where it fits") {
        Almere db;
        const StoredSession before = db.session(12);  // Thu 2026-03-19 09:30-11:30
        const auto moved = db.move(12, before.date, TimeOfDay::hm(9, 45));
        REQUIRE(moved.ok());
        REQUIRE(moved.value.change.has_value());
        CHECK(moved.value.warnings.empty());
        CHECK(moved.value.session.time == TimeRange{TimeOfDay::hm(9, 45), TimeOfDay::hm(11, 45)});
        CHECK(db.session(12).status == SessionStatus::moved);
        CHECK(db.store.audit().back().action == "session.moved");

        const auto unchanged = db.move(12, before.date, TimeOfDay::hm(9, 45));
        REQUIRE(unchanged.ok());
        CHECK_FALSE(unchanged.value.change.has_value());
        CHECK(db.session(12).version == 2);
    }

    TEST_CASE("move_session warns of the crèche closed, outside crèche hours, and an overlap, and still moves") {
        Almere db;
        const auto wednesday = db.move(10, make_date(2026, 3, 11), TimeOfDay::hm(9, 45));
        REQUIRE(wednesday.ok());
        CHECK(english(wednesday.value.warnings) ==
              std::vector<std::string>{"the crèche is closed on wednesday, when #10 (Wed 2026-03-11 09:45-11:45) "
                                       "meets; add wednesday to [childcare] open"});

        // Tuesday 2026-03-24 is #13's day, 09:30-11:30.
        const auto tuesday = db.move(11, make_date(2026, 3, 24), TimeOfDay::hm(10, 0));
        REQUIRE(tuesday.ok());
        CHECK(english(tuesday.value.warnings) ==
              std::vector<std::string>{
                  "#11 (Tue 2026-03-24 10:00-12:00) ends 10 minutes too late for the crèche: the crèche is open "
                  "09:00-12:00 on tuesday and must be open 09:50-12:10 (10m margin); end at 11:50 or earlier, or "
                  "keep the crèche open longer",
                  "#11 (Tue 2026-03-24 10:00-12:00) overlaps #13 (Tue 2026-03-24 09:30-11:30); a group cannot meet "
                  "twice at once; move one of them"});
        CHECK(db.session(11).date == make_date(2026, 3, 24));

        // A cancelled session is no overlap.
        REQUIRE(cancel_session(db.store, {almere, 13}, "r", lead).ok());
        const auto again = db.move(11, make_date(2026, 3, 24), TimeOfDay::hm(9, 40));
        REQUIRE(again.ok());
        CHECK(again.value.warnings.empty());
    }

    TEST_CASE("move_session refuses a cancelled session, an unknown place, a time past midnight or in the past") {
        Almere db;
        const auto audit_size = db.store.audit().size();
        const auto place = db.move(10, make_date(2026, 3, 12), TimeOfDay::hm(10, 0), "schakl");
        REQUIRE_FALSE(place.ok());
        CHECK(place.errors[0].field == "location");
        CHECK(place.errors[0].hint == "did you mean schakel?");
        const auto late = db.move(10, make_date(2026, 3, 12), TimeOfDay::hm(23, 0));
        REQUIRE_FALSE(late.ok());
        CHECK(contains(late.errors[0].message, "would end after midnight"));
        const auto past = db.move(10, make_date(2026, 1, 10), TimeOfDay::hm(9, 30));
        REQUIRE_FALSE(past.ok());
        CHECK(past.errors[0].field == "to");
        CHECK(db.store.audit().size() == audit_size);

        REQUIRE(cancel_session(db.store, {almere, 10}, "r", lead).ok());
        const auto cancelled = db.move(10, make_date(2026, 3, 12), TimeOfDay::hm(10, 0));
        REQUIRE_FALSE(cancelled.ok());
        CHECK(cancelled.errors[0].kind == ChangeError::Kind::conflict);
    }

    TEST_CASE("restore_session: the file's time back; refused when the session follows the file") {
        Almere db;
        const StoredSession planned = db.session(10);
        CHECK(restore_session(db.store, test::shipped_school_holidays(), {almere, 10}, lead).errors.at(0).kind ==
              ChangeError::Kind::conflict);
        REQUIRE(db.move(10, make_date(2026, 3, 12), TimeOfDay::hm(9, 45)).ok());
        const auto restored = restore_session(db.store, test::shipped_school_holidays(), {almere, 10}, lead);
        REQUIRE(restored.ok());
        CHECK(restored.value.changed);
        CHECK(db.session(10).start_utc == planned.start_utc);
        CHECK_FALSE(db.session(10).lead_override);
    }

    TEST_CASE("appointments: add, move, cancel; no address in the audit; refusals") {
        Almere db;
        ParticipantFields fields;
        fields.name = "Amina Yusuf";
        fields.phone = "06-12345678";
        const auto participant = add_participant(db.store, fields, {almere}, lead);
        REQUIRE(participant.ok());
        const TimeZone zone = TimeZone::load("Europe/Amsterdam");
        const LocalDateTime at{make_date(2026, 3, 5), TimeOfDay::hm(10, 0)};

        const auto nobody = add_appointment(db.store, zone, {"p-nobody12345", at, 60, "Stadhuis", "", ""}, lead);
        REQUIRE_FALSE(nobody.ok());
        CHECK(nobody.errors[0].message == "no participant p-nobody12345");
        const auto where = add_appointment(db.store, zone, {participant.value.id, at, 60, " ", "", ""}, lead);
        REQUIRE_FALSE(where.ok());
        CHECK(where.errors[0].field == "where");
        const auto past = add_appointment(
            db.store, zone, {participant.value.id, {make_date(2026, 1, 9), TimeOfDay::hm(10, 0)}, 60, "Stadhuis", "", ""},
            lead);
        REQUIRE_FALSE(past.ok());
        CHECK(past.errors[0].field == "start");

        const auto added =
            add_appointment(db.store, zone, {participant.value.id, at, 90, "Stationsplein 1", "bus 4", almere}, lead);
        REQUIRE(added.ok());
        const int64_t id = added.value.appointment.id;
        CHECK(db.store.appointment(id)->where == "Stationsplein 1");
        for (const auto& entry : db.store.audit()) CHECK_FALSE(contains(entry.details, "Stationsplein"));

        const auto moved =
            move_appointment(db.store, zone, id, {make_date(2026, 3, 12), TimeOfDay::hm(13, 30)}, lead);
        REQUIRE(moved.ok());
        CHECK(moved.value.changed);
        CHECK(db.store.appointment(id)->previous_start_utc == std::optional(added.value.appointment.start_utc));

        REQUIRE(cancel_appointment(db.store, id, lead).ok());
        CHECK(db.store.appointment(id)->cancelled);
        CHECK(cancel_appointment(db.store, id, lead).errors.at(0).kind == ChangeError::Kind::conflict);
        CHECK(cancel_appointment(db.store, 999, lead).errors.at(0).message == "no appointment 999");
    }

    TEST_CASE("participants: every bad field at once, then what the record lacks; edit, remove, erase") {
        Almere db;
        ParticipantFields bad;
        bad.name = "Amina";
        bad.phone = "020-1234567";
        bad.language = "xx-yy-zz-ww";
        const auto refused = add_participant(db.store, bad, {}, lead);
        REQUIRE(refused.errors.size() == 2);
        CHECK(refused.errors[0].field == "phone");
        CHECK(refused.errors[1].field == "language");
        ParticipantFields no_contact;
        no_contact.name = "Amina";
        const auto lacking = add_participant(db.store, no_contact, {}, lead);
        REQUIRE(lacking.errors.size() == 1);
        CHECK(describe(lacking.errors[0], [](std::string_view f) { return std::optional("--" + std::string(f)); }) ==
              "give --phone or --email, so reminders can reach this person");
        CHECK(db.store.participants().empty());

        ParticipantFields fields;
        fields.name = "Amina Yusuf";
        fields.email = "amina@example.org";
        const auto added = add_participant(db.store, fields, {}, lead);
        REQUIRE(added.ok());
        const std::string id = added.value.id;
        ParticipantFields phone;
        phone.phone = "06-12345678";
        phone.channels = "sms";
        const auto edited = edit_participant(db.store, id, phone, {almere}, {}, lead);
        REQUIRE(edited.ok());
        CHECK(edited.value.fields == "phone, channels");
        CHECK(db.store.programmes_of(id) == std::vector<std::string>{almere});
        CHECK(edit_participant(db.store, id, {}, {"almere-vrouwen-2027"}, {}, lead).errors.at(0).hint ==
              "did you mean almere-vrouwen-2026?");

        REQUIRE(erase_participant(db.store, id, lead).ok());
        CHECK_FALSE(db.store.participant(id));
        CHECK(db.store.anonymous_enrolments(almere) == 1);
        CHECK_FALSE(remove_participant(db.store, id, lead).ok());
    }
}
