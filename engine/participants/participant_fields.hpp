#pragma once
// The fields of a participant as a lead types them, on the command line or in a CSV
// cell: each is checked and brought to the one form ritme stores. A refusal says what
// is wrong and how to write it instead; callers put their own prefix in front
// ("column phone: ", "--phone: ").
//
// The functions take a value that is not empty after trimming; what an empty value
// means (a default, or "none") is the caller's choice. A list (commitments) may be empty.

#include "engine/participants/masking.hpp"  // refusals and listings show numbers masked
#include "engine/participants/participant.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// Why a typed value was refused, and how to write it instead.
struct FieldError {
    std::string message;  // "\"0612\" is not a valid mobile number (too short)"
    std::string hint;     // "write it like 06-12345678 or +32 470 12 34 56"
};

// A display name: trimmed; no line breaks or other control characters.
std::optional<std::string> normalise_name(std::string_view typed, FieldError& error);

// A mobile number in any form a lead types it, Dutch numbers without a country code
// ("06-12345678", "0031 6 1234 5678", "+32 470 12 34 56"), to E.164 ("+31612345678").
// Landlines, free-phone and other numbers that cannot receive an SMS are refused. A
// refused number that is a real number appears masked in the message, as in logs.
std::optional<std::string> normalise_mobile_number(std::string_view typed, FieldError& error);

// Whether `number` has the form normalise_mobile_number gives: '+', a country code
// (never starting with 0) and at most 15 digits in all (ITU-T E.164). At least 7: the
// shortest mobile numbers libphonenumber knows (Tokelau's, +690 7290) have that many.
// The SMS adapters check a recipient with it before handing it to a gateway.
bool is_e164(std::string_view number);

// A simple syntax check (one @, something before it, a domain with a dot, no spaces);
// the domain is lower-cased. Whether the address exists only a mail server knows.
std::optional<std::string> normalise_email(std::string_view typed, FieldError& error);

// A BCP 47 language tag: a 2–3 letter language, optionally a script and a region
// ("nl", "ti", "pt-BR", "zh-Hant", "sr-Latn-RS"), in canonical case; "_" is read as "-".
std::optional<std::string> normalise_language(std::string_view typed, FieldError& error);

// "sms", "email", "sms+email" (also "email+sms", "both"), any case.
std::optional<Channels> parse_channels(std::string_view typed, FieldError& error);
std::string format_channels(Channels channels);  // "sms", "email", "sms+email"; "none"

// The number of children needing a crèche place: a whole number from 0 to 20.
std::optional<int> parse_children_in_care(std::string_view typed, FieldError& error);

// A region ("noord", "midden", "zuid") or the id of a school applied with `ritme
// apply`, lower-cased.
std::optional<std::string> normalise_school_calendar(std::string_view typed,
                                                     std::span<const std::string> known_school_ids, FieldError& error);

// "ma 09:00-12:00 taalles" (a Dutch abbreviation or a Dutch or English day name) or
// "2026-03-10 13:00-14:00 oudergesprek"; the label is the rest and may be empty.
std::optional<Commitment> parse_commitment(std::string_view typed, FieldError& error);
// Commitments separated by ";" or line breaks; empty items are skipped.
std::optional<std::vector<Commitment>> parse_commitments(std::string_view typed, FieldError& error);
std::string format_commitment(const Commitment& commitment);                 // "ma 09:00-12:00 taalles"
std::string format_commitments(const std::vector<Commitment>& commitments);  // joined with "; "

// "p-" and 10 random Crockford base-32 characters (lower case): 50 bits from
// std::random_device, never derived from personal data.
std::string generate_participant_id();

}  // namespace ritme
