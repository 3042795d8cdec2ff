#include "engine/http/group_message_page.hpp"

#include "engine/changes/group_message.hpp"
#include "engine/http/lead_pages.hpp"
#include "engine/time/local_time_text.hpp"

#include <cctype>
#include <set>

namespace ritme::group_message_page {
namespace {

using lead_pages::escape;

std::string message_href(const Programme& programme) { return "/p/" + programme.id + "/message"; }

// The languages her participants read other than Dutch: a text field each.
std::set<std::string> other_languages(const Store& store, const std::string& programme_id) {
    std::set<std::string> languages;
    for (const auto& id : store.participants_of(programme_id))
        if (const auto person = store.participant(id)) {
            const std::string primary = person->language.substr(0, person->language.find('-'));
            if (primary != "nl" && !primary.empty()) languages.insert(primary);
        }
    return languages;
}

bool is_language_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 12) return false;
    for (const char c : tag)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    return true;
}

// The form's fields, filled with what she wrote; hidden in the preview.
std::string fields(Language language, const std::map<std::string, std::string>& texts,
                   const std::set<std::string>& languages, const std::string& at, bool hidden) {
    auto text_of = [&](const std::string& tag) {
        const auto found = texts.find(tag);
        return found == texts.end() ? std::string() : found->second;
    };
    std::string html;
    if (hidden) {
        for (const auto& [tag, text] : texts) {
            const std::string name = tag == "nl" ? "text" : "text-" + tag;
            html += "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(text) + "\">\n";
        }
        return html + "<input type=\"hidden\" name=\"at\" value=\"" + escape(at) + "\">\n";
    }
    html += "<label for=\"group-text\">" + escape(tr(language, "Message (Dutch)")) + "</label>\n"
            "<textarea id=\"group-text\" name=\"text\" rows=\"4\" maxlength=\"" +
            std::to_string(group_message_max_characters) + "\" required>" + escape(text_of("nl")) + "</textarea>\n";
    for (const auto& tag : languages) {
        const std::string id = "group-text-" + tag;
        html += "<label for=\"" + escape(id) + "\">" +
                escape(tr(language, "Message in {1} (optional; else they read the Dutch one)", {tag})) +
                "</label>\n<textarea id=\"" + escape(id) + "\" name=\"text-" + escape(tag) +
                "\" rows=\"3\" maxlength=\"" + std::to_string(group_message_max_characters) + "\">" +
                escape(text_of(tag)) + "</textarea>\n";
    }
    html += "<label for=\"group-at\">" + escape(tr(language, "When (empty: now)")) + "</label>\n"
            "<input id=\"group-at\" type=\"datetime-local\" name=\"at\" value=\"" + escape(at) + "\">\n";
    return html;
}

}  // namespace

std::string section(const Store& store, const ProgrammeSectionRequest& request) {
    const Language language = request.language;
    std::string html = "<h2 id=\"group-message-title\">" + escape(tr(language, "Message to the group")) + "</h2>\n";
    html += "<form method=\"post\" action=\"" + escape(message_href(request.programme)) + "\">\n" +
            lead_pages::csrf_field(request.csrf) +
            fields(language, {}, other_languages(store, request.programme.id), "", false) +
            "<div class=\"actions\"><button type=\"submit\">" + escape(tr(language, "Show what it costs")) +
            "</button></div>\n</form>\n";
    return html;
}

