#include "engine/http/feed_links_page.hpp"

#include "engine/changes/calendar_feeds.hpp"
#include "engine/http/lead_pages.hpp"
#include "engine/message/local_dates.hpp"

namespace ritme::feed_links_page {
namespace {

using lead_pages::escape;

std::string kind_words(FeedKind kind, Language language) {
    switch (kind) {
        case FeedKind::programme: return tr(language, "for leads");
        case FeedKind::creche: return tr(language, "for the crèche");
        case FeedKind::participant: return tr(language, "for a participant");
    }
    return {};
}

}  // namespace

std::string section(const Store& store, const ProgrammeSectionRequest& request) {
    const Language language = request.language;
    const TimeZone zone = TimeZone::load(request.programme.timezone);
    std::string html = "<h2 id=\"calendar-feeds-title\">" + escape(tr(language, "Calendar feeds")) + "</h2>\n";
    html += "<p class=\"muted\">" +
            escape(tr(language, "A feed link puts the sessions in a phone's calendar; moves and cancellations "
                                "follow. Its address is shown once, when it is made.")) +
            "</p>\n";
    const auto feeds = store.feed_tokens(request.programme.id);
    if (!feeds.empty()) {
        html += "<ul>\n";
        for (const FeedToken& feed : feeds) {
            const LocalDateTime made = zone.to_local(feed.created_at);
            std::string line = kind_words(feed.kind, language);
            if (feed.kind == FeedKind::participant) line += " (" + feed_audience(store, feed) + ")";
            line += " · " + tr(language, "made {1} by {2}",
                               {format_short_weekday_date(made.date, std::string(tag_of(language))), feed.created_by});
            if (feed.revoked_at) {
                line += " · " + tr(language, "revoked");
                html += "<li>" + escape(line) + "</li>\n";
                continue;
            }
            html += "<li>" + escape(line) + " <form class=\"inline\" method=\"post\" action=\"/p/" +
                    escape(request.programme.id) + "/feeds\">" + lead_pages::csrf_field(request.csrf) +
                    "<input type=\"hidden\" name=\"revoke\" value=\"" + escape(feed.id) + "\"><button type=\"submit\">" +
                    escape(tr(language, "Revoke")) + "</button></form></li>\n";
        }
        html += "</ul>\n";
    }
    html += "<form method=\"post\" action=\"/p/" + escape(request.programme.id) + "/feeds\">\n" +
            lead_pages::csrf_field(request.csrf) + "<label for=\"feed-kind\">" + escape(tr(language, "New feed")) +
            "</label>\n<select id=\"feed-kind\" name=\"kind\">\n<option value=\"programme\">" +
            escape(kind_words(FeedKind::programme, language)) + "</option>\n<option value=\"creche\">" +
            escape(kind_words(FeedKind::creche, language)) + "</option>\n</select>\n<div class=\"actions\">"
            "<button type=\"submit\">" + escape(tr(language, "Make a feed link")) + "</button></div>\n</form>\n";
    return html;
}

HttpAnswer make(Store& store, const programme_views::PageContext& page, const CallbackRequest& request,
                const std::string& lead_name) {
    const Language language = page.language;
    const std::string back = "/p/" + page.programme.id;
    const AuditContext audit{request.received_at, lead_name, "page feed"};
    // Revoking one of this programme's feeds: its URL answers 404 from then on.
    if (const auto revoke = request.form_value("revoke")) {
        const auto feed = store.feed_token(*revoke);
        if (!feed || feed->programme_id != page.programme.id)
            return lead_pages::not_found(language, "no such feed in the programme");
        const auto revoked = revoke_feed(store, feed->id, audit);
        if (!revoked.ok()) return programme_views::refused(page, revoked.errors, back);
        HttpAnswer answer = HttpAnswer::text(303, "");
        answer.headers.emplace_back("Location", back + "#calendar-feeds");
        answer.headers.emplace_back("Cache-Control", "no-store");
        return answer;
    }
    const std::string kind = request.form_value("kind").value_or("");
    if (kind != "programme" && kind != "creche")
        return programme_views::refused(
            page, {{ChangeError::Kind::bad_input, "kind", "no kind of feed chosen", "choose for leads or the crèche"}},
            back);
    // The URL's start: the address she reached this page on.
    std::string base = request.public_url;
    if (const auto path = base.find(request.target); path != std::string::npos && !request.target.empty())
        base.resize(path);
    const auto made = add_feed(store, {page.programme.id, "", kind == "creche"}, base, audit);
    if (!made.ok()) return programme_views::refused(page, made.errors, back);
    std::string html = "<p>" +
                       escape(tr(language, "Subscribe to this address in a calendar app. It is shown only now: "
                                           "copy it, and give it only to whom it is for.")) +
                       "</p>\n<p><code>" + escape(made.value.url) + "</code></p>\n";
    html += "<p><a href=\"" + escape(back) + "\">" + escape(tr(language, "Back")) + "</a></p>\n";
    return lead_pages::html(language, 200, tr(language, "Calendar feeds"), html, {},
                            lead_pages::Back{back, page.programme.name});
}

}  // namespace ritme::feed_links_page
