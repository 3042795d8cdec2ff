#pragma once
// The leads (programmaleiders): add, edit, remove (`ritme lead …`), a one-time sign-in
// link, revoking her sessions; signing in and out with that link (the HTTP interface);
// and the lead a programme file names in `[lead]`. Every change is audited: the actor
// is the operator's user for the CLI (current_actor), the lead's name for what she does
// on the page. The audit trail names a lead by her id, never her number or address;
// tokens are stored as hashes only and never logged or audited.

#include "engine/changes/apply.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/programme/programme.hpp"
#include "engine/store/store.hpp"

#include <boost/date_time/posix_time/posix_time_types.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// A one-time sign-in link is good for 24 hours. A session ends after 12 hours without a
// request (a lead signs in in the morning, works through the day, and a browser left
// open overnight is signed out), and at the latest 7 days after signing in, so a lost
// phone's cookie ends within the week even if used daily.
inline const boost::posix_time::time_duration sign_in_link_lifetime = boost::posix_time::hours(24);
inline const boost::posix_time::time_duration session_idle_limit = boost::posix_time::hours(12);
inline const boost::posix_time::time_duration session_lifetime = boost::posix_time::hours(7 * 24);

// A lead's fields as a person types them; a field left out stays as it is. Field names
// as errors name them: name, email, mobile.
struct LeadFields {
    std::optional<std::string> name, email, mobile;
};

// "l-" and 10 random Crockford base-32 characters, like a participant's id.
std::string generate_lead_id();

// "no lead l-…; see `ritme lead list`"
ChangeError no_such_lead(const std::string& id);

ChangeResult<StoredLead> add_lead(Store& store, const LeadFields& fields, const std::vector<std::string>& programmes,
                                  const AuditContext& audit);

struct LeadEdited {
    StoredLead lead;     // as stored now
    std::string fields;  // the fields that changed ("name, mobile"); empty: none
    // One line per programme asked for: "now leads X", "already leads X", "no longer
    // leads X", "did not lead X".
    std::vector<std::string> programmes;
};
ChangeResult<LeadEdited> edit_lead(Store& store, const std::string& id, const LeadFields& fields,
                                   const std::vector<std::string>& add_programmes,
                                   const std::vector<std::string>& remove_programmes, const AuditContext& audit);

// Removes her with her links and sessions: she is signed out at once.
ChangeResult<std::string> remove_lead(Store& store, const std::string& id, const AuditContext& audit);

struct SignInLink {
    std::string url;  // BASE/signin?token=… : shown once, never stored
    UtcInstant expires_at;
};
// A new one-time link for her, good for sign_in_link_lifetime from audit.at. `base_url`
// is the daemon's public_url, else http://LISTEN (DaemonConfig::callback_base_url).
ChangeResult<SignInLink> make_sign_in_link(Store& store, const std::string& id, std::string_view base_url,
                                           const AuditContext& audit);

// Ends every session of hers and withdraws her open links; how many.
ChangeResult<int> revoke_lead(Store& store, const std::string& id, const AuditContext& audit);

// --- Signing in and out (the HTTP interface) -------------------------------------------
struct LeadSession {
    StoredLead lead;
    std::string token;  // the cookie's value: shown to her browser once, stored hashed
    UtcInstant expires_at;
};
// The link's token, when it is a link that is not used, withdrawn or expired at `now`:
// the link is used up and a new session begins. Nothing (and nothing stored) otherwise.
std::optional<LeadSession> sign_in(Store& store, std::string_view link_token, UtcInstant now);
// The lead a session cookie belongs to, while the session lives at `now`; its last use
// is noted (at most every few minutes, so reading a page is not always a write).
std::optional<StoredLead> signed_in_lead(Store& store, std::string_view session_token, UtcInstant now);
// Ends the session; false when there was no live one.
bool sign_out(Store& store, std::string_view session_token, UtcInstant now);

// --- The programme file's [lead] ---------------------------------------------------------
// Called by apply_programme, inside its write. The file's lead is matched to a stored
// lead by mobile, else e-mail, else name; she is updated from the file (its non-empty
// fields) and linked to the programme, or added. When the file's [lead] changes to
// another person (or goes), the lead the file linked before is unlinked from the
// programme: she had it from the file alone. Leads linked with `ritme lead edit
// --programme` keep the programme whatever the file says.
void take_lead_from_programme(Store& store, const Programme& programme, const AuditContext& audit);

}  // namespace ritme
