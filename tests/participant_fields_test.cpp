#include "engine/participants/participant_fields.hpp"
#include "engine/participants/masking.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

using namespace ritme;

namespace {

// The E.164 form of an accepted number; fails the test with the refusal otherwise.
std::string mobile(std::string_view typed) {
    FieldError error;
    auto number = normalise_mobile_number(typed, error);
    INFO("typed: ", std::string(typed), " refused: ", error.message);
    REQUIRE(number.has_value());
    return *number;
}

// The refusal of a number that must be refused.
FieldError refusal_of_number(std::string_view typed) {
    FieldError error;
    INFO("typed: ", std::string(typed));
    CHECK_FALSE(normalise_mobile_number(typed, error).has_value());
    return error;
}

template <class Parse>
FieldError refusal(Parse parse, std::string_view typed) {
    FieldError error;
    INFO("typed: ", std::string(typed));
    CHECK_FALSE(parse(typed, error).has_value());
    return error;
}

const std::string phone_hint = "write it like 06-12345678 or +32 470 12 34 56";
const std::string landline_hint =
    "reminders go by SMS; give a mobile number, or leave the phone empty and give an e-mail address";

}  // namespace

TEST_SUITE_BEGIN("participant_fields");

// Expected values follow the numbering plans: E.164 is "+", the country code, and the
// national number without its trunk prefix (NL/BE/DE/TR/SY: a leading 0; ER: none).
TEST_CASE("Dutch mobile numbers in the ways leads type them") {
    CHECK(mobile("06-12345678") == "+31612345678");
    CHECK(mobile("0612345678") == "+31612345678");
    CHECK(mobile("06 1234 5678") == "+31612345678");
    CHECK(mobile("0031 6 1234 5678") == "+31612345678");
    CHECK(mobile("+31 6 12345678") == "+31612345678");
    CHECK(mobile("+31 (0)6 12345678") == "+31612345678");
    CHECK(mobile("  06-87654321 ") == "+31687654321");
    CHECK(mobile("612345678") == "+31612345678");  // Excel dropped the leading zero
}

TEST_CASE("Belgian, German, Turkish, Syrian and Eritrean mobiles with + or 00") {
    CHECK(mobile("+32 470 12 34 56") == "+32470123456");
    CHECK(mobile("0032 470 12 34 56") == "+32470123456");
    CHECK(mobile("+49 151 23456789") == "+4915123456789");
    CHECK(mobile("0049 170 1234567") == "+491701234567");
    CHECK(mobile("+90 532 123 45 67") == "+905321234567");
    CHECK(mobile("0090 532 123 45 67") == "+905321234567");
    CHECK(mobile("+963 944 123 456") == "+963944123456");
    CHECK(mobile("00963 944 123 456") == "+963944123456");
    CHECK(mobile("+291 7 123 456") == "+2917123456");
    CHECK(mobile("00291 7 123 456") == "+2917123456");
}

TEST_CASE("landlines and service numbers are refused, the number masked in the message") {
    FieldError amsterdam = refusal_of_number("020-1234567");
    CHECK(amsterdam.message == "\"+31 2 ****4567\" is a landline, not a mobile number");
    CHECK(amsterdam.hint == landline_hint);
    CHECK(refusal_of_number("+32 9 234 56 78").message == "\"+32 9 ****678\" is a landline, not a mobile number");
    CHECK(refusal_of_number("+49 30 1234567").message == "\"+49 3 ****4567\" is a landline, not a mobile number");
    CHECK(refusal_of_number("+90 212 123 45 67").message == "\"+90 2 ****4567\" is a landline, not a mobile number");
    CHECK(refusal_of_number("0800-1234").message == "\"+31 8 ****34\" is a free-phone number, not a mobile number");
    CHECK(refusal_of_number("085-1234567").message ==
          "\"+31 8 ****4567\" is an internet (VoIP) number, not a mobile number");
}

TEST_CASE("numbers that are not numbers say why, as typed") {
    FieldError short_number = refusal_of_number("0612");
    CHECK(short_number.message == "\"0612\" is not a valid mobile number (too short)");
    CHECK(short_number.hint == phone_hint);
    CHECK(refusal_of_number("06-123456789").message ==
          "\"06-123456789\" is not a valid mobile number (no such number)");
    CHECK(refusal_of_number("geen").message == "\"geen\" is not a valid mobile number (not a phone number)");
    CHECK(refusal_of_number("+999 1234567").message ==
          "\"+999 1234567\" is not a valid mobile number (unknown country code)");
    CHECK(refusal_of_number("06-1234567890123456789").message ==
          "\"06-1234567890123456789\" is not a valid mobile number (too long)");
}

