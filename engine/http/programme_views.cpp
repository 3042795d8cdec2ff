#include "engine/http/programme_views.hpp"

#include "engine/http/lead_pages.hpp"
#include "engine/message/follow_up_text.hpp"
#include "engine/message/local_dates.hpp"
#include "engine/participants/masking.hpp"
#include "engine/store/delivery.hpp"
#include "engine/store/delivery_reason.hpp"

#include <algorithm>
#include <string_view>

namespace ritme::programme_views {

using lead_pages::escape;

namespace {

std::string tag(Language language) { return std::string(tag_of(language)); }

std::string programme_href(const Programme& programme) { return "/p/" + programme.id; }
std::string session_href(const Programme& programme, int64_t session_id) {
    return programme_href(programme) + "/s/" + std::to_string(session_id);
}
std::string participant_href(const Programme& programme, const std::string& participant_id) {
    return programme_href(programme) + "/d/" + participant_id;
}

lead_pages::Back back_to_programme(const PageContext& page) {
    return {programme_href(page.programme), page.programme.name.empty() ? page.programme.id : page.programme.name};
}

std::string status_words(SessionStatus status, Language language) {
    switch (status) {
        case SessionStatus::planned:
            return tr(language, "planned");
        case SessionStatus::moved:
            return tr(language, "moved");
        case SessionStatus::cancelled:
            return tr(language, "cancelled");
    }
    return {};
}

std::string where(const PageContext& page, const StoredSession& session) {
    return page.programme.location_name(session.location);
}

// "(was di 10 feb 09:30–11:30)" for a moved session.
std::string was(const StoredSession& session, Language language) {
    if (!session.previous || session.status != SessionStatus::moved) return {};
    StoredSession before = session;
    before.date = session.previous->date;
    before.time = session.previous->time;
    return " <span class=\"muted\">" + escape(tr(language, "(was {1})", {lead_pages::session_when(before, language)})) +
           "</span>";
}

std::string kind_count(DeliveryKind kind, int n, Language language) {
    switch (kind) {
        case DeliveryKind::reminder:
            return tr_count(language, n, "{n} reminder", "{n} reminders");
        case DeliveryKind::appointment:
            return tr_count(language, n, "{n} appointment reminder", "{n} appointment reminders");
        case DeliveryKind::change:
            return tr_count(language, n, "{n} change notice", "{n} change notices");
        case DeliveryKind::alert:
            return tr_count(language, n, "{n} alert to the lead", "{n} alerts to the lead");
        case DeliveryKind::confirmation:
            return tr_count(language, n, "{n} confirmation", "{n} confirmations");
        case DeliveryKind::answer_alert:
            return tr_count(language, n, "{n} answer passed to the lead", "{n} answers passed to the lead");
        case DeliveryKind::follow_up:
            return tr_count(language, n, "{n} follow-up told to the lead", "{n} follow-ups told to the lead");
        case DeliveryKind::overview:
            return tr_count(language, n, "{n} daily overview", "{n} daily overviews");
        case DeliveryKind::group:
            return tr_count(language, n, "{n} message to the group", "{n} messages to the group");
    }
    return std::to_string(n);
}

std::string state_words(DeliveryState state, Language language) {
    switch (state) {
        case DeliveryState::planned:
            return tr(language, "planned");
        case DeliveryState::claimed:
            return tr(language, "being sent");
        case DeliveryState::sent:
            return tr(language, "sent");
        case DeliveryState::retry:
            return tr(language, "to be tried again");
        case DeliveryState::failed:
            return tr(language, "failed");
        case DeliveryState::expired:
            return tr(language, "expired");
        case DeliveryState::cancelled:
            return tr(language, "withdrawn");
    }
    return {};
}

// A gateway's report in the lead's words; a provider's own status stays as it came.
std::string receipt_words(std::string_view status, Language language) {
    if (status == receipt_status::delivered) return tr(language, "delivered");
    if (status == receipt_status::not_delivered) return tr(language, "not delivered");
    if (status == receipt_status::queued) return tr(language, "queued by the gateway");
    if (status == receipt_status::accepted_by_smsc) return tr(language, "accepted by the SMS centre");
    if (status == receipt_status::rejected_by_smsc) return tr(language, "rejected by the SMS centre");
    return std::string(status);
}

std::string reading_words(AnswerReading reading, Language language) {
    switch (reading) {
        case AnswerReading::cannot_come:
            return tr(language, "cannot come (NEE)");
        case AnswerReading::coming:
            return tr(language, "comes (JA)");
        case AnswerReading::stop:
            return tr(language, "no more SMS (STOP)");
        case AnswerReading::start:
            return tr(language, "SMS again (START)");
        case AnswerReading::free_text:
            return tr(language, "her own words");
    }
    return {};
}

// Her name as a link to her page.
std::string name_link(const PageContext& page, const RosterEntry& entry) {
    return "<a href=\"" + escape(participant_href(page.programme, entry.participant_id)) + "\">" + escape(entry.name) +
           "</a>";
}

// The session card: counts, then who is in which group. With its title (an h3 under the
// programme page's h2) its groups are h4; alone on the session's page, h2.
std::string card(const PageContext& page, const SessionRoster& roster, bool with_title) {
    const std::string group_heading = with_title ? "h4" : "h2";
    const Language language = page.language;
    const StoredSession& session = roster.session;
    std::string html = "<div class=\"card\">\n";
    if (with_title)
        html += "<h3><a href=\"" + escape(session_href(page.programme, session.id)) + "\">" +
                escape(session_title(session, language)) + "</a></h3>\n";
    html += "<p>" + escape(where(page, session)) + was(session, language) + "</p>\n";
    if (session.status == SessionStatus::cancelled) {
        html += "<p class=\"said-no\"><strong>" + escape(tr(language, "This session is cancelled.")) +
                "</strong></p>\n</div>\n";
        return html;
    }
    const int expected = static_cast<int>(
        std::count_if(roster.entries.begin(), roster.entries.end(), [](const RosterEntry& e) { return e.expected(); }));
    html += "<ul class=\"counts\">\n<li>" + escape(tr_count(language, expected, "{n} expected", "{n} expected")) +
            "</li>\n<li class=\"said-no\">" +
            escape(tr(language, "{1} said NEE", {std::to_string(roster.count(RosterGroup::said_no))})) +
            "</li>\n<li class=\"not-reached\">" +
            escape(tr(language, "{1} not reached", {std::to_string(roster.count(RosterGroup::not_reached))})) +
            "</li>\n<li>" +
            escape(tr(language, "{1} no answer", {std::to_string(roster.count(RosterGroup::no_answer))})) +
            "</li>\n<li>" +
            escape(tr_count(language, roster.children_expected(), "{n} child in the crèche",
                            "{n} children in the crèche")) +
            "</li>\n</ul>\n";

    struct Group {
        RosterGroup group;
        std::string heading;
        std::string css;
    };
    const Group groups[] = {
        {RosterGroup::coming, tr(language, "Comes (said JA)"), "coming"},
        {RosterGroup::said_no, tr(language, "Said NEE"), "said-no"},
        {RosterGroup::excused, tr(language, "Excused by you"), "said-no"},
        {RosterGroup::not_reached, tr(language, "Not reached"), "not-reached"},
        {RosterGroup::no_answer, tr(language, "Has not answered"), ""},
    };
    for (const auto& group : groups) {
        if (roster.count(group.group) == 0) continue;
        html += "<" + group_heading + (group.css.empty() ? std::string() : " class=\"" + group.css + "\"") + ">" +
                escape(group.heading) + "</" + group_heading + ">\n<ul>\n";
        for (const auto& entry : roster.entries) {
            if (entry.group() != group.group) continue;
            html += "<li>" + name_link(page, entry);
            if (group.group == RosterGroup::said_no)
                html += " <span class=\"muted\">" +
                        escape(tr(language, "on {1}", {moment(*entry.said_no_at, page.zone, language)})) + "</span>";
            if (group.group == RosterGroup::coming)
                html += " <span class=\"muted\">" +
                        escape(tr(language, "on {1}", {moment(*entry.said_yes_at, page.zone, language)})) + "</span>";
            if (group.group == RosterGroup::not_reached && !entry.not_reached_reason.empty())
                html += " <span class=\"muted\">(" + escape(entry.not_reached_reason) + ")</span>";
            html += "</li>\n";
        }
        html += "</ul>\n";
    }
    if (roster.entries.empty()) html += "<p>" + escape(tr(language, "No participants are enrolled.")) + "</p>\n";
    html += "</div>\n";
    return html;
}

std::string percent_text(const AttendanceSummary& summary, Language language) {
    const auto percent = summary.percent();
    return percent ? std::to_string(*percent) + "%" : tr(language, "none held yet");
}

std::string attendance_tag(const std::optional<AttendanceStatus>& status, Language language) {
    const std::string words = attendance_status_text(status, language);
    if (!status) return "<span class=\"muted\">" + escape(words) + "</span>";
    const char* css = *status == AttendanceStatus::present  ? "yes"
                      : *status == AttendanceStatus::absent ? "no"
                                                            : "warn";
    return "<span class=\"tag " + std::string(css) + "\">" + escape(words) + "</span>";
}

std::string errors_box(const std::vector<ChangeError>& errors, Language language) {
    if (errors.empty()) return {};
    std::string html = "<div class=\"errors\" role=\"alert\">\n<p><strong>" +
                       escape(tr(language, "That could not be done:")) + "</strong></p>\n<ul>\n";
    for (const auto& error : errors) html += "<li>" + escape(error_text(error)) + "</li>\n";
    return html + "</ul>\n</div>\n";
}

std::string action_title(SessionAction action, Language language) {
    switch (action) {
        case SessionAction::move:
            return tr(language, "Move the session");
        case SessionAction::cancel:
            return tr(language, "Cancel the session");
        case SessionAction::restore:
            return tr(language, "Restore the session");
    }
    return {};
}

std::string action_href(const PageContext& page, const StoredSession& session, SessionAction action) {
    return session_href(page.programme, session.id) + "/" + std::string(name_of(action));
}

// The fields of the form, as inputs the lead fills in, or hidden (the preview's confirm).
std::string action_fields(const PageContext& page, SessionAction action, const StoredSession& session,
                          const ActionFields& fields, bool hidden) {
    const Language language = page.language;
    auto hidden_input = [](std::string_view name, const std::string& value) {
        return "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + escape(value) + "\">\n";
    };
    std::string html;
    if (action == SessionAction::move) {
        if (hidden)
            return hidden_input("date", fields.date) + hidden_input("time", fields.time) +
                   hidden_input("location", fields.location);
        html += "<label for=\"date\">" + escape(tr(language, "New date")) +
                "</label>\n<input type=\"date\" id=\"date\" name=\"date\" required value=\"" + escape(fields.date) +
                "\">\n<label for=\"time\">" + escape(tr(language, "New start time")) +
                "</label>\n<input type=\"time\" id=\"time\" name=\"time\" required value=\"" + escape(fields.time) +
                "\">\n<p class=\"muted\">" +
                escape(tr(language, "The session keeps its length ({1} minutes).",
                          {std::to_string(session.time.length_minutes())})) +
                "</p>\n<label for=\"location\">" + escape(tr(language, "Place")) +
                "</label>\n<select id=\"location\" name=\"location\">\n";
        for (const auto& location : page.programme.locations) {
            const bool chosen =
                fields.location.empty() ? location.key == session.location : location.key == fields.location;
            html += "<option value=\"" + escape(location.key) + "\"" + (chosen ? " selected" : "") + ">" +
                    escape(location.name.empty() ? location.key : location.name) + "</option>\n";
        }
        html += "</select>\n";
    } else if (action == SessionAction::cancel) {
        if (hidden) return hidden_input("reason", fields.reason);
        html += "<label for=\"reason\">" +
                escape(tr(language, "Reason (for the records; participants do not see it)")) +
                "</label>\n<input type=\"text\" id=\"reason\" name=\"reason\" required maxlength=\"200\" value=\"" +
                escape(fields.reason) + "\">\n";
    }
    return html;
}

std::string messages_preview(const PageContext& page, const ActionPreview& preview) {
    const Language language = page.language;
    if (!preview.planned)
        return "<p>" + escape(tr(language, "The messages are planned when ritme runs; they cannot be shown here.")) +
               "</p>\n";
    if (!preview.messages || (preview.messages->outgoing_count() == 0 && preview.messages->cancelled_count() == 0))
        return "<p>" + escape(tr(language, "No messages go, none are cancelled.")) + "</p>\n";
    const OutboxPreview& messages = *preview.messages;
    std::string html = "<ul>\n";
    for (const auto& group : messages.outgoing) {
        std::string names;
        for (size_t i = 0; i < group.recipients.size(); ++i) names += (i ? ", " : "") + group.recipients[i];
        html +=
            "<li>" +
            escape(tr(
                language, "{1} by {2} to {3}: {4}; the first {5}",
                {kind_count(group.kind, group.count, language), group.channel,
                 tr_count(language, static_cast<long>(group.recipients.size()), "{n} participant", "{n} participants"),
                 names,
                 page.now < group.first_send_at ? moment(group.first_send_at, page.zone, language)
                                                : tr(language, "at once")})) +
            "</li>\n";
    }
    for (const auto& group : messages.cancelled)
        html += "<li>" + escape(tr(language, "{1} cancelled", {kind_count(group.kind, group.count, language)})) +
                (group.reason.empty() ? "" : " <span class=\"muted\">(" + escape(reason_phrase(group.reason).in(language)) + ")</span>") +
                "</li>\n";
    html += "</ul>\n";
    if (messages.sample) {
        const SampleMessage& sample = *messages.sample;
        html += "<h3>" + escape(tr(language, "For example, to {1} by {2}", {sample.recipient, sample.channel})) +
                "</h3>\n<blockquote>" + escape(sample.message.text) + "</blockquote>\n";
        if (sample.sms)
            html += "<p class=\"muted\">" +
                    escape(tr_count(language, sample.sms->segments, "{n} SMS segment", "{n} SMS segments")) + "</p>\n";
    }
    return html;
}

}  // namespace

std::string_view name_of(SessionAction action) {
    switch (action) {
        case SessionAction::move:
            return "move";
        case SessionAction::cancel:
            return "cancel";
        case SessionAction::restore:
            return "restore";
    }
    return {};
}

std::string moment(UtcInstant at, const TimeZone& zone, Language language) {
    const LocalDateTime local = zone.to_local(at);
    return format_short_weekday_date(local.date, tag(language)) + " " + format_time(local.time, tag(language));
}

std::string session_title(const StoredSession& session, Language language) {
    return tr(language, "Session {1}: {2}",
              {std::to_string(session.number), lead_pages::session_when(session, language)});
}

std::string error_text(const ChangeError& error) {
    return describe(error, [](std::string_view field) { return std::optional<std::string>(std::string(field)); });
}

HttpAnswer programme_page(const PageContext& page, const std::optional<SessionRoster>& next,
                          const std::vector<StoredSession>& sessions, const AttendanceRegister& attendance,
                          const std::string& follow_ups, const std::string& group_message,
                          const std::string& calendar_feeds) {
    const Language language = page.language;
    const Programme& programme = page.programme;
    std::string html =
        "<section aria-labelledby=\"next\">\n<h2 id=\"next\">" + escape(tr(language, "Next session")) + "</h2>\n";
    if (next) {
        html += card(page, *next, true);
        html += "<p><a href=\"" + escape(session_href(programme, next->session.id)) + "/creche\">" +
                escape(tr(language, "Crèche list")) + "</a></p>\n";
    } else {
        html += "<p>" + escape(tr(language, "No sessions to come.")) + "</p>\n";
    }
    html += "</section>\n";
    // Places kept for the follow-ups and the group message.
    if (!follow_ups.empty()) html += "<section id=\"follow-ups\">\n" + follow_ups + "</section>\n";
    if (!group_message.empty()) html += "<section id=\"group-message\">\n" + group_message + "</section>\n";

    html += "<section aria-labelledby=\"sessions\">\n<h2 id=\"sessions\">" + escape(tr(language, "Sessions")) +
            "</h2>\n<ul class=\"plain\">\n";
    for (const auto& session : sessions) {
        const bool cancelled = session.status == SessionStatus::cancelled;
        html += "<li><a href=\"" + escape(session_href(programme, session.id)) + "\"" +
                (cancelled ? " class=\"cancelled\"" : "") + ">" + escape(session_title(session, language)) + "</a>";
        if (session.status != SessionStatus::planned)
            html += " <span class=\"tag " + std::string(cancelled ? "no" : "warn") + "\">" +
                    escape(status_words(session.status, language)) + "</span>" + was(session, language);
        html += "<br><span class=\"muted\">" + escape(where(page, session)) + "</span></li>\n";
    }
    if (sessions.empty()) html += "<li>" + escape(tr(language, "No sessions.")) + "</li>\n";
    html += "</ul>\n</section>\n";

    html += "<section aria-labelledby=\"participants\">\n<h2 id=\"participants\">" +
            escape(tr(language, "Participants")) + "</h2>\n";
    html += "<p class=\"muted\">" +
            escape(tr_count(language, static_cast<long>(attendance.sessions.size()), "{1} of {n} session held",
                            "{1} of {n} sessions held", {std::to_string(attendance.held())})) +
            "</p>\n";
    if (attendance.rows.empty()) {
        html += "<p>" + escape(tr(language, "No participants are enrolled.")) + "</p>\n";
    } else {
        html += "<table>\n<thead><tr><th scope=\"col\">" + escape(tr(language, "Name")) +
                "</th><th scope=\"col\" class=\"number\">" + escape(tr(language, "Present")) +
                "</th></tr></thead>\n<tbody>\n";
        for (const auto& row : attendance.rows) {
            html +=
                "<tr><th scope=\"row\"><a href=\"" + escape(participant_href(programme, row.participant_id)) + "\">" +
                escape(row.name) + "</a>" +
                (row.enrolled ? ""
                              : " <span class=\"muted\">" + escape(tr(language, "(no longer enrolled)")) + "</span>") +
                "</th><td class=\"number\">" + escape(percent_text(row.summary, language)) + "</td></tr>\n";
        }
        html += "</tbody>\n</table>\n";
    }
    html += "</section>\n";
    if (!calendar_feeds.empty()) html += "<section id=\"calendar-feeds\">\n" + calendar_feeds + "</section>\n";
    return lead_pages::html(language, 200, programme.name.empty() ? programme.id : programme.name, html, {},
                            lead_pages::Back{"/", tr(language, "Your programmes")});
}

std::string follow_ups_section(const PageContext& page, const std::vector<FollowUpView>& follow_ups) {
    if (follow_ups.empty()) return {};
    const Language language = page.language;
    std::string html = "<h2>" + escape(tr(language, "Follow-ups")) + "</h2>\n<ul class=\"plain\">\n";
    for (const auto& view : follow_ups) {
        const StoredFollowUp& f = view.follow_up;
        const std::string id = std::to_string(f.id);
        html += "<li id=\"follow-up-" + id + "\"><a href=\"" +
                escape(participant_href(page.programme, f.participant_id)) + "\">" + escape(view.participant_name) +
                "</a>: " + escape(follow_up_cause_text(f, view.session, language)) + "<br><span class=\"muted\">" +
                escape(tr(language, "since {1}", {moment(f.created_at, page.zone, language)})) +
                "</span>\n<form method=\"post\" action=\"/p/" + escape(page.programme.id) + "/follow-ups/" + id +
                "/done\">\n" + lead_pages::csrf_field(page.csrf) + "<button type=\"submit\">" +
                escape(tr(language, "Done")) + "</button>\n</form></li>\n";
    }
    return html + "</ul>\n";
}

HttpAnswer session_page(const PageContext& page, const SessionRoster& roster) {
    const Language language = page.language;
    const StoredSession& session = roster.session;
    const bool cancelled = session.status == SessionStatus::cancelled;
    std::string html = card(page, roster, false);
    html += "<nav class=\"actions\" aria-label=\"" + escape(tr(language, "Session actions")) + "\">\n";
    if (!cancelled)
        html += "<a href=\"" + escape(session_href(page.programme, session.id)) + "/creche\">" +
                escape(tr(language, "Crèche list")) + "</a>\n<a href=\"" +
                escape(action_href(page, session, SessionAction::move)) + "\">" + escape(tr(language, "Move")) +
                "</a>\n<a href=\"" + escape(action_href(page, session, SessionAction::cancel)) + "\">" +
                escape(tr(language, "Cancel")) + "</a>\n";
    if (session.lead_override)
        html += "<a href=\"" + escape(action_href(page, session, SessionAction::restore)) + "\">" +
                escape(tr(language, "Restore as in the programme")) + "</a>\n";
    html += "</nav>\n";

    html += "<section aria-labelledby=\"attendance\">\n<h2 id=\"attendance\">" + escape(tr(language, "Attendance")) +
            "</h2>\n";
    if (cancelled) {
        html += "<p>" + escape(tr(language, "A cancelled session has no attendance.")) + "</p>\n";
    } else if (roster.entries.empty()) {
        html += "<p>" + escape(tr(language, "No participants are enrolled.")) + "</p>\n";
    } else {
        if (!may_be_marked(session, AttendanceStatus::present, page.now))
            html += "<p class=\"muted\">" +
                    escape(tr(language, "Present and absent can be marked from the start of the session.")) + "</p>\n";
        html += "<ul class=\"plain\">\n";
        const std::string action = session_href(page.programme, session.id) + "/attendance";
        for (const auto& entry : roster.entries) {
            const std::string label_id = "name-" + entry.participant_id;
            const std::optional<AttendanceStatus> mark =
                entry.attendance ? std::optional(entry.attendance->status) : std::nullopt;
            html += "<li><span id=\"" + escape(label_id) + "\">" + name_link(page, entry) + "</span> " +
                    attendance_tag(mark, language) + "\n<div class=\"marks\" role=\"group\" aria-labelledby=\"" +
                    escape(label_id) + "\">\n";
            for (const AttendanceStatus status :
                 {AttendanceStatus::present, AttendanceStatus::absent, AttendanceStatus::excused}) {
                if (!may_be_marked(session, status, page.now)) continue;
                html += "<form method=\"post\" action=\"" + escape(action) + "\">\n" +
                        lead_pages::csrf_field(page.csrf) + "<input type=\"hidden\" name=\"participant\" value=\"" +
                        escape(entry.participant_id) + "\">\n<input type=\"hidden\" name=\"status\" value=\"" +
                        std::string(name_of(status)) + "\">\n<button type=\"submit\" aria-pressed=\"" +
                        (mark == status ? "true" : "false") + "\">" + escape(attendance_status_text(status, language)) +
                        "</button>\n</form>\n";
            }
            html += "</div></li>\n";
        }
        html += "</ul>\n";
    }
    html += "</section>\n";
    return lead_pages::html(language, 200, session_title(session, language), html, {}, back_to_programme(page));
}

HttpAnswer creche_page(const PageContext& page, const SessionRoster& roster) {
    const Language language = page.language;
    const StoredSession& session = roster.session;
    std::string html = "<p>" + escape(page.programme.name) + " · " + escape(where(page, session)) + "</p>\n";
    int mothers = 0, not_counted = 0;
    std::string rows;
    for (const auto& entry : roster.entries) {
        if (entry.children_in_care <= 0) continue;
        if (!entry.expected()) {
            not_counted += entry.children_in_care;
            continue;
        }
        ++mothers;
        rows += "<tr><th scope=\"row\">" + escape(entry.name) + "</th><td class=\"number\">" +
                std::to_string(entry.children_in_care) + "</td></tr>\n";
    }
    if (session.status == SessionStatus::cancelled) {
        html += "<p><strong>" + escape(tr(language, "This session is cancelled.")) + "</strong></p>\n";
    } else if (mothers == 0) {
        html += "<p>" + escape(tr(language, "No children need the crèche for this session.")) + "</p>\n";
    } else {
        html += "<table>\n<caption class=\"muted\">" + escape(tr(language, "Mothers expected and their children")) +
                "</caption>\n<thead><tr><th scope=\"col\">" + escape(tr(language, "Mother")) +
                "</th><th scope=\"col\" class=\"number\">" + escape(tr(language, "Children")) +
                "</th></tr></thead>\n<tbody>\n" + rows + "</tbody>\n<tfoot><tr><th scope=\"row\">" +
                escape(tr(language, "Total")) + "</th><td class=\"number\"><strong>" +
                std::to_string(roster.children_expected()) + "</strong></td></tr></tfoot>\n</table>\n";
    }
    if (not_counted > 0)
        html += "<p class=\"muted\">" +
                escape(tr_count(language, not_counted, "{n} child of mothers who will not come is not counted.",
                                "{n} children of mothers who will not come are not counted.")) +
                "</p>\n";
    html += "<p class=\"muted no-print\">" + escape(tr(language, "Print this page with your browser's print button.")) +
            "</p>\n";
    return lead_pages::html(
        language, 200, tr(language, "Crèche list, {1}", {lead_pages::session_when(session, language)}), html, {},
        lead_pages::Back{session_href(page.programme, session.id), session_title(session, language)});
}

HttpAnswer participant_page(const PageContext& page, const ParticipantHistory& history) {
    const Language language = page.language;
    const Participant& her = history.participant;
    auto fact = [](const std::string& term, const std::string& value) {
        return "<dt>" + escape(term) + "</dt><dd>" + escape(value) + "</dd>\n";
    };
    std::string channels;
    if (her.channels.sms) channels += "SMS";
    if (her.channels.email) channels += std::string(channels.empty() ? "" : ", ") + tr(language, "e-mail");
    std::string html = "<dl class=\"columns\">\n";
    html += fact(tr(language, "Language"), her.language);
    html += fact(tr(language, "Channels"), channels.empty() ? tr(language, "none") : channels);
    html += fact(tr(language, "Phone"), her.phone.empty() ? tr(language, "none") : mask_phone(her.phone));
    html += fact(tr(language, "E-mail"), her.email.empty() ? tr(language, "none") : mask_email(her.email));
    html += fact(tr(language, "Children in the crèche"), std::to_string(her.children_in_care));
    if (her.sms_opt_out) html += fact(tr(language, "SMS"), tr(language, "stopped (she sent STOP)"));
    if (!history.enrolled) html += fact(tr(language, "Enrolled"), tr(language, "(no longer enrolled)"));
    html += "</dl>\n";

    html += "<h2>" + escape(tr(language, "Sessions and attendance")) + "</h2>\n<p>" +
            escape(tr(language, "Present: {1}", {percent_text(history.attendance.summary, language)})) + "</p>\n";
    html += "<table>\n<thead><tr><th scope=\"col\">" + escape(tr(language, "Session")) + "</th><th scope=\"col\">" +
            escape(tr(language, "Attendance")) + "</th></tr></thead>\n<tbody>\n";
    for (size_t i = 0; i < history.sessions.size(); ++i) {
        const StoredSession& session = history.sessions[i].session;
        html += "<tr><th scope=\"row\"><a href=\"" + escape(session_href(page.programme, session.id)) + "\">" +
                escape(session_title(session, language)) + "</a></th><td>" +
                (history.sessions[i].held || history.attendance.marks[i]
                     ? attendance_tag(history.attendance.marks[i], language)
                     : "<span class=\"muted\">" + escape(tr(language, "to come")) + "</span>") +
                "</td></tr>\n";
    }
    html += "</tbody>\n</table>\n";

    html += "<h2>" + escape(tr(language, "Messages")) + "</h2>\n";
    if (history.messages.empty()) {
        html += "<p>" + escape(tr(language, "No messages yet.")) + "</p>\n";
    } else {
        html += "<ul class=\"plain\">\n";
        for (const auto& message : history.messages) {
            const Delivery& delivery = message.delivery;
            const UtcInstant when = delivery.sent_at ? *delivery.sent_at : delivery.send_at;
            const bool bad = delivery.state == DeliveryState::failed || delivery.state == DeliveryState::expired;
            html += "<li>" + escape(moment(when, page.zone, language)) + " · " +
                    escape(kind_count(delivery.kind, 1, language)) + " · " + escape(delivery.channel) +
                    " · <span class=\"tag " +
                    (bad                                     ? "no"
                     : delivery.state == DeliveryState::sent ? "yes"
                                                             : "warn") +
                    "\">" + escape(state_words(delivery.state, language)) + "</span>";
            if (!delivery.reason.empty()) html += " <span class=\"muted\">(" + escape(reason_phrase(delivery.reason).in(language)) + ")</span>";
            if (!message.receipts.empty()) {
                html += "\n<ul>\n";
                for (const auto& receipt : message.receipts)
                    html += "<li>" +
                            escape(tr(language, "receipt {1}: {2}",
                                      {moment(receipt.at, page.zone, language), receipt_words(receipt.status, language)})) +
                            "</li>\n";
                html += "</ul>\n";
            }
            html += "</li>\n";
        }
        html += "</ul>\n";
    }

    html += "<h2>" + escape(tr(language, "Answers")) + "</h2>\n";
    if (history.answers.empty()) {
        html += "<p>" + escape(tr(language, "No answers.")) + "</p>\n";
    } else {
        html += "<ul class=\"plain\">\n";
        for (const auto& answer : history.answers) {
            html += "<li>" + escape(moment(answer.received_at, page.zone, language)) + " · " +
                    escape(reading_words(answer.reading, language));
            for (const auto& session : history.sessions)
                if (session.session.id == answer.session_id)
                    html += " · <a href=\"" + escape(session_href(page.programme, session.session.id)) + "\">" +
                            escape(session_title(session.session, language)) + "</a>";
            html += "<blockquote>" + escape(answer.words) + "</blockquote></li>\n";
        }
        html += "</ul>\n";
    }
    return lead_pages::html(language, 200, her.name, html, {}, back_to_programme(page));
}

HttpAnswer action_form(const PageContext& page, SessionAction action, const StoredSession& session,
                       const ActionFields& fields, const std::vector<ChangeError>& errors, unsigned status) {
    const Language language = page.language;
    std::string html = errors_box(errors, language);
    html += "<p>" + escape(session_title(session, language)) + " · " + escape(where(page, session)) + "</p>\n";
    if (action == SessionAction::restore)
        html += "<p>" + escape(tr(language, "The session goes back to the time and place of the programme file.")) +
                "</p>\n";
    html += "<form method=\"post\" action=\"" + escape(action_href(page, session, action)) + "\">\n" +
            lead_pages::csrf_field(page.csrf) + action_fields(page, action, session, fields, false) +
            "<div class=\"actions\"><button type=\"submit\" class=\"primary\">" +
            escape(tr(language, "Show what will be sent")) + "</button></div>\n</form>\n";
    return lead_pages::html(
        language, status, action_title(action, language), html, errors.empty() ? std::string() : "change refused",
        lead_pages::Back{session_href(page.programme, session.id), session_title(session, language)});
}

HttpAnswer action_preview(const PageContext& page, SessionAction action, const StoredSession& session,
                          const ActionFields& fields, const ActionPreview& preview) {
    const Language language = page.language;
    std::string html = "<p><strong>" + escape(preview.change) + "</strong></p>\n";
    if (!preview.warnings.empty()) {
        html += "<div class=\"warnings\">\n<p><strong>" + escape(tr(language, "Mind this:")) + "</strong></p>\n<ul>\n";
        for (const auto& warning : preview.warnings) html += "<li>" + escape(warning) + "</li>\n";
        html += "</ul>\n</div>\n";
    }
    if (!preview.changes_nothing) {
        html += "<h2>" + escape(tr(language, "Messages")) + "</h2>\n" + messages_preview(page, preview);
        html += "<p class=\"muted\">" + escape(tr(language, "Nothing has changed yet.")) + "</p>\n";
        html += "<form method=\"post\" action=\"" + escape(action_href(page, session, action)) + "\">\n" +
                lead_pages::csrf_field(page.csrf) + action_fields(page, action, session, fields, true) +
                "<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n<div class=\"actions\">"
                "<button type=\"submit\" class=\"primary\">" +
                escape(tr(language, "Confirm")) + "</button></div>\n</form>\n";
    }
    html += "<p><a href=\"" + escape(action_href(page, session, action)) + "\">" +
            escape(tr(language, "Change the form")) + "</a> · <a href=\"" +
            escape(session_href(page.programme, session.id)) + "\">" + escape(tr(language, "Back to the session")) +
            "</a></p>\n";
    return lead_pages::html(
        language, 200, action_title(action, language), html, {},
        lead_pages::Back{session_href(page.programme, session.id), session_title(session, language)});
}

HttpAnswer refused(const PageContext& page, const std::vector<ChangeError>& errors, const std::string& back_href) {
    const Language language = page.language;
    const bool conflict = !errors.empty() && errors.front().kind == ChangeError::Kind::conflict;
    return lead_pages::html(language, conflict ? 409 : 400, tr(language, "Not changed"),
                            errors_box(errors, language) + "<p><a href=\"" + escape(back_href) + "\">" +
                                escape(tr(language, "Back")) + "</a></p>\n",
                            "change refused");
}

}  // namespace ritme::programme_views
