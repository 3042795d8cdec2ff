#pragma once
// A lead (programmaleider) as stored, and her sign-in links and sessions. A work contact,
// named by a pseudonymous id like a participant. Links and sessions are stored as the
// SHA-256 of their secret only: the secret itself goes to her and is never kept.

#include "engine/time/instant.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

struct StoredLead {
    std::string id;      // "l-" and 10 random characters
    std::string name;
    std::string email;   // may be empty
    std::string mobile;  // E.164; may be empty
    std::vector<std::string> programmes;  // the programmes she leads, sorted

    bool leads(std::string_view programme_id) const;
    bool operator==(const StoredLead&) const = default;
};

// signin: the one-time link an operator sends her; session: her browser's cookie.
enum class LeadTokenKind { signin, session };
std::string_view name_of(LeadTokenKind kind);
std::optional<LeadTokenKind> lead_token_kind(std::string_view name);

struct LeadToken {
    std::string hash;  // hex SHA-256 of the secret
    LeadTokenKind kind = LeadTokenKind::signin;
    std::string lead_id;
    UtcInstant created_at;
    UtcInstant expires_at;    // a link: 24 hours after; a session: its absolute end
    UtcInstant last_used_at;  // a session: its last request, for the idle limit
    std::optional<UtcInstant> used_at;     // a link: when it signed her in
    std::optional<UtcInstant> revoked_at;  // a session ended, or a link withdrawn

    bool operator==(const LeadToken&) const = default;
};

}  // namespace ritme
