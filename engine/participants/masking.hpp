#pragma once
// Personal data as logs and terminal output show it (DESIGN.md, rule 7): enough for an
// operator to tell two recipients apart, not enough to write to one.

#include <string>
#include <string_view>

namespace ritme {

// "+31 6 ****5678": the country code, the first digit of the national number and at
// most the last four digits, with at least four digits hidden. What this cannot
// read as an E.164 number masks to "****".
std::string mask_phone(std::string_view e164);

// "f***@example.nl": the first character and the domain (after the last '@', since a
// quoted local part may hold one). Without a local part or a domain: "***".
std::string mask_email(std::string_view address);

// Text from outside (a command's standard error, a gateway's answer) with every run that
// looks like an e-mail address or a phone number masked as above, before it is stored
// as a reason, logged or sent to a lead. Phone-like: an optional + or 00, then 9 to 15
// digits in groups joined by one of " -./()" (a date or an IPv4 address is not one);
// national forms ("06 1234 5678") keep only their last four digits ("****5678").
std::string mask_contacts_in_text(std::string_view text);

}  // namespace ritme