TEST_CASE("a masked number shows the country code, one digit and at most the last four") {
    CHECK(mask_phone("+31612345678") == "+31 6 ****5678");
    CHECK(mask_phone("+32470123456") == "+32 4 ****3456");
    CHECK(mask_phone("+4915123456789") == "+49 1 ****6789");
    CHECK(mask_phone("+963944123456") == "+963 9 ****3456");
    // Eritrean mobiles have seven digits: four stay hidden, so only two show at the end.
    CHECK(mask_phone("+2917123456") == "+291 7 ****56");
}

TEST_CASE("what is not an E.164 number masks to ****") {
    for (std::string_view odd : {"", "+", "+31", "+3161", "0612345678", "+31 6 12345678", "+31612345678abc", "****"})
        CHECK_MESSAGE(mask_phone(odd) == "****", std::string(odd));
}

TEST_CASE("E.164: '+', a country code that does not start with 0, 7 to 15 digits") {
    for (std::string_view number : {"+31612345678", "+6907290", "+436641234560000", "+2917123456"})
        CHECK_MESSAGE(is_e164(number), std::string(number));
    for (std::string_view odd : {"", "+", "+123456", "+1234567890123456", "0612345678", "31612345678", "+0612345678",
                                 "+31 612345678", "+31612345678abc", "amina@example.nl"})
        CHECK_MESSAGE(!is_e164(odd), std::string(odd));
    // Whatever a lead types, the number stored is one the SMS adapters accept.
    FieldError error;
    for (std::string_view typed : {"06-12345678", "0031 6 1234 5678", "+32 470 12 34 56", "+690 7290"}) {
        const auto stored = normalise_mobile_number(typed, error);
        REQUIRE_MESSAGE(stored, std::string(typed));
        CHECK_MESSAGE(is_e164(*stored), *stored);
    }
}

TEST_CASE("a masked e-mail address shows its first character and its domain") {
    CHECK(mask_email("fatima@example.nl") == "f***@example.nl");
    // The domain follows the last '@': a quoted local part may hold one.
    CHECK(mask_email("\"a@b\"@example.nl") == "\"***@example.nl");
    for (std::string_view odd : {"", "fatima", "@example.nl"}) CHECK_MESSAGE(mask_email(odd) == "***", std::string(odd));
}

TEST_CASE("a name is trimmed, required and on one line") {
    FieldError error;
    CHECK(normalise_name("  Anna de Vries ", error) == "Anna de Vries");
    CHECK(normalise_name("Ayşe Yılmaz", error) == "Ayşe Yılmaz");
    CHECK(refusal(normalise_name, "  ").message == "no name given");
    CHECK(refusal(normalise_name, "Anna\r\nde Vries").message ==
          "\"Anna\\r\\nde Vries\" contains a line break or another control character");
}

TEST_CASE("e-mail addresses: the syntax is checked and the domain lower-cased") {
    FieldError error;
    CHECK(normalise_email("anna@example.nl", error) == "anna@example.nl");
    CHECK(normalise_email(" Anna.de.Vries@Example.NL ", error) == "Anna.de.Vries@example.nl");
    CHECK(normalise_email("a+ritme@mail.gemeente.nl", error) == "a+ritme@mail.gemeente.nl");

    const std::vector<std::pair<std::string, std::string>> refused{
        {"anna", "\"anna\" is not an e-mail address (no @)"},
        {"anna@example@nl", "\"anna@example@nl\" is not an e-mail address (more than one @)"},
        {"@example.nl", "\"@example.nl\" is not an e-mail address (nothing before the @)"},
        {"anna@", "\"anna@\" is not an e-mail address (no domain after the @)"},
        {"anna@example", "\"anna@example\" is not an e-mail address (the domain has no dot)"},
        {"anna@example..nl", "\"anna@example..nl\" is not an e-mail address (the domain has an empty part)"},
        {"anna@.nl", "\"anna@.nl\" is not an e-mail address (the domain has an empty part)"},
        {"anna@example.nl.", "\"anna@example.nl.\" is not an e-mail address (the domain has an empty part)"},
        {"anna de vries@example.nl", "\"anna de vries@example.nl\" is not an e-mail address (contains a space)"},
    };
    for (const auto& [typed, message] : refused) {
        FieldError refusal_of_email = refusal(normalise_email, typed);
        CHECK(refusal_of_email.message == message);
        CHECK(refusal_of_email.hint == "write it like naam@voorbeeld.nl");
    }
}

