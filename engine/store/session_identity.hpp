#pragma once
// A stored session's identity (slot and planned date) for databases from before it was
// kept, when a session was known by its number only. See derive_session_identities.

#include "engine/programme/programme.hpp"
#include "engine/store/store.hpp"

#include <vector>

namespace ritme {

// Sets slot and planned_date of each of a programme's sessions (given by number, as
// Store::sessions returns them) from the programme as last applied, so that applying
// the same file again changes nothing. Until now the file's calendar numbered its
// sessions 1..N in date order and apply kept each stored session where the file's
// session of that number was, so:
// 1. a session that follows the file (neither the lead's nor cancelled) is the
//    occurrence of the slot at its own weekday and time, on its own date;
// 2. a session the lead moved or cancelled is the occurrence between those of its
//    neighbours by number: where it was before the lead's change when that is such an
//    occurrence, else its own place when that is, else the first free one;
// 3. a session an apply cancelled (the file no longer had its number) keeps its own
//    place when no other session took it; otherwise no slot generates it any more:
//    slot 0, on its own date (a day later while another such session has that date).
// Every pair of slot and planned date comes out distinct.
void derive_session_identities(const Programme& programme, std::vector<StoredSession>& sessions);

}  // namespace ritme
