#include "engine/message/local_dates.hpp"
#include "engine/message/message_renderer.hpp"
#include "engine/message/sms_text.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace ritme;
namespace fs = std::filesystem;

namespace {

const std::string march_in_arabic = "\xD9\x85\xD8\xA7\xD8\xB1\xD8\xB3";  // مارس, the Gregorian month

const MessageRenderer& shipped_renderer() {
    static Diagnostics diagnostics;
    static const std::optional<MessageRenderer> renderer =
        MessageRenderer::load(test::source_path("config/templates"), diagnostics);
    for (const auto& d : diagnostics.items()) MESSAGE(d.str());
    REQUIRE(renderer.has_value());
    return *renderer;
}

// Tuesday 3 March 2026, 09:30-11:30, session 5.
MessageFacts session_facts(DeliveryKind kind = DeliveryKind::reminder, std::string change = {}) {
    MessageFacts facts;
    facts.kind = kind;
    facts.change = std::move(change);
    facts.first_name = "Fatima";
    facts.start = {make_date(2026, 3, 3), TimeOfDay::hm(9, 30)};
    facts.end = TimeOfDay::hm(11, 30);
    facts.location_name = "Wijkcentrum De Schakel";
    facts.location_address = "Kruidenwijk, Almere";
    facts.lead_name = "Anna";
    facts.lead_phone = "+31612345678";
    facts.session_number = 5;
    return facts;
}

MessageFacts appointment_facts() {
    MessageFacts facts = session_facts(DeliveryKind::appointment);
    facts.session_number = 0;
    facts.location_name.clear();
    facts.location_address = "Stadhuisplein 1, Almere";
    facts.note = "Bus 4 tot halte Stadhuis";
    return facts;
}

MessageFacts alert_facts() {
    MessageFacts facts;
    facts.kind = DeliveryKind::alert;
    facts.first_name = "Anna";
    facts.alert_participant = "p-7k2m9q4x8a";
    facts.alert_reason = "number unreachable";
    return facts;
}

std::vector<MessageFacts> every_kind() {
    std::vector<MessageFacts> all = {session_facts(), appointment_facts(),
                                     session_facts(DeliveryKind::change, "cancelled"),
                                     session_facts(DeliveryKind::change, "restored"), alert_facts()};
    MessageFacts moved = session_facts(DeliveryKind::change, "moved");
    moved.previous_start = moved.start;
    moved.start = {make_date(2026, 3, 5), TimeOfDay::hm(10, 0)};
    all.push_back(moved);
    return all;
}

// A copy of the shipped templates to break on purpose, removed when the test ends.
class TemplateCopy {
public:
    explicit TemplateCopy(const std::string& name)
        : dir_(fs::temp_directory_path() / ("ritme-templates-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(dir_);
        fs::copy(test::source_path("config/templates"), dir_, fs::copy_options::recursive);
    }
    ~TemplateCopy() { fs::remove_all(dir_); }

    void write(const std::string& relative, const std::string& text) const {
        fs::create_directories((dir_ / relative).parent_path());
        std::ofstream(dir_ / relative) << text;
    }
    std::string path(const std::string& relative) const { return (dir_ / relative).string(); }
    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
};

// Shipped beside nl and en, written with care but not yet read by a native speaker.
const std::vector<std::string> languages_to_review = {"ar", "fa", "ti", "tr", "uk"};
const std::string review_marker = "{{! Needs review by a native speaker before use.";

std::string file_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool has_non_latin_digit(const std::string& utf8) {
    // Arabic-Indic digits U+0660-U+0669 (D9 A0-A9) and the Persian ones U+06F0-U+06F9 (DB B0-B9).
    for (size_t i = 0; i + 1 < utf8.size(); ++i) {
        const auto lead = static_cast<unsigned char>(utf8[i]), next = static_cast<unsigned char>(utf8[i + 1]);
        if ((lead == 0xD9 && next >= 0xA0 && next <= 0xA9) || (lead == 0xDB && next >= 0xB0 && next <= 0xB9))
            return true;
    }
    return false;
}

bool mentions(const Diagnostics& diagnostics, const std::string& file, const std::string& words) {
    for (const auto& d : diagnostics.items())
        if (d.where.file == file && (d.message + " " + d.hint).find(words) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_SUITE("message_renderer") {
    TEST_CASE("dates are named in the reader's language, without the year") {
        const Date tuesday = make_date(2026, 3, 3);
        CHECK(format_weekday_date(tuesday, "nl") == "dinsdag 3 maart");
        const std::string english = format_weekday_date(tuesday, "en");
        CHECK(english.find("Tuesday") != std::string::npos);
        CHECK(english.find("3 March") != std::string::npos);  // the day before the month, as in Europe
        CHECK(english.find("2026") == std::string::npos);
        CHECK(format_weekday_date(make_date(2026, 10, 1), "nl") == "donderdag 1 oktober");
    }

    TEST_CASE("Arabic dates use the Arabic name of the Gregorian month") {
        CHECK(format_weekday_date(make_date(2026, 3, 3), "ar").find(march_in_arabic) != std::string::npos);
        // Farsi, too, reads the Gregorian calendar here rather than the Persian one.
        CHECK(format_weekday_date(make_date(2026, 3, 3), "fa").find(march_in_arabic) != std::string::npos);
    }

    TEST_CASE("every shipped language names the Gregorian months in its own words") {
        // The months as each language writes them for the Gregorian calendar; Ukrainian
        // after a day number in the genitive ("3 березня", not "березень").
        const std::map<std::string, std::vector<std::string>> months = {
            {"ar", {"يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
                    "نوفمبر", "ديسمبر"}},
            {"fa", {"ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر", "نوامبر",
                    "دسامبر"}},
            {"uk", {"січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня",
                    "жовтня", "листопада", "грудня"}},
            {"tr", {"Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
                    "Kasım", "Aralık"}},
            {"ti", {"ጥሪ", "ለካቲት", "መጋቢት", "ሚያዝያ", "ግንቦት", "ሰነ", "ሓምለ", "ነሓሰ", "መስከረም", "ጥቅምቲ", "ሕዳር",
                    "ታሕሳስ"}},
        };
        for (const auto& [language, names] : months)
            for (int month = 1; month <= 12; ++month) {
                const std::string date = format_weekday_date(make_date(2026, month, 3), language);
                CAPTURE(language);
                CAPTURE(date);
                CHECK(date.find(" " + names[month - 1]) != std::string::npos);
                CHECK(date.find("2026") == std::string::npos);
            }
    }

    TEST_CASE("every shipped language names the weekday, on the Gregorian day") {
        // Tuesday 3 March 2026; the Persian, Hijri or Ethiopian calendar would give another day and month.
        const Date tuesday = make_date(2026, 3, 3);
        CHECK(format_weekday_date(tuesday, "ar").find("الثلاثاء") != std::string::npos);
        // Farsi writes Tuesday with a zero-width non-joiner between its two parts.
        CHECK(format_weekday_date(tuesday, "fa").find("سه\u200cشنبه") != std::string::npos);
        CHECK(format_weekday_date(tuesday, "uk").find("вівторок") != std::string::npos);
        CHECK(format_weekday_date(tuesday, "uk").find("3 березня") != std::string::npos);
        CHECK(format_weekday_date(tuesday, "uk").find("березень") == std::string::npos);
        CHECK(format_weekday_date(tuesday, "tr").find("3 Mart") != std::string::npos);
        CHECK(format_weekday_date(tuesday, "tr").find("Salı") != std::string::npos);
        CHECK(format_weekday_date(tuesday, "ti").find("ሰሉስ") != std::string::npos);
        CHECK(format_weekday_date(tuesday, "ti").find("3 መጋቢት") != std::string::npos);
    }

    TEST_CASE("Arabic and Farsi dates and times are written with Latin digits, as in the Netherlands") {
        // The digits on the Dutch letters, the calendars and the phones' keypads; a time
        // reads the same to the participant and to anyone helping her.
        for (const std::string language : {"ar", "fa"}) {
            CAPTURE(language);
            const std::string date = format_weekday_date(make_date(2026, 9, 30), language);
            const std::string time = format_time(TimeOfDay::hm(9, 30), language);
            CAPTURE(date);
            CAPTURE(time);
            CHECK_FALSE(has_non_latin_digit(date));
            CHECK(date.find("30") != std::string::npos);
            CHECK_FALSE(has_non_latin_digit(time));
            CHECK(time.find("9:30") != std::string::npos);
        }
        // A reader who asks for her own digits in the tag still gets them.
        CHECK(has_non_latin_digit(format_time(TimeOfDay::hm(9, 30), "ar-u-nu-arab")));
    }

    TEST_CASE("times on the 24-hour clock unless the reader's region says otherwise") {
        CHECK(format_time(TimeOfDay::hm(9, 30), "nl") == "09:30");
        CHECK(format_time(TimeOfDay::hm(14, 5), "nl") == "14:05");
        CHECK(format_time(TimeOfDay::hm(14, 5), "en") == "14:05");
        const std::string american = format_time(TimeOfDay::hm(14, 5), "en-US");
        CHECK(american.find("2:05") != std::string::npos);
        CHECK(american.find("PM") != std::string::npos);
    }

    TEST_CASE("a date with no value formats as nothing") { CHECK(format_weekday_date(Date(), "nl").empty()); }

    TEST_CASE("dates format the same from several threads at once") {
        const std::vector<std::string> languages = {"nl", "en", "ar", "tr"};
        std::vector<std::string> expected;
        for (const auto& language : languages) expected.push_back(format_weekday_date(make_date(2026, 3, 3), language));
        std::vector<int> mismatches(languages.size(), 0);
        std::vector<std::thread> threads;
        for (size_t t = 0; t < languages.size(); ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 200; ++i)
                    for (size_t l = 0; l < languages.size(); ++l)
                        if (format_weekday_date(make_date(2026, 3, 3), languages[(l + t) % languages.size()]) !=
                            expected[(l + t) % languages.size()])
                            ++mismatches[t];
            });
        for (auto& thread : threads) thread.join();
        for (int count : mismatches) CHECK(count == 0);
    }

    TEST_CASE("the shipped templates load, nl and en complete") {
        const auto languages = shipped_renderer().languages();
        CHECK(std::find(languages.begin(), languages.end(), "nl") != languages.end());
        CHECK(std::find(languages.begin(), languages.end(), "en") != languages.end());
        CHECK(template_names() == std::vector<std::string>{"reminder", "appointment", "change-moved",
                                                           "change-cancelled", "change-restored", "alert",
                                                           "confirm-excused", "confirm-stop", "confirm-start",
                                                           "confirm-passed-on", "answer-alert"});
    }

    TEST_CASE("a reminder says when and where, with the lead's number") {
        const RenderedMessage nl = shipped_renderer().render(session_facts(), "nl", Medium::sms);
        CHECK(nl.language == "nl");
        CHECK(nl.text.find("Fatima") != std::string::npos);
        CHECK(nl.text.find("dinsdag 3 maart") != std::string::npos);
        CHECK(nl.text.find("09:30") != std::string::npos);
        CHECK(nl.text.find("Wijkcentrum De Schakel") != std::string::npos);
        CHECK(nl.text.find("Kruidenwijk, Almere") != std::string::npos);
        CHECK(nl.text.find("+31612345678") != std::string::npos);
        CHECK(nl.text.find("2026") == std::string::npos);
        CHECK(nl.text.back() != '\n');

        const RenderedMessage en = shipped_renderer().render(session_facts(), "en", Medium::sms);
        CHECK(en.language == "en");
        CHECK(en.text.find("Tuesday") != std::string::npos);
        CHECK(en.text.find("3 March") != std::string::npos);
        CHECK(en.text.find("09:30") != std::string::npos);
    }

    TEST_CASE("a reminder a move notice was joined into: one message, the notice first, then the reminder") {
        MessageFacts moved = session_facts(DeliveryKind::change, "moved");
        moved.previous_start = LocalDateTime{make_date(2026, 3, 2), TimeOfDay::hm(9, 30)};
        MessageFacts joined = moved;
        joined.kind = DeliveryKind::reminder;
        const RenderedMessage notice = shipped_renderer().render(moved, "nl", Medium::sms);
        MessageFacts plain = joined;
        plain.change.clear();
        const RenderedMessage reminder = shipped_renderer().render(plain, "nl", Medium::sms);
        const RenderedMessage both = shipped_renderer().render(joined, "nl", Medium::sms);
        CHECK(both.text == notice.text + "\n\n" + reminder.text);
        CHECK(both.text.find("maandag 2 maart") != std::string::npos);  // from what she was told
        const RenderedMessage email = shipped_renderer().render(joined, "nl", Medium::email);
        CHECK(email.subject == notice.text.substr(0, notice.text.find('\n')));  // the news in the subject
    }

    TEST_CASE("without a lead's number the reminder leaves the number out, and still says how to answer") {
        MessageFacts facts = session_facts();
        facts.lead_phone.clear();
        const RenderedMessage with = shipped_renderer().render(session_facts(), "nl", Medium::sms);
        const RenderedMessage without = shipped_renderer().render(facts, "nl", Medium::sms);
        CHECK(without.text.find("bel") == std::string::npos);
        CHECK(with.text.find("bel " + session_facts().lead_phone) != std::string::npos);
        CHECK(without.text.substr(without.text.find('\n') + 1) == "Kun je niet? Stuur NEE.");
        CHECK(without.text.size() < with.text.size());
    }

    TEST_CASE("every kind renders in nl and en") {
        for (const std::string language : {"nl", "en"})
            for (const MessageFacts& facts : every_kind()) {
                CAPTURE(language);
                CAPTURE(name_of(facts.kind));
                CAPTURE(facts.change);
                const RenderedMessage message = shipped_renderer().render(facts, language, Medium::sms);
                CHECK(message.language == language);
                const std::string& whom =
                    facts.kind == DeliveryKind::alert ? facts.alert_participant : facts.first_name;
                CHECK(message.text.find(whom) != std::string::npos);
                CHECK(message.text.find("{{") == std::string::npos);
                CHECK(message.text.back() != '\n');
                CHECK(measure_sms(message.text).encoding == SmsEncoding::gsm7);
            }
    }

    TEST_CASE("ar, fa, ti, tr and uk have every template but the lead's answer alert, each marked for review by a native speaker") {
        for (const std::string& language : languages_to_review)
            for (const std::string& name : template_names()) {
                if (name == "answer-alert") continue;  // the lead reads nl (or en)
                const fs::path file = test::source_path("config/templates/" + language + "/" + name + ".mustache");
                CAPTURE(file.string());
                REQUIRE(fs::exists(file));
                CHECK(file_text(file).rfind(review_marker, 0) == 0);
            }
        for (const std::string language : {"nl", "en"})
            for (const std::string& name : template_names())
                CHECK(file_text(test::source_path("config/templates/" + language + "/" + name + ".mustache"))
                          .find(review_marker) == std::string::npos);
        const auto languages = shipped_renderer().languages();
        for (const std::string& language : languages_to_review)
            CHECK(std::find(languages.begin(), languages.end(), language) != languages.end());
    }

    TEST_CASE("the review comment leaves no blank first line: an e-mail's subject is the message's first line") {
        for (const std::string& language : languages_to_review)
            for (const MessageFacts& facts : every_kind()) {
                CAPTURE(language);
                CAPTURE(name_of(facts.kind));
                CAPTURE(facts.change);
                const RenderedMessage email = shipped_renderer().render(facts, language, Medium::email);
                REQUIRE_FALSE(email.text.empty());
                CHECK(email.text.front() != '\n');
                CHECK(email.text.find("Needs review") == std::string::npos);
                const std::string& whom =
                    facts.kind == DeliveryKind::alert ? facts.alert_participant : facts.first_name;
                CHECK(email.subject.find(whom) != std::string::npos);
                CHECK(email.text.rfind(email.subject, 0) == 0);
            }
    }

    TEST_CASE("every kind renders in ar, fa, ti, tr and uk with the same values as nl and en, in UCS-2") {
        const auto all = every_kind();
        for (const std::string& language : languages_to_review)
            for (const MessageFacts& facts : all) {
                CAPTURE(language);
                CAPTURE(name_of(facts.kind));
                CAPTURE(facts.change);
                const RenderedMessage message = shipped_renderer().render(facts, language, Medium::sms);
                CAPTURE(message.text);
                CHECK(message.language == language);
                CHECK(message.text.find("{{") == std::string::npos);
                CHECK(message.text.find("\n\n") == std::string::npos);
                CHECK(measure_sms(message.text).encoding == SmsEncoding::ucs2);
                if (facts.kind == DeliveryKind::alert) {
                    CHECK(message.text.find(facts.alert_participant) != std::string::npos);
                    CHECK(message.text.find(facts.alert_reason) != std::string::npos);
                    continue;
                }
                // When and where, and whom to call: the values the nl and en texts carry.
                CHECK(message.text.find(facts.first_name) != std::string::npos);
                CHECK(message.text.find(format_weekday_date(facts.start.date, language)) != std::string::npos);
                CHECK(message.text.find(format_time(facts.start.time, language)) != std::string::npos);
                CHECK(message.text.find(facts.lead_phone) != std::string::npos);
                if (facts.change != "cancelled") {  // a cancelled one needs no place, as in nl and en
                    CHECK(message.text.find(facts.location_address) != std::string::npos);
                    if (!facts.location_name.empty())
                        CHECK(message.text.find(facts.location_name) != std::string::npos);
                }
                if (!facts.note.empty()) CHECK(message.text.find(facts.note) != std::string::npos);
                if (facts.previous_start) {
                    CHECK(message.text.find(format_weekday_date(facts.previous_start->date, language)) !=
                          std::string::npos);
                    CHECK(message.text.find(format_time(facts.previous_start->time, language)) != std::string::npos);
                }
            }
    }

    TEST_CASE("a value left out takes its words with it: no blank line, no dangling label") {
        for (const std::string& language : languages_to_review)
            for (MessageFacts facts : every_kind()) {
                facts.location_address.clear();
                facts.note.clear();
                facts.lead_phone.clear();
                CAPTURE(language);
                CAPTURE(name_of(facts.kind));
                CAPTURE(facts.change);
                const RenderedMessage message = shipped_renderer().render(facts, language, Medium::sms);
                CAPTURE(message.text);
                CHECK(message.text.find("\n\n") == std::string::npos);
                // The message, then at most the line that says how to answer.
                CHECK(std::count(message.text.begin(), message.text.end(), '\n') <= 1);
                std::istringstream lines(message.text);
                for (std::string line; std::getline(lines, line);) {
                    CHECK_FALSE(line.empty());
                    CHECK(line.back() != ':');
                    CHECK(line.back() != ',');
                }
            }
    }

    TEST_CASE("an appointment names the address and the travel note") {
        const RenderedMessage message = shipped_renderer().render(appointment_facts(), "nl", Medium::sms);
        CHECK(message.text.find("Stadhuisplein 1, Almere") != std::string::npos);
        CHECK(message.text.find("Bus 4 tot halte Stadhuis") != std::string::npos);
        CHECK(message.text.find(" bij ") == std::string::npos);  // no location name to show
        CHECK(message.text.find("\n\n") == std::string::npos);
    }

    TEST_CASE("change notices: moved from one time to another, cancelled, restored") {
        const auto all = every_kind();
        const MessageFacts& moved = all.back();
        const RenderedMessage moved_nl = shipped_renderer().render(moved, "nl", Medium::sms);
        const size_t from = moved_nl.text.find("dinsdag 3 maart");
        const size_t to = moved_nl.text.find("donderdag 5 maart");
        REQUIRE(from != std::string::npos);
        REQUIRE(to != std::string::npos);
        CHECK(from < to);
        CHECK(moved_nl.text.find("10:00") != std::string::npos);

        const RenderedMessage cancelled = shipped_renderer().render(session_facts(DeliveryKind::change, "cancelled"),
                                                                    "nl", Medium::sms);
        CHECK(cancelled.text.find("gaat niet door") != std::string::npos);
        CHECK(cancelled.text.find("dinsdag 3 maart") != std::string::npos);
        const RenderedMessage restored = shipped_renderer().render(session_facts(DeliveryKind::change, "restored"),
                                                                   "nl", Medium::sms);
        CHECK(restored.text.find("gaat toch door") != std::string::npos);

        MessageFacts appointment_moved = appointment_facts();
        appointment_moved.kind = DeliveryKind::change;
        appointment_moved.change = "moved";
        appointment_moved.previous_start = appointment_moved.start;
        appointment_moved.start.date = make_date(2026, 3, 5);
        const RenderedMessage appointment = shipped_renderer().render(appointment_moved, "nl", Medium::sms);
        CHECK(appointment.text.find("afspraak") != std::string::npos);
        CHECK(appointment.text.find("bijeenkomst") == std::string::npos);
    }

    TEST_CASE("a change without a known change is refused") {
        CHECK_THROWS_AS(shipped_renderer().render(session_facts(DeliveryKind::change, "postponed"), "nl", Medium::sms),
                        std::invalid_argument);
    }

    TEST_CASE("an alert names the participant by id only, and the reason") {
        const RenderedMessage alert = shipped_renderer().render(alert_facts(), "nl", Medium::sms);
        CHECK(alert.text.find("p-7k2m9q4x8a") != std::string::npos);
        CHECK(alert.text.find("number unreachable") != std::string::npos);
    }

    TEST_CASE("a language without templates gets nl, a blank line, then en") {
        for (const std::string language : {"pl", "pt-BR"}) {
            CAPTURE(language);
            const RenderedMessage message = shipped_renderer().render(session_facts(), language, Medium::sms);
            CHECK(message.language == "nl+en");
            const size_t dutch = message.text.find("dinsdag 3 maart");
            const size_t blank = message.text.find("\n\n");
            const size_t english = message.text.find("Tuesday");
            REQUIRE(dutch != std::string::npos);
            REQUIRE(blank != std::string::npos);
            REQUIRE(english != std::string::npos);
            CHECK(dutch < blank);
            CHECK(blank < english);
        }
    }

    TEST_CASE("a regional tag reads its language's templates, with the region's dates") {
        const RenderedMessage message = shipped_renderer().render(session_facts(), "nl-BE", Medium::sms);
        CHECK(message.language == "nl");
        CHECK(message.text.find("3 maart") != std::string::npos);
    }

    TEST_CASE("text is plain, not HTML: & and < stay as they are") {
        MessageFacts facts = session_facts();
        facts.location_name = "Buurthuis Zon & Maan <zaal 2>";
        const RenderedMessage message = shipped_renderer().render(facts, "nl", Medium::sms);
        CHECK(message.text.find("Buurthuis Zon & Maan <zaal 2>") != std::string::npos);
        CHECK(message.text.find("&amp;") == std::string::npos);
    }

    TEST_CASE("an e-mail's subject is its first line") {
        const RenderedMessage message = shipped_renderer().render(session_facts(), "nl", Medium::email);
        REQUIRE(!message.subject.empty());
        CHECK(message.subject.find('\n') == std::string::npos);
        CHECK(message.text.rfind(message.subject, 0) == 0);
        CHECK(message.text.size() > message.subject.size());
        const RenderedMessage sms = shipped_renderer().render(session_facts(), "nl", Medium::sms);
        CHECK(sms.subject.empty());
    }

    TEST_CASE("SMS typography is made plain where that keeps GSM-7; e-mail keeps it") {
        MessageFacts facts = appointment_facts();
        facts.note = "\xE2\x80\x98" "Bus 4\xE2\x80\x99 \xE2\x80\x93 halte Stadhuis";  // ‘Bus 4’ – halte Stadhuis
        const RenderedMessage sms = shipped_renderer().render(facts, "nl", Medium::sms);
        CHECK(sms.text.find("'Bus 4' - halte Stadhuis") != std::string::npos);
        CHECK(measure_sms(sms.text).encoding == SmsEncoding::gsm7);
        const RenderedMessage email = shipped_renderer().render(facts, "nl", Medium::email);
        CHECK(email.text.find(facts.note) != std::string::npos);
    }

    TEST_CASE("every shipped nl and en SMS reminder fits in two segments") {
        MessageFacts facts = session_facts();
        facts.first_name = "Fatima-Zahra";
        facts.start.date = make_date(2026, 9, 30);  // woensdag 30 september: a long weekday and month
        facts.location_name = "Wijkcentrum De Schakel, zaal 3 (eerste verdieping)";
        facts.location_address = "Kruidenwijkplantsoen 112, 1335 AB Almere";
        facts.lead_phone = "+31612345678";
        for (const std::string language : {"nl", "en"}) {
            for (const MessageFacts& kind : {facts, [&] {
                     MessageFacts moved = facts;
                     moved.kind = DeliveryKind::change;
                     moved.change = "moved";
                     moved.previous_start = LocalDateTime{make_date(2026, 9, 29), TimeOfDay::hm(9, 30)};
                     return moved;
                 }()}) {
                const RenderedMessage message = shipped_renderer().render(kind, language, Medium::sms);
                const SmsLength length = measure_sms(message.text);
                CAPTURE(language);
                CAPTURE(message.text);
                CHECK(length.encoding == SmsEncoding::gsm7);
                CHECK(length.segments <= 2);
            }
        }
    }

    TEST_CASE("a language's own templates win, with dates in that language") {
        TemplateCopy copy("arabic");
        fs::remove(copy.path("ar/appointment.mustache"));
        // مرحبا {{first_name}}، {{date}} {{time}}
        copy.write("ar/reminder.mustache",
                   "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 {{first_name}}\xD8\x8C {{date}} {{time}}\n");
        Diagnostics diagnostics;
        const auto renderer = MessageRenderer::load(copy.dir(), diagnostics);
        for (const auto& d : diagnostics.items()) MESSAGE(d.str());
        REQUIRE(renderer.has_value());
        const RenderedMessage message = renderer->render(session_facts(), "ar", Medium::sms);
        CHECK(message.language == "ar");
        CHECK(message.text.find(march_in_arabic) != std::string::npos);
        CHECK(measure_sms(message.text).encoding == SmsEncoding::ucs2);
        // ar has no appointment template: that falls back.
        CHECK(renderer->render(appointment_facts(), "ar", Medium::sms).language == "nl+en");
    }

    TEST_CASE("a template that does not parse is reported with its file and line") {
        TemplateCopy copy("broken");
        copy.write("nl/reminder.mustache", "Hallo {{first_name}},\ntot {{date}}{{#has_address}}, {{address}}.\n");
        Diagnostics diagnostics;
        CHECK_FALSE(MessageRenderer::load(copy.dir(), diagnostics).has_value());
        REQUIRE(diagnostics.has_errors());
        const Diagnostic& problem = diagnostics.items().front();
        CHECK(problem.where.file == copy.path("nl/reminder.mustache"));
        CHECK(problem.where.line == 2);
        CHECK(problem.message.find("has_address") != std::string::npos);
    }

    TEST_CASE("a misspelt value is an error with a suggestion") {
        TemplateCopy copy("misspelt");
        copy.write("en/reminder.mustache", "Hello {{frist_name}}, see you on {{date}}.\n");
        Diagnostics diagnostics;
        CHECK_FALSE(MessageRenderer::load(copy.dir(), diagnostics).has_value());
        CHECK(mentions(diagnostics, copy.path("en/reminder.mustache"), "did you mean first_name?"));
        REQUIRE(diagnostics.has_errors());
        CHECK(diagnostics.items().front().where.line == 1);
        CHECK(diagnostics.items().front().where.column == 7);
    }

    TEST_CASE("a missing nl or en template and a file of no known kind are errors") {
        TemplateCopy copy("incomplete");
        fs::remove(copy.path("en/alert.mustache"));
        copy.write("nl/remindr.mustache", "Hallo\n");
        Diagnostics diagnostics;
        CHECK_FALSE(MessageRenderer::load(copy.dir(), diagnostics).has_value());
        CHECK(mentions(diagnostics, copy.path("en/alert.mustache"), "missing"));
        CHECK(mentions(diagnostics, copy.path("nl/remindr.mustache"), "did you mean reminder.mustache?"));
    }

    TEST_CASE("a directory that does not exist is an error") {
        Diagnostics diagnostics;
        CHECK_FALSE(MessageRenderer::load("/nonexistent/ritme/templates", diagnostics).has_value());
        CHECK(diagnostics.has_errors());
    }
}