TEST_CASE("language tags: BCP 47 syntax, canonical case") {
    FieldError error;
    for (std::string_view code : {"nl", "en", "ar", "ti", "tr", "uk", "fa", "so", "prs"})
        CHECK(normalise_language(code, error) == std::string(code));
    CHECK(normalise_language("NL", error) == "nl");
    CHECK(normalise_language("pt-br", error) == "pt-BR");
    CHECK(normalise_language("pt_BR", error) == "pt-BR");
    CHECK(normalise_language("zh-hant", error) == "zh-Hant");
    CHECK(normalise_language("SR-LATN-rs", error) == "sr-Latn-RS");
    CHECK(normalise_language("es-419", error) == "es-419");

    FieldError dutch = refusal(normalise_language, "nederlands");
    CHECK(dutch.message == "\"nederlands\" is not a language tag (the language must be 2 or 3 letters)");
    CHECK(dutch.hint == "use a BCP 47 tag such as nl, en, ar, ti, tr, uk, fa, so or pt-BR");
    CHECK(refusal(normalise_language, "n").message ==
          "\"n\" is not a language tag (the language must be 2 or 3 letters)");
    CHECK(refusal(normalise_language, "n1").message ==
          "\"n1\" is not a language tag (the language must be 2 or 3 letters)");
    CHECK(refusal(normalise_language, "pt-Brazil").message ==
          "\"pt-Brazil\" is not a language tag (\"Brazil\" is neither a script like Hant nor a region like BR)");
    CHECK(refusal(normalise_language, "zh-TW-Hant").message ==
          "\"zh-TW-Hant\" is not a language tag (\"Hant\" is neither a script like Hant nor a region like BR)");
    CHECK(refusal(normalise_language, "pt-").message == "\"pt-\" is not a language tag (an empty part between dashes)");
}

TEST_CASE("channels: the forms leads write, and back") {
    FieldError error;
    CHECK(parse_channels("sms", error) == Channels{true, false});
    CHECK(parse_channels("Email", error) == Channels{false, true});
    CHECK(parse_channels("e-mail", error) == Channels{false, true});
    CHECK(parse_channels("sms+email", error) == Channels{true, true});
    CHECK(parse_channels("email+sms", error) == Channels{true, true});
    CHECK(parse_channels(" SMS + E-mail ", error) == Channels{true, true});
    CHECK(parse_channels("both", error) == Channels{true, true});

    CHECK(format_channels({true, false}) == "sms");
    CHECK(format_channels({false, true}) == "email");
    CHECK(format_channels({true, true}) == "sms+email");
    CHECK(format_channels({}) == "none");

    FieldError whatsapp = refusal(parse_channels, "whatsapp");
    CHECK(whatsapp.message == "\"whatsapp\" is not one of sms, email or sms+email");
    CHECK(whatsapp.hint == "write sms, email or sms+email");
    CHECK(refusal(parse_channels, "emial").hint == "did you mean email?");
    CHECK(refusal(parse_channels, "sms+").message == "\"sms+\" is not one of sms, email or sms+email");
}

TEST_CASE("children in care: a whole number from 0 to 20") {
    FieldError error;
    CHECK(parse_children_in_care("0", error) == 0);
    CHECK(parse_children_in_care(" 3 ", error) == 3);
    CHECK(parse_children_in_care("20", error) == 20);
    for (std::string_view typed : {"21", "-1", "twee", "1.5", "100", ""}) {
        FieldError refused = refusal(parse_children_in_care, typed);
        CHECK(refused.message == "\"" + std::string(typed) + "\" is not a number of children");
        CHECK(refused.hint == "write a whole number from 0 to 20");
    }
}

TEST_CASE("a school calendar is a region or a known school") {
    const std::vector<std::string> schools{"de-regenboog", "al-amal"};
    FieldError error;
    CHECK(normalise_school_calendar("noord", schools, error) == "noord");
    CHECK(normalise_school_calendar(" Zuid ", schools, error) == "zuid");
    CHECK(normalise_school_calendar("De-Regenboog", schools, error) == "de-regenboog");

    auto refused = [&](std::string_view typed) {
        FieldError e;
        CHECK_FALSE(normalise_school_calendar(typed, schools, e).has_value());
        return e;
    };
    CHECK(refused("nord").message == "\"nord\" is neither a region nor a known school");
    CHECK(refused("nord").hint == "did you mean noord?");
    CHECK(refused("de-regenbog").hint == "did you mean de-regenboog?");
    CHECK(refused("oost").hint == "use noord, midden or zuid, or the id of a school applied with `ritme apply`");
}

TEST_CASE("a weekly commitment with a Dutch abbreviation reads and writes back the same") {
    FieldError error;
    auto commitment = parse_commitment("ma 09:00-12:00 taalles", error);
    REQUIRE(commitment.has_value());
    CHECK(commitment->weekday == Weekday::monday);
    CHECK_FALSE(commitment->date.has_value());
    CHECK(commitment->time == TimeRange{TimeOfDay::hm(9, 0), TimeOfDay::hm(12, 0)});
    CHECK(commitment->label == "taalles");
    CHECK(format_commitment(*commitment) == "ma 09:00-12:00 taalles");
}

