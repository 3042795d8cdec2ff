#pragma once
// The HTML of a lead's programme pages, from what engine/changes found: the programme
// with its next session as a card, a session with its attendance, the crèche list, a
// participant, and the forms and previews of moving, cancelling and restoring a
// session. Phone first, no JavaScript; every word through tr(), every value escaped,
// every form with the session's CSRF token. Reading and changing is ProgrammePages'.

#include "engine/base/translation.hpp"
#include "engine/changes/attendance_changes.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/changes/participant_history.hpp"
#include "engine/changes/session_roster.hpp"
#include "engine/http/http_server.hpp"
#include "engine/message/outbox_preview.hpp"
#include "engine/time/time_zone.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ritme::programme_views {

// What every programme page is drawn with.
struct PageContext {
    Language language = Language::nl;
    const Programme& programme;
    TimeZone zone;     // the programme's, for the moments shown
    std::string csrf;  // the session's token for the forms
    UtcInstant now;    // the request's time
};

// GET /p/PROGRAMME. `follow_ups` and `group_message`: sections others fill (HTML), shown
// after the card when not empty; `calendar_feeds` likewise, at the end.
HttpAnswer programme_page(const PageContext& page, const std::optional<SessionRoster>& next,
                          const std::vector<StoredSession>& sessions, const AttendanceRegister& attendance,
                          const std::string& follow_ups, const std::string& group_message,
                          const std::string& calendar_feeds = {});

// The programme page's follow-ups: each open one with her name (a link to her page), its
// cause, since when, and a button that posts POST /p/PROGRAMME/follow-ups/ID/done. Empty
// when none are open, so the page shows no section.
std::string follow_ups_section(const PageContext& page, const std::vector<FollowUpView>& follow_ups);

// GET /p/PROGRAMME/s/SESSION: the card and one tap per participant.
HttpAnswer session_page(const PageContext& page, const SessionRoster& roster);

// GET /p/PROGRAMME/s/SESSION/creche: mothers expected and their children, the total.
HttpAnswer creche_page(const PageContext& page, const SessionRoster& roster);

// GET /p/PROGRAMME/d/PARTICIPANT
HttpAnswer participant_page(const PageContext& page, const ParticipantHistory& history);

enum class SessionAction { move, cancel, restore };
std::string_view name_of(SessionAction action);  // "move", "cancel", "restore": the path's last segment

// What the lead filled in; sent back with the preview so confirming makes the same change.
struct ActionFields {
    std::string date;      // move: YYYY-MM-DD
    std::string time;      // move: HH:MM
    std::string location;  // move: a location key; empty: where it is
    std::string reason;    // cancel
};

// The form (GET), or again with why it was refused (`status` 400 or 409).
HttpAnswer action_form(const PageContext& page, SessionAction action, const StoredSession& session,
                       const ActionFields& fields, const std::vector<ChangeError>& errors = {}, unsigned status = 200);

// What the change would do, before she confirms it.
struct ActionPreview {
    std::string change;                     // the change in the lead's words
    std::vector<std::string> warnings;      // why the new time may not suit the families
    bool planned = false;                   // whether the messages could be planned here
    std::optional<OutboxPreview> messages;  // when planned and something changed
    bool changes_nothing = false;           // it is so already
};
HttpAnswer action_preview(const PageContext& page, SessionAction action, const StoredSession& session,
                          const ActionFields& fields, const ActionPreview& preview);

// A change refused: why, and the way back.
HttpAnswer refused(const PageContext& page, const std::vector<ChangeError>& errors, const std::string& back_href);

// Words shared with ProgrammePages.
std::string moment(UtcInstant at, const TimeZone& zone, Language language);  // "di 12 jan 18:04"
std::string session_title(const StoredSession& session, Language language);  // "Bijeenkomst 3: di 12 jan 09:30–11:30"
std::string error_text(const ChangeError& error);  // the engine's words, fields as the form names them

}  // namespace ritme::programme_views
