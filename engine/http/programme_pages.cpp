#include "engine/http/programme_pages.hpp"

#include "engine/changes/attendance_changes.hpp"
#include "engine/changes/participant_history.hpp"
#include "engine/changes/session_changes.hpp"
#include "engine/changes/session_roster.hpp"
#include "engine/http/feed_links_page.hpp"
#include "engine/http/group_message_page.hpp"
#include "engine/http/lead_pages.hpp"
#include "engine/http/page_style.hpp"
#include "engine/http/programme_views.hpp"
#include "engine/time/local_time_text.hpp"

#include <algorithm>
#include <charconv>
#include <variant>
#include <vector>

namespace ritme {
namespace {

using programme_views::ActionFields;
using programme_views::ActionPreview;
using programme_views::PageContext;
using programme_views::SessionAction;

HttpAnswer wrong_method(std::string_view allowed) {
    HttpAnswer answer = HttpAnswer::text(405, "method not allowed\n", "method not allowed");
    answer.headers.emplace_back("Allow", std::string(allowed));
    return answer;
}

HttpAnswer see_other(std::string location) {
    HttpAnswer answer = HttpAnswer::text(303, "");
    answer.headers.emplace_back("Location", std::move(location));
    answer.headers.emplace_back("Cache-Control", "no-store");
    return answer;
}

std::vector<std::string> segments_of(std::string_view path) {
    std::vector<std::string> segments;
    while (!path.empty()) {
        const size_t end = path.find('/');
        segments.emplace_back(path.substr(0, end));
        if (end == std::string_view::npos) break;
        path.remove_prefix(end + 1);
    }
    return segments;
}

std::optional<int64_t> id_of(std::string_view text) {
    int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
    return id;
}

std::optional<SessionAction> action_of(std::string_view name) {
    for (const SessionAction action : {SessionAction::move, SessionAction::cancel, SessionAction::restore})
        if (programme_views::name_of(action) == name) return action;
    return std::nullopt;
}

std::string session_href(const std::string& programme_id, int64_t session_id) {
    return "/p/" + programme_id + "/s/" + std::to_string(session_id);
}

// A change on the page is audited with the lead's name and the time of her request.
AuditContext audit_of(const CallbackRequest& request, const LeadAccess::SignedIn& lead, std::string_view verb) {
    return {request.received_at, lead.lead.name, "page " + std::string(verb)};
}

}  // namespace

ProgrammePages::ProgrammePages(Store& store, LeadAccess& access) : store_(store), access_(access) {
    group_message = [this](const ProgrammeSectionRequest& r) { return group_message_page::section(store_, r); };
    calendar_feeds = [this](const ProgrammeSectionRequest& r) { return feed_links_page::section(store_, r); };
}

std::optional<HttpAnswer> ProgrammePages::answer(const CallbackRequest& request) {
    if (request.path == stylesheet_path) return request.method == "GET" ? stylesheet_answer() : wrong_method("GET");
    if (!request.path.starts_with("/p/")) return std::nullopt;
    const Language language = lead_pages::language_of(request);
    const std::vector<std::string> segments = segments_of(std::string_view(request.path).substr(3));
    if (segments.empty() || segments[0].empty()) return lead_pages::not_found(language, "no programme in the path");

    auto access = access_.lead_of_programme(request, segments[0]);
    if (auto* refused = std::get_if<HttpAnswer>(&access)) return std::move(*refused);
    const LeadAccess::SignedIn& lead = std::get<LeadAccess::SignedIn>(access);
    const bool post = request.method == "POST";
    if (post && !LeadAccess::csrf_valid(lead, request))
        return lead_pages::forbidden(language, "csrf token missing or wrong");
    if (!post && request.method != "GET") return wrong_method("GET, POST");

    const auto programme = store_.programme(segments[0]);
    if (!programme) return lead_pages::not_found(language, "programme not in the database");
    const PageContext page{language, *programme, TimeZone::load(programme->timezone), LeadAccess::csrf_token(lead),
                           request.received_at};
    const UtcInstant now = request.received_at;
    const MessagePlanning* planning = setup_.planning ? &*setup_.planning : nullptr;

    // GET /p/P
    if (segments.size() == 1) {
        if (post) return wrong_method("GET");
        std::optional<SessionRoster> next;
        if (const auto session = next_session(store_, programme->id, now)) {
            auto roster = session_roster(store_, programme->id, session->id);
            if (roster.ok()) next = std::move(roster.value);
        }
        auto sessions = store_.sessions(programme->id);
        std::stable_sort(sessions.begin(), sessions.end(),
                         [](const StoredSession& a, const StoredSession& b) { return a.start_utc < b.start_utc; });
        const auto attendance = attendance_register(store_, programme->id, now);
        const ProgrammeSectionRequest section{lead.lead, *programme, language, page.csrf, now};
        const std::string follow_ups_html =
            follow_ups ? follow_ups(section)
                       : programme_views::follow_ups_section(page, open_follow_ups(store_, programme->id).value);
        return programme_views::programme_page(page, next, sessions, attendance.value, follow_ups_html,
                                               group_message ? group_message(section) : std::string(),
                                               calendar_feeds ? calendar_feeds(section) : std::string());
    }

    // POST /p/P/message
    if (segments.size() == 2 && segments[1] == "message") {
        if (!post) return see_other("/p/" + programme->id + "#group-message");
        bool sent = false;
        HttpAnswer answered = group_message_page::answer(store_, planning ? &planning->rules : nullptr, page, request,
                                                         lead.lead.name, sent);
        if (sent && changed_) changed_();
        return answered;
    }

    // POST /p/P/feeds
    if (segments.size() == 2 && segments[1] == "feeds") {
        if (!post) return see_other("/p/" + programme->id + "#calendar-feeds");
        return feed_links_page::make(store_, page, request, lead.lead.name);
    }

    // GET /p/P/d/PARTICIPANT
    if (segments.size() == 3 && segments[1] == "d") {
        if (post) return wrong_method("GET");
        const auto history = participant_history(store_, programme->id, segments[2], now);
        if (!history.ok()) return lead_pages::not_found(language, "no such participant in the programme");
        return programme_views::participant_page(page, history.value);
    }

    // POST /p/P/follow-ups/ID/done
    if (segments.size() == 4 && segments[1] == "follow-ups" && segments[3] == "done") {
        if (!post) return wrong_method("POST");
        const auto id = id_of(segments[2]);
        if (!id || !follow_up_of_programme(store_, programme->id, *id))
            return lead_pages::not_found(language, "no such follow-up in the programme");
        const auto done = mark_follow_up_done(store_, *id, audit_of(request, lead, "follow-up done"), &lead.lead);
        const std::string back = "/p/" + programme->id;
        if (!done.ok()) return programme_views::refused(page, done.errors, back);
        return see_other(back);
    }

    if (segments.size() < 3 || segments.size() > 4 || segments[1] != "s")
        return lead_pages::not_found(language, "no such page");
    const auto session_id = id_of(segments[2]);
    const auto session = session_id ? session_of_programme(store_, programme->id, *session_id) : std::nullopt;
    if (!session) return lead_pages::not_found(language, "no such session in the programme");
    const std::string back = session_href(programme->id, session->id);
    const SessionRef ref{programme->id, session->number};

    // GET /p/P/s/S
    if (segments.size() == 3) {
        if (post) return wrong_method("GET");
        return programme_views::session_page(page, session_roster(store_, programme->id, session->id).value);
    }
    const std::string& what = segments[3];

    // GET /p/P/s/S/creche
    if (what == "creche") {
        if (post) return wrong_method("GET");
        return programme_views::creche_page(page, session_roster(store_, programme->id, session->id).value);
    }

    // POST /p/P/s/S/attendance
    if (what == "attendance") {
        if (!post) return wrong_method("POST");
        const auto status = parse_attendance_word(request.form_value("status").value_or(""));
        const std::string participant = request.form_value("participant").value_or("");
        if (!status || participant.empty())
            return programme_views::refused(
                page,
                {{ChangeError::Kind::bad_input, "status", "the form names no participant or no status",
                  "choose present, absent or excused for a participant"}},
                back);
        ChangeResult<AttendanceMarked> result;
        const ChangeRun run = run_change_with_messages(store_, planning, now, ChangeMode::make, [&] {
            result = mark_attendance(store_, {ref, participant, *status}, audit_of(request, lead, "attendance"),
                                     setup_.follow_up);
            return result.ok() && result.value.changed;
        });
        if (!result.ok()) return programme_views::refused(page, result.errors, back);
        if (run.changed && changed_) changed_();
        return see_other(back);
    }

    const auto action = action_of(what);
    if (!action) return lead_pages::not_found(language, "no such page");
    ActionFields fields;
    if (!post) {
        fields.date = iso_date(session->date);
        fields.time = session->time.start.str();
        fields.location = session->location;
        return programme_views::action_form(page, *action, *session, fields);
    }
    fields.date = request.form_value("date").value_or("");
    fields.time = request.form_value("time").value_or("");
    fields.location = request.form_value("location").value_or("");
    fields.reason = request.form_value("reason").value_or("");
    const ChangeMode mode = request.form_value("confirm") == "yes" ? ChangeMode::make : ChangeMode::preview;
    if (*action != SessionAction::cancel && !setup_.school_holidays)
        return lead_pages::html(
            language, 503, tr(language, "Not changed"),
            "<p>" + lead_pages::escape(tr(language, "ritme is starting; try again in a moment.")) + "</p>\n",
            "no school holidays loaded");

    ActionPreview preview;
    preview.planned = planning != nullptr;
    std::vector<ChangeError> errors;
    ChangeRun run;
    const std::string number = std::to_string(session->number);
    switch (*action) {
        case SessionAction::move: {
            const auto to = parse_local_date_and_time(fields.date + "T" + fields.time);
            if (!to) {
                errors.push_back({ChangeError::Kind::bad_input, "date",
                                  "\"" + fields.date + " " + fields.time + "\" is not a date and a time",
                                  "choose a date and a start time"});
                break;
            }
            ChangeResult<SessionMoved> result;
            const std::string location = fields.location == session->location ? std::string() : fields.location;
            run = run_change_with_messages(store_, planning, now, mode, [&] {
                result = move_session(store_, *setup_.school_holidays, {ref, *to, location, false},
                                      audit_of(request, lead, "move"));
                return result.ok() && result.value.change.has_value();
            });
            errors = result.errors;
            for (const Phrase& warning : result.value.warnings) preview.warnings.push_back(warning.in(language));
            preview.changes_nothing = !result.value.change;
            const StoredSession& after = result.value.session;
            preview.change = preview.changes_nothing
                                 ? tr(language, "Session {1} is at that time and place already.", {number})
                                 : tr(language, "Session {1} moves from {2} to {3}.",
                                      {number, lead_pages::session_when(*session, language),
                                       lead_pages::session_when(after, language)});
            if (!preview.changes_nothing && after.location != session->location)
                preview.change += " " + tr(language, "New place: {1}.", {programme->location_name(after.location)});
            break;
        }
        case SessionAction::cancel: {
            ChangeResult<SessionChange> result;
            run = run_change_with_messages(store_, planning, now, mode, [&] {
                result = cancel_session(store_, ref, fields.reason, audit_of(request, lead, "cancel"));
                return result.ok();
            });
            errors = result.errors;
            preview.change = tr(language, "Session {1} on {2} does not take place.",
                                {number, lead_pages::session_when(*session, language)});
            break;
        }
        case SessionAction::restore: {
            ChangeResult<SessionRestored> result;
            run = run_change_with_messages(store_, planning, now, mode, [&] {
                result = restore_session(store_, *setup_.school_holidays, ref, audit_of(request, lead, "restore"));
                return result.ok();
            });
            errors = result.errors;
            preview.change =
                result.value.changed
                    ? tr(language, "Session {1} goes back to the programme file: {2}.",
                         {number, lead_pages::session_when(result.value.session, language)})
                    : tr(language, "Session {1} follows the programme file again; it is at that time already.",
                         {number});
            break;
        }
    }
    if (!errors.empty()) {
        const bool conflict = errors.front().kind == ChangeError::Kind::conflict;
        return programme_views::action_form(page, *action, *session, fields, errors, conflict ? 409 : 400);
    }
    if (mode == ChangeMode::make) {
        if (run.changed && changed_) changed_();
        return see_other(back);
    }
    preview.messages = std::move(run.messages);
    return programme_views::action_preview(page, *action, *session, fields, preview);
}

}  // namespace ritme
