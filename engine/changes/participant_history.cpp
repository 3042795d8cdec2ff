#include "engine/changes/participant_history.hpp"

#include "engine/changes/lookups.hpp"

#include <algorithm>

namespace ritme {

ChangeResult<ParticipantHistory> participant_history(const Store& store, const std::string& programme_id,
                                                     const std::string& participant_id, UtcInstant now) {
    auto attendance = attendance_register(store, programme_id, now);
    if (!attendance.ok()) return attendance.errors;
    AttendanceRegister& register_ = attendance.value;
    const auto row = std::find_if(register_.rows.begin(), register_.rows.end(),
                                  [&](const RegisterRow& r) { return r.participant_id == participant_id; });
    auto participant = row == register_.rows.end() ? std::nullopt : store.participant(participant_id);
    if (!participant) {
        ChangeError error = no_such_participant(participant_id);
        error.message += " in " + register_.programme_id;
        error.hint = "see the programme's participants";
        return error;
    }

    ParticipantHistory history;
    history.participant = std::move(*participant);
    history.enrolled = row->enrolled;
    history.attendance = std::move(*row);
    history.sessions = std::move(register_.sessions);

    DeliveryQuery query;
    query.programme_id = register_.programme_id;
    query.participant_id = participant_id;
    query.kinds = {DeliveryKind::reminder, DeliveryKind::appointment, DeliveryKind::change, DeliveryKind::confirmation};
    query.newest_first = true;
    for (auto& delivery : store.deliveries(query)) {
        SentMessage message{std::move(delivery), {}};
        message.receipts = store.receipts(message.delivery.id);
        history.messages.push_back(std::move(message));
    }
    // An answer matched to nothing belongs to this programme only when it is her only one.
    const bool only_programme = store.programmes_of(participant_id).size() <= 1;
    for (auto& answer : store.answers(participant_id))
        if (answer.programme_id == register_.programme_id || (answer.programme_id.empty() && only_programme))
            history.answers.push_back(std::move(answer));
    return history;
}

}  // namespace ritme
