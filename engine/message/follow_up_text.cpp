#include "engine/message/follow_up_text.hpp"

#include "engine/message/local_dates.hpp"

namespace ritme {

std::string follow_up_text(const StoredFollowUp& follow_up, const std::string& participant_name,
                           const std::optional<StoredSession>& session, Language language) {
    const std::string date = session ? format_short_weekday_date(session->date, std::string(tag_of(language))) : "?";
    switch (follow_up.cause) {
        case FollowUpCause::absent_without_notice:
            return tr(language, "{1} was not there ({2}) and had not called off", {participant_name, date});
        case FollowUpCause::absences_in_a_row:
            return tr(language, "{1} was absent {2} times in a row (up to {3})",
                      {participant_name, std::to_string(follow_up.count), date});
        case FollowUpCause::no_answers_in_a_row:
            return tr(language, "{1} said NEE to {2} sessions in a row (up to {3})",
                      {participant_name, std::to_string(follow_up.count), date});
    }
    return participant_name;
}

std::string follow_up_cause_text(const StoredFollowUp& follow_up, const std::optional<StoredSession>& session,
                                 Language language) {
    const std::string count = std::to_string(follow_up.count);
    switch (follow_up.cause) {
        case FollowUpCause::absent_without_notice:
            return tr(language, "absent without calling off ({1})",
                      {session ? format_short_weekday_date(session->date, std::string(tag_of(language))) : "?"});
        case FollowUpCause::absences_in_a_row:
            return tr(language, "absent {1} times in a row", {count});
        case FollowUpCause::no_answers_in_a_row:
            return tr(language, "NEE {1} times in a row", {count});
    }
    return std::string(name_of(follow_up.cause));
}

std::string absent_without_notice_text(const std::string& participant_name, const StoredSession& session,
                                       Language language) {
    return tr(language, "{1} was not there ({2}) and had not called off: give her a call",
              {participant_name, format_short_weekday_date(session.date, std::string(tag_of(language)))});
}

}  // namespace ritme
