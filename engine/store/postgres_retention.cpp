// The PostgreSQL store's side of retention: overwriting the words, addresses and numbers
// of rows past retention_days. An UPDATE leaves the old row version behind until VACUUM
// marks its space free (purge_deleted()); see the README on retention.
#include "engine/store/postgres_store.hpp"

#include "engine/store/postgres_rows.hpp"

namespace ritme {

using namespace postgres_rows;

RetentionCounts PostgresStore::scrub(const RetentionScrub& scrub) {
    return guarded(name_, "removing personal data past retention", [&] {
        require_write();
        RetentionCounts counts;
        // Each UPDATE only touches a row that still holds something, so its count is
        // what this run removed.
        for (const auto& [id, payload] : scrub.deliveries) {
            counts.deliveries += static_cast<int>(
                exec("UPDATE delivery SET payload = $1, reason = '' WHERE id = $2 AND (payload <> $1 OR reason <> '')",
                     Params(payload, id))
                    .affected_rows());
            counts.receipts += static_cast<int>(
                exec("UPDATE delivery_receipt SET detail = '', report_key = '' "
                     "WHERE delivery_id = $1 AND (detail <> '' OR report_key <> '')",
                     Params(id))
                    .affected_rows());
        }
        for (int64_t id : scrub.answers)
            counts.answers += static_cast<int>(
                exec("UPDATE answer SET words = '' WHERE id = $1 AND words <> ''", Params(id)).affected_rows());
        const std::string texts = scrubbed_group_texts;
        for (int64_t id : scrub.group_messages)
            counts.group_messages += static_cast<int>(
                exec("UPDATE group_message SET texts = $1 WHERE id = $2 AND texts <> $1", Params(texts, id))
                    .affected_rows());
        for (int64_t id : scrub.appointments)
            counts.appointments += static_cast<int>(
                exec("UPDATE appointment SET address = '', note = '' WHERE id = $1 AND (address <> '' OR note <> '')",
                     Params(id))
                    .affected_rows());
        // The serial stays: what she was told did not change, only what is kept of it.
        for (const auto& record : scrub.told)
            exec("UPDATE told SET state = $1 WHERE participant_id = $2 AND session_id = $3 AND appointment_id = $4",
                 Params(record.state, record.participant_id, record.session_id, record.appointment_id));
        for (const auto& id : scrub.participants) {
            const auto changed =
                exec("UPDATE participant SET name = '', phone = '', email = '' "
                     "WHERE id = $1 AND (name <> '' OR phone <> '' OR email <> '')",
                     Params(id))
                    .affected_rows();
            const auto dropped = exec("DELETE FROM commitment WHERE participant_id = $1", Params(id)).affected_rows();
            if (changed || dropped) ++counts.participants;
        }
        return counts;
    });
}

}  // namespace ritme