HttpAnswer answer(Store& store, const PlanningRules* rules, const programme_views::PageContext& page,
                  const CallbackRequest& request, const std::string& lead_name, bool& sent) {
    sent = false;
    const Language language = page.language;
    const std::string back = "/p/" + page.programme.id;
    if (!rules)
        return lead_pages::html(language, 503, tr(language, "Not changed"),
                                "<p>" + escape(tr(language, "ritme is starting; try again in a moment.")) + "</p>\n",
                                "no planning rules yet");
    GroupMessageRequest wanted;
    wanted.programme_id = page.programme.id;
    wanted.texts["nl"] = request.form_value("text").value_or("");
    for (const auto& tag : other_languages(store, page.programme.id))
        if (auto text = request.form_value("text-" + tag); text && is_language_tag(tag)) wanted.texts[tag] = *text;
    const std::string at = request.form_value("at").value_or("");
    if (!at.empty()) {
        // datetime-local sends "2026-03-03T09:30".
        wanted.at = parse_local_date_and_time(at);
        if (!wanted.at)
            return programme_views::refused(
                page,
                {{ChangeError::Kind::bad_input, "at", "\"" + at + "\" is not a date and a time",
                  "choose a date and a time, or none to send now"}},
                back);
    }
    const bool confirmed = request.form_value("confirm") == "yes";
    const AuditContext audit{request.received_at, lead_name, "page message"};
    const auto result =
        send_group_message(store, *rules, wanted, audit, confirmed ? GroupSend::send : GroupSend::dry_run);
    if (!result.ok()) return programme_views::refused(page, result.errors, back);
    if (confirmed) {
        sent = true;
        HttpAnswer answer = HttpAnswer::text(303, "");
        answer.headers.emplace_back("Location", back + "#group-message");
        answer.headers.emplace_back("Cache-Control", "no-store");
        return answer;
    }

    // The preview: per language, then the total; nothing is stored yet.
    const GroupMessageOutcome& outcome = result.value;
    std::string html = "<table>\n<caption>" + escape(tr(language, "Who reads what, and what it costs")) +
                       "</caption>\n<thead><tr><th scope=\"col\">" + escape(tr(language, "Language")) +
                       "</th><th scope=\"col\">" + escape(tr(language, "Participants")) + "</th><th scope=\"col\">" +
                       escape(tr(language, "Segments per SMS")) + "</th><th scope=\"col\">" +
                       escape(tr(language, "SMS in all")) + "</th></tr></thead>\n<tbody>\n";
    for (const GroupLanguage& reading : outcome.languages) {
        html += "<tr><td>" + escape(reading.language) + "</td><td>" + std::to_string(reading.participants) +
                "</td><td>" + std::to_string(reading.sms.segments) + " (" + escape(reading.sms.encoding == SmsEncoding::gsm7 ? "GSM-7" : "UCS-2") +
                ")</td><td>" + std::to_string(reading.sms_segments()) + "</td></tr>\n";
        html += "<tr><td colspan=\"4\"><blockquote lang=\"" + escape(reading.language) + "\">" + escape(reading.text) +
                "</blockquote></td></tr>\n";
    }
    html += "</tbody>\n</table>\n";
    html += "<p>" + escape(tr_count(language, outcome.sms_segments(), "{n} SMS segment", "{n} SMS segments")) + "; " +
            escape(tr(language, "{1} messages in all.", {std::to_string(outcome.deliveries)})) + "</p>\n";
    if (!outcome.unreached.empty())
        html += "<p class=\"warnings\">" +
                escape(tr(language, "{1} participants have no channel it can reach them on.",
                          {std::to_string(outcome.unreached.size())})) +
                "</p>\n";
    html += "<p class=\"muted\">" + escape(tr(language, "Nothing has been sent yet.")) + "</p>\n";
    html += "<form method=\"post\" action=\"" + escape(message_href(page.programme)) + "\">\n" +
            lead_pages::csrf_field(page.csrf) + fields(language, wanted.texts, {}, at, true) +
            "<input type=\"hidden\" name=\"confirm\" value=\"yes\">\n<div class=\"actions\">"
            "<button type=\"submit\" class=\"primary\">" +
            escape(tr(language, "Send")) + "</button></div>\n</form>\n";
    html += "<p><a href=\"" + escape(back + "#group-message") + "\">" + escape(tr(language, "Back")) + "</a></p>\n";
    return lead_pages::html(language, 200, tr(language, "Message to the group"), html, {},
                            lead_pages::Back{back, page.programme.name});
}

}  // namespace ritme::group_message_page
