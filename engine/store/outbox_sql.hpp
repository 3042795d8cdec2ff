#pragma once
// What the SQL stores share in reading the outbox: the states and kinds of a query as SQL
// text, and the order claims are handed out in.

#include "engine/store/delivery.hpp"

#include <algorithm>
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

}  // namespace ritme
