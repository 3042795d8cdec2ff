// The lead-facing language: the shipped catalogues (config/locale, compiled by msgfmt at
// build time) load, the Dutch one translates every msgid, the CLI's language follows the
// environment, and dates read as Dutch readers write them.

#include "engine/base/phrase.hpp"
#include "engine/base/translation.hpp"
#include "engine/store/delivery_reason.hpp"
#include "engine/time/local_time_text.hpp"
#include "engine/message/local_dates.hpp"
#include "po_catalogue.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>

using namespace ritme;

namespace {

test::PoCatalogue shipped_po(const std::string& language) {
    std::ifstream in(test::source_path("config/locale/" + language + ".po"));
    REQUIRE(in);
    return test::read_po(std::string((std::istreambuf_iterator<char>(in)), {}));
}

// Sets the locale variables for one test and puts back what was there.
class Environment {
public:
    Environment(std::initializer_list<std::pair<const char*, const char*>> values) {
        for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            const char* old = std::getenv(name);
            saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
            ::unsetenv(name);
        }
        for (const auto& [name, value] : values) ::setenv(name, value, 1);
    }
    ~Environment() {
        for (const auto& [name, value] : saved_)
            value ? ::setenv(name, value->c_str(), 1) : ::unsetenv(name);
    }

private:
    std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

}  // namespace

TEST_SUITE("translation") {
    TEST_CASE("the shipped catalogues load: Dutch translates, English keeps the code's words") {
        const Translations& shipped = Translations::installed();
        CHECK(shipped.has_catalogue(Language::nl));
        CHECK(shipped.has_catalogue(Language::en));
        CHECK(shipped.text(Language::nl, "present") == "aanwezig");
        CHECK(shipped.text(Language::nl, "excused") == "afgemeld");
        CHECK(shipped.text(Language::en, "excused") == "excused");
        CHECK(tr(Language::nl, "date") == "datum");
        // Placeholders are filled after translating, in the translation's order.
        CHECK(tr(Language::nl, "{1}: {2} marked {3}", {"x #3", "Amina", "aanwezig"}) == "x #3: Amina is aanwezig");
        CHECK(tr(Language::en, "{1}: {2} marked {3}", {"x #3", "Amina {2}", "present"}) ==
              "x #3: Amina {2} marked present");
        // Plural forms from the catalogue's Plural-Forms.
        CHECK(tr_count(Language::nl, 1, "{1} of {n} session held", "{1} of {n} sessions held", {"0"}) ==
              "0 van 1 bijeenkomst gehouden");
        CHECK(tr_count(Language::nl, 40, "{1} of {n} session held", "{1} of {n} sessions held", {"3"}) ==
              "3 van 40 bijeenkomsten gehouden");
        CHECK(tr_count(Language::en, 1, "{1} of {n} session held", "{1} of {n} sessions held", {"1"}) ==
              "1 of 1 session held");
        // A text the catalogue lacks is said in English, not refused.
        CHECK(tr(Language::nl, "no such text in any catalogue") == "no such text in any catalogue");
    }

    TEST_CASE("a directory without catalogues: English words, and it says so") {
        const Translations none(test::source_path("tests/data/no-such-locale-dir"));
        CHECK_FALSE(none.has_catalogue(Language::nl));
        CHECK(none.text(Language::nl, "present") == "present");
    }

    TEST_CASE("nl.po translates every msgid; en.po only msgids nl.po has; both say UTF-8 and their plural rule") {
        const auto nl = shipped_po("nl");
        const auto en = shipped_po("en");
        for (const auto& problem : nl.problems) FAIL_CHECK("nl.po " << problem);
        for (const auto& problem : en.problems) FAIL_CHECK("en.po " << problem);
        CHECK(nl.entries.size() >= 15);
        std::set<std::string> dutch;
        for (const auto& entry : nl.entries) {
            CAPTURE(entry.line);
            CAPTURE(entry.msgid);
            CHECK(dutch.insert(entry.msgid).second);  // no msgid twice
            REQUIRE_FALSE(entry.msgstr.empty());
            CHECK(entry.msgstr.size() == (entry.msgid_plural.empty() ? 1u : 2u));
            for (const auto& translation : entry.msgstr) {
                CHECK_FALSE(translation.empty());
                // Every placeholder of the English is in the Dutch.
                for (const std::string placeholder : {"{1}", "{2}", "{3}", "{n}"})
                    if (entry.msgid.find(placeholder) != std::string::npos ||
                        entry.msgid_plural.find(placeholder) != std::string::npos)
                        CHECK_MESSAGE(translation.find(placeholder) != std::string::npos, placeholder);
            }
        }
        for (const auto& entry : en.entries) CHECK_MESSAGE(dutch.count(entry.msgid) == 1, entry.msgid);
        for (const auto* header : {&nl.header, &en.header}) {
            CHECK(header->find("charset=UTF-8") != std::string::npos);
            CHECK(header->find("Plural-Forms: nplurals=2; plural=(n != 1);") != std::string::npos);
        }
        CHECK(nl.header.find("Language: nl\n") != std::string::npos);
        CHECK(en.header.find("Language: en\n") != std::string::npos);
    }

    TEST_CASE("parse_language reads BCP 47 tags and POSIX locale names") {
        CHECK(parse_language("nl") == Language::nl);
        CHECK(parse_language("nl-BE") == Language::nl);
        CHECK(parse_language("nl_NL.UTF-8") == Language::nl);
        CHECK(parse_language("NL_nl@euro") == Language::nl);
        CHECK(parse_language("en_GB.UTF-8") == Language::en);
        CHECK(parse_language("C.UTF-8") == std::nullopt);
        CHECK(parse_language("POSIX") == std::nullopt);
        CHECK(parse_language("de_DE.UTF-8") == std::nullopt);
        CHECK(parse_language("") == std::nullopt);
        CHECK(tag_of(Language::nl) == "nl");
    }

    TEST_CASE("the CLI's language: LC_ALL, then LC_MESSAGES, then LANG; Dutch for nl, else English") {
        {
            Environment env{};
            CHECK(language_from_environment() == Language::en);
        }
        {
            Environment env{{"LANG", "nl_NL.UTF-8"}};
            CHECK(language_from_environment() == Language::nl);
        }
        {
            Environment env{{"LANG", "nl_NL.UTF-8"}, {"LC_MESSAGES", "en_US.UTF-8"}};
            CHECK(language_from_environment() == Language::en);
        }
        {
            Environment env{{"LANG", "en_US.UTF-8"}, {"LC_MESSAGES", "nl_NL.UTF-8"}};
            CHECK(language_from_environment() == Language::nl);
        }
        {
            Environment env{{"LANG", "nl_NL.UTF-8"}, {"LC_ALL", "C"}};
            CHECK(language_from_environment() == Language::en);
        }
        {
            Environment env{{"LANG", "de_DE.UTF-8"}};
            CHECK(language_from_environment() == Language::en);
        }
        {
            Environment env{{"LANG", ""}, {"LC_MESSAGES", ""}};  // set but empty: not deciding
            CHECK(language_from_environment() == Language::en);
        }
    }

    TEST_CASE("short dates as Dutch readers write them: \"di 12 jan\", no year, no dots") {
        CHECK(format_short_weekday_date(make_date(2027, 1, 12), "nl") == "di 12 jan");
        CHECK(format_short_weekday_date(make_date(2026, 3, 5), "nl") == "do 5 mrt");
        CHECK(format_short_weekday_date(make_date(2026, 9, 26), "nl") == "za 26 sep");
        CHECK(format_short_weekday_date(make_date(2026, 10, 4), "nl") == "zo 4 okt");
        CHECK(format_short_weekday_date(make_date(2027, 1, 12), "en") == "Tue, 12 Jan");
        CHECK(format_short_weekday_date(Date(), "nl").empty());
    }
}

