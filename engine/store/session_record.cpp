#include "engine/store/store.hpp"

namespace ritme {

Session StoredSession::as_session() const {
    Session session;
    session.number = number;
    session.date = date;
    session.time = time;
    session.slot = slot;
    session.location = location;
    session.start_utc = start_utc;
    session.end_utc = end_utc;
    session.status = status;
    session.stored_id = id;
    session.version = version;
    return session;
}

}  // namespace ritme
