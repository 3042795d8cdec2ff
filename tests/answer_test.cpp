// Answers from participants: folding her text, the answer words per language, and the
// intake on both stores (excused, confirmations, the lead told, STOP and START, free
// text, too late, unknown numbers, erasure), and rendering the new message kinds.

#include "engine/base/log.hpp"
#include "engine/changes/answer_intake.hpp"
#include "engine/changes/apply.hpp"
#include "engine/message/answer_reading.hpp"
#include "engine/message/answer_words.hpp"
#include "engine/message/message_facts.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "postgres_test_store.hpp"
#include "test_support.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;
namespace fs = std::filesystem;

using ritme::test::PostgresFactory;

namespace {

struct MemoryFactory {
    static std::unique_ptr<Store> make() { return std::make_unique<MemoryStore>(); }
};
struct SqliteFactory {
    static std::unique_ptr<Store> make() {
        static int counter = 0;
        const auto dir = fs::temp_directory_path() / ("ritme-answer-test-" + std::to_string(++counter));
        fs::remove_all(dir);
        fs::create_directories(dir);
        return SqliteStore::open((dir / "ritme.db").string());
    }
};

UtcInstant utc(int year, int month, int day, int hour, int minute = 0) {
    return {pt::ptime(make_date(year, month, day), pt::hours(hour) + pt::minutes(minute))};
}

const MessageRenderer& shipped_renderer() {
    static Diagnostics diagnostics;
    static const std::optional<MessageRenderer> renderer =
        MessageRenderer::load(test::source_path("config/templates"), diagnostics);
    for (const auto& d : diagnostics.items()) MESSAGE(d.str());
    REQUIRE(renderer.has_value());
    return *renderer;
}

const AnswerWords& shipped_words() { return shipped_renderer().answer_words(); }

AnswerReading read(const std::string& text, const std::string& language) {
    return read_answer(shipped_words(), text, language);
}

PlanningRules sms_rules() {
    PlanningRules rules;
    std::string why;
    rules.defaults.session_offsets = {*ReminderOffset::parse("1d@18:00", why), *ReminderOffset::parse("2h", why)};
    rules.defaults.quiet_hours = {TimeOfDay::hm(21, 0), TimeOfDay::hm(8, 0)};
    rules.defaults.min_notice_minutes = 30;
    rules.timezone = "Europe/Amsterdam";
    rules.routes[Medium::sms] = {"sms", true};
    rules.routes[Medium::email] = {"email", false};
    return rules;
}

// The led Tuesday and Thursday track from 3 February 2026 09:30 (08:30 UTC); Amina by
// SMS (with an e-mail address), enrolled and planned for; the reminder of the evening
// before the first session sent.
struct Track {
    std::unique_ptr<Store> store;
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, [] { return std::string("T"); }};
    PlanningRules rules = sms_rules();
    StoredSession first;
    int64_t sent_reminder = 0;

    explicit Track(std::unique_ptr<Store> made) : store(std::move(made)) {
        const auto plan = test::plan(test::led_programme_toml("test"));
        store->write([&] { apply_programme(*store, plan, AuditContext{utc(2026, 1, 10, 9), "lead", "apply"}); });
        Participant amina;
        amina.id = "p-amina";
        amina.name = "Amina Yusuf";
        amina.phone = "+31612345678";
        amina.email = "amina@example.org";
        amina.language = "nl";
        amina.channels = {true, false};
        store->write([&] {
            store->put_participant(amina);
            store->enrol(amina.id, "test");
            plan_requested(*store, rules, utc(2026, 1, 20, 12));
        });
        for (const auto& s : store->sessions("test"))
            if (s.number == 1) first = s;
        const UtcInstant evening = utc(2026, 2, 2, 17);  // Monday 18:00
        store->write([&] {
            for (const auto& claimed : store->claim_due(evening, 100, "test", utc(2026, 2, 2, 18))) {
                DeliveryOutcome sent(claimed.delivery.id, DeliveryState::sent, evening);
                store->finish({sent});
                if (claimed.delivery.session_id == first.id) sent_reminder = claimed.delivery.id;
            }
        });
    }

    AnswerSetup setup() const {
        AnswerSetup s;
        s.words = &shipped_words();
        s.lead_routes = {{"sms", Medium::sms}, {"email", Medium::email}};
        const auto quiet = rules.defaults.quiet_hours;
        s.after_quiet_hours = [quiet](const std::string& channel, UtcInstant at) {
            if (channel != "sms") return at;
            return quiet.end_of(at, TimeZone::load("Europe/Amsterdam"));
        };
        return s;
    }

    AnswerTaken answer(const std::string& text, UtcInstant at, const std::string& from = "06-12345678") {
        AnswerIntake intake(*store, setup(), log);
        return intake.take("sms", InboundText{from, "+3197010000000", text, "provider-1"}, at);
    }

    std::vector<Delivery> of_kind(DeliveryKind kind) const {
        DeliveryQuery query;
        query.kinds = {kind};
        return store->deliveries(query);
    }
};

}  // namespace

TEST_SUITE_BEGIN("answers");

