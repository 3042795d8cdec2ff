#include "engine/changes/participant_changes.hpp"

#include "engine/base/text.hpp"
#include "engine/changes/lookups.hpp"
#include "engine/participants/participant_csv.hpp"
#include "engine/participants/participant_fields.hpp"

#include <algorithm>

namespace ritme {

namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

ChangeError bad(std::string field, std::string message, std::string hint = {}) {
    return {ChangeError::Kind::bad_input, std::move(field), std::move(message), std::move(hint)};
}

// The stored commitment `named` names: its position in the list ("2", from 1), or its
// text as listed, read as a commitment so that spacing and "9:00" do not matter.
std::optional<size_t> stored_commitment(const std::string& named, const std::vector<Commitment>& stored) {
    const std::string_view text = trim(named);
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        if (text.size() > 9) return std::nullopt;
        const size_t position = std::stoul(std::string(text));
        if (position >= 1 && position <= stored.size()) return position - 1;
        return std::nullopt;
    }
    FieldError ignored;
    const auto wanted = parse_commitment(text, ignored);
    if (!wanted) return std::nullopt;
    const auto found = std::find(stored.begin(), stored.end(), *wanted);
    if (found == stored.end()) return std::nullopt;
    return static_cast<size_t>(found - stored.begin());
}

// A removal that names no stored commitment, with the list to choose from.
ChangeError unknown_commitment(const std::string& named, const std::vector<Commitment>& stored) {
    if (stored.empty()) return bad("remove_commitment", "there is no commitment " + quoted(trim(named)) + " to remove: none is stored");
    std::string listed;
    for (size_t i = 0; i < stored.size(); ++i)
        listed += (i == 0 ? "" : ", ") + std::to_string(i + 1) + " " + quoted(format_commitment(stored[i]));
    return bad("remove_commitment", "no stored commitment " + quoted(trim(named)) + "; the stored ones are " + listed,
               "name one by its text as listed or by its number");
}

// Applies the fields to `p`; every bad value is an error, then what the record as a whole lacks.
std::vector<ChangeError> apply_fields(const ParticipantFields& fields, const std::vector<std::string>& school_ids,
                                      Participant& p) {
    std::vector<ChangeError> errors;
    auto report = [&](const char* field, const FieldError& error) { errors.push_back(bad(field, error.message, error.hint)); };
    FieldError error;
    if (fields.name) {
        if (auto v = normalise_name(*fields.name, error)) p.name = *v;
        else report("name", error);
    }
    if (fields.phone) {
        if (fields.phone->empty()) p.phone.clear();
        else if (auto v = normalise_mobile_number(*fields.phone, error)) p.phone = *v;
        else report("phone", error);
    }
    if (fields.email) {
        if (fields.email->empty()) p.email.clear();
        else if (auto v = normalise_email(*fields.email, error)) p.email = *v;
        else report("email", error);
    }
    if (fields.language) {
        if (auto v = normalise_language(*fields.language, error)) p.language = *v;
        else report("language", error);
    }
    if (fields.channels) {
        if (auto v = parse_channels(*fields.channels, error)) p.channels = *v;
        else report("channels", error);
    } else if (!p.channels.sms && !p.channels.email) {
        p.channels = p.phone.empty() ? Channels{false, true} : Channels{true, false};
    }
    if (fields.sms_opt_out) p.sms_opt_out = *fields.sms_opt_out;
    if (fields.children) {
        if (auto v = parse_children_in_care(*fields.children, error)) p.children_in_care = *v;
        else report("children", error);
    }
    if (fields.school_calendar) {
        if (fields.school_calendar->empty()) p.school_calendar.clear();
        else if (auto v = normalise_school_calendar(*fields.school_calendar, school_ids, error)) p.school_calendar = *v;
        else report("school_calendar", error);
    }
    if (!fields.remove_commitments.empty()) {
        std::vector<bool> removed(p.commitments.size(), false);
        for (const auto& named : fields.remove_commitments) {
            if (auto index = stored_commitment(named, p.commitments)) removed[*index] = true;
            else errors.push_back(unknown_commitment(named, p.commitments));
        }
        std::vector<Commitment> kept;
        for (size_t i = 0; i < p.commitments.size(); ++i)
            if (!removed[i]) kept.push_back(p.commitments[i]);
        p.commitments = std::move(kept);
    }
    if (fields.clear_commitments) p.commitments.clear();
    for (const auto& text : fields.commitments) {
        if (auto v = parse_commitment(text, error)) {
            if (std::find(p.commitments.begin(), p.commitments.end(), *v) == p.commitments.end())
                p.commitments.push_back(*v);
        } else {
            report("commitment", error);
        }
    }
    if (!errors.empty()) return errors;
    if (p.name.empty()) return {bad("name", "{name} is required")};
    if (p.phone.empty() && p.email.empty()) return {bad({}, "give {phone} or {email}, so reminders can reach this person")};
    if (p.channels.sms && p.phone.empty())
        return {bad("channels", "{channels} includes sms but there is no phone number", "add {phone} or choose email")};
    if (p.channels.email && p.email.empty())
        return {bad("channels", "{channels} includes email but there is no e-mail address",
                    "add {email} or choose sms")};
    return {};
}

