#include "engine/store/follow_up.hpp"

#include "engine/base/enum_names.hpp"

#include <array>
#include <utility>

namespace ritme {
namespace {

// As the store writes them; never renamed.
constexpr std::array<std::pair<FollowUpCause, std::string_view>, 3> cause_names{{
    {FollowUpCause::absent_without_notice, "absent-without-notice"},
    {FollowUpCause::absences_in_a_row, "absences-in-a-row"},
    {FollowUpCause::no_answers_in_a_row, "no-answers-in-a-row"},
}};

}  // namespace

std::string_view name_of(FollowUpCause cause) { return name_in(cause_names, cause); }

std::optional<FollowUpCause> parse_follow_up_cause(std::string_view text) { return parse_in(cause_names, text); }

}  // namespace ritme