TEST_CASE("her text is folded: case, NFKC, Arabic letter variants and digits, marks, punctuation, emoji, spaces") {
    CHECK(fold_answer_text("  NEE!! ") == "nee");
    CHECK(fold_answer_text("Nee 👍") == "nee");
    CHECK(fold_answer_text("\"kan   niet.\"") == "kan niet");
    CHECK(fold_answer_text("ＮＥＥ") == "nee");                  // full-width, by NFKC
    CHECK(fold_answer_text("لأ") == "لا");                       // alef with hamza
    CHECK(fold_answer_text("لـــا") == "لا");                     // tatweel
    CHECK(fold_answer_text("لاَ") == "لا");                       // a vowel mark
    CHECK(fold_answer_text("ﻻ") == "لا");                        // the lam-alef ligature, by NFKC
    CHECK(fold_answer_text("ی") == fold_answer_text("ي"));       // Farsi and Arabic yeh
    CHECK(fold_answer_text("ى") == fold_answer_text("ي"));       // alef maksura
    CHECK(fold_answer_text("ک") == fold_answer_text("ك"));       // keheh and kaf
    CHECK(fold_answer_text("ة") == fold_answer_text("ه"));       // teh marbuta and heh
    CHECK(fold_answer_text("إ") == fold_answer_text("آ"));
    CHECK(fold_answer_text("١") == "1");                         // Arabic-Indic
    CHECK(fold_answer_text("۲") == "2");                         // Extended Arabic-Indic
    CHECK(fold_answer_text("نمی‌آیم") == fold_answer_text("نمیایم"));  // zero-width non-joiner
    CHECK(fold_answer_text("አይ።") == "አይ");                       // Ge'ez full stop
    CHECK(fold_answer_text("?!") == "");
    CHECK(fold_answer_text(std::string("ne\xff" "e")) == "ne\xef\xbf\xbd" "e");  // a bad byte replaced
}

TEST_CASE("answer words: each language's file, the universal words, and the nl words for a language without") {
    CHECK(read("nee", "nl") == AnswerReading::cannot_come);
    CHECK(read("NEE!", "nl") == AnswerReading::cannot_come);
    CHECK(read("Kan niet", "nl") == AnswerReading::cannot_come);
    CHECK(read("1", "nl") == AnswerReading::cannot_come);
    CHECK(read("JA", "nl") == AnswerReading::coming);
    CHECK(read("2", "nl") == AnswerReading::coming);
    CHECK(read("STOP", "nl") == AnswerReading::stop);
    CHECK(read("Start", "nl") == AnswerReading::start);
    CHECK(read("Ik ben ziek, sorry", "nl") == AnswerReading::free_text);
    CHECK(read("", "nl") == AnswerReading::free_text);
    // Arabic, as a phone sends it: with a hamza, a vowel mark, Arabic-Indic digits.
    CHECK(read("لا", "ar") == AnswerReading::cannot_come);
    CHECK(read("لأ", "ar") == AnswerReading::cannot_come);
    CHECK(read("١", "ar") == AnswerReading::cannot_come);
    CHECK(read("نعم", "ar") == AnswerReading::coming);
    CHECK(read("STOP", "ar") == AnswerReading::stop);
    CHECK(read("no", "ar") == AnswerReading::cannot_come);  // NO and YES in every language
    CHECK(read("YES", "ti") == AnswerReading::coming);
    CHECK(read("نه", "fa") == AnswerReading::cannot_come);
    CHECK(read("۱", "fa") == AnswerReading::cannot_come);
    CHECK(read("بلی", "fa-AF") == AnswerReading::coming);  // Dari
    CHECK(read("HAYIR", "tr") == AnswerReading::cannot_come);  // dotless ı lower-cased as i
    CHECK(read("hayır", "tr") == AnswerReading::cannot_come);
    CHECK(read("НІ", "uk") == AnswerReading::cannot_come);
    CHECK(read("Maya", "so") == AnswerReading::cannot_come);
    CHECK(read("haa", "so") == AnswerReading::coming);
    CHECK(read("አይ", "am") == AnswerReading::cannot_come);
    CHECK(read("نه", "ps") == AnswerReading::cannot_come);
    CHECK(read("Na", "ku") == AnswerReading::cannot_come);
    CHECK(read("nee", "pl") == AnswerReading::cannot_come);  // no words of her own: she got the nl text
    CHECK(read("nee", "ar") == AnswerReading::free_text);    // another language's words are not hers
    for (const std::string language : {"nl", "en", "ar", "fa", "fa-AF", "ti", "tr", "uk", "so", "ps", "am", "ku"}) {
        CAPTURE(language);
        CHECK_FALSE(shipped_words().words(language, AnswerReading::cannot_come).empty());
        CHECK_FALSE(shipped_words().words(language, AnswerReading::coming).empty());
    }
}