std::optional<Participant> stored_match(const Participant& row, const std::vector<Participant>& stored) {
    for (const auto& p : stored)
        if ((!row.phone.empty() && p.phone == row.phone) ||
            (row.phone.empty() && !row.email.empty() && p.email == row.email))
            return p;
    return std::nullopt;
}

}  // namespace

std::string changed_fields(const Participant& a, const Participant& b) {
    std::string out;
    auto note = [&](bool differs, const char* field) {
        if (differs) out += (out.empty() ? "" : ", ") + std::string(field);
    };
    note(a.name != b.name, "name");
    note(a.phone != b.phone, "phone");
    note(a.email != b.email, "email");
    note(a.language != b.language, "language");
    note(!(a.channels == b.channels), "channels");
    note(a.sms_opt_out != b.sms_opt_out, "sms_opt_out");
    note(a.children_in_care != b.children_in_care, "children_in_care");
    note(a.school_calendar != b.school_calendar, "school_calendar");
    note(!(a.commitments == b.commitments), "commitments");
    return out;
}

ChangeResult<Participant> add_participant(Store& store, const ParticipantFields& fields,
                                          const std::vector<std::string>& programmes, const AuditContext& audit) {
    Participant p;
    p.id = generate_participant_id();
    if (auto errors = apply_fields(fields, store.school_ids(), p); !errors.empty()) return errors;
    if (auto errors = unknown_programmes(store, programmes); !errors.empty()) return errors;
    store.write([&] {
        store.put_participant(p);
        store.record(audit.entry("participant.added", p.id, ""));
        for (const auto& programme : programmes) {
            store.enrol(p.id, programme);
            store.record(audit.entry("participant.enrolled", p.id, programme));
        }
    });
    return p;
}

