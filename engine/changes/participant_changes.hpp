#pragma once
// The people in the programmes: add, edit, remove, import, erase (`ritme participant …`).
// Personal data goes into the store only; the audit trail names participants by their
// pseudonymous id and says which fields changed, never their values.

#include "engine/base/diagnostic.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/participants/participant.hpp"
#include "engine/store/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ritme {

// A participant's fields as a person types them; a field left out stays as it is. The
// request's field names, as errors name them: name, phone, email, language, channels,
// sms_opt_out, children, school_calendar, commitment, remove_commitment.
struct ParticipantFields {
    std::optional<std::string> name, phone, email, language, channels, children, school_calendar;
    std::optional<bool> sms_opt_out;
    // Commitments are changed one at a time: first the removals (each named against the
    // stored list), then clear_commitments, then the additions.
    std::vector<std::string> commitments;  // added to the stored ones; one already stored is no change
    // Each names a stored commitment by its text as `participant show` lists it
    // ("ma 09:00-12:00 taalles"; spacing and "9:00" for "09:00" do not matter) or by its
    // position in that list (1 is the first). One that matches none is an error that lists them.
    std::vector<std::string> remove_commitments;
    bool clear_commitments = false;  // remove every stored commitment
};

// The names of the fields that differ, "phone, channels": what the audit trail says about an edit.
std::string changed_fields(const Participant& a, const Participant& b);

// A new participant with a fresh id, enrolled in `programmes`.
ChangeResult<Participant> add_participant(Store& store, const ParticipantFields& fields,
                                          const std::vector<std::string>& programmes, const AuditContext& audit);

struct ParticipantEdited {
    Participant participant;  // as stored now
    std::string fields;       // the fields that changed; empty: none
    // One line per programme asked for, in the order asked: "enrolled in X", "already
    // enrolled in X", "unenrolled from X", "was not enrolled in X".
    std::vector<std::string> enrolments;
};
ChangeResult<ParticipantEdited> edit_participant(Store& store, const std::string& id, const ParticipantFields& fields,
                                                 const std::vector<std::string>& enrol,
                                                 const std::vector<std::string>& unenrol, const AuditContext& audit);

// A participant added by mistake: gone with their enrolments.
ChangeResult<std::string> remove_participant(Store& store, const std::string& id, const AuditContext& audit);
// A person's erasure on request: gone, their enrolments kept as anonymous counts. Call
// SqliteStore::checkpoint() afterwards so the write-ahead log forgets them too.
struct ParticipantErased {
    std::string id;
    // Every delivery the store had for her, whatever its state, read before erasing: the
    // names a channel knows her messages by (Channel::forget).
    std::vector<int64_t> delivery_ids;
};
ChangeResult<ParticipantErased> erase_participant(Store& store, const std::string& id, const AuditContext& audit);

// A CSV import, all or nothing. A row is the same person as a stored participant when
// the phone number, or else the e-mail address, is the same: importing the list again
// updates them.
struct PlannedRow {
    Participant participant;
    std::string what;  // "add", "update (phone, channels)", "unchanged"
    bool enrol = false;
};
struct ImportPlan {
    std::string file;
    std::string programme;
    std::vector<PlannedRow> rows;
    Diagnostics problems;  // the file's, row by row; with errors nothing may be imported
};
// Reads the file and plans every row; stores nothing.
ChangeResult<ImportPlan> plan_participant_import(const Store& store, const std::string& file,
                                                 const std::string& programme);
// Stores a plan without errors, with its audit entries, in one transaction.
void import_participants(Store& store, const ImportPlan& plan, const AuditContext& audit);

}  // namespace ritme