TEST_CASE("an answers file with an unknown key, a word that is no text, or a word with two meanings is refused at file:line:col") {
    AnswerWords words;
    Diagnostics diagnostics;
    CHECK_FALSE(words.add_language("nl", "cannot_come = [\"nee\"]\ncomming = [\"ja\"]\n", "nl/answers.toml", diagnostics));
    REQUIRE(diagnostics.error_count() == 1);
    CHECK(diagnostics.items()[0].where.line == 2);
    CHECK(diagnostics.items()[0].str().find("did you mean coming") != std::string::npos);

    Diagnostics more;
    CHECK_FALSE(words.add_language("nl", "cannot_come = [\"nee\", 1]\ncoming = [\"ja\", \"NEE!\"]\nstop = [\"yes\"]\n",
                                   "nl/answers.toml", more));
    CHECK(more.error_count() == 3);
    bool number = false, twice = false, universal = false;
    for (const auto& d : more.items()) {
        number = number || (d.where.line == 1 && d.where.column == 23);
        twice = twice || (d.where.line == 2 && d.message.find("also listed under `cannot_come`") != std::string::npos);
        universal = universal || (d.where.line == 3 && d.message.find("in every language") != std::string::npos);
    }
    CHECK(number);
    CHECK(twice);
    CHECK(universal);
    CHECK(words.languages().empty());

    Diagnostics fine;
    CHECK(words.add_language("nl", "cannot_come = [\"nee\", \"kan niet\"]\n", "nl/answers.toml", fine));
    CHECK(words.meaning("kan niet", "nl") == AnswerReading::cannot_come);
}

TEST_CASE("the renderer's load reports a broken answers file with the templates") {
    const fs::path dir = fs::temp_directory_path() / "ritme-answer-test-templates";
    fs::remove_all(dir);
    fs::copy(test::source_path("config/templates"), dir, fs::copy_options::recursive);
    {
        std::ofstream out(dir / "ar" / "answers.toml");
        out << "cannot_come = [\"لا\"]\nstart_again = [\"ابدأ\"]\n";
    }
    Diagnostics diagnostics;
    CHECK_FALSE(MessageRenderer::load(dir, diagnostics).has_value());
    REQUIRE(diagnostics.error_count() == 1);
    CHECK(diagnostics.items()[0].where.file == (dir / "ar" / "answers.toml").string());
    CHECK(diagnostics.items()[0].where.line == 2);
    CHECK(diagnostics.items()[0].where.column == 1);
}

TEST_CASE_TEMPLATE("NEE: excused, her remaining reminders cancelled, a confirmation at once, the lead told after the quiet hours",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    REQUIRE(track.sent_reminder != 0);
    const UtcInstant late_evening = utc(2026, 2, 2, 21, 30);  // 22:30 in Amsterdam: quiet
    const AnswerTaken taken = track.answer("NEE!", late_evening);
    REQUIRE(taken.known_sender);
    REQUIRE(taken.answer);
    const StoredAnswer& answer = *taken.answer;
    CHECK(answer.reading == AnswerReading::cannot_come);
    CHECK(answer.delivery_id == track.sent_reminder);
    CHECK(answer.session_id == track.first.id);
    CHECK_FALSE(answer.too_late);
    CHECK(answer.for_lead);
    CHECK(answer.lead_delivery_id != 0);
    CHECK(taken.cancelled_reminders == 1);  // the 2h one; the one sent stays sent

    const auto stored = track.store->answers("p-amina");
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].words == "NEE!");
    CHECK(stored[0].channel == "sms");
    CHECK(stored[0].received_at == late_evening);
    CHECK(stored[0].lead_delivery_id == answer.lead_delivery_id);

    const auto attendance = track.store->attendance_of_participant("p-amina");
    REQUIRE(attendance.size() == 1);
    CHECK(attendance[0].session_id == track.first.id);
    CHECK(attendance[0].status == AttendanceStatus::excused);
    CHECK(attendance[0].source == "sms");
    CHECK(attendance[0].at == late_evening);

    DeliveryQuery hers;
    hers.session_id = track.first.id;
    hers.kinds = {DeliveryKind::reminder};
    for (const auto& reminder : track.store->deliveries(hers)) {
        if (reminder.id == track.sent_reminder) CHECK(reminder.state == DeliveryState::sent);
        else CHECK(reminder.state == DeliveryState::cancelled);
    }

    const auto confirmations = track.of_kind(DeliveryKind::confirmation);
    REQUIRE(confirmations.size() == 1);
    CHECK(confirmations[0].id == taken.confirmation_id);
    CHECK(confirmations[0].participant_id == "p-amina");
    CHECK(confirmations[0].channel == "sms");
    CHECK(confirmations[0].send_at == late_evening);  // she just wrote: no quiet hours

    const auto alerts = track.of_kind(DeliveryKind::answer_alert);
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].id == answer.lead_delivery_id);
    CHECK(alerts[0].channel == "sms");  // the lead has a phone
    CHECK(alerts[0].programme_id == "test");
    CHECK(alerts[0].send_at == utc(2026, 2, 3, 7));  // 08:00 in Amsterdam

    // Audited without her words; logged without them and without her number.
    const auto audit = track.store->audit();
    REQUIRE_FALSE(audit.empty());
    CHECK(audit.back().action == "answer.cannot_come");
    CHECK(audit.back().subject == "p-amina");
    CHECK(audit.back().details.find("NEE") == std::string::npos);
    CHECK(track.log_text.str().find("NEE") == std::string::npos);
    CHECK(track.log_text.str().find("12345678") == std::string::npos);

    // Planning again leaves her reminders for that session cancelled.
    track.store->write([&] { plan_everything(*track.store, track.rules, utc(2026, 2, 2, 21, 40)); });
    for (const auto& reminder : track.store->deliveries(hers))
        if (reminder.id != track.sent_reminder) CHECK(reminder.state == DeliveryState::cancelled);
}