ChangeResult<ParticipantEdited> edit_participant(Store& store, const std::string& id, const ParticipantFields& fields,
                                                 const std::vector<std::string>& enrol,
                                                 const std::vector<std::string>& unenrol, const AuditContext& audit) {
    const auto before = store.participant(id);
    if (!before) return no_such_participant(id);
    ParticipantEdited edited{*before, {}, {}};
    Participant& p = edited.participant;
    if (auto errors = apply_fields(fields, store.school_ids(), p); !errors.empty()) return errors;
    if (auto errors = unknown_programmes(store, enrol); !errors.empty()) return errors;
    if (auto errors = unknown_programmes(store, unenrol); !errors.empty()) return errors;
    edited.fields = changed_fields(*before, p);
    store.write([&] {
        if (!edited.fields.empty()) {
            store.put_participant(p);
            store.record(audit.entry("participant.changed", p.id, edited.fields));
        }
        // Only a real change is stored and audited; each programme asked for gets a line.
        auto programmes = store.programmes_of(p.id);
        auto enrolled_in = [&](const std::string& programme) {
            return std::find(programmes.begin(), programmes.end(), programme) != programmes.end();
        };
        for (const auto& programme : enrol) {
            if (enrolled_in(programme)) {
                edited.enrolments.push_back("already enrolled in " + programme);
                continue;
            }
            store.enrol(p.id, programme);
            store.record(audit.entry("participant.enrolled", p.id, programme));
            programmes.push_back(programme);
            edited.enrolments.push_back("enrolled in " + programme);
        }
        for (const auto& programme : unenrol) {
            if (!enrolled_in(programme)) {
                edited.enrolments.push_back("was not enrolled in " + programme);
                continue;
            }
            store.unenrol(p.id, programme);
            store.record(audit.entry("participant.unenrolled", p.id, programme));
            programmes.erase(std::find(programmes.begin(), programmes.end(), programme));
            edited.enrolments.push_back("unenrolled from " + programme);
        }
    });
    return edited;
}

ChangeResult<std::string> remove_participant(Store& store, const std::string& id, const AuditContext& audit) {
    if (!store.participant(id)) return no_such_participant(id);
    store.write([&] {
        store.delete_participant(id, false);
        store.record(audit.entry("participant.removed", id, ""));
    });
    return id;
}

ChangeResult<ParticipantErased> erase_participant(Store& store, const std::string& id, const AuditContext& audit) {
    if (!store.participant(id)) return no_such_participant(id);
    ParticipantErased erased{id, {}};
    store.write([&] {
        // Alerts to her lead about her included: their text names her.
        DeliveryQuery hers;
        hers.participant_id = id;
        for (const auto& delivery : store.deliveries(hers))
            erased.delivery_ids.push_back(delivery.id);
        store.delete_participant(id, true);
        store.record(audit.entry("participant.erased", id, ""));
    });
    return erased;
}

ChangeResult<ImportPlan> plan_participant_import(const Store& store, const std::string& file,
                                                 const std::string& programme) {
    if (auto errors = unknown_programmes(store, {programme}); !errors.empty()) return errors;
    ImportPlan plan{file, programme, {}, {}};
    ParticipantCsv csv = read_participant_csv_file(file, store.school_ids());
    plan.problems = std::move(csv.diagnostics);
    if (plan.problems.has_errors()) return plan;
    const auto stored = store.participants();
    for (auto& row : csv.participants) {
        Participant p = row.participant;
        if (auto existing = stored_match(p, stored)) {
            p.id = existing->id;
            const auto fields = changed_fields(*existing, p);
            const auto programmes = store.programmes_of(p.id);
            const bool enrolled = std::find(programmes.begin(), programmes.end(), programme) != programmes.end();
            plan.rows.push_back({p, fields.empty() ? "unchanged" : "update (" + fields + ")", !enrolled});
        } else {
            p.id = generate_participant_id();
            plan.rows.push_back({p, "add", true});
        }
    }
    return plan;
}

void import_participants(Store& store, const ImportPlan& plan, const AuditContext& audit) {
    if (plan.problems.has_errors()) return;
    store.write([&] {
        for (const auto& row : plan.rows) {
            if (row.what == "add") {
                store.put_participant(row.participant);
                store.record(audit.entry("participant.added", row.participant.id, plan.file));
            } else if (row.what != "unchanged") {
                store.put_participant(row.participant);
                store.record(audit.entry("participant.changed", row.participant.id, row.what));
            }
            if (row.enrol) {
                store.enrol(row.participant.id, plan.programme);
                store.record(audit.entry("participant.enrolled", row.participant.id, plan.programme));
            }
        }
    });
}

}  // namespace ritme
