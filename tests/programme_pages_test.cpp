// The lead's programme pages, driven through the daemon's routes in process with a
// signed-in lead: the next session's card (a NEE with its time, a participant not
// reached, who has not answered), the crèche count, a participant's page, attendance
// by one tap, a move shown first (nothing changes) and then confirmed, and the refusals:
// 401 not signed in, 403 another lead's programme or a forged CSRF token, 404 a session
// of another programme; the open follow-ups on the programme page, closed with
// "Afgehandeld", and their count on the home page.

#include "engine/changes/apply.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/changes/lead_changes.hpp"
#include "engine/changes/session_roster.hpp"
#include "engine/http/http_routes.hpp"
#include "engine/http/lead_pages.hpp"
#include "engine/message/local_dates.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/planner/planner.hpp"
#include "engine/store/delivery_reason.hpp"
#include "engine/store/memory_store.hpp"
#include "engine/store/sqlite_store.hpp"
#include "engine/time/local_time_text.hpp"
#include "engine/time/time_zone.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>

using namespace ritme;
namespace pt = boost::posix_time;

namespace {

UtcInstant utc(int month, int day, int hour, int minute = 0) {
    return {pt::ptime(make_date(2026, month, day), pt::hours(hour) + pt::minutes(minute))};
}

const MessageRenderer& shipped_renderer() {
    static Diagnostics diagnostics;
    static const std::optional<MessageRenderer> renderer =
        MessageRenderer::load(test::source_path("config/templates"), diagnostics);
    REQUIRE(renderer.has_value());
    return *renderer;
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

bool has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

std::string header_of(const HttpAnswer& answer, std::string_view name) {
    for (const auto& [header, value] : answer.headers)
        if (header == name) return value;
    return {};
}

// The text between the first `from` after `after` and the next `to`: one part of a page.
std::string section(const std::string& page, std::string_view after, std::string_view to = "</ul>") {
    const size_t start = page.find(after);
    if (start == std::string::npos) return {};
    return page.substr(start, page.find(to, start) - start);
}

std::unique_ptr<Store> memory_store() { return std::make_unique<MemoryStore>(); }
std::unique_ptr<Store> sqlite_store() {
    static int counter = 0;
    const auto dir = std::filesystem::temp_directory_path() / ("ritme-pages-test-" + std::to_string(++counter));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return SqliteStore::open((dir / "ritme.db").string());
}

// Two led programmes (almere: Tuesday and Thursday 09:30 from 3 February 2026; zeewolde
// alike), Amina (2 children), Bea (1 child, said NEE to the first session) and Chloe
// (whose reminder for it failed) in almere, their reminders planned and the evening
// reminder of 2 February sent; Ans leads almere, Els zeewolde, both signed in.
struct Site {
    std::unique_ptr<Store> owned;
    Store& store;
    std::ostringstream log_text;
    Log log{log_text, LogLevel::debug, [] { return std::string("T"); }};
    MetricsRegistry metrics;
    HttpRoutes routes{store, log, metrics, [](auto&&...) {}, [](auto&&...) {}};
    PlanningRules rules = sms_rules();
    StoredSession first;
    UtcInstant bea_said_no = utc(2, 2, 17, 42);
    int changes_seen = 0;
    std::string ans_cookie, els_cookie;

    explicit Site(std::unique_ptr<Store> made = memory_store()) : owned(std::move(made)), store(*owned) {
        for (const std::string id : {"almere", "zeewolde"}) {
            const auto plan = test::plan(test::led_programme_toml(id));
            store.write([&] { apply_programme(store, plan, {utc(1, 10, 9), "operator", "apply"}); });
        }
        add("p-amina", "Amina Yusuf", 2);
        add("p-bea", "Bea <Bakker> & co", 1);
        add("p-chloe", "Chloe", 0);
        store.write([&] { plan_requested(store, rules, utc(1, 20, 12)); });
        for (const auto& s : store.sessions("almere"))
            if (s.number == 1) first = s;
        const UtcInstant evening = utc(2, 2, 17);  // Monday 18:00 in Amsterdam
        store.write([&] {
            for (const auto& claimed : store.claim_due(evening, 100, "test", utc(2, 2, 18))) {
                const bool chloe = claimed.delivery.participant_id == "p-chloe";
                DeliveryOutcome outcome(claimed.delivery.id, chloe ? DeliveryState::failed : DeliveryState::sent,
                                        evening);
                if (chloe) outcome.reason = "number does not exist";
                store.finish({outcome});
            }
        });
        StoredAnswer no;
        no.participant_id = "p-bea";
        no.received_at = bea_said_no;
        no.channel = "sms";
        no.words = "NEE sorry";
        no.reading = AnswerReading::cannot_come;
        no.programme_id = "almere";
        no.session_id = first.id;
        store.write([&] {
            store.add_answer(no);
            store.put_attendance({"p-bea", "almere", first.id, 0, AttendanceStatus::excused, bea_said_no, "sms"});
        });

        PageSetup setup;
        setup.school_holidays = &test::shipped_school_holidays();
        MessagePlanning planning;
        planning.rules = rules;
        planning.renderer = &shipped_renderer();
        planning.channel_media = {{"sms", Medium::sms}, {"email", Medium::email}};
        setup.planning = planning;
        routes.programme_pages().use(setup);
        routes.programme_pages().on_change([this] { ++changes_seen; });

        ans_cookie = signed_in("Ans", {"almere"});
        els_cookie = signed_in("Els", {"zeewolde"});
    }

    void add(const std::string& id, const std::string& name, int children) {
        Participant p;
        p.id = id;
        p.name = name;
        p.phone = "+3161234567" + std::to_string(children);
        p.language = "nl";
        p.channels = {true, false};
        p.children_in_care = children;
        store.write([&] {
            store.put_participant(p);
            store.enrol(id, "almere");
        });
    }

    // A new lead's session cookie, signed in at `at` (a session idle for 12 hours ends).
    std::string signed_in(const std::string& name, const std::vector<std::string>& programmes,
                          UtcInstant at = utc(2, 2, 8)) {
        const AuditContext audit{at, "op", "lead add"};
        const auto lead = add_lead(store, {name, name + "@example.org", std::nullopt}, programmes, audit);
        REQUIRE(lead.ok());
        const auto link = make_sign_in_link(store, lead.value.id, "https://ritme.example.nl", audit);
        const auto session = sign_in(store, link.value.url.substr(link.value.url.find("token=") + 6), at);
        REQUIRE(session.has_value());
        return session->token;
    }

    std::string csrf(const std::string& cookie, UtcInstant at = utc(2, 2, 18)) {
        const auto lead = signed_in_lead(store, cookie, at);
        REQUIRE(lead.has_value());
        return LeadAccess::csrf_token({*lead, cookie});
    }

    CallbackRequest request(std::string method, std::string path, const std::string& cookie, UtcInstant at) {
        CallbackRequest r;
        r.method = std::move(method);
        r.target = path;
        r.path = std::move(path);
        r.public_url = "https://ritme.example.nl" + r.target;
        r.received_at = at;
        if (!cookie.empty()) r.headers.emplace_back("cookie", "ritme_session=" + cookie);
        return r;
    }

    HttpAnswer get(const std::string& path, const std::string& cookie, UtcInstant at = utc(2, 2, 18)) {
        return routes.answer(request("GET", path, cookie, at));
    }

    HttpAnswer post(const std::string& path, const std::string& form, const std::string& cookie,
                    UtcInstant at = utc(2, 2, 18)) {
        CallbackRequest r = request("POST", path, cookie, at);
        r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
        r.body = form;
        return routes.answer(r);
    }

    std::string session_path() const { return "/p/almere/s/" + std::to_string(first.id); }
};

// "di 3 feb 09:30"-like: how the page writes an instant, from the shared date functions.
std::string dutch_moment(UtcInstant at) {
    const LocalDateTime local = TimeZone::load("Europe/Amsterdam").to_local(at);
    return format_short_weekday_date(local.date, "nl") + " " + format_time(local.time, "nl");
}

}  // namespace

TEST_SUITE_BEGIN("programme_pages");

TEST_CASE("the roster: NEE with its time, not reached, no answer, the children expected; the next session") {
    Site site;
    const auto roster = session_roster(site.store, "almere", site.first.id);
    REQUIRE(roster.ok());
    REQUIRE(roster.value.entries.size() == 3);
    for (const auto& entry : roster.value.entries) {
        if (entry.participant_id == "p-bea") {
            CHECK(entry.group() == RosterGroup::said_no);
            CHECK(entry.said_no_at == site.bea_said_no);
        }
        if (entry.participant_id == "p-chloe") {
            CHECK(entry.group() == RosterGroup::not_reached);
            CHECK(entry.not_reached_reason == "number does not exist");
        }
        if (entry.participant_id == "p-amina") CHECK(entry.group() == RosterGroup::no_answer);
    }
    CHECK(roster.value.children_expected() == 2);  // Amina's two; Bea's one stays home
    CHECK(next_session(site.store, "almere", utc(2, 2, 18))->id == site.first.id);
    CHECK(next_session(site.store, "almere", utc(2, 3, 10, 31))->id != site.first.id);  // ended at 11:30 local
    CHECK_FALSE(session_roster(site.store, "zeewolde", site.first.id).ok());
}

TEST_CASE("a message about the session that went after the failure (her e-mail fallback) means she was reached") {
    Site site;
    Delivery fallback;
    fallback.key = "change:almere#1@v1:p-chloe:email";
    fallback.kind = DeliveryKind::change;
    fallback.programme_id = "almere";
    fallback.session_id = site.first.id;
    fallback.session_version = site.first.version;
    fallback.participant_id = "p-chloe";
    fallback.channel = "email";
    fallback.due_at = fallback.send_at = utc(2, 2, 17, 5);
    fallback.expires_at = site.first.start_utc;
    const UtcInstant sent_at = utc(2, 2, 17, 6);
    site.store.write([&] {
        site.store.add_delivery(fallback);
        for (const auto& claimed : site.store.claim_due(sent_at, 100, "test", utc(2, 2, 18)))
            site.store.finish({DeliveryOutcome(claimed.delivery.id, DeliveryState::sent, sent_at)});
    });
    DeliveryQuery sent;
    sent.participant_id = "p-chloe";
    sent.states = {DeliveryState::sent};
    REQUIRE(site.store.deliveries(sent).size() == 1);
    const auto roster = session_roster(site.store, "almere", site.first.id);
    int chloe = 0;
    for (const auto& entry : roster.value.entries)
        if (entry.participant_id == "p-chloe") {
            ++chloe;
            CHECK_FALSE(entry.not_reached);
            CHECK(entry.group() == RosterGroup::no_answer);
        }
    CHECK(chloe == 1);
}

TEST_CASE("GET /: her programmes as links, in Dutch, with the stylesheet; GET /ritme.css is long-cached CSS") {
    Site site;
    const auto home = site.get("/", site.ans_cookie);
    CHECK(home.status == 200);
    CHECK(has(home.body, "<html lang=\"nl\">"));
    CHECK(has(home.body, "href=\"/p/almere\""));
    CHECK_FALSE(has(home.body, "/p/zeewolde"));
    CHECK(has(home.body, "Uw trajecten"));
    CHECK(has(home.body, "<link rel=\"stylesheet\" href=\"/ritme.css?v="));
    const auto css = site.get("/ritme.css", "");
    CHECK(css.status == 200);
    CHECK(css.content_type == "text/css; charset=utf-8");
    CHECK(has(header_of(css, "Cache-Control"), "max-age=31536000"));
    CHECK(has(css.body, ":focus-visible"));
    CHECK(has(css.body, "@media print"));
}

TEST_CASE("the programme page: the next session's card, the sessions, the participants with attendance") {
    Site site;
    const auto page = site.get("/p/almere", site.ans_cookie);
    REQUIRE(page.status == 200);
    const std::string& body = page.body;
    CHECK(body.find("<h1>") == body.rfind("<h1>"));  // one h1
    CHECK(has(body, "Volgende bijeenkomst"));
    // Bea said NEE, with when; her name escaped.
    const auto said_no = section(body, "Zei NEE</h4>");
    CHECK(has(said_no, "Bea &lt;Bakker&gt; &amp; co"));
    CHECK(has(said_no, dutch_moment(site.bea_said_no)));
    CHECK_FALSE(has(body, "Bea <Bakker>"));
    CHECK(has(section(body, "Niet bereikt</h4>"), "Chloe"));
    CHECK(has(section(body, "Nog niet geantwoord</h4>"), "Amina Yusuf"));
    CHECK(has(body, "2 kinderen in de crèche"));
    // The sessions, each a link to its page; the participants with their percentage.
    CHECK(has(body, "href=\"" + site.session_path() + "\""));
    CHECK(has(body, "href=\"/p/almere/d/p-amina\""));
    CHECK(has(body, "<th scope=\"col\""));
    CHECK(has(body, "nog geen gehouden"));
    const auto planned = site.store.sessions("almere").size();
    CHECK(has(body, "0 van " + std::to_string(planned) + " bijeenkomsten gehouden"));
}

TEST_CASE("the crèche list counts the children of the mothers expected; the participant page shows her messages") {
    Site site;
    const auto creche = site.get(site.session_path() + "/creche", site.ans_cookie);
    REQUIRE(creche.status == 200);
    CHECK(has(creche.body, "Amina Yusuf"));
    CHECK_FALSE(has(section(creche.body, "<tbody>", "</tbody>"), "Bea"));
    CHECK(has(section(creche.body, "<tfoot>", "</tfoot>"), "<strong>2</strong>"));
    CHECK(has(creche.body, "1 kind van moeders die niet komen"));

    const auto chloe = site.get("/p/almere/d/p-chloe", site.ans_cookie);
    REQUIRE(chloe.status == 200);
    CHECK(has(chloe.body, "<h1>Chloe</h1>"));
    CHECK(has(chloe.body, "mislukt"));
    CHECK(has(chloe.body, "number does not exist"));
    CHECK_FALSE(has(chloe.body, "+31612345670"));  // masked
    const auto bea = site.get("/p/almere/d/p-bea", site.ans_cookie);
    CHECK(has(bea.body, "NEE sorry"));
    CHECK(has(bea.body, "kan niet komen (NEE)"));
    CHECK(site.get("/p/almere/d/p-nobody", site.ans_cookie).status == 404);
}

TEST_CASE("attendance: one POST stores the mark, audited as the lead, and 303s back to the session") {
    Site site;
    const UtcInstant during = utc(2, 3, 9);  // 10:00 in Amsterdam
    const std::string cookie = site.signed_in("Noor", {"almere"}, during);
    const std::string csrf = site.csrf(cookie, during);
    const auto marked = site.post(site.session_path() + "/attendance",
                                  "csrf=" + csrf + "&participant=p-amina&status=present", cookie, during);
    CHECK(marked.status == 303);
    CHECK(header_of(marked, "Location") == site.session_path());
    bool stored = false;
    for (const auto& record : site.store.attendance_of_programme("almere"))
        if (record.participant_id == "p-amina" && record.session_id == site.first.id)
            stored = record.status == AttendanceStatus::present;
    CHECK(stored);
    CHECK(site.store.audit().back().actor == "Noor");
    CHECK(site.changes_seen == 1);
    const auto page = site.get(site.session_path(), cookie, during);
    CHECK(has(page.body, "aria-pressed=\"true\">aanwezig</button>"));

    // Before the session only afgemeld is offered; present is refused with a reason, nothing stored.
    const auto before = site.get(site.session_path(), site.ans_cookie);
    CHECK(has(before.body, ">afgemeld</button>"));
    CHECK_FALSE(has(before.body, ">aanwezig</button>"));
    const auto early =
        site.post(site.session_path() + "/attendance",
                  "csrf=" + site.csrf(site.ans_cookie) + "&participant=p-chloe&status=present", site.ans_cookie);
    CHECK(early.status >= 400);
    CHECK(early.status < 500);
    const auto bad = site.post(site.session_path() + "/attendance",
                               "csrf=" + csrf + "&participant=p-chloe&status=maybe", cookie, during);
    CHECK(bad.status == 400);
    CHECK(site.store.attendance_of_programme("almere").size() == 2);  // Bea's excuse and Amina's mark
}

TEST_CASE("a move: posted without confirm it shows the messages and changes nothing; confirmed it moves") {
    for (const auto& make : {memory_store, sqlite_store}) {
        Site site(make());
        const std::string csrf = site.csrf(site.ans_cookie);
        const size_t audit_before = site.store.audit().size();
        const size_t deliveries_before = site.store.deliveries({}).size();
        const std::string form = "csrf=" + csrf + "&date=2026-02-05&time=10%3A00&location=schakel";

        CHECK(site.get(site.session_path() + "/move", site.ans_cookie).status == 200);
        const auto preview = site.post(site.session_path() + "/move", form, site.ans_cookie);
        REQUIRE(preview.status == 200);
        CHECK(has(preview.body, "name=\"confirm\" value=\"yes\""));
        CHECK(has(preview.body, "wijzigingsbericht"));  // the change notices that would go
        CHECK(has(preview.body, "Amina Yusuf"));
        CHECK(site.store.session(site.first.id)->date == site.first.date);
        CHECK(site.store.audit().size() == audit_before);
        CHECK(site.store.deliveries({}).size() == deliveries_before);
        CHECK(site.changes_seen == 0);

        const auto moved = site.post(site.session_path() + "/move", form + "&confirm=yes", site.ans_cookie);
        CHECK(moved.status == 303);
        CHECK(header_of(moved, "Location") == site.session_path());
        const auto after = site.store.session(site.first.id);
        CHECK(after->date == make_date(2026, 2, 5));
        CHECK(after->time.start == TimeOfDay::hm(10, 0));
        CHECK(site.store.audit().back().action == "session.moved");
        CHECK(site.store.audit().back().actor == "Ans");
        CHECK(site.store.deliveries({}).size() > deliveries_before);  // the change notices, planned
        CHECK(site.changes_seen == 1);

        // A date that is not one: 400 with the form again, nothing changed.
        const auto bad =
            site.post(site.session_path() + "/move", "csrf=" + csrf + "&date=5-2&time=10%3A00", site.ans_cookie);
        CHECK(bad.status == 400);
        CHECK(has(bad.body, "role=\"alert\""));
    }
}

TEST_CASE("the move preview says the engine's warnings and the withdrawn messages' reasons in the lead's language") {
    Site site;
    const std::string csrf = site.csrf(site.ans_cookie);
    // Saturday 7 February: no school, so the children are at home; the session's
    // reminders are withdrawn because it changed.
    const std::string form = "csrf=" + csrf + "&date=2026-02-07&time=10%3A00&location=schakel";
    const Phrase warning = phrase("there is no school on {1}, so the children are at home", {weekday_phrase(Weekday::saturday)});
    const Phrase withdrawn = reason_phrase(stored_reason(DeliveryReason::session_changed, {"1"}));
    REQUIRE(warning.in(Language::nl) != warning.english());
    REQUIRE(withdrawn.in(Language::nl) != withdrawn.english());

    const auto dutch = site.post(site.session_path() + "/move", form, site.ans_cookie);
    REQUIRE(dutch.status == 200);
    const std::string warnings = section(dutch.body, "class=\"warnings\"");
    CHECK(has(warnings, lead_pages::escape(warning.in(Language::nl))));
    CHECK(has(warnings, "zaterdag"));
    CHECK_FALSE(has(dutch.body, warning.english()));
    CHECK(has(dutch.body, lead_pages::escape(withdrawn.in(Language::nl))));
    CHECK_FALSE(has(dutch.body, withdrawn.english()));

    CallbackRequest asked = site.request("POST", site.session_path() + "/move", site.ans_cookie, utc(2, 2, 18));
    asked.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    asked.headers.emplace_back("accept-language", "en-GB,en;q=0.9");
    asked.body = form;
    const auto english = site.routes.answer(asked);
    REQUIRE(english.status == 200);
    CHECK(has(english.body, lead_pages::escape(warning.english())));
    CHECK(has(english.body, withdrawn.english()));
    CHECK(site.store.session(site.first.id)->date == site.first.date);
}

TEST_CASE("cancel and restore go through the preview too") {
    Site site;
    const std::string csrf = site.csrf(site.ans_cookie);
    const auto empty = site.post(site.session_path() + "/cancel", "csrf=" + csrf + "&reason=", site.ans_cookie);
    CHECK(empty.status == 400);
    const auto preview = site.post(site.session_path() + "/cancel", "csrf=" + csrf + "&reason=ziek", site.ans_cookie);
    CHECK(preview.status == 200);
    CHECK(site.store.session(site.first.id)->status == SessionStatus::planned);
    CHECK(site.post(site.session_path() + "/cancel", "csrf=" + csrf + "&reason=ziek&confirm=yes", site.ans_cookie)
              .status == 303);
    CHECK(site.store.session(site.first.id)->status == SessionStatus::cancelled);
    CHECK(site.store.audit().back().actor == "Ans");
    CHECK(site.post(site.session_path() + "/restore", "csrf=" + csrf + "&confirm=yes", site.ans_cookie).status == 303);
    CHECK(site.store.session(site.first.id)->status != SessionStatus::cancelled);
}

TEST_CASE("401 not signed in, 403 another lead's programme or a forged CSRF token, 404 another programme's session") {
    Site site;
    CHECK(site.get("/p/almere", "").status == 401);
    CHECK(site.get(site.session_path(), "forged").status == 401);
    CHECK(site.get("/p/almere", site.els_cookie).status == 403);
    CHECK(site.get(site.session_path() + "/creche", site.els_cookie).status == 403);
    CHECK(site.get("/p/almere/d/p-amina", site.els_cookie).status == 403);
    CHECK(site.post(site.session_path() + "/attendance",
                    "csrf=" + site.csrf(site.els_cookie) + "&participant=p-bea&status=absent", site.els_cookie)
              .status == 403);
    CHECK(site.get("/p/zeewolde", site.els_cookie).status == 200);

    const size_t marks = site.store.attendance_of_programme("almere").size();
    for (const std::string& form : {"csrf=" + std::string(64, 'a') + "&participant=p-amina&status=excused",
                                    std::string("participant=p-amina&status=excused"),
                                    "csrf=" + site.csrf(site.els_cookie) + "&participant=p-amina&status=excused"})
        CHECK(site.post(site.session_path() + "/attendance", form, site.ans_cookie).status == 403);
    CHECK(
        site.post(site.session_path() + "/move", "date=2026-02-05&time=10%3A00&confirm=yes", site.ans_cookie).status ==
        403);
    CHECK(site.store.attendance_of_programme("almere").size() == marks);
    CHECK(site.store.session(site.first.id)->date == site.first.date);

    const auto zeewolde_session = site.store.sessions("zeewolde").front().id;
    CHECK(site.get("/p/almere/s/" + std::to_string(zeewolde_session), site.ans_cookie).status == 404);
    CHECK(site.get("/p/almere/s/x", site.ans_cookie).status == 404);
    CHECK(site.get(site.session_path() + "/nothing", site.ans_cookie).status == 404);
    CHECK(site.get(site.session_path() + "/attendance", site.ans_cookie).status == 405);
}

TEST_CASE("English when the browser asks for it first; the places left for follow-ups and a group message") {
    Site site;
    CallbackRequest english = site.request("GET", "/p/almere", site.ans_cookie, utc(2, 2, 18));
    english.headers.emplace_back("accept-language", "en-GB,en;q=0.9,nl;q=0.8");
    const auto page = site.routes.answer(english);
    CHECK(has(page.body, "<html lang=\"en\">"));
    CHECK(has(page.body, "Next session"));
    CHECK_FALSE(has(page.body, "id=\"follow-ups\""));

    site.routes.programme_pages().follow_ups = [](const ProgrammeSectionRequest& request) {
        return "<h2>" + lead_pages::escape(request.programme.id) + " follow-ups</h2>\n";
    };
    site.routes.programme_pages().group_message = [](const ProgrammeSectionRequest&) { return std::string(); };
    const auto with_section = site.get("/p/almere", site.ans_cookie);
    CHECK(has(with_section.body, "<section id=\"follow-ups\">\n<h2>almere follow-ups</h2>"));
    CHECK_FALSE(has(with_section.body, "id=\"group-message\""));
}

TEST_CASE("follow-ups: absent twice shows them on the programme page and home; Afgehandeld closes one, audited") {
    Site site;
    StoredSession second;
    for (const auto& s : site.store.sessions("almere"))
        if (s.number == 2) second = s;
    REQUIRE(second.id != 0);
    // Amina marked absent at the first and the second session, each while it is on.
    const UtcInstant first_day = utc(2, 3, 9), second_day = utc(2, 5, 9);  // 10:00 in Amsterdam
    const std::string noor = site.signed_in("Noor", {"almere"}, first_day);
    CHECK(site.post(site.session_path() + "/attendance",
                    "csrf=" + site.csrf(noor, first_day) + "&participant=p-amina&status=absent", noor, first_day)
              .status == 303);
    const std::string lies = site.signed_in("Lies", {"almere"}, second_day);
    const std::string csrf = site.csrf(lies, second_day);
    CHECK(site.post("/p/almere/s/" + std::to_string(second.id) + "/attendance",
                    "csrf=" + csrf + "&participant=p-amina&status=absent", lies, second_day)
              .status == 303);

    const auto open = open_follow_ups(site.store, "almere").value;
    std::optional<StoredFollowUp> in_a_row;
    for (const auto& view : open)
        if (view.follow_up.cause == FollowUpCause::absences_in_a_row) in_a_row = view.follow_up;
    REQUIRE(in_a_row.has_value());
    CHECK(open.size() >= 2);

    const auto page = site.get("/p/almere", lies, second_day);
    REQUIRE(page.status == 200);
    const std::string follow_ups = section(page.body, "<section id=\"follow-ups\">", "</section>");
    CHECK(has(follow_ups, "Opvolging</h2>"));
    CHECK(has(follow_ups, "<a href=\"/p/almere/d/p-amina\">Amina Yusuf</a>"));
    CHECK(has(follow_ups, "2 keer afwezig op rij"));
    CHECK(has(follow_ups, "afwezig zonder afmelding (" + format_short_weekday_date(site.first.date, "nl") + ")"));
    CHECK(has(follow_ups, "sinds " + dutch_moment(second_day)));
    const std::string action = "/p/almere/follow-ups/" + std::to_string(in_a_row->id) + "/done";
    CHECK(has(follow_ups, "action=\"" + action + "\""));
    CHECK(has(follow_ups, "name=\"csrf\""));
    CHECK(has(follow_ups, ">Afgehandeld</button>"));
    const auto home = site.get("/", lies, second_day);
    CHECK(has(home.body, std::to_string(open.size()) + " opvolgingen open"));
    CHECK(has(site.get("/", site.els_cookie).body, "geen opvolging open"));

    const auto done = site.post(action, "csrf=" + csrf, lies, second_day);
    CHECK(done.status == 303);
    CHECK(header_of(done, "Location") == "/p/almere");
    const auto closed = site.store.follow_up(in_a_row->id);
    REQUIRE(closed.has_value());
    CHECK_FALSE(closed->open());
    CHECK(closed->done_by == "Lies");
    CHECK(site.store.audit().back().action == "follow-up.done");
    CHECK(site.store.audit().back().actor == "Lies");
    CHECK(open_follow_ups(site.store, "almere").value.size() == open.size() - 1);
    const auto after = site.get("/p/almere", lies, second_day);
    CHECK_FALSE(has(after.body, "keer afwezig op rij"));
    CHECK(has(site.get("/", lies, second_day).body, std::to_string(open.size() - 1) + " opvolging"));
    // Done already: refused, it stays done by her.
    CHECK(site.post(action, "csrf=" + csrf, lies, second_day).status == 409);
    CHECK(site.store.follow_up(in_a_row->id)->done_by == "Lies");
}

TEST_CASE("follow-ups: 403 without the CSRF token or for another lead, 404 another programme's, nothing closed") {
    Site site;
    StoredFollowUp made;
    made.cause = FollowUpCause::absences_in_a_row;
    made.participant_id = "p-amina";
    made.session_id = site.first.id;
    made.count = 2;
    made.created_at = utc(2, 2, 12);
    made.programme_id = "almere";
    made.key = "test:almere";
    StoredFollowUp elsewhere = made;
    elsewhere.programme_id = "zeewolde";
    elsewhere.key = "test:zeewolde";
    site.store.write([&] {
        made.id = site.store.add_follow_up(made);
        elsewhere.id = site.store.add_follow_up(elsewhere);
    });
    REQUIRE(made.id != 0);
    REQUIRE(elsewhere.id != 0);
    const std::string path = "/p/almere/follow-ups/" + std::to_string(made.id) + "/done";

    for (const std::string& form : {std::string(), "csrf=" + std::string(64, 'a'), "csrf=" + site.csrf(site.els_cookie)})
        CHECK(site.post(path, form, site.ans_cookie).status == 403);
    CHECK(site.post(path, "csrf=" + site.csrf(site.els_cookie), site.els_cookie).status == 403);
    CHECK(site.post(path, "", "").status == 401);
    // A lead of both programmes, with another programme's id, or none.
    const std::string both = site.signed_in("Mia", {"almere", "zeewolde"});
    const std::string csrf = site.csrf(both);
    CHECK(site.post("/p/almere/follow-ups/" + std::to_string(elsewhere.id) + "/done", "csrf=" + csrf, both).status ==
          404);
    CHECK(site.post("/p/almere/follow-ups/999999/done", "csrf=" + csrf, both).status == 404);
    CHECK(site.post("/p/almere/follow-ups/x/done", "csrf=" + csrf, both).status == 404);
    CHECK(site.get(path, both).status == 405);
    CHECK(site.store.follow_up(made.id)->open());
    CHECK(site.store.follow_up(elsewhere.id)->open());
    for (const auto& entry : site.store.audit()) CHECK(entry.action != "follow-up.done");

    CHECK(site.post("/p/zeewolde/follow-ups/" + std::to_string(elsewhere.id) + "/done", "csrf=" + csrf, both).status ==
          303);
    CHECK_FALSE(site.store.follow_up(elsewhere.id)->open());
    CHECK(site.store.follow_up(made.id)->open());
}

TEST_CASE("a message to the group: the form on the page, its cost shown first (nothing stored), then sent with "
          "the CSRF token, audited with the lead's name") {
    Site site;
    const auto page = site.get("/p/almere", site.ans_cookie);
    const std::string form = section(page.body, "<section id=\"group-message\">", "</section>");
    CHECK(has(form, "action=\"/p/almere/message\""));
    CHECK(has(form, "name=\"csrf\""));
    CHECK(has(form, "name=\"text\""));

    auto group_rows = [&] {
        DeliveryQuery query;
        query.kinds = {DeliveryKind::group};
        return site.store.deliveries(query);
    };
    const std::string csrf = site.csrf(site.ans_cookie);
    const auto preview = site.post("/p/almere/message", "text=Morgen+koffie+om+10%3A00&at=&csrf=" + csrf, site.ans_cookie);
    CHECK(preview.status == 200);
    CHECK(has(preview.body, "Morgen koffie om 10:00"));
    CHECK(has(preview.body, "GSM-7"));
    CHECK(has(preview.body, "name=\"confirm\" value=\"yes\""));
    CHECK(group_rows().empty());
    CHECK(site.changes_seen == 0);

    // Without the session's token, or as another lead: refused, nothing stored.
    CHECK(site.post("/p/almere/message", "text=x&confirm=yes&csrf=forged", site.ans_cookie).status == 403);
    CHECK(site.post("/p/almere/message", "text=x&confirm=yes&csrf=" + site.csrf(site.els_cookie), site.els_cookie)
              .status == 403);
    CHECK(site.post("/p/almere/message", "text=+&csrf=" + csrf, site.ans_cookie).status == 400);
    CHECK(group_rows().empty());

    const auto sent =
        site.post("/p/almere/message", "text=Morgen+koffie+om+10%3A00&at=&confirm=yes&csrf=" + csrf, site.ans_cookie);
    CHECK(sent.status == 303);
    CHECK(header_of(sent, "Location") == "/p/almere#group-message");
    CHECK(group_rows().size() == 3);  // Amina, Bea and Chloe, by SMS
    CHECK(site.changes_seen == 1);
    CHECK(site.store.audit().back().action == "group.sent");
    CHECK(site.store.audit().back().actor == "Ans");
}

TEST_CASE("calendar feeds on the page: the lead makes one for the crèche, sees its URL once, and it answers") {
    Site site;
    const auto page = site.get("/p/almere", site.ans_cookie);
    CHECK(has(section(page.body, "<section id=\"calendar-feeds\">", "</section>"), "action=\"/p/almere/feeds\""));
    CHECK(site.post("/p/almere/feeds", "kind=creche&csrf=forged", site.ans_cookie).status == 403);
    CHECK(site.post("/p/almere/feeds", "kind=other&csrf=" + site.csrf(site.ans_cookie), site.ans_cookie).status ==
          400);
    CHECK(site.store.feed_tokens("almere").empty());

    const auto made = site.post("/p/almere/feeds", "kind=creche&csrf=" + site.csrf(site.ans_cookie), site.ans_cookie);
    REQUIRE(made.status == 200);
    const size_t at = made.body.find("https://ritme.example.nl/feed/");
    REQUIRE(at != std::string::npos);
    const std::string path = made.body.substr(at + 24, made.body.find(".ics", at) + 4 - at - 24);
    const auto feeds = site.store.feed_tokens("almere");
    REQUIRE(feeds.size() == 1);
    CHECK(feeds[0].kind == FeedKind::creche);
    CHECK(feeds[0].created_by == "Ans");
    const auto ics = site.get(path, "");
    CHECK(ics.status == 200);
    CHECK(has(ics.body, "BEGIN:VCALENDAR"));

    // The page lists it afterwards, without its URL.
    const auto listed = site.get("/p/almere", site.ans_cookie);
    const std::string feeds_section = section(listed.body, "<section id=\"calendar-feeds\">", "</section>");
    CHECK(has(feeds_section, "opvang"));
    CHECK_FALSE(has(feeds_section, "/feed/"));

    // Revoked from the page: only with the CSRF token, only a feed of her programme.
    const std::string revoke = "revoke=" + feeds[0].id + "&csrf=";
    CHECK(site.post("/p/almere/feeds", revoke + "forged", site.ans_cookie).status == 403);
    CHECK(site.post("/p/zeewolde/feeds", revoke + site.csrf(site.els_cookie), site.els_cookie).status == 404);
    CHECK(site.get(path, "").status == 200);
    const auto revoked = site.post("/p/almere/feeds", revoke + site.csrf(site.ans_cookie), site.ans_cookie);
    CHECK(revoked.status == 303);
    CHECK(site.get(path, "").status == 404);
    CHECK(site.store.audit().back().action == "feed.revoked");
    CHECK(site.store.audit().back().actor == "Ans");
}

TEST_SUITE_END();
