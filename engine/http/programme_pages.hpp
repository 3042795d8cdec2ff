#pragma once
// A lead's pages of her programmes, under /p/PROGRAMME (and the stylesheet, /ritme.css):
//   GET  /p/P                         the next session as a card, the sessions, the participants
//   GET  /p/P/s/S                     a session's card and its attendance, one tap each
//   POST /p/P/s/S/attendance          participant, status → the mark; 303 back
//   GET  /p/P/s/S/creche              the crèche list, printable
//   POST /p/P/follow-ups/ID/done      marks the programme's follow-up done; 303 back to /p/P
//   POST /p/P/message                 a message to the group: its cost per language, then (with
//                                     `confirm`) into the outbox; 303 back
//   POST /p/P/feeds                   a new calendar feed for leads or the crèche, its URL once
//   GET  /p/P/d/PARTICIPANT           her details, sessions, messages and answers
//   GET|POST /p/P/s/S/move|cancel|restore
//                                     the form; posted without `confirm`, the preview of what
//                                     the change sends (made and rolled back); with it, the
//                                     change, then 303 to the session
// S is the session's stored id (its number is a label that may change). Every route asks
// LeadAccess first: 401 not signed in, 403 another lead's programme; every POST without
// the session's CSRF token is 403. Changes go through engine/changes, audited with the
// lead's name as actor; the pages only parse, call and draw (programme_views).

#include "engine/base/translation.hpp"
#include "engine/changes/change_with_messages.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/holidays/school_holidays.hpp"
#include "engine/http/http_server.hpp"
#include "engine/http/lead_access.hpp"
#include "engine/store/store.hpp"

#include <functional>
#include <optional>
#include <string>

namespace ritme {

// What the pages need of the daemon's setup. Without school holidays, moving and
// restoring are refused (503); without planning, changes are made and the daemon plans
// their messages, and the preview says it cannot show them.
struct PageSetup {
    const SchoolHolidayTable* school_holidays = nullptr;
    std::optional<MessagePlanning> planning;
    // When an attendance mark opens a follow-up, and how the lead is told (follow_up_changes.hpp).
    FollowUpSetup follow_up;
};

// Sections of the programme page that other parts of ritme fill: the follow-ups to do
// (unset: the programme's open follow-ups, programme_views::follow_ups_section), a
// message to the group. Each returns HTML (escaped, its forms with `csrf`), or nothing.
struct ProgrammeSectionRequest {
    const StoredLead& lead;
    const Programme& programme;
    Language language;
    std::string csrf;
    UtcInstant now;
};
using ProgrammeSection = std::function<std::string(const ProgrammeSectionRequest&)>;

class ProgrammePages {
public:
    // The group message's and the calendar feeds' sections are this page's own
    // (group_message_page, feed_links_page) until replaced.
    ProgrammePages(Store& store, LeadAccess& access);

    // The setup to use from now on; pointers in it must outlive their use.
    void use(PageSetup setup) { setup_ = std::move(setup); }
    // Called after a change is committed (the daemon looks at the outbox again).
    void on_change(std::function<void()> changed) { changed_ = std::move(changed); }
    ProgrammeSection follow_ups;
    ProgrammeSection group_message;
    ProgrammeSection calendar_feeds;

    // Answers /ritme.css and /p/…; nothing for other paths. Throws StoreError when the
    // database cannot be read or written.
    std::optional<HttpAnswer> answer(const CallbackRequest& request);

private:
    Store& store_;
    LeadAccess& access_;
    PageSetup setup_;
    std::function<void()> changed_;
};

}  // namespace ritme
