// The SMS cost of every template per language for a programme (template_preview), and
// how `ritme check` and `ritme simulate` show it: a table per language, a summary, and a
// warning for every template over two segments.

#include "adapters/builtin_adapters.hpp"
#include "engine/cli/cli.hpp"
#include "engine/message/local_dates.hpp"
#include "engine/message/template_preview.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace ritme;
namespace fs = std::filesystem;
namespace pt = boost::posix_time;

namespace {

const std::string templates_dir = test::source_path("config/templates");
const std::string almere = test::source_path("config/programmes/almere-vrouwen-2026.toml");
const std::string eindhoven = test::source_path("config/programmes/eindhoven-samen-2027.toml");

const MessageRenderer& shipped_renderer() {
    static Diagnostics diagnostics;
    static const std::optional<MessageRenderer> renderer = MessageRenderer::load(templates_dir, diagnostics);
    for (const auto& d : diagnostics.items()) MESSAGE(d.str());
    REQUIRE(renderer.has_value());
    return *renderer;
}

Programme programme_from(const std::string& file) {
    ProgrammeLoad load = load_programme_file(file);
    REQUIRE(load.status == LoadStatus::ok);
    return std::move(*load.programme);
}

// Two places, the second with the longest name and address of the shipped programmes,
// and a lead with a phone: the longest facts a shipped programme's messages carry.
const std::string two_places_toml = test::programme_toml("start = 2026-02-02\nregion = \"noord\"", R"(
[location.schakel]
name = "De Schakel"
address = "Almere"

[location.klavertje]
name = "Peuterspeelzaal Het Klavertje"
address = "Woensel-Noord, Eindhoven"

[lead]
name = "Fatima Yilmaz"
phone = "+31687654321"

[[slot]]
day = "tuesday"
start = "09:30"
end = "11:30"
location = "schakel"

[[slot]]
day = "thursday"
start = "09:30"
end = "11:30"
location = "klavertje"
)", "twee-plekken");

const TemplateCost& cost_of(const std::vector<TemplateCost>& costs, const std::string& language,
                            const std::string& kind) {
    const auto found = std::find_if(costs.begin(), costs.end(), [&](const TemplateCost& cost) {
        return cost.language == language && cost.kind == kind;
    });
    REQUIRE(found != costs.end());
    return *found;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// A copy of the shipped templates to change on purpose, removed when the test ends.
class TemplateCopy {
public:
    explicit TemplateCopy(const std::string& name)
        : dir_(fs::temp_directory_path() / ("ritme-preview-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(dir_);
        fs::copy(templates_dir, dir_, fs::copy_options::recursive);
    }
    ~TemplateCopy() { fs::remove_all(dir_); }

    void write(const std::string& relative, const std::string& text) const { std::ofstream(dir_ / relative) << text; }
    std::string path(const std::string& relative) const { return (dir_ / relative).string(); }
    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
};

std::optional<MessageRenderer> load_templates(const fs::path& dir) {
    Diagnostics diagnostics;
    auto renderer = MessageRenderer::load(dir, diagnostics);
    for (const auto& d : diagnostics.items()) MESSAGE(d.str());
    return renderer;
}

// 150 Arabic letters (ب) after the first name: 12 + 1 + 150 = 163 UTF-16 units, over
// the 134 that two UCS-2 segments hold, so three segments.
const std::string arabic_letter = "\xD8\xA8";
std::string long_arabic_reminder() {
    std::string text = "{{first_name}} ";
    for (int i = 0; i < 150; ++i) text += arabic_letter;
    return text + "\n";
}
constexpr int long_reminder_units = 12 + 1 + 150;

// A ritme install in a temp directory: a daemon config naming `templates`, a database, and
// a programme file with a lead, run through the CLI in-process.
class Install {
public:
    Install(const std::string& name, const fs::path& templates)
        : dir_(fs::temp_directory_path() / ("ritme-preview-install-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        std::ofstream(programme_file()) << test::led_programme_toml("preview-test");
        std::ofstream(config()) << "database = \"ritme.db\"\ntimezone = \"Europe/Amsterdam\"\ntemplates = \""
                                << templates.string() << R"("

[reminders]
offsets = ["1d@18:00", "1h"]
min_notice = "15m"

[channel.sms]
adapter = "outbox"
dir = "outbox"
print = false
)";
        register_builtin_adapters(registry_);
    }
    ~Install() { fs::remove_all(dir_); }

    struct Run {
        int status;
        std::string out, err;
    };
    Run run(std::vector<std::string> args) {
        std::ostringstream out, err;
        ManualClock clock({pt::ptime(make_date(2026, 1, 20), pt::hours(9))});
        CliContext context{out, err, clock, &registry_};
        args.insert(args.begin(), {"--holidays", test::source_path("config/holidays"), "-c", config()});
        const int status = run_cli(args, context);
        return {status, out.str(), err.str()};
    }

    std::string config() const { return (dir_ / "ritme.toml").string(); }
    std::string programme_file() const { return (dir_ / "preview-test.toml").string(); }

private:
    fs::path dir_;
    ChannelRegistry registry_;
};

// `ritme check` without a daemon config: the shipped templates.
Install::Run check_without_config(const std::vector<std::string>& files) {
    std::ostringstream out, err;
    ManualClock clock({pt::ptime(make_date(2026, 3, 5), pt::hours(9))});
    CliContext context{out, err, clock};
    std::vector<std::string> args = {"--holidays", test::source_path("config/holidays"), "check"};
    args.insert(args.end(), files.begin(), files.end());
    const int status = run_cli(args, context);
    return {status, out.str(), err.str()};
}

}  // namespace

TEST_SUITE("template_preview") {
    TEST_CASE("two segments hold 306 GSM-7 septets or 134 UCS-2 units, as measure_sms counts them") {
        CHECK(units_in_segments(SmsEncoding::gsm7, 1) == 160);
        CHECK(units_in_segments(SmsEncoding::gsm7, 2) == 306);
        CHECK(units_in_segments(SmsEncoding::ucs2, 1) == 70);
        CHECK(units_in_segments(SmsEncoding::ucs2, 2) == 134);
        CHECK(units_in_segments(SmsEncoding::ucs2, 3) == 201);
        std::string arabic;
        for (int i = 0; i < units_in_segments(SmsEncoding::ucs2, 2); ++i) arabic += arabic_letter;
        CHECK(measure_sms(arabic).segments == 2);
        CHECK(measure_sms(arabic + arabic_letter).segments == 3);
        CHECK(measure_sms(std::string(units_in_segments(SmsEncoding::gsm7, 2), 'a')).segments == 2);
        CHECK(measure_sms(std::string(units_in_segments(SmsEncoding::gsm7, 2) + 1, 'a')).segments == 3);
    }

    TEST_CASE("long facts: the longest place the slots use, the lead, a long first name, a two-digit day") {
        const Programme programme = test::load_valid(two_places_toml);
        const MessageFacts reminder = long_facts(programme, "reminder", "nl");
        CHECK(reminder.kind == DeliveryKind::reminder);
        CHECK(reminder.first_name == long_first_name);
        CHECK(reminder.location_name == "Peuterspeelzaal Het Klavertje");
        CHECK(reminder.location_address == "Woensel-Noord, Eindhoven");
        CHECK(reminder.lead_name == "Fatima");
        CHECK(reminder.lead_phone == "+31687654321");
        CHECK(reminder.session_number >= 10);
        CHECK(reminder.start.date.day() >= 10);

        const MessageFacts appointment = long_facts(programme, "appointment", "nl");
        CHECK(appointment.kind == DeliveryKind::appointment);
        CHECK(appointment.session_number == 0);
        CHECK(appointment.location_name.empty());
        CHECK(appointment.location_address == "Woensel-Noord, Eindhoven");
        CHECK(appointment.note == long_travel_note);

        const MessageFacts moved = long_facts(programme, "change-moved", "nl");
        CHECK(moved.kind == DeliveryKind::change);
        CHECK(moved.change == "moved");
        REQUIRE(moved.previous_start.has_value());
        CHECK(long_facts(programme, "change-cancelled", "nl").change == "cancelled");
        CHECK(long_facts(programme, "change-restored", "nl").change == "restored");
        CHECK_FALSE(long_facts(programme, "change-cancelled", "nl").previous_start.has_value());

        const MessageFacts alert = long_facts(programme, "alert", "nl");
        CHECK(alert.kind == DeliveryKind::alert);
        CHECK(alert.first_name == "Fatima");
        CHECK_FALSE(alert.alert_participant.empty());
        CHECK_FALSE(alert.alert_reason.empty());

        CHECK_THROWS_AS(long_facts(programme, "remindr", "nl"), std::invalid_argument);
        CHECK(long_facts(programme_from(eindhoven), "reminder", "nl").lead_phone.empty());  // no lead there
    }

    TEST_CASE("long facts: the date whose weekday and month take the most room in that language") {
        // The longest names: donderdag and september; Wednesday and September; понеділок and листопада.
        const Programme programme = test::load_valid(two_places_toml);
        const std::string nl = format_weekday_date(long_facts(programme, "reminder", "nl").start.date, "nl");
        CHECK(starts_with(nl, "donderdag "));
        CHECK(ends_with(nl, " september"));
        const std::string en = format_weekday_date(long_facts(programme, "reminder", "en").start.date, "en");
        CHECK(starts_with(en, "Wednesday"));
        CHECK(ends_with(en, " September"));
        const std::string uk = format_weekday_date(long_facts(programme, "reminder", "uk").start.date, "uk");
        CHECK(starts_with(uk, "понеділок"));
        CHECK(ends_with(uk, " листопада"));
        for (const std::string language : {"nl", "en", "uk", "nl+en"})
            CHECK(long_facts(programme, "reminder", language).start.date.day() >= 10);
    }

    TEST_CASE("the preview has every language of the templates, then nl+en, each with every kind in order") {
        const Programme programme = programme_from(almere);
        const auto costs = preview_templates(shipped_renderer(), programme);
        std::vector<std::string> rows = shipped_renderer().languages();
        rows.emplace_back(fallback_language);
        const auto kinds = template_names();
        REQUIRE(costs.size() == rows.size() * kinds.size());
        for (size_t i = 0; i < costs.size(); ++i) {
            CHECK(costs[i].language == rows[i / kinds.size()]);
            CHECK(costs[i].kind == kinds[i % kinds.size()]);
            // Every shipped language is complete for what participants read; the lead's
            // messages (alert, answer-alert) are read in nl and en only.
            const bool lead_reads = costs[i].kind == "alert" || costs[i].kind == "answer-alert";
            if (!lead_reads || costs[i].language == "nl" || costs[i].language == "en" ||
                costs[i].language == fallback_language)
                CHECK(costs[i].text_language == costs[i].language);
            CHECK(costs[i].length.segments >= 1);
        }
        for (const std::string language : {"ar", "fa", "ti", "tr", "uk"})
            CHECK(cost_of(costs, language, "reminder").length.encoding == SmsEncoding::ucs2);
        for (const std::string language : {"nl", "en", "nl+en"})
            CHECK(cost_of(costs, language, "reminder").length.encoding == SmsEncoding::gsm7);
    }

    TEST_CASE("the figures are the rendered long message's, measured") {
        const Programme programme = programme_from(almere);
        const auto costs = preview_templates(shipped_renderer(), programme);
        for (const std::string language : {"ar", "nl", "uk"})
            for (const std::string& kind : template_names()) {
                CAPTURE(language);
                CAPTURE(kind);
                const RenderedMessage message =
                    shipped_renderer().render(long_facts(programme, kind, language), language, Medium::sms);
                const SmsLength expected = measure_sms(message.text);
                const SmsLength& previewed = cost_of(costs, language, kind).length;
                CHECK(previewed.units == expected.units);
                CHECK(previewed.segments == expected.segments);
                CHECK(previewed.encoding == expected.encoding);
            }
        // The SMS text is measured, with its line on answering, not the e-mail's.
        for (const std::string language : {"ar", "nl", "uk"})
            for (const std::string kind : {"reminder", "appointment", "change-moved", "change-restored"}) {
                CAPTURE(language);
                CAPTURE(kind);
                const MessageFacts facts = long_facts(programme, kind, language);
                CHECK(cost_of(costs, language, kind).length.units ==
                      measure_sms(shipped_renderer().render(facts, language, Medium::sms).text).units);
                CHECK(cost_of(costs, language, kind).length.units !=
                      measure_sms(shipped_renderer().render(facts, language, Medium::email).text).units);
            }
        // nl+en: the Dutch text, a blank line, the English text.
        const RenderedMessage fallback =
            shipped_renderer().render(long_facts(programme, "reminder", "nl+en"), "pl", Medium::sms);
        CHECK(fallback.language == "nl+en");
        CHECK(cost_of(costs, "nl+en", "reminder").length.units == measure_sms(fallback.text).units);
    }

    TEST_CASE("a language without a kind's template shows the nl+en text in that cell") {
        TemplateCopy copy("partial");
        fs::remove(copy.path("tr/appointment.mustache"));
        const auto renderer = load_templates(copy.dir());
        REQUIRE(renderer.has_value());
        const auto costs = preview_templates(*renderer, programme_from(almere));
        CHECK(cost_of(costs, "tr", "appointment").text_language == "nl+en");
        CHECK(cost_of(costs, "tr", "appointment").length.encoding == SmsEncoding::gsm7);
        CHECK(cost_of(costs, "tr", "reminder").text_language == "tr");
    }

    TEST_CASE("a template made long on purpose gives a warning with its figures and how much to cut") {
        TemplateCopy copy("long");
        copy.write("ar/reminder.mustache", long_arabic_reminder());
        const auto renderer = load_templates(copy.dir());
        REQUIRE(renderer.has_value());
        const auto costs = preview_templates(*renderer, programme_from(almere));
        const SmsLength& length = cost_of(costs, "ar", "reminder").length;

        // The text is the first name, a space and the 150 letters: measured on its own.
        std::string expected_text = std::string(long_first_name) + " ";
        for (int i = 0; i < 150; ++i) expected_text += arabic_letter;
        const SmsLength expected = measure_sms(expected_text);
        CHECK(expected.units == long_reminder_units);
        CHECK(expected.segments == 3);  // 163 units: more than 2 × 67
        CHECK(length.encoding == SmsEncoding::ucs2);
        CHECK(length.units == expected.units);
        CHECK(length.segments == expected.segments);

        const auto warning = segment_warning(copy.dir(), "ar", "reminder", length, "for a test");
        REQUIRE(warning.has_value());
        CHECK(warning->severity == Severity::warning);
        CHECK(warning->where.file == copy.path("ar/reminder.mustache"));
        CHECK(warning->message.find("ar reminder") != std::string::npos);
        CHECK(warning->message.find("3 segments") != std::string::npos);
        CHECK(warning->message.find(std::to_string(long_reminder_units) + " UCS-2 units") != std::string::npos);
        CHECK(warning->message.find("hold 134") != std::string::npos);
        CHECK(warning->message.find("(for a test)") != std::string::npos);
        CHECK(warning->hint.find("shorten ar/reminder.mustache by " + std::to_string(long_reminder_units - 134) +
                                 " characters") != std::string::npos);
    }

    TEST_CASE("no warning within two segments; the nl+en warning names both templates") {
        CHECK_FALSE(segment_warning(templates_dir, "ar", "reminder", {SmsEncoding::ucs2, 134, 2}).has_value());
        CHECK_FALSE(segment_warning(templates_dir, "nl", "reminder", {SmsEncoding::gsm7, 306, 2}).has_value());
        const auto fallback = segment_warning(templates_dir, "nl+en", "appointment", {SmsEncoding::gsm7, 320, 3});
        REQUIRE(fallback.has_value());
        CHECK(fallback->where.file == (fs::path(templates_dir) / "nl" / "appointment.mustache").string());
        CHECK(fallback->hint.find("en/appointment.mustache") != std::string::npos);
        CHECK(fallback->hint.find("by 14 characters") != std::string::npos);
        CHECK(fallback->hint.find("travel note") != std::string::npos);
        // A text one unit over: at least one character to cut.
        const auto one_over = segment_warning(templates_dir, "uk", "change-moved", {SmsEncoding::ucs2, 135, 3});
        REQUIRE(one_over.has_value());
        CHECK(one_over->hint.find("by 1 character or more") != std::string::npos);
        CHECK(one_over->hint.find("location's name or address") != std::string::npos);
    }

    TEST_CASE("the shipped templates stay within two segments for the shipped programmes' long facts") {
        // The reminder, sent before every session, in every language and in nl+en; every
        // message in nl and en. In the UCS-2 scripts (134 units in two segments) an
        // appointment with a long travel note and a move naming two dates, the place and its
        // address may take three.
        const std::vector<std::string> ucs2_languages = {"ar", "fa", "ti", "tr", "uk"};
        for (const Programme& programme : {programme_from(almere), programme_from(eindhoven)}) {
            const auto costs = preview_templates(shipped_renderer(), programme);
            for (const TemplateCost& cost : costs) {
                CAPTURE(programme.id);
                CAPTURE(cost.language);
                CAPTURE(cost.kind);
                CAPTURE(cost.length.units);
                const bool ucs2_script =
                    std::find(ucs2_languages.begin(), ucs2_languages.end(), cost.language) != ucs2_languages.end();
                if (cost.kind == "reminder" || cost.language == "nl" || cost.language == "en")
                    CHECK(cost.length.segments <= max_sms_segments);
                else if (ucs2_script && (cost.kind == "appointment" || cost.kind == "change-moved"))
                    CHECK(cost.length.segments <= max_sms_segments + 1);
                else if (ucs2_script)
                    CHECK(cost.length.segments <= max_sms_segments);
                else
                    CHECK(cost.length.segments <= max_sms_segments + 1);  // nl+en: two texts in one
            }
        }
    }

    TEST_CASE("check: SMS per language after the summaries, one row per language, the figures of the preview") {
        const auto run = check_without_config({almere});
        CHECK(run.status == 0);
        const auto lines = lines_of(run.out);
        const auto summary = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
            return starts_with(line, almere + ": 0 errors");
        });
        const auto heading = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
            return starts_with(line, "SMS per language, almere-vrouwen-2026");
        });
        REQUIRE(summary != lines.end());
        REQUIRE(heading != lines.end());
        CHECK(summary < heading);
        REQUIRE(heading + 1 != lines.end());
        for (const auto& kind : template_names()) CHECK((heading + 1)->find(kind) != std::string::npos);

        // Each row: the language, then per kind the segments and the encoding.
        std::map<std::string, std::string> rows;
        for (auto line = heading + 2; line != lines.end(); ++line) rows[line->substr(0, line->find(' '))] = *line;
        std::vector<std::string> expected = shipped_renderer().languages();
        expected.emplace_back(fallback_language);
        const auto costs = preview_templates(shipped_renderer(), programme_from(almere));
        for (const auto& language : expected) {
            CAPTURE(language);
            REQUIRE(rows.count(language) == 1);
            std::istringstream cells(rows[language].substr(language.size()));
            for (const auto& kind : template_names()) {
                int segments = 0;
                std::string encoding;
                cells >> segments >> encoding;
                CHECK(segments == cost_of(costs, language, kind).length.segments);
                const TemplateCost& cost = cost_of(costs, language, kind);
                // "*": that language has no template of this kind (a lead's message).
                CHECK(encoding == std::string(name_of(cost.length.encoding)) +
                                      (cost.text_language != cost.language ? "*" : ""));
            }
        }
        // The shipped reminders fit; a warning, if any, is for a longer message in a UCS-2 script.
        for (const auto& line : lines) {
            if (line.find(": warning: the ") == std::string::npos) continue;
            CAPTURE(line);
            CHECK(line.find(" reminder SMS ") == std::string::npos);
            CHECK(line.find("UCS-2 units") != std::string::npos);
            CHECK(line.find("nl+en") == std::string::npos);  // two templates, each with its own row
        }
    }

    TEST_CASE("check: a template over two segments is a warning line, and the exit status stays 0") {
        TemplateCopy copy("check");
        copy.write("ar/reminder.mustache", long_arabic_reminder());
        Install install("check", copy.dir());
        const auto run = install.run({"check", install.programme_file()});
        CHECK(run.status == 0);
        const auto renderer = load_templates(copy.dir());
        REQUIRE(renderer.has_value());
        const Programme programme = programme_from(install.programme_file());
        const auto expected = segment_warning(copy.dir(), "ar", "reminder",
                                              cost_of(preview_templates(*renderer, programme), "ar", "reminder").length,
                                              "with long facts for preview-test");
        REQUIRE(expected.has_value());
        CHECK(run.out.find(expected->str() + "\n") != std::string::npos);
        CHECK(run.out.find(copy.path("ar/reminder.mustache") + ": warning: the ar reminder SMS takes 3 segments") !=
              std::string::npos);
        // The reminder is the only one of that copy's reminders over.
        int reminder_warnings = 0;
        for (const auto& line : lines_of(run.out))
            reminder_warnings += line.find(" reminder SMS ") != std::string::npos;
        CHECK(reminder_warnings == 1);
    }

    TEST_CASE("check: errors in the file still exit 1; a file that does not load gets no table") {
        const auto early = fs::temp_directory_path() / ("ritme-preview-early-" + std::to_string(::getpid()) + ".toml");
        std::ofstream(early) << test::programme_toml("start = 2026-02-02\nregion = \"noord\"", R"(
[location.a]
name = "A"
[[slot]]
day = "tuesday"
start = "08:30"
end = "10:30"
)");
        const auto with_errors = check_without_config({early.string()});
        CHECK(with_errors.status == 1);
        CHECK(with_errors.out.find("SMS per language, test") != std::string::npos);
        fs::remove(early);

        const auto unreadable = check_without_config({test::data_path("broken/not-toml.toml")});
        CHECK(unreadable.status == 2);
        CHECK(unreadable.out.find("SMS per language") == std::string::npos);
    }

    TEST_CASE("check: templates that do not load are reported, and the programme's status is kept") {
        TemplateCopy copy("broken");
        copy.write("nl/reminder.mustache", "Hallo {{frist_name}}\n");
        Install install("broken", copy.dir());
        const auto run = install.run({"check", install.programme_file()});
        CHECK(run.status == 0);
        CHECK(run.out.find("SMS per language") == std::string::npos);
        CHECK(run.err.find("frist_name") != std::string::npos);
        CHECK(run.err.find("no SMS per language") != std::string::npos);
    }

    TEST_CASE("simulate: SMS per language at the end, the same figures as its messages") {
        Install install("simulate", templates_dir);
        REQUIRE(install.run({"apply", install.programme_file()}).status == 0);
        const auto jsonl = install.run({"simulate", "preview-test", "--format", "jsonl", "--language", "ar,nl,so"});
        REQUIRE(jsonl.status == 0);
        struct Figures {
            int messages = 0, segments = 0, max = 0;
            std::string encoding;
        };
        std::map<std::string, Figures> expected;
        for (const auto& line : lines_of(jsonl.out)) {
            const auto json = nlohmann::json::parse(line);
            REQUIRE(json.contains("segments"));
            Figures& figures = expected[json["language"].get<std::string>()];
            const int segments = json["segments"].get<int>();
            ++figures.messages;
            figures.segments += segments;
            figures.max = std::max(figures.max, segments);
            figures.encoding = std::string(name_of(measure_sms(json["text"].get<std::string>()).encoding));
        }
        REQUIRE(expected.size() == 3);  // ar, nl, and nl+en for Somali

        const auto text = install.run({"simulate", "preview-test", "--language", "ar,nl,so"});
        REQUIRE(text.status == 0);
        const auto lines = lines_of(text.out);
        const auto heading = std::find(lines.begin(), lines.end(), "SMS per language:");
        REQUIRE(heading != lines.end());
        REQUIRE(lines.end() - heading >= 5);
        CHECK(starts_with(*(heading + 1), "language"));
        std::map<std::string, Figures> shown;
        for (auto line = heading + 2; line != lines.end() && line->find(": warning:") == std::string::npos; ++line) {
            std::istringstream cells(*line);
            std::string language;
            Figures figures;
            cells >> language >> figures.messages >> figures.segments >> figures.max >> figures.encoding;
            shown[language] = figures;
        }
        for (const auto& [language, figures] : expected) {
            CAPTURE(language);
            REQUIRE(shown.count(language) == 1);
            CHECK(shown[language].messages == figures.messages);
            CHECK(shown[language].segments == figures.segments);
            CHECK(shown[language].max == figures.max);
            CHECK(shown[language].encoding == figures.encoding);
        }
        CHECK(expected["ar"].encoding == "UCS-2");
        CHECK(expected["nl"].encoding == "GSM-7");
        CHECK(text.out.find(": warning: ") == std::string::npos);
        CHECK(jsonl.err.find(": warning: ") == std::string::npos);
    }

    TEST_CASE("simulate: a template over two segments is a warning naming how many messages it hit") {
        TemplateCopy copy("simulate");
        copy.write("ar/reminder.mustache", long_arabic_reminder());
        Install install("simulate-long", copy.dir());
        REQUIRE(install.run({"apply", install.programme_file()}).status == 0);

        const auto text = install.run({"simulate", "preview-test", "--language", "ar,nl"});
        REQUIRE(text.status == 0);
        const std::string warning_start =
            copy.path("ar/reminder.mustache") + ": warning: the ar reminder SMS takes 3 segments: ";
        const size_t at = text.out.find(warning_start);
        REQUIRE(at != std::string::npos);
        CHECK(at > text.out.find("SMS per language:"));
        // Amina (5 letters, the sample participant) + a space + 150 letters.
        const int units = 5 + 1 + 150;
        const std::string warning_line = text.out.substr(at, text.out.find('\n', at) - at);
        CHECK(warning_line.find(std::to_string(units) + " UCS-2 units") != std::string::npos);
        int reminders = 0;
        for (const auto& line : lines_of(text.out)) reminders += line.find(" reminder #") != std::string::npos;
        CHECK(warning_line.find("(" + std::to_string(reminders / 2) + " of " + std::to_string(reminders / 2) +
                                " messages)") != std::string::npos);

        // In jsonl every line of standard output stays a message; the warning goes to standard error.
        const auto jsonl = install.run({"simulate", "preview-test", "--format", "jsonl", "--language", "ar,nl"});
        REQUIRE(jsonl.status == 0);
        for (const auto& line : lines_of(jsonl.out)) CHECK(nlohmann::json::parse(line).contains("send_at"));
        CHECK(jsonl.err.find(warning_start) != std::string::npos);
    }
}