TEST_CASE_TEMPLATE("the confirmation and the lead's message render in her language and the lead's", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    track.answer("kan niet", utc(2026, 2, 2, 19));
    MessageFactsSource facts(*track.store, "Europe/Amsterdam");
    std::string why;
    const auto confirmation = track.of_kind(DeliveryKind::confirmation).at(0);
    const auto to_her = facts.facts_for(confirmation, why);
    REQUIRE_MESSAGE(to_her, why);
    const auto text = shipped_renderer().render(*to_her, "nl", Medium::sms).text;
    CHECK(text.find("Amina") != std::string::npos);
    CHECK(text.find("afgemeld") != std::string::npos);
    CHECK(text.find("dinsdag 3 februari") != std::string::npos);

    const auto alert = track.of_kind(DeliveryKind::answer_alert).at(0);
    const auto address = facts.address_for(alert, Medium::sms);
    REQUIRE(address.address);
    CHECK(address.address->to == "+31687654321");
    const auto to_lead = facts.facts_for(alert, why);
    REQUIRE_MESSAGE(to_lead, why);
    const auto lead_text = shipped_renderer().render(*to_lead, "nl", Medium::sms).text;
    CHECK(lead_text.find("Amina Yusuf kan niet komen") != std::string::npos);
    CHECK(lead_text.find("\"kan niet\"") != std::string::npos);
    CHECK(lead_text.find("bijeenkomst 1") != std::string::npos);
}

TEST_CASE_TEMPLATE("NEE to an appointment reminder excuses her for the appointment and keeps its reminders cancelled",
                   Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    track.rules.defaults.appointment_offsets = track.rules.defaults.session_offsets;
    Appointment visit;
    visit.participant_id = "p-amina";
    visit.programme_id = "test";
    visit.start_utc = utc(2026, 2, 5, 13);  // Thursday 14:00
    visit.where = "Stadhuisplein 1, Almere";
    track.store->write([&] {
        visit.id = track.store->put_appointment(visit);
        plan_appointments(*track.store, "p-amina", track.rules, utc(2026, 2, 3, 12));
    });
    const UtcInstant evening = utc(2026, 2, 4, 17);  // the day before at 18:00
    int64_t sent = 0;
    track.store->write([&] {
        for (const auto& claimed : track.store->claim_due(evening, 100, "test", utc(2026, 2, 4, 18)))
            if (claimed.delivery.appointment_id == visit.id) {
                track.store->finish({DeliveryOutcome(claimed.delivery.id, DeliveryState::sent, evening)});
                sent = claimed.delivery.id;
            } else {
                track.store->finish({DeliveryOutcome(claimed.delivery.id, DeliveryState::expired, evening)});
            }
    });
    REQUIRE(sent != 0);
    const AnswerTaken taken = track.answer("Nee", utc(2026, 2, 4, 19));
    REQUIRE(taken.answer);
    CHECK(taken.answer->delivery_id == sent);
    CHECK(taken.answer->appointment_id == visit.id);
    CHECK(taken.answer->session_id == 0);
    CHECK(taken.cancelled_reminders == 1);
    const auto attendance = track.store->attendance_of_participant("p-amina");
    REQUIRE(attendance.size() == 1);
    CHECK(attendance[0].appointment_id == visit.id);
    CHECK(attendance[0].status == AttendanceStatus::excused);
    track.store->write([&] { plan_appointments(*track.store, "p-amina", track.rules, utc(2026, 2, 4, 19, 5)); });
    DeliveryQuery reminders;
    reminders.appointment_id = visit.id;
    reminders.kinds = {DeliveryKind::appointment};
    for (const auto& row : track.store->deliveries(reminders))
        CHECK((row.id == sent ? row.state == DeliveryState::sent : row.state == DeliveryState::cancelled));
}

TEST_CASE_TEMPLATE("the sender's number is read in every form a gateway gives it", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    for (const std::string from : {"+31612345678", "0031612345678", "31612345678", "06-12345678"}) {
        CAPTURE(from);
        CHECK(track.answer("ja", utc(2026, 2, 2, 19), from).known_sender);
    }
    CHECK_FALSE(track.answer("ja", utc(2026, 2, 2, 19), "32470123456").known_sender);  // +32: another number
}

