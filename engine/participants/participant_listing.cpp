#include "engine/participants/participant_listing.hpp"

#include "engine/participants/masking.hpp"
#include "engine/participants/participant_fields.hpp"

#include <sstream>

namespace ritme {
namespace {

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string shown_phone(const Participant& participant, PhoneDisplay display) {
    if (participant.phone.empty()) return "";
    return display == PhoneDisplay::full ? participant.phone : mask_phone(participant.phone);
}

}  // namespace

nlohmann::ordered_json participant_json(const Participant& participant, const std::vector<std::string>& programmes,
                                        PhoneDisplay phone) {
    auto commitments = nlohmann::ordered_json::array();
    for (const auto& commitment : participant.commitments) commitments.push_back(format_commitment(commitment));
    return {{"id", participant.id},
            {"name", participant.name},
            {"phone", shown_phone(participant, phone)},
            {"email", participant.email},
            {"language", participant.language},
            {"channels", format_channels(participant.channels)},
            {"sms_opt_out", participant.sms_opt_out},
            {"children_in_care", participant.children_in_care},
            {"school_calendar", participant.school_calendar},
            {"commitments", commitments},
            {"programmes", programmes}};
}

std::string participant_line(const Participant& participant, const std::vector<std::string>& programmes) {
    std::ostringstream out;
    out << participant.id << "  " << participant.name << "  "
        << (participant.phone.empty() ? participant.email : mask_phone(participant.phone)) << "  "
        << participant.language << "  " << format_channels(participant.channels)
        << (participant.sms_opt_out ? " (sms opt-out)" : "") << "  " << joined(programmes);
    return out.str();
}

std::string participant_card(const Participant& participant, const std::vector<std::string>& programmes) {
    std::ostringstream out;
    out << "id:               " << participant.id << "\n"
        << "name:             " << participant.name << "\n"
        << "phone:            " << participant.phone << "\n"
        << "email:            " << participant.email << "\n"
        << "language:         " << participant.language << "\n"
        << "channels:         " << format_channels(participant.channels)
        << (participant.sms_opt_out ? " (no SMS: opted out)" : "") << "\n"
        << "children in care: " << participant.children_in_care << "\n"
        << "school calendar:  " << participant.school_calendar << "\n"
        << "commitments:      " << format_commitments(participant.commitments) << "\n"
        << "programmes:       " << joined(programmes) << "\n";
    return out.str();
}

}  // namespace ritme
