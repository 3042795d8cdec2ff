#pragma once
// The attendance register (presentielijst): a lead marks each participant present
// (aanwezig), absent (afwezig) or excused (afgemeld) for a session of her programme; the
// register lists sessions × participants; funders get it as CSV. "NEE" by SMS marks
// excused already (answer_intake.hpp); a lead's mark replaces it, as the latest word.
//
// What may be marked, and why:
//   - only a participant enrolled in the session's programme;
//   - never a cancelled session: nobody attended what did not take place (restore it
//     first if it took place after all);
//   - present and absent from the session's start on, and any time after (leads tick the
//     register during the session, or fill it in days later); not before: nobody was
//     there yet;
//   - excused any time, ahead too: she calls the lead instead of texting "NEE". Her
//     remaining reminders for it stop (the plan request makes the planner take them off).
//
// The percentage: of the sessions held so far (not cancelled, begun by now), the share
// she was marked present, rounded down (100% only when present at every one). Excused
// and absent both count as not present; each is counted separately beside it, and so
// are sessions not marked yet (unknown).

#include "engine/base/translation.hpp"
#include "engine/changes/apply.hpp"
#include "engine/changes/change_result.hpp"
#include "engine/changes/follow_up_changes.hpp"
#include "engine/changes/session_changes.hpp"
#include "engine/store/store.hpp"
#include "engine/time/instant.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ritme {

// "present", "absent", "excused" and the leads' Dutch "aanwezig", "afwezig", "afgemeld";
// any case.
std::optional<AttendanceStatus> parse_attendance_word(std::string_view text);
// The words parse_attendance_word takes, for did-you-mean.
std::vector<std::string_view> attendance_words();

// The status as the lead reads it ("aanwezig"); none is "unknown" ("onbekend").
std::string attendance_status_text(std::optional<AttendanceStatus> status, Language language);

struct AttendanceMark {
    SessionRef session;
    std::string participant_id;
    AttendanceStatus status = AttendanceStatus::present;
};

struct AttendanceMarked {
    StoredSession session;
    std::string participant_id;
    std::string participant_name;
    AttendanceStatus status = AttendanceStatus::present;
    std::optional<AttendanceRecord> before;  // what was recorded for her before
    bool changed = false;                    // false: it said so already; nothing stored
    std::vector<StoredFollowUp> follow_ups;  // what the mark opened (follow_up_changes.hpp)
};

// The rules above as a question, for a page that offers only the marks that may be made:
// excused may be marked ahead; present and absent from the session's start on; nothing
// for a cancelled session.
bool may_mark_before_start(AttendanceStatus status);
bool may_be_marked(const StoredSession& session, AttendanceStatus status, UtcInstant now);

// Marks her attendance with its audit entry ("attendance.marked"; the actor is the
// audit's: the OS user for the CLI, the lead's name for the page), or says why not. An
// absence opens the follow-ups `follow_up`'s rules give, in the same transaction.
ChangeResult<AttendanceMarked> mark_attendance(Store& store, const AttendanceMark& mark, const AuditContext& audit,
                                               const FollowUpSetup& follow_up = {});

struct AttendanceSummary {
    int held = 0;  // sessions held so far
    int present = 0, absent = 0, excused = 0, unknown = 0;  // of those; they add up to held
    // present × 100 / held, rounded down; none before the first session is held.
    std::optional<int> percent() const;
};

struct RegisterSession {
    StoredSession session;
    bool held = false;  // begun by the register's time
};

struct RegisterRow {
    std::string participant_id;
    std::string name;
    bool enrolled = true;  // false: unenrolled since, with marks kept
    std::vector<std::optional<AttendanceStatus>> marks;  // one per register session; none: not marked
    AttendanceSummary summary;
};

struct AttendanceRegister {
    std::string programme_id;
    std::vector<RegisterSession> sessions;  // not cancelled, by start
    std::vector<RegisterRow> rows;          // enrolled participants and those with marks, by name
    int held() const;
};

// The register of a programme at `now`, or why not (no such programme).
ChangeResult<AttendanceRegister> attendance_register(const Store& store, const std::string& programme_id,
                                                     UtcInstant now);

// The presentielijst as CSV (RFC 4180: comma-separated, fields quoted when they hold a
// comma, a quote or a line break, CRLF line ends; UTF-8 without a byte-order mark): a
// header, then one row per held session and participant, by date then name: date
// (YYYY-MM-DD, which spreadsheets read as a date), session number, display name, status.
// Sessions not held yet are left out; unmarked ones say "unknown" ("onbekend").
std::string attendance_csv(const AttendanceRegister& attendance, Language language);

// One CSV field, quoted when needed (RFC 4180); one that a spreadsheet would take for a
// formula (it starts with = + - @, a tab or a carriage return) starts with an apostrophe.
std::string csv_field(std::string_view text);

}  // namespace ritme