TEST_CASE_TEMPLATE("JA is recorded and nothing is sent", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    const auto before = track.store->deliveries({}).size();
    const AnswerTaken taken = track.answer("Ja", utc(2026, 2, 2, 19));
    REQUIRE(taken.answer);
    CHECK(taken.answer->reading == AnswerReading::coming);
    CHECK_FALSE(taken.answer->for_lead);
    CHECK(taken.confirmation_id == 0);
    CHECK(track.store->deliveries({}).size() == before);
    CHECK(track.store->attendance_of_participant("p-amina").empty());
    CHECK(track.store->answers("").size() == 1);
}

TEST_CASE_TEMPLATE("STOP: no more SMS but the one confirmation, the lead told; START undoes it", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    const AnswerTaken stop = track.answer("stop", utc(2026, 2, 2, 19));
    REQUIRE(stop.answer);
    CHECK(stop.answer->reading == AnswerReading::stop);
    CHECK(track.store->participant("p-amina")->sms_opt_out);
    CHECK(stop.answer->lead_delivery_id != 0);
    REQUIRE(stop.confirmation_id != 0);
    // The planner moves her reminders off SMS: a plan request was filed.
    const auto requests = track.store->plan_requests();
    CHECK(std::find(requests.begin(), requests.end(), "participant:p-amina") != requests.end());
    track.store->write([&] { plan_requested(*track.store, track.rules, utc(2026, 2, 2, 19, 1)); });
    DeliveryQuery pending;
    pending.participant_id = "p-amina";
    pending.kinds = {DeliveryKind::reminder};
    pending.states = {DeliveryState::planned, DeliveryState::retry};
    const auto moved = track.store->deliveries(pending);
    CHECK_FALSE(moved.empty());
    for (const auto& row : moved) CHECK(row.channel == "email");  // she has an address

    MessageFactsSource facts(*track.store, "Europe/Amsterdam");
    CHECK(facts.address_for(*track.store->delivery(stop.confirmation_id), Medium::sms).address);  // the one SMS after STOP
    Delivery reminder;
    reminder.kind = DeliveryKind::reminder;
    reminder.participant_id = "p-amina";
    CHECK(facts.address_for(reminder, Medium::sms).opted_out);

    CHECK(track.store->participant("p-amina")->channels.email);  // STOP added it: she has an address

    const AnswerTaken start = track.answer("START", utc(2026, 2, 2, 19, 5));
    REQUIRE(start.answer);
    CHECK(start.answer->reading == AnswerReading::start);
    CHECK_FALSE(track.store->participant("p-amina")->sms_opt_out);
    CHECK_FALSE(track.store->participant("p-amina")->channels.email);  // as before her STOP
    CHECK(start.confirmation_id != 0);
    track.store->write([&] { plan_requested(*track.store, track.rules, utc(2026, 2, 2, 19, 6)); });
    const auto back = track.store->deliveries(pending);
    CHECK_FALSE(back.empty());
    for (const auto& row : back) CHECK(row.channel == "sms");
}

TEST_CASE_TEMPLATE("with the daemon's planning rules, STOP moves her reminders to e-mail in the same transaction", Factory,
                   MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    AnswerSetup setup = track.setup();
    setup.planning = &track.rules;
    AnswerIntake intake(*track.store, setup, track.log);
    intake("sms", InboundText{"+31612345678", "", "STOP", ""}, utc(2026, 2, 2, 19));
    CHECK(track.store->plan_requests().empty());
    DeliveryQuery sms;
    sms.participant_id = "p-amina";
    sms.kinds = {DeliveryKind::reminder};
    sms.states = {DeliveryState::planned, DeliveryState::retry};
    const auto rows = track.store->deliveries(sms);
    CHECK_FALSE(rows.empty());
    for (const auto& row : rows) CHECK(row.channel == "email");
}

TEST_CASE_TEMPLATE("her own words go to the lead at once and she hears they were passed on", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    const AnswerTaken taken = track.answer("Mijn zoon is ziek, ik weet het nog niet", utc(2026, 2, 2, 12));
    REQUIRE(taken.answer);
    CHECK(taken.answer->reading == AnswerReading::free_text);
    CHECK(taken.answer->lead_delivery_id != 0);
    REQUIRE(taken.confirmation_id != 0);
    CHECK(track.store->delivery(taken.confirmation_id)->payload.find("passed-on") != std::string::npos);
    CHECK(track.store->delivery(taken.answer->lead_delivery_id)->send_at == utc(2026, 2, 2, 12));  // daytime: at once
    CHECK(track.store->attendance_of_participant("p-amina").empty());
}

TEST_CASE_TEMPLATE("an answer after the start goes to the lead only", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    const AnswerTaken taken = track.answer("nee", utc(2026, 2, 3, 9));  // session 1 began at 08:30
    REQUIRE(taken.answer);
    CHECK(taken.answer->too_late);
    CHECK(taken.answer->session_id == track.first.id);
    CHECK(taken.answer->lead_delivery_id != 0);
    CHECK(taken.confirmation_id == 0);
    CHECK(taken.cancelled_reminders == 0);
    CHECK(track.store->attendance_of_participant("p-amina").empty());
}

