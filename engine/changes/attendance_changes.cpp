#include "engine/changes/attendance_changes.hpp"

#include "engine/base/did_you_mean.hpp"
#include "engine/base/text.hpp"
#include "engine/changes/lookups.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <utility>

namespace ritme {

namespace {

// The words a lead may type, English (as the store writes them) and Dutch.
constexpr std::array<std::pair<std::string_view, AttendanceStatus>, 6> words{{
    {"present", AttendanceStatus::present},
    {"absent", AttendanceStatus::absent},
    {"excused", AttendanceStatus::excused},
    {"aanwezig", AttendanceStatus::present},
    {"afwezig", AttendanceStatus::absent},
    {"afgemeld", AttendanceStatus::excused},
}};

ChangeError conflict(std::string message, std::string hint = {}) {
    return {ChangeError::Kind::conflict, {}, std::move(message), std::move(hint)};
}

ChangeError bad(std::string field, std::string message, std::string hint = {}) {
    return {ChangeError::Kind::bad_input, std::move(field), std::move(message), std::move(hint)};
}

bool has_begun(const StoredSession& session, UtcInstant now) { return !(now < session.start_utc); }

std::string when(const StoredSession& session) { return iso_date(session.date) + " " + session.time.start.str(); }

}  // namespace

std::optional<AttendanceStatus> parse_attendance_word(std::string_view text) {
    const std::string typed = lower(trim(text));
    for (const auto& [word, status] : words)
        if (word == typed) return status;
    return std::nullopt;
}

std::vector<std::string_view> attendance_words() {
    std::vector<std::string_view> out;
    for (const auto& entry : words) out.push_back(entry.first);
    return out;
}

std::string attendance_status_text(std::optional<AttendanceStatus> status, Language language) {
    if (!status) return tr(language, "unknown");
    switch (*status) {
        case AttendanceStatus::present: return tr(language, "present");
        case AttendanceStatus::absent: return tr(language, "absent");
        case AttendanceStatus::excused: return tr(language, "excused");
    }
    return tr(language, "unknown");
}

ChangeResult<AttendanceMarked> mark_attendance(Store& store, const AttendanceMark& mark, const AuditContext& audit,
                                               const FollowUpSetup& follow_up) {
    auto found = find_session(store, mark.session);
    if (!found.ok()) return found.errors;
    const StoredSession& session = found.value.session;
    const std::string subject = session_subject(session);

    const auto enrolled = store.participants_of(session.programme_id);
    const auto participant = store.participant(mark.participant_id);
    if (!participant) {
        const std::vector<std::string_view> ids(enrolled.begin(), enrolled.end());
        if (const auto match = closest_match(mark.participant_id, ids))
            return bad("participant", "no participant " + mark.participant_id, "did you mean " + *match + "?");
        ChangeError error = no_such_participant(mark.participant_id);
        error.field = "participant";
        return error;
    }
    if (std::find(enrolled.begin(), enrolled.end(), participant->id) == enrolled.end())
        return bad("participant", participant->id + " is not enrolled in " + session.programme_id,
                   "`ritme participant edit " + participant->id + " --enrol " + session.programme_id +
                       "` enrols her");
    if (session.status == SessionStatus::cancelled)
        return conflict(subject + " is cancelled: nobody attended it",
                        "if it took place after all, `ritme session restore " + subject + "` first");
    if (!may_mark_before_start(mark.status) && !has_begun(session, audit.at))
        return conflict(subject + " has not begun yet (" + when(session) + ")",
                        "mark present or absent from its start on; excused may be marked ahead");

    AttendanceMarked marked;
    marked.session = session;
    marked.participant_id = participant->id;
    marked.participant_name = participant->name;
    marked.status = mark.status;
    for (const auto& record : store.attendance_of_participant(participant->id))
        if (record.session_id == session.id) marked.before = record;
    marked.changed = !marked.before || marked.before->status != mark.status;
    if (!marked.changed) return marked;

    AttendanceRecord record;
    record.participant_id = participant->id;
    record.programme_id = session.programme_id;
    record.session_id = session.id;
    record.status = mark.status;
    record.at = audit.at;
    record.source = "lead";
    std::string details = participant->id + " " + std::string(name_of(mark.status));
    if (marked.before)
        details += " (was " + std::string(name_of(marked.before->status)) + ", by " + marked.before->source + ")";
    store.write([&] {
        store.put_attendance(record);
        store.record(audit.entry("attendance.marked", subject, details));
        // Excused stops her reminders; a mark that takes excused back gives them back.
        if (mark.status == AttendanceStatus::excused ||
            (marked.before && marked.before->status == AttendanceStatus::excused))
            store.request_plan("programme:" + session.programme_id);
        const bool excused_before = marked.before && marked.before->status == AttendanceStatus::excused;
        marked.follow_ups = follow_ups_after_mark(store, follow_up, record, excused_before, audit.at);
    });
    return marked;
}

bool may_mark_before_start(AttendanceStatus status) { return status == AttendanceStatus::excused; }

bool may_be_marked(const StoredSession& session, AttendanceStatus status, UtcInstant now) {
    if (session.status == SessionStatus::cancelled) return false;
    return may_mark_before_start(status) || has_begun(session, now);
}

std::optional<int> AttendanceSummary::percent() const {
    if (held == 0) return std::nullopt;
    return present * 100 / held;
}

int AttendanceRegister::held() const {
    return static_cast<int>(
        std::count_if(sessions.begin(), sessions.end(), [](const RegisterSession& s) { return s.held; }));
}

ChangeResult<AttendanceRegister> attendance_register(const Store& store, const std::string& programme_id,
                                                     UtcInstant now) {
    std::vector<ChangeError> errors;
    const auto programme = find_programme(store, programme_id, " in the database", errors);
    if (!programme) return errors;

    AttendanceRegister attendance;
    attendance.programme_id = programme->id;
    std::map<int64_t, size_t> column;  // session id → its index
    {
        auto sessions = store.sessions(programme->id);
        std::erase_if(sessions, [](const StoredSession& s) { return s.status == SessionStatus::cancelled; });
        std::stable_sort(sessions.begin(), sessions.end(), [](const StoredSession& a, const StoredSession& b) {
            return a.start_utc < b.start_utc;
        });
        for (auto& s : sessions) {
            column[s.id] = attendance.sessions.size();
            const bool held = has_begun(s, now);
            attendance.sessions.push_back({std::move(s), held});
        }
    }

    std::map<std::string, std::map<size_t, AttendanceStatus>> marks;  // participant → column → status
    for (const auto& record : store.attendance_of_programme(programme->id))
        if (const auto found = column.find(record.session_id); found != column.end())
            marks[record.participant_id][found->second] = record.status;

    const auto enrolled_ids = store.participants_of(programme->id);
    std::set<std::string> ids(enrolled_ids.begin(), enrolled_ids.end());
    for (const auto& [id, ignored] : marks) ids.insert(id);
    for (const auto& id : ids) {
        const auto participant = store.participant(id);
        if (!participant) continue;
        RegisterRow row;
        row.participant_id = id;
        row.name = participant->name;
        row.enrolled = std::find(enrolled_ids.begin(), enrolled_ids.end(), id) != enrolled_ids.end();
        row.marks.resize(attendance.sessions.size());
        const auto& hers = marks[id];
        for (const auto& [index, status] : hers) row.marks[index] = status;
        for (size_t i = 0; i < attendance.sessions.size(); ++i) {
            if (!attendance.sessions[i].held) continue;
            ++row.summary.held;
            if (!row.marks[i]) {
                ++row.summary.unknown;
                continue;
            }
            switch (*row.marks[i]) {
                case AttendanceStatus::present: ++row.summary.present; break;
                case AttendanceStatus::absent: ++row.summary.absent; break;
                case AttendanceStatus::excused: ++row.summary.excused; break;
            }
        }
        attendance.rows.push_back(std::move(row));
    }
    std::stable_sort(attendance.rows.begin(), attendance.rows.end(), [](const RegisterRow& a, const RegisterRow& b) {
        return std::pair(lower(a.name), a.participant_id) < std::pair(lower(b.name), b.participant_id);
    });
    return attendance;
}

std::string csv_field(std::string_view text) {
    // A spreadsheet runs a cell that starts with one of these as a formula: a name typed
    // at import as "=HYPERLINK(…)" would run on the lead's machine. A leading apostrophe
    // makes it text, as OWASP advises for CSV exports.
    const bool formula = !text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos;
    if (!formula && text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string quoted = formula ? "\"'" : "\"";
    for (const char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

std::string attendance_csv(const AttendanceRegister& attendance, Language language) {
    std::string csv;
    const auto line = [&](std::initializer_list<std::string_view> fields) {
        bool first = true;
        for (const auto field : fields) {
            if (!first) csv += ',';
            first = false;
            csv += csv_field(field);
        }
        csv += "\r\n";
    };
    line({tr(language, "date"), tr(language, "session"), tr(language, "participant"), tr(language, "status")});
    for (size_t i = 0; i < attendance.sessions.size(); ++i) {
        const auto& [session, held] = attendance.sessions[i];
        if (!held) continue;
        const std::string date = iso_date(session.date);
        const std::string number = std::to_string(session.number);
        for (const auto& row : attendance.rows) line({date, number, row.name, attendance_status_text(row.marks[i], language)});
    }
    return csv;
}

}  // namespace ritme