TEST_SUITE("translation") {
    TEST_CASE("a phrase is said in each language with its arguments, themselves phrases, said in the same") {
        const Phrase warning =
            phrase("there is no school on {1}, so the children are at home", {weekday_phrase(Weekday::saturday)});
        CHECK(warning.english() == "there is no school on saturday, so the children are at home");
        CHECK(warning.in(Language::nl) ==
              tr(Language::nl, "there is no school on {1}, so the children are at home", {tr(Language::nl, "saturday")}));
        CHECK(warning.in(Language::nl).find("zaterdag") != std::string::npos);

        const Phrase counted = phrase_count(3, "{1} starts {n} minute too early: {2}",
                                            "{1} starts {n} minutes too early: {2}", {"#4", "x"});
        CHECK(counted.english() == "#4 starts 3 minutes too early: x");
        CHECK(counted.in(Language::nl).find("3") != std::string::npos);
        CHECK(counted.in(Language::nl) != counted.english());

        CHECK(Phrase("as it is").in(Language::nl) == "as it is");
        CHECK(Phrase::joined({"a", Phrase(), "b"}, "; ").english() == "a; b");
        CHECK(Phrase().empty());
        CHECK(Phrase::joined({Phrase(), ""}, "; ").empty());
        CHECK(day_and_date_phrase(make_date(2026, 3, 12)).english() == "Thu 2026-03-12");
        CHECK(day_and_date_phrase(make_date(2026, 3, 12)).in(Language::nl) == "do 2026-03-12");
    }

    TEST_CASE("a stored reason is English; a lead reads the known ones in Dutch, with their values, others as stored") {
        const std::string changed = stored_reason(DeliveryReason::session_changed, {"3"});
        CHECK(changed == "session #3 changed");
        CHECK(reason_phrase(changed).english() == changed);
        CHECK(reason_phrase(changed).in(Language::nl) == tr(Language::nl, "session #{1} changed", {"3"}));
        CHECK(reason_phrase(changed).in(Language::nl) != changed);

        const std::string cannot_come = stored_reason(DeliveryReason::cannot_come);
        CHECK(cannot_come == "she answered that she cannot come");
        CHECK(reason_phrase(cannot_come).in(Language::nl) == tr(Language::nl, "she answered that she cannot come"));

        const std::string gap = stored_reason(DeliveryReason::quiet_hours_too_close, {"30m", "2h", "1h"});
        CHECK(gap == "quiet hours: would go 30m after the 2h reminder, less than min_gap 1h");
        CHECK(reason_phrase(gap).in(Language::nl) ==
              tr(Language::nl, "quiet hours: would go {1} after the {2} reminder, less than min_gap {3}",
                 {"30m", "2h", "1h"}));
        const std::string before = stored_reason(DeliveryReason::quiet_hours_before, {"1d@18:00"});
        CHECK(reason_phrase(before).in(Language::nl) ==
              tr(Language::nl, "quiet hours: would go before the {1} reminder", {"1d@18:00"}));

        // A gateway's words, or a shape none of the known reasons has, stay as stored.
        for (const std::string other : {"number does not exist", "session # changed", "session #3 changed again", ""})
            CHECK(reason_phrase(other).in(Language::nl) == other);
    }
}