TEST_CASE_TEMPLATE("an unknown number is counted and logged masked; nothing is stored or sent", Factory, MemoryFactory,
                   SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    const auto before = track.store->deliveries({}).size();
    const AnswerTaken taken = track.answer("NEE", utc(2026, 2, 2, 19), "+31699999999");
    CHECK_FALSE(taken.known_sender);
    track.answer("hallo", utc(2026, 2, 2, 19), "not a number");
    CHECK(track.store->answers("").empty());
    CHECK(track.store->deliveries({}).size() == before);
    CHECK(track.store->setting(unknown_sender_setting) == "2");
    const std::string log = track.log_text.str();
    CHECK(log.find("answer.unknown_sender") != std::string::npos);
    CHECK(log.find("99999999") == std::string::npos);
    CHECK(log.find("NEE") == std::string::npos);
    CHECK(log.find("hallo") == std::string::npos);
}

TEST_CASE_TEMPLATE("erasing her deletes her answers and attendance", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    track.answer("nee", utc(2026, 2, 2, 19));
    REQUIRE(track.store->answers("p-amina").size() == 1);
    track.store->write([&] { track.store->delete_participant("p-amina", true); });
    CHECK(track.store->answers("").empty());
    CHECK(track.store->attendance_of_participant("p-amina").empty());
    CHECK(track.store->attendance_of_programme("test").empty());
    CHECK(track.of_kind(DeliveryKind::answer_alert).empty());
    CHECK(track.of_kind(DeliveryKind::confirmation).empty());
}

TEST_CASE_TEMPLATE("a busy store lets the error through and keeps nothing", Factory, MemoryFactory, SqliteFactory, PostgresFactory) {
    Track track(Factory::make());
    AnswerSetup setup = track.setup();
    setup.after_quiet_hours = [](const std::string&, UtcInstant) -> UtcInstant { throw StoreBusy("locked"); };
    AnswerIntake intake(*track.store, setup, track.log);
    CHECK_THROWS_AS(intake.take("sms", InboundText{"0612345678", "", "vraagje", ""}, utc(2026, 2, 2, 19)), StoreBusy);
    CHECK(track.store->answers("").empty());
    CHECK(track.of_kind(DeliveryKind::confirmation).empty());
}

TEST_CASE("migrations: a version 6 outbox keeps its rows and receipts, and takes the new kinds") {
    const auto dir = fs::temp_directory_path() / "ritme-answer-test-migration";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string path = (dir / "ritme.db").string();
    SqliteStore::open_at_version(path, 6);
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("PRAGMA foreign_keys = ON");
        db.exec("INSERT INTO delivery (id, key, kind, programme_id, session_version, appointment_version, "
                "participant_id, reminder_offset, channel, send_at, state, attempts, reason, provider_id, "
                "provider_status, claimed_by, payload) VALUES (7, 'k', 'reminder', 'test', 1, 0, 'p-1', '2h', 'sms', "
                "1770000000, 'sent', 1, '', 'gw-1', 'accepted', '', '{}')");
        db.exec("INSERT INTO delivery_receipt (delivery_id, at, status, detail) VALUES (7, 1770000100, 'delivered', 'ACK/')");
        CHECK_THROWS(db.exec("UPDATE delivery SET kind = 'confirmation' WHERE id = 7"));
    }
    auto store = SqliteStore::open(path);
    CHECK(store->schema_version() == SqliteStore::current_schema_version);
    REQUIRE(store->delivery(7));
    CHECK(store->delivery(7)->provider_id == "gw-1");
    CHECK(store->delivery_by_provider_id("sms", "gw-1"));
    REQUIRE(store->receipts(7).size() == 1);
    CHECK(store->receipts(7)[0].detail == "ACK/");
    Delivery confirmation;
    confirmation.key = "confirm:1:sms";
    confirmation.kind = DeliveryKind::confirmation;
    confirmation.participant_id = "p-1";
    confirmation.channel = "sms";
    confirmation.send_at = utc(2026, 2, 2, 19);
    confirmation.expires_at = utc(2026, 2, 3, 19);
    store->write([&] { CHECK(store->add_delivery(confirmation) != 0); });
    const auto claimed = [&] {
        std::vector<ClaimedDelivery> out;
        store->write([&] { out = store->claim_due(utc(2026, 2, 2, 19), 10, "test", utc(2026, 2, 2, 20)); });
        return out;
    }();
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].delivery.kind == DeliveryKind::confirmation);
}

TEST_CASE("three NEE in a row, each to the reminder before its session, open one follow-up for the lead") {
    Track t(std::make_unique<MemoryStore>());
    // The evenings before sessions 1, 2 and 3 (Tue 3, Thu 5 and Tue 10 February): the
    // reminder goes, she answers NEE.
    const auto send_due = [&](UtcInstant at) {
        t.store->write([&] {
            for (const auto& claimed : t.store->claim_due(at, 100, "test", {at.utc + pt::hours(1)}))
                t.store->finish({DeliveryOutcome(claimed.delivery.id, DeliveryState::sent, at)});
        });
    };
    const auto first = t.answer("NEE", utc(2026, 2, 2, 17, 5));
    CHECK(first.follow_ups.empty());
    send_due(utc(2026, 2, 4, 17));
    CHECK(t.answer("nee", utc(2026, 2, 4, 17, 5)).follow_ups.empty());
    send_due(utc(2026, 2, 9, 17));
    const auto third = t.answer("Kan niet", utc(2026, 2, 9, 17, 5));
    REQUIRE(third.answer);
    CHECK(third.answer->reading == AnswerReading::cannot_come);
    REQUIRE(third.follow_ups.size() == 1);
    CHECK(third.follow_ups.front().cause == FollowUpCause::no_answers_in_a_row);
    CHECK(third.follow_ups.front().participant_id == "p-amina");
    CHECK(third.follow_ups.front().count == 3);
    CHECK(t.store->follow_ups("test", true).size() == 1);
}

