#pragma once
// Participants as the lead sees them: a line each, or JSON. Phone numbers are masked
// unless the caller asks for the full record (`show`, `export`).

#include "engine/participants/participant.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ritme {

enum class PhoneDisplay { masked, full };

// {"id","name","phone","email","language","channels","sms_opt_out","children_in_care",
//  "school_calendar","commitments":[…],"programmes":[…]}
nlohmann::ordered_json participant_json(const Participant& participant, const std::vector<std::string>& programmes,
                                        PhoneDisplay phone);

// "p-7k2m9q4x8a  Amina Yusuf  +31 6 ****5678  so  sms  almere-vrouwen-2026"
std::string participant_line(const Participant& participant, const std::vector<std::string>& programmes);

// Every field on its own line, the full phone number included.
std::string participant_card(const Participant& participant, const std::vector<std::string>& programmes);

}  // namespace ritme
