#include "engine/changes/lead_changes.hpp"

#include "engine/base/secret_token.hpp"
#include "engine/changes/lookups.hpp"
#include "engine/participants/participant_fields.hpp"

#include <algorithm>
#include <random>

namespace ritme {

namespace {

namespace pt = boost::posix_time;

ChangeError bad(std::string field, std::string message, std::string hint = {}) {
    return {ChangeError::Kind::bad_input, std::move(field), std::move(message), std::move(hint)};
}

// Applies the fields to `lead`; every bad value is an error, then what the record lacks.
std::vector<ChangeError> apply_fields(const LeadFields& fields, StoredLead& lead) {
    std::vector<ChangeError> errors;
    FieldError error;
    if (fields.name) {
        if (auto v = normalise_name(*fields.name, error)) lead.name = *v;
        else errors.push_back(bad("name", error.message, error.hint));
    }
    if (fields.email) {
        if (fields.email->empty()) lead.email.clear();
        else if (auto v = normalise_email(*fields.email, error)) lead.email = *v;
        else errors.push_back(bad("email", error.message, error.hint));
    }
    if (fields.mobile) {
        if (fields.mobile->empty()) lead.mobile.clear();
        else if (auto v = normalise_mobile_number(*fields.mobile, error)) lead.mobile = *v;
        else errors.push_back(bad("mobile", error.message, error.hint + "; the lead gets alerts by SMS"));
    }
    if (!errors.empty()) return errors;
    if (lead.name.empty()) return {bad("name", "{name} is required")};
    if (lead.email.empty() && lead.mobile.empty())
        return {bad({}, "give {mobile} or {email}, so ritme can reach the lead")};
    return {};
}

std::string changed_fields(const StoredLead& a, const StoredLead& b) {
    std::string out;
    auto note = [&](bool differs, const char* field) {
        if (differs) out += (out.empty() ? "" : ", ") + std::string(field);
    };
    note(a.name != b.name, "name");
    note(a.email != b.email, "email");
    note(a.mobile != b.mobile, "mobile");
    return out;
}

bool live_session(const LeadToken& t, UtcInstant now) {
    return t.kind == LeadTokenKind::session && !t.revoked_at && now.utc < t.expires_at.utc &&
           now.utc - t.last_used_at.utc < session_idle_limit;
}

// Which lead the programme file linked to the programme (and nobody else had), if any.
std::string file_lead_key(const std::string& programme_id) { return "programme-file-lead:" + programme_id; }

}  // namespace

std::string generate_lead_id() {
    constexpr std::string_view alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    std::random_device device;
    std::uint64_t bits = (std::uint64_t{device()} << 32) | device();
    std::string id = "l-";
    for (int i = 0; i < 10; ++i, bits >>= 5) id += alphabet[bits & 31];
    return id;
}

ChangeError no_such_lead(const std::string& id) {
    return {ChangeError::Kind::bad_input, {}, "no lead " + id, "see `ritme lead list`"};
}

ChangeResult<StoredLead> add_lead(Store& store, const LeadFields& fields, const std::vector<std::string>& programmes,
                                  const AuditContext& audit) {
    StoredLead lead;
    lead.id = generate_lead_id();
    if (auto errors = apply_fields(fields, lead); !errors.empty()) return errors;
    if (auto errors = unknown_programmes(store, programmes); !errors.empty()) return errors;
    lead.programmes = programmes;
    std::sort(lead.programmes.begin(), lead.programmes.end());
    lead.programmes.erase(std::unique(lead.programmes.begin(), lead.programmes.end()), lead.programmes.end());
    store.write([&] {
        store.put_lead(lead);
        store.record(audit.entry("lead.added", lead.id, ""));
        for (const auto& programme : lead.programmes) store.record(audit.entry("lead.linked", lead.id, programme));
    });
    return lead;
}

ChangeResult<LeadEdited> edit_lead(Store& store, const std::string& id, const LeadFields& fields,
                                   const std::vector<std::string>& add_programmes,
                                   const std::vector<std::string>& remove_programmes, const AuditContext& audit) {
    const auto before = store.lead(id);
    if (!before) return no_such_lead(id);
    LeadEdited edited{*before, {}, {}};
    StoredLead& lead = edited.lead;
    if (auto errors = apply_fields(fields, lead); !errors.empty()) return errors;
    if (auto errors = unknown_programmes(store, add_programmes); !errors.empty()) return errors;
    edited.fields = changed_fields(*before, lead);
    std::vector<AuditEntry> entries;
    if (!edited.fields.empty()) entries.push_back(audit.entry("lead.changed", id, edited.fields));
    for (const auto& programme : add_programmes) {
        if (lead.leads(programme)) {
            edited.programmes.push_back("already leads " + programme);
            continue;
        }
        lead.programmes.push_back(programme);
        entries.push_back(audit.entry("lead.linked", id, programme));
        edited.programmes.push_back("now leads " + programme);
    }
    for (const auto& programme : remove_programmes) {
        const auto found = std::find(lead.programmes.begin(), lead.programmes.end(), programme);
        if (found == lead.programmes.end()) {
            edited.programmes.push_back("did not lead " + programme);
            continue;
        }
        lead.programmes.erase(found);
        entries.push_back(audit.entry("lead.unlinked", id, programme));
        edited.programmes.push_back("no longer leads " + programme);
    }
    std::sort(lead.programmes.begin(), lead.programmes.end());
    if (entries.empty()) return edited;
    store.write([&] {
        store.put_lead(lead);
        for (const auto& entry : entries) store.record(entry);
    });
    return edited;
}

ChangeResult<std::string> remove_lead(Store& store, const std::string& id, const AuditContext& audit) {
    if (!store.lead(id)) return no_such_lead(id);
    store.write([&] {
        store.delete_lead(id);
        store.record(audit.entry("lead.removed", id, ""));
    });
    return id;
}

ChangeResult<SignInLink> make_sign_in_link(Store& store, const std::string& id, std::string_view base_url,
                                           const AuditContext& audit) {
    if (!store.lead(id)) return no_such_lead(id);
    const std::string token = secret_token::random();
    LeadToken link;
    link.hash = secret_token::sha256_hex(token);
    link.kind = LeadTokenKind::signin;
    link.lead_id = id;
    link.created_at = audit.at;
    link.last_used_at = audit.at;
    link.expires_at = {audit.at.utc + sign_in_link_lifetime};
    store.write([&] {
        store.put_lead_token(link);
        store.record(audit.entry("lead.link_made", id, "valid until " + link.expires_at.iso()));
    });
    std::string base(base_url);
    while (!base.empty() && base.back() == '/') base.pop_back();
    return SignInLink{base + "/signin?token=" + token, link.expires_at};
}

ChangeResult<int> revoke_lead(Store& store, const std::string& id, const AuditContext& audit) {
    if (!store.lead(id)) return no_such_lead(id);
    int ended = 0;
    store.write([&] {
        for (auto token : store.lead_tokens(id)) {
            if (token.revoked_at || token.used_at) continue;  // a used link signs nobody in again
            if (token.expires_at.utc <= audit.at.utc) continue;
            token.revoked_at = audit.at;
            store.put_lead_token(token);
            ++ended;
        }
        store.record(audit.entry("lead.revoked", id, std::to_string(ended) + " sessions and links ended"));
    });
    return ended;
}

std::optional<LeadSession> sign_in(Store& store, std::string_view link_token, UtcInstant now) {
    if (link_token.empty()) return std::nullopt;
    std::optional<LeadSession> session;
    store.write([&] {
        auto link = store.lead_token(secret_token::sha256_hex(link_token));
        if (!link || link->kind != LeadTokenKind::signin || link->used_at || link->revoked_at ||
            now.utc >= link->expires_at.utc)
            return;
        auto lead = store.lead(link->lead_id);
        if (!lead) return;
        link->used_at = now;
        store.put_lead_token(*link);
        LeadSession made{*lead, secret_token::random(), {now.utc + session_lifetime}};
        LeadToken stored;
        stored.hash = secret_token::sha256_hex(made.token);
        stored.kind = LeadTokenKind::session;
        stored.lead_id = lead->id;
        stored.created_at = now;
        stored.last_used_at = now;
        stored.expires_at = made.expires_at;
        store.put_lead_token(stored);
        store.record(AuditEntry{0, now, lead->name, "signin", "lead.signed_in", lead->id, ""});
        session = std::move(made);
    });
    return session;
}

std::optional<StoredLead> signed_in_lead(Store& store, std::string_view session_token, UtcInstant now) {
    if (session_token.empty()) return std::nullopt;
    auto session = store.lead_token(secret_token::sha256_hex(session_token));
    if (!session || !live_session(*session, now)) return std::nullopt;
    auto lead = store.lead(session->lead_id);
    if (!lead) return std::nullopt;
    // The idle limit counts from the last use; noted every 5 minutes at most.
    if (now.utc - session->last_used_at.utc >= pt::minutes(5)) {
        session->last_used_at = now;
        store.write([&] { store.put_lead_token(*session); });
    }
    return lead;
}

bool sign_out(Store& store, std::string_view session_token, UtcInstant now) {
    if (session_token.empty()) return false;
    bool ended = false;
    store.write([&] {
        auto session = store.lead_token(secret_token::sha256_hex(session_token));
        if (!session || !live_session(*session, now)) return;
        session->revoked_at = now;
        store.put_lead_token(*session);
        const auto lead = store.lead(session->lead_id);
        store.record(AuditEntry{0, now, lead ? lead->name : session->lead_id, "signout", "lead.signed_out",
                                session->lead_id, ""});
        ended = true;
    });
    return ended;
}

void take_lead_from_programme(Store& store, const Programme& programme, const AuditContext& audit) {
    const auto key = file_lead_key(programme.id);
    const std::string linked_before = store.setting(key).value_or("");
    std::string linked_now;  // the lead the file links, when the file made the link
    std::optional<StoredLead> match;
    if (programme.lead) {
        const Lead& wanted = *programme.lead;
        const auto leads = store.leads();
        const auto find = [&](auto same) -> std::optional<StoredLead> {
            const auto found = std::find_if(leads.begin(), leads.end(), same);
            if (found == leads.end()) return std::nullopt;
            return *found;
        };
        if (!wanted.phone.empty()) match = find([&](const StoredLead& l) { return l.mobile == wanted.phone; });
        if (!match && !wanted.email.empty()) match = find([&](const StoredLead& l) { return l.email == wanted.email; });
        if (!match) match = find([&](const StoredLead& l) { return l.name == wanted.name; });
        const bool added = !match;
        StoredLead lead = match ? *match : StoredLead{generate_lead_id(), {}, {}, {}, {}};
        const StoredLead before = lead;
        lead.name = wanted.name;
        if (!wanted.phone.empty()) lead.mobile = wanted.phone;
        if (!wanted.email.empty()) lead.email = wanted.email;
        const bool links = !lead.leads(programme.id);
        if (links) lead.programmes.push_back(programme.id);
        linked_now = links || lead.id == linked_before ? lead.id : "";
        if (added || !(lead == before)) {
            store.put_lead(lead);
            if (added) store.record(audit.entry("lead.added", lead.id, programme.source_file));
            else if (const auto fields = changed_fields(before, lead); !fields.empty())
                store.record(audit.entry("lead.changed", lead.id, fields));
            if (links) store.record(audit.entry("lead.linked", lead.id, programme.id));
        }
    }
    if (!linked_before.empty() && linked_before != linked_now) {
        if (auto previous = store.lead(linked_before); previous && previous->leads(programme.id)) {
            std::erase(previous->programmes, programme.id);
            store.put_lead(*previous);
            store.record(audit.entry("lead.unlinked", previous->id, programme.id));
        }
    }
    if (linked_now != linked_before) store.put_setting(key, linked_now);
}

}  // namespace ritme
