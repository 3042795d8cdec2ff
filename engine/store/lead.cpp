#include "engine/store/lead.hpp"

#include <algorithm>

namespace ritme {

bool StoredLead::leads(std::string_view programme_id) const {
    return std::find(programmes.begin(), programmes.end(), programme_id) != programmes.end();
}

std::string_view name_of(LeadTokenKind kind) {
    switch (kind) {
        case LeadTokenKind::signin: return "signin";
        case LeadTokenKind::session: return "session";
    }
    return "signin";
}

std::optional<LeadTokenKind> lead_token_kind(std::string_view name) {
    if (name == "signin") return LeadTokenKind::signin;
    if (name == "session") return LeadTokenKind::session;
    return std::nullopt;
}

}  // namespace ritme