TEST_CASE("day names in Dutch or English, spaces around the dash, no label") {
    FieldError error;
    auto wednesday = parse_commitment("Woensdag 9:00 - 12:30 taalles Nederlands", error);
    REQUIRE(wednesday.has_value());
    CHECK(wednesday->weekday == Weekday::wednesday);
    CHECK(wednesday->label == "taalles Nederlands");
    CHECK(format_commitment(*wednesday) == "wo 09:00-12:30 taalles Nederlands");

    auto thursday = parse_commitment("thursday 13:00-14:00", error);
    REQUIRE(thursday.has_value());
    CHECK(thursday->label.empty());
    CHECK(format_commitment(*thursday) == "do 13:00-14:00");

    for (std::string_view day : {"ma", "di", "wo", "do", "vr", "za", "zo"}) {
        const std::string text = std::string(day) + " 10:00-11:00 werk";
        auto parsed = parse_commitment(text, error);
        REQUIRE(parsed.has_value());
        CHECK(format_commitment(*parsed) == text);
    }
}

TEST_CASE("a dated commitment") {
    FieldError error;
    auto dated = parse_commitment("2026-03-10 13:00-14:00 tandarts", error);
    REQUIRE(dated.has_value());
    CHECK_FALSE(dated->weekday.has_value());
    CHECK(dated->date == make_date(2026, 3, 10));
    CHECK(dated->applies_on(make_date(2026, 3, 10)));
    CHECK_FALSE(dated->applies_on(make_date(2026, 3, 17)));
    CHECK(format_commitment(*dated) == "2026-03-10 13:00-14:00 tandarts");
}

TEST_CASE("a list of commitments, as in the CSV column, round-trips") {
    FieldError error;
    const std::string text = "ma 09:00-12:00 taalles; wo 09:00-12:00 taalles; 2026-03-10 13:00-14:00 oudergesprek";
    auto list = parse_commitments(text, error);
    REQUIRE(list.has_value());
    REQUIRE(list->size() == 3);
    CHECK((*list)[1].weekday == Weekday::wednesday);
    CHECK(format_commitments(*list) == text);

    // Line breaks separate too (Alt+Enter in an Excel cell); empty items are skipped.
    auto lines = parse_commitments("ma 09:00-12:00 taalles\r\nwo 09:00-12:00 taalles;", error);
    REQUIRE(lines.has_value());
    CHECK(format_commitments(*lines) == "ma 09:00-12:00 taalles; wo 09:00-12:00 taalles");
    CHECK(parse_commitments("", error)->empty());
}

TEST_CASE("a wrong commitment says what is wrong and shows an example") {
    const std::string example =
        "write a commitment like \"ma 09:00-12:00 taalles\" or \"2026-03-10 13:00-14:00 oudergesprek\"";
    FieldError day = refusal(parse_commitment, "mo 09:00-12:00 taalles");
    CHECK(day.message == "\"mo\" is not a day or a date");
    CHECK(day.hint == example);
    CHECK(refusal(parse_commitment, "2026-02-30 10:00-11:00").message == "\"2026-02-30\" is not a day or a date");
    // Outside the supported years (1970 to 2200): refused, never Boost's bad_year.
    CHECK(refusal(parse_commitment, "9999-12-31 10:00-11:00").message == "\"9999-12-31\" is not a day or a date");
    CHECK(refusal(parse_commitment, "0000-01-01 10:00-11:00").message == "\"0000-01-01\" is not a day or a date");
    CHECK(refusal(parse_commitment, "ma 9-12 taalles").message ==
          "\"9-12\" is not a time range like 09:00-12:00 (the end after the start)");
    CHECK(refusal(parse_commitment, "ma 12:00-09:00 taalles").message ==
          "\"12:00-09:00\" is not a time range like 09:00-12:00 (the end after the start)");
    CHECK(refusal(parse_commitment, "ma").message == "no time range after \"ma\"");

    FieldError in_list = refusal(parse_commitments, "ma 09:00-12:00 taalles; wo 9-12 taalles");
    CHECK(in_list.message ==
          "in \"wo 9-12 taalles\": \"9-12\" is not a time range like 09:00-12:00 (the end after the start)");
    CHECK(in_list.hint == "write commitments like \"ma 09:00-12:00 taalles; 2026-03-10 13:00-14:00 oudergesprek\"");
}

TEST_CASE("participant ids: p- and ten Crockford base-32 characters, all different") {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = generate_participant_id();
        REQUIRE(id.size() == 12);
        CHECK(id.substr(0, 2) == "p-");
        CHECK(id.substr(2).find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz") == std::string::npos);
        seen.insert(id);
    }
    CHECK(seen.size() == 1000);  // 50 bits: a collision in 1000 draws has odds of about 1 in 2^31
}

TEST_SUITE_END();
