#include "engine/changes/group_message.hpp"

#include "engine/base/utf8.hpp"
#include "engine/time/time_zone.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace ritme {
namespace {

// A group message not sent within two days of its time (the daemon was down) is of no
// more use: it expires rather than arriving late.
constexpr int group_message_useful_hours = 48;

UtcInstant plus_hours(UtcInstant at, int hours) { return {at.utc + boost::posix_time::hours(hours)}; }

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

}  // namespace

int GroupMessageOutcome::sms_segments() const {
    int total = 0;
    for (const GroupLanguage& language : languages) total += language.sms_segments();
    return total;
}

ChangeResult<GroupMessageOutcome> send_group_message(Store& store, const PlanningRules& rules,
                                                     const GroupMessageRequest& request, const AuditContext& audit,
                                                     GroupSend mode) {
    std::vector<ChangeError> errors;
    const auto programme = store.programme(request.programme_id);
    if (!programme)
        return ChangeError{ChangeError::Kind::bad_input, "programme", "no programme " + request.programme_id,
                           "see `ritme status` for the programmes applied"};
    GroupMessage message;
    message.programme_id = programme->id;
    message.author = audit.actor;
    message.created_at = audit.at;
    for (const auto& [language, text] : request.texts) {
        const std::string words = trimmed(text);
        if (words.empty()) continue;  // an empty translation is no translation
        const std::string field = language == "nl" ? "text" : "text-" + language;
        if (!is_valid_utf8(words)) {
            errors.push_back({ChangeError::Kind::bad_input, field, "{" + field + "} is not UTF-8 text", ""});
            continue;
        }
        if (count_code_points(words) > static_cast<size_t>(group_message_max_characters)) {
            errors.push_back({ChangeError::Kind::bad_input, field,
                              "{" + field + "} has " + std::to_string(count_code_points(words)) + " characters",
                              "keep it to " + std::to_string(group_message_max_characters) + " characters"});
            continue;
        }
        message.texts[language] = words;
    }
    if (!message.texts.count("nl"))
        errors.push_back({ChangeError::Kind::bad_input, "text", "{text} is empty",
                          "write the message in Dutch; other languages are optional"});

    const TimeZone zone = TimeZone::load(programme->timezone);
    UtcInstant due = audit.at;
    if (request.at) {
        const auto converted = zone.to_utc(*request.at, session_time_policy);
        if (!converted.instant || converted.instant->utc < audit.at.utc - boost::posix_time::minutes(1))
            errors.push_back({ChangeError::Kind::bad_input, "at",
                              "{at} " + request.at->iso() + " is in the past",
                              "give a time to come, or none to send now"});
        else if (converted.instant->utc > due.utc)
            due = *converted.instant;
    }
    const auto enrolled = store.participants_of(programme->id);
    if (enrolled.empty())
        errors.push_back({ChangeError::Kind::conflict, "programme", programme->id + " has no participants",
                          "enrol participants first (`ritme participant enrol`)"});
    if (!errors.empty()) return errors;
    message.send_at = due;

    GroupMessageOutcome outcome;
    outcome.due_at = due;
    std::map<std::string, GroupLanguage> by_language;
    const TimeZone quiet_zone = TimeZone::load(rules.timezone);
    struct Recipient {
        std::string participant_id;
        std::string channel;
        UtcInstant send_at;
    };
    std::vector<Recipient> recipients;
    for (const auto& id : enrolled) {
        const auto person = store.participant(id);
        if (!person) continue;
        const auto routes = routes_reaching(*person, rules);
        if (routes.empty()) {
            outcome.unreached.push_back(person->id);
            continue;
        }
        // Her text: her language's, else its primary language's, else the Dutch one.
        const std::string language = message.language_for(person->language);
        GroupLanguage& reading = by_language[language];
        reading.language = language;
        ++reading.participants;
        for (const auto& [medium, route] : routes) {
            (medium == Medium::sms ? reading.by_sms : reading.by_email) += 1;
            const UtcInstant send_at =
                route->quiet_hours && !rules.defaults.quiet_hours.empty() ? rules.defaults.quiet_hours.end_of(due, quiet_zone)
                                                                          : due;
            recipients.push_back({person->id, route->channel, send_at});
        }
    }
    for (auto& [language, reading] : by_language) {
        reading.text = normalise_for_gsm7(message.texts.at(language));
        reading.sms = measure_sms(reading.text);
        outcome.languages.push_back(reading);
    }
    outcome.deliveries = static_cast<int>(recipients.size());
    if (mode == GroupSend::dry_run) return outcome;

    store.write([&] {
        outcome.message_id = store.add_group_message(message);
        for (const Recipient& recipient : recipients) {
            Delivery row;
            row.kind = DeliveryKind::group;
            row.key = "group:" + std::to_string(outcome.message_id) + ":" + recipient.participant_id + ":" +
                      recipient.channel;
            row.programme_id = programme->id;
            row.participant_id = recipient.participant_id;
            row.channel = recipient.channel;
            row.due_at = due;
            row.send_at = recipient.send_at;
            row.expires_at = plus_hours(recipient.send_at, group_message_useful_hours);
            row.updated_at = audit.at;
            row.payload = nlohmann::json{{"group", outcome.message_id}}.dump();
            store.add_delivery(row);
        }
        // Audited without the words.
        std::string languages;
        for (const auto& [language, text] : message.texts) languages += (languages.empty() ? "" : ",") + language;
        store.record(audit.entry("group.sent", programme->id,
                                 "message " + std::to_string(outcome.message_id) + " in " + languages + " to " +
                                     std::to_string(outcome.deliveries) + " deliveries, due " + due.iso()));
    });
    return outcome;
}

}  // namespace ritme
