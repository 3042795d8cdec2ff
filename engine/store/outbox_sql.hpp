#pragma once
// What the SQL stores share in reading the outbox: the states and kinds of a query as SQL
// text, the order claims are handed out in, the seconds an outbox time may hold, and what
// their integrity checks look for in the outbox beyond the database's own checks.

#include "engine/store/delivery.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace ritme {

// "'planned', 'retry'": enum names in the enum's order, so the text matches the partial
// indexes' WHERE clauses and the database can use them.
template <typename Enum>
std::string quoted_list(std::vector<Enum> values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    std::string list;
    for (const Enum value : values) list += (list.empty() ? "'" : ", '") + std::string(name_of(value)) + "'";
    return list;
}

// Claims go earliest first, and in the order planned within one instant.
inline bool by_send_time(const ClaimedDelivery& a, const ClaimedDelivery& b) {
    if (a.delivery.send_at == b.delivery.send_at) return a.delivery.id < b.delivery.id;
    return a.delivery.send_at < b.delivery.send_at;
}

// An outbox time is UTC seconds within the years a date can hold; a value outside is
// damage (read as 0 it would be 1970, due at once).
inline constexpr int64_t first_outbox_second = -17987443200;  // 1400-01-01T00:00:00Z
inline constexpr int64_t last_outbox_second = 253402300799;   // 9999-12-31T23:59:59Z

// A delivery row the database itself finds sound but ritme cannot work with: `condition`
// on the delivery table in SQL both stores read, and the problem it names.
struct OutboxCheck {
    std::string condition;
    std::string problem;
};

inline const std::vector<OutboxCheck>& outbox_checks() {
    static const std::vector<OutboxCheck> checks = [] {
        const std::string range =
            " NOT BETWEEN " + std::to_string(first_outbox_second) + " AND " + std::to_string(last_outbox_second);
        std::string times;
        for (const char* column : {"send_at", "due_at", "expires_at", "claimed_until", "updated_at", "sent_at"})
            times += std::string(times.empty() ? "" : " OR ") + column + range;  // NULL: unset, not damage
        return std::vector<OutboxCheck>{
            {times, "a time ritme cannot hold (outside the years 1400 to 9999)"},
            // The claim of a daemon that died is taken over when its lease ends: without an
            // end or a holder, never, and the message would never go.
            {"state = 'claimed' AND (claimed_until IS NULL OR claimed_by = '')",
             "claimed without a holder or the end of its lease, so no daemon would take it over"}};
    }();
    return checks;
}

}  // namespace ritme