TEST_SUITE_END();

TEST_SUITE_BEGIN("answers");

TEST_CASE("so, fa-AF, ps, am and ku have every template a participant gets and answer words, marked for review") {
    const std::string marker = "{{! Needs review by a native speaker";
    for (const std::string language : {"so", "fa-AF", "ps", "am", "ku"}) {
        CAPTURE(language);
        CHECK(shipped_renderer().has_language(language));
        for (const std::string& name : template_names()) {
            if (name == "alert" || name == "answer-alert") continue;  // the lead's: nl or en
            const fs::path file = test::source_path("config/templates/" + language + "/" + name + ".mustache");
            CAPTURE(file.string());
            REQUIRE(fs::exists(file));
            std::ifstream in(file);
            const std::string text((std::istreambuf_iterator<char>(in)), {});
            CHECK(text.rfind(marker, 0) == 0);
        }
        std::ifstream in(test::source_path("config/templates/" + language + "/answers.toml"));
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        CHECK(text.rfind("# Needs review by a native speaker", 0) == 0);
    }
    CHECK(shipped_renderer().has_language("nl-BE"));
    CHECK_FALSE(shipped_renderer().has_language("pl"));
}

TEST_CASE("the README's table lists every language's answer words") {
    std::ifstream in(test::source_path("README.md"));
    const std::string readme((std::istreambuf_iterator<char>(in)), {});
    for (const auto& language : shipped_words().languages()) {
        CAPTURE(language);
        CHECK(readme.find("| `" + language + "` ") != std::string::npos);
        for (const AnswerReading reading :
             {AnswerReading::cannot_come, AnswerReading::coming, AnswerReading::stop, AnswerReading::start})
            for (const auto& word : shipped_words().words(language, reading)) {
                CAPTURE(word);
                CHECK(readme.find("`" + word + "`") != std::string::npos);
            }
    }
}

TEST_CASE("every reminder, appointment and change template says how to answer") {
    const MessageFacts base = [] {
        MessageFacts facts;
        facts.first_name = "Amina";
        facts.start = {make_date(2026, 3, 3), TimeOfDay::hm(9, 30)};
        facts.end = TimeOfDay::hm(11, 30);
        facts.location_name = "De Schakel";
        facts.session_number = 3;
        return facts;
    }();
    for (const std::string language : {"nl", "en"})
        for (const DeliveryKind kind : {DeliveryKind::reminder, DeliveryKind::appointment, DeliveryKind::change}) {
            MessageFacts facts = base;
            facts.kind = kind;
            if (kind == DeliveryKind::change) facts.change = "moved";
            const std::string text = shipped_renderer().render(facts, language, Medium::sms).text;
            CAPTURE(text);
            CHECK(text.find(language == "nl" ? "Stuur NEE" : "Send NO") != std::string::npos);
        }
}

