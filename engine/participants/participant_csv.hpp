#pragma once
// Reads a participant list as Excel writes it in the Netherlands: UTF-8 with or without
// a byte-order mark, ";" or "," between cells, a header row naming the columns in any
// order. Every bad row is reported with the line it starts on, the column and the
// value; the caller imports all rows or, after any error, none.
//
// Columns (header names are case-insensitive): name, phone, email, language, channels,
// children_in_care, school_calendar, commitments. `name` and at least one of
// `phone`/`email` are required; an unknown column is an error. An empty cell takes the
// default: language "nl", channels sms when there is a phone and email otherwise, no
// children, no school calendar, no commitments.
//
// Messages, with the field number as the column:
//   deelnemers.csv:4:2: error: column phone: "0612" is not a valid mobile number (too short); write it like …
//   deelnemers.csv:1:3: error: unknown column "emial"; did you mean email?
//   deelnemers.csv:7:2: error: column phone: the same number as line 3; …
// Phone numbers appear only as typed when they are not valid, masked when they are.

#include "engine/base/diagnostic.hpp"
#include "engine/participants/participant.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

struct CsvParticipant {
    int line = 0;             // the line its row starts on
    Participant participant;  // id left empty: it is assigned when the row is stored
};

struct ParticipantCsv {
    std::vector<CsvParticipant> participants;  // the rows without problems, in file order
    Diagnostics diagnostics;                   // every problem, in file order
};

// `known_school_ids` are the schools a `school_calendar` cell may name besides a region.
ParticipantCsv read_participant_csv_file(const std::string& path, std::span<const std::string> known_school_ids);
// `source_name` is used in messages.
ParticipantCsv read_participant_csv_text(std::string_view text, const std::string& source_name,
                                         std::span<const std::string> known_school_ids);

}  // namespace ritme
