#include "engine/participants/participant_csv.hpp"
#include "engine/participants/participant_fields.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace ritme;

namespace {

const std::vector<std::string> known_schools{"de-regenboog"};

ParticipantCsv read_fixture(const std::string& name) {
    return read_participant_csv_file(test::data_path("csv/" + name), known_schools);
}

std::string bytes_of(const std::string& name) {
    std::ifstream in(test::data_path("csv/" + name), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Messages joined into one text, so that a failing check prints them.
std::string text_of(const std::vector<std::string>& messages) {
    std::string text;
    for (const auto& message : messages) text += message + "\n";
    return text;
}

// The diagnostics as a lead reads them, with the test-data directory taken off the paths.
std::string problems(const ParticipantCsv& read) {
    const std::string prefix = test::data_path("csv/");
    std::vector<std::string> messages;
    for (const auto& d : read.diagnostics.items()) {
        std::string message = d.str();
        if (message.rfind(prefix, 0) == 0) message.erase(0, prefix.size());
        messages.push_back(message);
    }
    return text_of(messages);
}

// The line numbers of the rows read: "2 3 6 7".
std::string lines_of(const ParticipantCsv& read) {
    std::string lines;
    for (const auto& row : read.participants) lines += (lines.empty() ? "" : " ") + std::to_string(row.line);
    return lines;
}

ParticipantCsv read_text(const std::string& text) { return read_participant_csv_text(text, "t.csv", known_schools); }

}  // namespace

TEST_SUITE_BEGIN("participant_csv");

TEST_CASE("Dutch Excel: BOM, semicolons, CRLF, a quoted list and a line break inside a cell") {
    const std::string bytes = bytes_of("excel-nl.csv");
    REQUIRE(bytes.rfind("\xEF\xBB\xBF", 0) == 0);  // the fixture is what the test says it is
    REQUIRE(bytes.find("\r\n") != std::string::npos);

    const ParticipantCsv read = read_fixture("excel-nl.csv");
    CHECK(problems(read) == "");
    REQUIRE(lines_of(read) == "2 3 6 7");

    const Participant& anna = read.participants[0].participant;
    CHECK(anna.id.empty());
    CHECK(anna.name == "Anna de Vries");
    CHECK(anna.phone == "+31612345678");
    CHECK(anna.email.empty());
    CHECK(anna.language == "nl");
    CHECK(anna.channels == Channels{true, false});
    CHECK(anna.children_in_care == 2);
    CHECK(anna.school_calendar == "noord");
    CHECK(format_commitments(anna.commitments) == "ma 09:00-12:00 taalles; wo 09:00-12:00 taalles");

    const Participant& fatima = read.participants[1].participant;
    CHECK(fatima.phone == "+32470123456");
    CHECK(fatima.email == "fatima@example.nl");
    CHECK(fatima.language == "ar");
    CHECK(fatima.channels == Channels{true, true});
    CHECK(fatima.school_calendar == "de-regenboog");
    CHECK(format_commitments(fatima.commitments) == "do 13:00-14:00 zwemles; 2026-03-10 13:00-14:00 oudergesprek");

    const Participant& semhar = read.participants[2].participant;
    CHECK(semhar.phone == "+2917123456");
    CHECK(semhar.language == "ti");
    CHECK(semhar.children_in_care == 0);
    CHECK(semhar.commitments.empty());

    const Participant& olena = read.participants[3].participant;
    CHECK(olena.phone.empty());
    CHECK(olena.email == "olena@example.org");
    CHECK(olena.channels == Channels{false, true});  // no phone: e-mail by default
    CHECK(olena.school_calendar.empty());
}

TEST_CASE("commas, LF, no BOM, another column order and untidy header names") {
    const ParticipantCsv read = read_fixture("comma.csv");
    CHECK(problems(read) == "");
    REQUIRE(lines_of(read) == "2 3 4");

    const Participant& aylin = read.participants[0].participant;
    CHECK(aylin.name == "Aylin Yilmaz");
    CHECK(aylin.phone == "+4915123456789");
    CHECK(aylin.email == "aylin@example.de");
    CHECK(aylin.language == "tr");
    CHECK(aylin.channels == Channels{true, false});
    REQUIRE(aylin.commitments.size() == 2);
    CHECK(aylin.commitments[0].label == "cursus, groep 2");
    CHECK(aylin.commitments[1].weekday == Weekday::friday);

    CHECK(read.participants[1].participant.name == "Yilmaz, Mehmet");
    CHECK(read.participants[1].participant.phone == "+905321234567");
    CHECK(read.participants[1].participant.language == "nl");
    CHECK(read.participants[2].participant.phone == "+963944123456");
}

TEST_CASE("every bad row is reported with its line, column and value") {
    const ParticipantCsv read = read_fixture("rows.csv");
    const std::string commitments_hint =
        "write commitments like \"ma 09:00-12:00 taalles; 2026-03-10 13:00-14:00 oudergesprek\"";
    CHECK(problems(read) ==
          text_of({
              "rows.csv:2:2: error: column phone: \"0612\" is not a valid mobile number (too short); "
              "write it like 06-12345678 or +32 470 12 34 56",
              "rows.csv:3:2: error: column phone: \"+31 2 ****4567\" is a landline, not a mobile number; "
              "reminders go by SMS; give a mobile number, or leave the phone empty and give an e-mail address",
              "rows.csv:3:3: error: column email: \"bea@\" is not an e-mail address (no domain after the @); "
              "write it like naam@voorbeeld.nl",
              "rows.csv:4:1: error: column name: no name given; every participant needs a name to show the lead",
              "rows.csv:5:2: error: column phone: no phone number or e-mail address; "
              "fill in at least one, so that reminders reach this participant",
              "rows.csv:6:4: error: column language: \"nederlands\" is not a language tag (the language must be 2 "
              "or 3 letters); use a BCP 47 tag such as nl, en, ar, ti, tr, uk, fa, so or pt-BR",
              "rows.csv:6:5: error: column channels: \"whatsapp\" is not one of sms, email or sms+email; "
              "write sms, email or sms+email",
              "rows.csv:6:6: error: column children_in_care: \"twee\" is not a number of children; "
              "write a whole number from 0 to 20",
              "rows.csv:6:7: error: column school_calendar: \"nord\" is neither a region nor a known school; "
              "did you mean noord?",
              "rows.csv:6:8: error: column commitments: in \"mo 09:00-12:00 taalles\": \"mo\" is not a day or a "
              "date; " +
                  commitments_hint,
              "rows.csv:7:5: error: column channels: \"email\" needs an e-mail address, and email is empty; "
              "add the address or choose sms",
              "rows.csv:7:8: error: column commitments: in \"wo 9-12 taalles\": \"9-12\" is not a time range like "
              "09:00-12:00 (the end after the start); " +
                  commitments_hint,
              "rows.csv:9:9: error: a value in column 9, which has no name in the header; "
              "name the column in the first row, or delete the value",
          }));
    // The good row after a cell with a line break keeps its own line number.
    CHECK(lines_of(read) == "10");
}

TEST_CASE("unknown, doubled and missing columns are reported on the header row") {
    const ParticipantCsv read = read_fixture("header.csv");
    const std::string columns =
        "the columns are name, phone, email, language, channels, children_in_care, school_calendar or commitments";
    CHECK(problems(read) ==
          text_of({
              "header.csv:1:1: error: unknown column \"naam\"; " + columns,
              "header.csv:1:1: error: no column \"name\"; "
              "the first row names the columns, e.g. name;phone;email",
              "header.csv:1:3: error: unknown column \"emial\"; did you mean email?",
              "header.csv:1:5: error: unknown column \"kanalen\"; " + columns,
              "header.csv:1:6: error: column \"phone\" appears twice (also column 2); keep one of them",
          }));
    CHECK(read.participants.empty());
}

TEST_CASE("a header without phone or email") {
    CHECK(problems(read_fixture("no-contact.csv")) ==
          text_of({"no-contact.csv:1:1: error: no column \"phone\" or \"email\"; "
                   "reminders go by SMS or e-mail; add at least one of the two columns"}));
}

TEST_CASE("the same number or address twice names both lines, without the number") {
    const ParticipantCsv read = read_fixture("duplicates.csv");
    const std::string number = "each participant needs their own number; is this person listed twice?";
    const std::string address = "each participant needs their own address; is this person listed twice?";
    CHECK(problems(read) == text_of({
                                "duplicates.csv:3:2: error: column phone: the same number as line 2; " + number,
                                "duplicates.csv:4:3: error: column email: the same address as line 2; " + address,
                                "duplicates.csv:5:2: error: column phone: the same number as line 2; " + number,
                                "duplicates.csv:5:3: error: column email: the same address as line 2; " + address,
                            }));
    CHECK(lines_of(read) == "2");
}

TEST_CASE("a file saved as plain CSV (Windows-1252) is refused with how to save it") {
    CHECK(problems(read_fixture("windows-1252.csv")) ==
          text_of({"windows-1252.csv:2:1: error: column name: the text is not UTF-8; "
                   "in Excel, save the file as \"CSV UTF-8 (door komma's gescheiden)\""}));
}

TEST_CASE("an empty file, and one that is not there") {
    CHECK(problems(read_fixture("empty.csv")) ==
          text_of({"empty.csv: error: the file is empty; the first row names the columns, e.g. name;phone;email"}));
    CHECK(problems(read_fixture("missing.csv")) ==
          text_of({"missing.csv: error: cannot read the file; check the path and permissions"}));
}

TEST_CASE("line numbers count blank lines, and old Mac line ends") {
    CHECK(lines_of(read_text("\n\nname;phone\n\nAnna;06-12345678\n")) == "5");
    CHECK(lines_of(read_text("name;phone\rAnna;06-12345678\rBea;06-87654321")) == "2 3");
    CHECK(problems(read_text("name;phone\r\n\r\nAnna;0612")) ==
          text_of({"t.csv:3:2: error: column phone: \"0612\" is not a valid mobile number (too "
                   "short); write it like 06-12345678 or +32 470 12 34 56"}));
}

TEST_CASE("the delimiter is the one the header uses outside quotes; a tie goes to ;") {
    const ParticipantCsv commas = read_text("name,\"phone;mobile\",email\nAnna,06-12345678,\n");
    CHECK(problems(commas) == text_of({"t.csv:1:2: error: unknown column \"phone;mobile\"; the columns "
                                       "are name, phone, email, language, channels, children_in_care, "
                                       "school_calendar or commitments"}));
    const ParticipantCsv tie = read_text("name;phone,email\nAnna;06-12345678\n");
    CHECK(problems(tie) == text_of({"t.csv:1:1: error: no column \"phone\" or \"email\"; reminders go by SMS or "
                                    "e-mail; add at least one of the two columns",
                                    "t.csv:1:2: error: unknown column \"phone,email\"; the columns are name, phone, "
                                    "email, language, channels, children_in_care, school_calendar or commitments"}));
}

TEST_CASE("a quote left open is reported on the row where it starts") {
    const ParticipantCsv read =
        read_text("name;phone;commitments\nAnna;06-12345678;\"ma 09:00-12:00 taalles\nBea;06-87654321;\n");
    CHECK(problems(read) ==
          text_of({"t.csv:2:3: error: column commitments: in \"Bea\": \"Bea\" is not a day or a date; "
                   "write commitments like \"ma 09:00-12:00 taalles; 2026-03-10 13:00-14:00 "
                   "oudergesprek\""}));
    CHECK(read.participants.empty());
}

TEST_CASE("channels name an address the row must have; an empty cell follows the phone") {
    CHECK(problems(read_text("name;email;channels\nAnna;anna@example.nl;sms\n")) ==
          text_of({"t.csv:2:3: error: column channels: \"sms\" needs a phone number, and phone is "
                   "empty; add the number or choose email"}));
    const ParticipantCsv both = read_text("name;phone;email;channels\nAnna;06-12345678;anna@example.nl;\n");
    REQUIRE(both.participants.size() == 1);
    CHECK(both.participants[0].participant.channels == Channels{true, false});
}

TEST_SUITE_END();