namespace {

const std::vector<std::string> shipped_languages = {"nl", "en", "ar", "tr", "ti", "uk",
                                                    "fa", "fa-AF", "so", "ps", "am", "ku"};

// Every template that asks for an answer: the reminders and the change notices.
std::vector<MessageFacts> asking_kinds(const std::string& lead_name, const std::string& lead_phone) {
    MessageFacts session;
    session.first_name = "Amina";
    session.start = {make_date(2026, 3, 3), TimeOfDay::hm(9, 30)};
    session.end = TimeOfDay::hm(11, 30);
    session.location_name = "De Schakel";
    session.location_address = "Kruidenwijk, Almere";
    session.session_number = 3;
    session.lead_name = lead_name;
    session.lead_phone = lead_phone;
    MessageFacts appointment = session;
    appointment.kind = DeliveryKind::appointment;
    appointment.session_number = 0;
    appointment.location_name.clear();
    appointment.note = "Bus 4 tot halte Stadhuis";
    std::vector<MessageFacts> all = {session, appointment};
    for (const std::string change : {"moved", "cancelled", "restored"}) {
        MessageFacts notice = session;
        notice.kind = DeliveryKind::change;
        notice.change = change;
        if (change == "moved") notice.previous_start = LocalDateTime{make_date(2026, 3, 2), TimeOfDay::hm(9, 30)};
        all.push_back(notice);
    }
    return all;
}

// Whether `text` has, as a word of its own, the first "I can't come" word of `language`
// (nee, لا, hayır), as written in answers.toml or in upper case as a template writes it
// (NEE, HAYIR).
bool names_cannot_come_word(const std::string& text, const std::string& language) {
    const auto words = shipped_words().words(language, AnswerReading::cannot_come);
    REQUIRE_FALSE(words.empty());
    std::string upper;
    icu::UnicodeString::fromUTF8(words.front()).toUpper(icu::Locale(language.c_str())).toUTF8String(upper);
    const std::string as_written = fold_answer_text(words.front()), as_upper = fold_answer_text(upper);
    std::istringstream tokens(text);
    for (std::string token; tokens >> token;)
        if (const std::string folded = fold_answer_text(token); folded == as_written || folded == as_upper)
            return true;
    return false;
}

// Whether a word of `text` would be read as "I can't come" in `language` (a number, as in
// an address, aside).
bool has_any_cannot_come_word(const std::string& text, const std::string& language) {
    std::istringstream tokens(text);
    for (std::string token; tokens >> token;) {
        const std::string folded = fold_answer_text(token);
        const bool number = !folded.empty() && std::all_of(folded.begin(), folded.end(), [](char c) {
            return c >= '0' && c <= '9';
        });
        if (!number && shipped_words().meaning(folded, language) == AnswerReading::cannot_come) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("by SMS every asking template says how to answer; by e-mail, which reaches no one, it says to call") {
    CHECK(shipped_words().languages() == [] {
        auto sorted = shipped_languages;
        std::sort(sorted.begin(), sorted.end());
        return sorted;
    }());
    const std::string phone = "+31687654321";
    for (const std::string& language : shipped_languages)
        for (const MessageFacts& facts : asking_kinds("Anna", phone)) {
            CAPTURE(language);
            CAPTURE(name_of(facts.kind));
            CAPTURE(facts.change);
            const RenderedMessage sms = shipped_renderer().render(facts, language, Medium::sms);
            const RenderedMessage email = shipped_renderer().render(facts, language, Medium::email);
            CAPTURE(sms.text);
            CAPTURE(email.text);
            CHECK(sms.language == language);
            CHECK(email.language == language);
            if (facts.change == "cancelled") {
                // Nothing to decline: a cancellation asks for questions by SMS.
                CHECK(sms.text.find(phone) != std::string::npos);
            } else {
                CHECK(names_cannot_come_word(sms.text, language));
            }
            CHECK_FALSE(names_cannot_come_word(email.text, language));
            CHECK_FALSE(has_any_cannot_come_word(email.text, language));
            CHECK(email.text.find(phone) != std::string::npos);
            // The message itself is the same: only the line on answering differs.
            CHECK(email.text.substr(0, email.text.rfind('\n')) == sms.text.substr(0, sms.text.rfind('\n')));
            CHECK(email.text != sms.text);
        }
}

TEST_CASE("by e-mail without the lead's number: her name, or no line on answering at all") {
    for (const std::string& language : shipped_languages) {
        for (const MessageFacts& facts : asking_kinds("Anna", "")) {
            CAPTURE(language);
            CAPTURE(name_of(facts.kind));
            CAPTURE(facts.change);
            const std::string sms = shipped_renderer().render(facts, language, Medium::sms).text;
            const std::string email = shipped_renderer().render(facts, language, Medium::email).text;
            CAPTURE(sms);
            CAPTURE(email);
            if (facts.change != "cancelled") CHECK(names_cannot_come_word(sms, language));
            CHECK_FALSE(has_any_cannot_come_word(email, language));
            CHECK(email.find("Anna") != std::string::npos);
            CHECK(email.find("\n\n") == std::string::npos);
            CHECK(email.back() != ':');
        }
        for (const MessageFacts& facts : asking_kinds("", "")) {
            CAPTURE(language);
            CAPTURE(name_of(facts.kind));
            CAPTURE(facts.change);
            const std::string sms = shipped_renderer().render(facts, language, Medium::sms).text;
            const std::string email = shipped_renderer().render(facts, language, Medium::email).text;
            if (facts.change != "cancelled") CHECK(names_cannot_come_word(sms, language));
            // No one to name: the e-mail is the message without its last line.
            CHECK(email == sms.substr(0, sms.rfind('\n')));
        }
    }
}

TEST_CASE("a language without templates: the nl and en texts, each saying how to answer by SMS only") {
    MessageFacts facts = asking_kinds("Anna", "+31687654321").front();
    const RenderedMessage sms = shipped_renderer().render(facts, "pl", Medium::sms);
    const RenderedMessage email = shipped_renderer().render(facts, "pl", Medium::email);
    REQUIRE(sms.language == "nl+en");
    CHECK(sms.text.find("Stuur NEE of bel +31687654321.") != std::string::npos);
    CHECK(sms.text.find("Send NO or call +31687654321.") != std::string::npos);
    CHECK(email.text.find("Kun je niet? Bel +31687654321.") != std::string::npos);
    CHECK(email.text.find("Can't come? Call +31687654321.") != std::string::npos);
    CHECK_FALSE(names_cannot_come_word(email.text, "nl"));
    CHECK_FALSE(names_cannot_come_word(email.text, "en"));
}

TEST_SUITE_END();
