// The SQLite store's side of retention: overwriting the words, addresses and numbers of
// rows past retention_days. With secure_delete on, the old values are zeroed where they
// stood in their pages; purge_deleted() then takes them out of the write-ahead log.
#include "engine/store/sqlite_store.hpp"

#include "engine/store/sqlite_rows.hpp"

namespace ritme {

using namespace sqlite_rows;

RetentionCounts SqliteStore::scrub(const RetentionScrub& scrub) {
    return guarded(db_, "removing personal data past retention", [&] {
        require_write();
        RetentionCounts counts;
        // Each UPDATE only touches a row that still holds something, so its count is
        // what this run removed.
        SQLite::Statement& delivery = statement(
            "UPDATE delivery SET payload = ?, reason = '' WHERE id = ? AND (payload <> ? OR reason <> '')");
        SQLite::Statement& receipts = statement(
            "UPDATE delivery_receipt SET detail = '', report_key = '' "
            "WHERE delivery_id = ? AND (detail <> '' OR report_key <> '')");
        for (const auto& [id, payload] : scrub.deliveries) {
            delivery.bind(1, payload);
            delivery.bind(2, id);
            delivery.bind(3, payload);
            counts.deliveries += delivery.exec();
            delivery.reset();
            receipts.bind(1, id);
            counts.receipts += receipts.exec();
            receipts.reset();
        }
        SQLite::Statement& answer = statement("UPDATE answer SET words = '' WHERE id = ? AND words <> ''");
        for (int64_t id : scrub.answers) {
            answer.bind(1, id);
            counts.answers += answer.exec();
            answer.reset();
        }
        SQLite::Statement& group = statement("UPDATE group_message SET texts = ? WHERE id = ? AND texts <> ?");
        for (int64_t id : scrub.group_messages) {
            group.bind(1, scrubbed_group_texts);
            group.bind(2, id);
            group.bind(3, scrubbed_group_texts);
            counts.group_messages += group.exec();
            group.reset();
        }
        SQLite::Statement& appointment = statement(
            "UPDATE appointment SET address = '', note = '' WHERE id = ? AND (address <> '' OR note <> '')");
        for (int64_t id : scrub.appointments) {
            appointment.bind(1, id);
            counts.appointments += appointment.exec();
            appointment.reset();
        }
        // The serial stays: what she was told did not change, only what is kept of it.
        SQLite::Statement& told = statement(
            "UPDATE told SET state = ? WHERE participant_id = ? AND session_id = ? AND appointment_id = ?");
        for (const auto& record : scrub.told) {
            told.bind(1, record.state);
            told.bind(2, record.participant_id);
            told.bind(3, record.session_id);
            told.bind(4, record.appointment_id);
            told.exec();
            told.reset();
        }
        SQLite::Statement& participant = statement(
            "UPDATE participant SET name = '', phone = '', email = '' "
            "WHERE id = ? AND (name <> '' OR phone <> '' OR email <> '')");
        SQLite::Statement& commitments = statement("DELETE FROM commitment WHERE participant_id = ?");
        for (const auto& id : scrub.participants) {
            participant.bind(1, id);
            const int changed = participant.exec();
            participant.reset();
            commitments.bind(1, id);
            const int dropped = commitments.exec();
            commitments.reset();
            if (changed || dropped) ++counts.participants;
        }
        return counts;
    });
}

}  // namespace ritme
